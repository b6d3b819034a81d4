import { UserError } from "../errors.js";
import { NORM_KINDS, NORM_PLACES, type NormKind, type NormPlace } from "./norm-layer.js";

/**
 * The structure of a network beyond its widths: residual blocks and normalization layers
 * (docs/architectures.md defines them exactly, with the equivalent PyTorch module).
 *
 * A residual network with sizes [d, h, h, ..., h, out] and m dense layers per branch: the first
 * hidden layer projects the input to the stream, x_0 = W_0 x + b_0; then L = (hidden - 1) / m
 * pre-activation blocks
 *   x_{l+1} = x_l + alpha_l F_l(x_l),   F_l(x) = W_{l,m} phi(N(... W_{l,1} phi(N(x)) + b_{l,1} ...)) + b_{l,m}
 * (N: the optional normalization before each activation, or after it with normPlace "post");
 * the read-out is W_out phi(N(x_L)) + b_out.
 */
export interface ArchitectureSpec {
  /** Dense layers per residual branch: 0 = a plain MLP, 1 or 2. */
  residual: 0 | 1 | 2;
  /** Branch scale alpha (see BRANCH_SCALES). */
  branchScale: BranchScale;
  /** alpha when branchScale is "const". */
  branchConst: number;
  norm: NormKind;
  normPlace: NormPlace;
  /** "fixup": Fixup initialization of the branches (Zhang, Dauphin & Ma 2019, arXiv:1901.09321; src/init/fixup.ts). */
  branchInit: BranchInit;
}

/**
 * The branch scale alpha of x_{l+1} = x_l + alpha F(x_l):
 * - "one": alpha = 1 (He et al. 2016);
 * - "const": alpha = branchConst;
 * - "inv_sqrt_depth": alpha = 1/sqrt(L) for L blocks (the stream variance stays below e times its start);
 * - "rezero": a learnable scalar per block, initialized to 0 (Bachlechner et al. 2020, arXiv:2003.04887);
 * - "skipinit": the same computation as "rezero" here (a learnable scalar per block from 0 at the
 *   end of the branch; De & Smith 2020, arXiv:2002.10444): the papers differ in what they pair it
 *   with (ReZero drops the normalization layers, SkipInit replaces BatchNorm), not in the formula.
 */
export const BRANCH_SCALES = ["one", "const", "inv_sqrt_depth", "rezero", "skipinit"] as const;
/** One of BRANCH_SCALES. */
export type BranchScale = (typeof BRANCH_SCALES)[number];

/** How residual branches are initialized: the layer initializers as they are, or Fixup's rescaling on top. */
export const BRANCH_INITS = ["standard", "fixup"] as const;
/** One of BRANCH_INITS. */
export type BranchInit = (typeof BRANCH_INITS)[number];

/** A plain MLP: no residual blocks, no normalization. */
export const PLAIN_ARCHITECTURE: ArchitectureSpec = {
  residual: 0,
  branchScale: "one",
  branchConst: 1,
  norm: "none",
  normPlace: "pre",
  branchInit: "standard",
};

/** The keys of an ArchitectureSpec. */
export const ARCHITECTURE_KEYS = Object.keys(PLAIN_ARCHITECTURE) as (keyof ArchitectureSpec)[];

/** True for an architecture that computes exactly the plain MLP. */
export function isPlain(a: ArchitectureSpec): boolean {
  return a.residual === 0 && a.norm === "none";
}

/** Whether a branch scale is a learnable scalar (initialized to 0). */
export function learnableScale(s: BranchScale): boolean {
  return s === "rezero" || s === "skipinit";
}

/** Number of residual blocks of a network with these sizes (0 for a plain one). */
export function blockCount(sizes: readonly number[], a: ArchitectureSpec): number {
  return a.residual === 0 ? 0 : Math.floor((sizes.length - 3) / a.residual);
}

/** The initial alpha of every block (learnable ones start at 0). */
export function initialBranchScale(a: ArchitectureSpec, blocks: number): number {
  switch (a.branchScale) {
    case "one":
      return 1;
    case "const":
      return a.branchConst;
    case "inv_sqrt_depth":
      return 1 / Math.sqrt(Math.max(1, blocks));
    default:
      return 0;
  }
}

/**
 * Why this architecture does not fit a network with these hidden widths (one line), or null:
 * residual blocks need equal hidden widths and (hidden layers - 1) divisible by m (the first hidden
 * layer projects the input); the branch scale and Fixup need residual blocks.
 */
export function architectureProblem(hidden: readonly number[], a: ArchitectureSpec): string | null {
  const choices: [keyof ArchitectureSpec, readonly unknown[]][] = [
    ["residual", [0, 1, 2]],
    ["branchScale", BRANCH_SCALES],
    ["branchInit", BRANCH_INITS],
    ["norm", NORM_KINDS],
    ["normPlace", NORM_PLACES],
  ];
  for (const [k, values] of choices) {
    if (!values.includes(a[k]))
      return `${k}: unknown value ${JSON.stringify(a[k])}; valid: ${values.join(", ")}`;
  }
  if (a.residual === 0) {
    if (a.branchScale !== "one")
      return `branchScale: "${a.branchScale}" needs residual blocks (--residual 1 or 2)`;
    if (a.branchInit === "fixup")
      return "branchInit: fixup initializes residual branches; set --residual 1 or 2";
    return null;
  }
  const m = a.residual;
  if (hidden.length < 1 + m) {
    return `residual: ${m} layer(s) per block need at least ${1 + m} hidden layers (the first projects the input), got ${hidden.length}`;
  }
  if (hidden.some((w) => w !== hidden[0]))
    return `residual: blocks need equal hidden widths, got [${hidden.join(", ")}]`;
  if ((hidden.length - 1) % m !== 0) {
    return `residual: the ${hidden.length - 1} hidden layers after the first do not split into blocks of ${m} (give 1 + ${m}k hidden layers)`;
  }
  if (a.branchScale === "const" && !Number.isFinite(a.branchConst))
    return `branchConst: expected a finite number, got ${a.branchConst}`;
  return null;
}

/** architectureProblem as a UserError. */
export function checkArchitecture(hidden: readonly number[], a: ArchitectureSpec): void {
  const p = architectureProblem(hidden, a);
  if (p) throw new UserError(p);
}
