import { UserError } from "../errors.js";
import { calculateGain } from "../init/gain.js";
import type { FloatArray, KernelActivation } from "../kernels/backend.js";
import { activationForward } from "../kernels/elementwise.js";
import { SELU_ALPHA, SELU_LAMBDA } from "../math/selu.js";
import { sigmoid } from "../math/sigmoid.js";
import { normalCdf, normalPdf } from "../math/special.js";
import type { Activation } from "./activation.js";

interface ActivationDef {
  name: string;
  aliases?: string[];
  /** Default parameter; undefined when the activation takes none. */
  param?: number;
  paramName?: string;
  family: Activation["family"];
  derivMax: (p: number) => number;
  torchGain: (p: number) => number | null;
  linearization: { offset: number; slope: (p: number) => number };
  formula: string;
  reference: string;
  f: (z: number, p: number) => number;
  df: (z: number, p: number) => number;
  /** Derivative from the output a = phi(z), when cheaper (sigmoid, tanh). */
  dfFromA?: (a: number) => number;
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** One table: adding an activation is one entry here. */
const DEFS: ActivationDef[] = [
  {
    name: "identity",
    aliases: ["linear", "none"],
    family: "linear",
    derivMax: () => 1,
    torchGain: () => calculateGain("linear"),
    linearization: { offset: 0, slope: () => 1 },
    formula: "phi(z) = z",
    reference: "",
    f: (z) => z,
    df: () => 1,
  },
  {
    name: "sigmoid",
    aliases: ["logistic"],
    family: "saturating",
    derivMax: () => 0.25,
    torchGain: () => calculateGain("sigmoid"),
    linearization: { offset: 0.5, slope: () => 0.25 },
    formula: "phi(z) = 1 / (1 + e^-z); phi' = phi (1 - phi) <= 1/4",
    reference: "Glorot & Bengio 2010 (saturation of the top layer)",
    f: sigmoid,
    df: (z) => {
      const s = sigmoid(z);
      return s * (1 - s);
    },
    dfFromA: (a) => a * (1 - a),
  },
  {
    name: "tanh",
    family: "saturating",
    derivMax: () => 1,
    torchGain: () => calculateGain("tanh"),
    linearization: { offset: 0, slope: () => 1 },
    formula: "phi(z) = tanh z; phi' = 1 - tanh^2 z",
    reference: "LeCun et al. 1998, Efficient BackProp",
    f: Math.tanh,
    df: (z) => {
      const t = Math.tanh(z);
      return 1 - t * t;
    },
    dfFromA: (a) => 1 - a * a,
  },
  {
    name: "relu",
    family: "relu",
    derivMax: () => 1,
    torchGain: () => calculateGain("relu"),
    linearization: { offset: 0, slope: () => Math.SQRT1_2 },
    formula: "phi(z) = max(0, z); phi' = 1[z > 0]",
    reference: "Nair & Hinton 2010; Glorot, Bordes & Bengio 2011",
    // biome-ignore lint/complexity/useMathMinMax: relu(NaN) = 0 like the kernels (Math.max keeps NaN)
    f: (z) => (z > 0 ? z : 0),
    df: (z) => (z > 0 ? 1 : 0),
  },
  {
    name: "leaky_relu",
    aliases: ["leakyrelu"],
    param: 0.01,
    paramName: "slope",
    family: "relu",
    derivMax: (p) => Math.max(1, Math.abs(p)),
    torchGain: (p) => calculateGain("leaky_relu", p),
    linearization: { offset: 0, slope: (p) => Math.sqrt((1 + p * p) / 2) },
    formula: "phi(z) = z for z > 0, slope * z otherwise",
    reference: "Maas, Hannun & Ng 2013",
    f: (z, p) => (z > 0 ? z : p * z),
    df: (z, p) => (z > 0 ? 1 : p),
  },
  {
    name: "prelu",
    param: 0.25,
    paramName: "init",
    family: "relu",
    derivMax: (p) => Math.max(1, Math.abs(p)),
    torchGain: (p) => calculateGain("leaky_relu", p),
    linearization: { offset: 0, slope: (p) => Math.sqrt((1 + p * p) / 2) },
    formula: "phi(z) = z for z > 0, a_j * z otherwise, with a learnable slope a_j per unit (initially 0.25)",
    reference: "He et al. 2015, arXiv:1502.01852, eq. 1",
    f: (z, p) => (z > 0 ? z : p * z),
    df: (z, p) => (z > 0 ? 1 : p),
  },
  {
    name: "elu",
    param: 1,
    paramName: "alpha",
    family: "smooth",
    derivMax: (p) => Math.max(1, p),
    torchGain: () => null,
    linearization: { offset: 0, slope: () => 1 },
    formula: "phi(z) = z for z > 0, alpha (e^z - 1) otherwise",
    reference: "Clevert, Unterthiner & Hochreiter 2016, arXiv:1511.07289",
    f: (z, p) => (z > 0 ? z : p * Math.expm1(z)),
    df: (z, p) => (z > 0 ? 1 : p * Math.exp(z)),
  },
  {
    name: "selu",
    family: "smooth",
    derivMax: () => SELU_LAMBDA * SELU_ALPHA,
    torchGain: () => calculateGain("selu"),
    linearization: { offset: 0, slope: () => SELU_LAMBDA },
    formula:
      "phi(z) = lambda z for z > 0, lambda alpha (e^z - 1) otherwise (lambda = 1.0507, alpha = 1.6733)",
    reference: "Klambauer et al. 2017, arXiv:1706.02515",
    f: (z) => (z > 0 ? SELU_LAMBDA * z : SELU_LAMBDA * SELU_ALPHA * Math.expm1(z)),
    df: (z) => (z > 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(z)),
  },
  {
    name: "softsign",
    family: "saturating",
    derivMax: () => 1,
    torchGain: () => null,
    linearization: { offset: 0, slope: () => 1 },
    formula: "phi(z) = z / (1 + |z|); phi' = 1 / (1 + |z|)^2",
    reference: "Bergstra et al. 2009; Glorot & Bengio 2010",
    f: (z) => z / (1 + Math.abs(z)),
    df: (z) => {
      const d = 1 + Math.abs(z);
      return 1 / (d * d);
    },
  },
  {
    name: "softplus",
    family: "smooth",
    derivMax: () => 1,
    torchGain: () => null,
    linearization: { offset: Math.LN2, slope: () => 0.5 },
    formula: "phi(z) = log(1 + e^z); phi' = sigmoid(z)",
    reference: "Dugas et al. 2001",
    f: softplus,
    df: sigmoid,
  },
  {
    name: "gelu",
    family: "smooth",
    derivMax: () => 1.1289,
    torchGain: () => null,
    linearization: { offset: 0, slope: () => 0.5 },
    formula: "phi(z) = z Phi(z) (exact, erf-based); phi' = Phi(z) + z phi_N(z)",
    reference: "Hendrycks & Gimpel 2016, arXiv:1606.08415",
    f: (z) => z * normalCdf(z),
    df: (z) => normalCdf(z) + z * normalPdf(z),
  },
  {
    name: "silu",
    aliases: ["swish"],
    family: "smooth",
    derivMax: () => 1.0998,
    torchGain: () => null,
    linearization: { offset: 0, slope: () => 0.5 },
    formula: "phi(z) = z sigmoid(z); phi' = s + z s (1 - s)",
    reference: "Elfwing et al. 2018; Ramachandran et al. 2017 (swish)",
    f: (z) => z * sigmoid(z),
    df: (z) => {
      const s = sigmoid(z);
      return s + z * s * (1 - s);
    },
  },
  {
    name: "hard_tanh",
    aliases: ["hardtanh"],
    family: "saturating",
    derivMax: () => 1,
    torchGain: () => null,
    linearization: { offset: 0, slope: () => 1 },
    formula: "phi(z) = max(-1, min(1, z)); phi' = 1[|z| < 1]",
    reference: "Collobert 2004",
    // biome-ignore lint/complexity/useMathMinMax: the definition as written in the formula above
    f: (z) => (z > 1 ? 1 : z < -1 ? -1 : z),
    df: (z) => (z > -1 && z < 1 ? 1 : 0),
  },
];

export const ACTIVATION_NAMES: readonly string[] = DEFS.map((d) => d.name);

function lookup(name: string): ActivationDef | undefined {
  const n = name.toLowerCase();
  return DEFS.find((d) => d.name === n || d.aliases?.includes(n));
}

/** The documented table of activations: name, aliases, parameter, formula, paper. */
export function listActivations(): {
  name: string;
  aliases: string[];
  param: { name: string; default: number } | null;
  formula: string;
  reference: string;
}[] {
  return DEFS.map((d) => ({
    name: d.name,
    aliases: d.aliases ?? [],
    param: d.param === undefined ? null : { name: d.paramName ?? "param", default: d.param },
    formula: d.formula,
    reference: d.reference,
  }));
}

/**
 * Parses an activation spec: `relu`, `leaky_relu(0.2)`, `leaky_relu(slope=0.2)`, `elu(alpha=0.5)`.
 * Throws a UserError naming the bad value and listing the valid names.
 */
export function parseActivation(spec: string): Activation {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(.*?)\s*\))?\s*$/.exec(spec);
  if (!m)
    throw new UserError(
      `cannot parse activation "${spec}"; expected NAME or NAME(PARAM), e.g. leaky_relu(0.2)`,
    );
  const def = lookup(m[1]);
  if (!def) throw new UserError(`unknown activation "${m[1]}"; valid: ${ACTIVATION_NAMES.join(", ")}`);
  let p = def.param ?? 0;
  const argText = m[2];
  if (argText !== undefined && argText !== "") {
    if (def.param === undefined)
      throw new UserError(`activation "${def.name}" takes no parameter, got "${argText}"`);
    const kv = /^(?:([A-Za-z_]+)\s*=\s*)?(.+)$/.exec(argText)!;
    if (kv[1] && kv[1] !== def.paramName) {
      throw new UserError(`activation "${def.name}" has no argument "${kv[1]}"; valid: ${def.paramName}`);
    }
    p = Number(kv[2]);
    if (!Number.isFinite(p))
      throw new UserError(`activation "${def.name}": ${def.paramName} must be a number, got "${kv[2]}"`);
  }
  return build(def, p);
}

function build(def: ActivationDef, p: number): Activation {
  const f = (z: number) => def.f(z, p);
  const df = (z: number) => def.df(z, p);
  const dfFromA = def.dfFromA;
  const spec = def.param === undefined ? def.name : `${def.name}(${p})`;
  return {
    name: def.name,
    spec,
    param: def.param === undefined ? null : p,
    family: def.family,
    derivMax: def.derivMax(p),
    torchGain: def.torchGain(p),
    linearization: { offset: def.linearization.offset, slope: def.linearization.slope(p) },
    learnable: def.name === "prelu",
    kernel: KERNEL_OPS.includes(def.name as KernelActivation)
      ? { op: def.name as KernelActivation, param: p }
      : null,
    f,
    df,
    forward: forwardFor(def.name, p, f),
    backward: dfFromA
      ? (_z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, n: number) => {
          for (let i = 0; i < n; i++) dZ[i] = dA[i] * dfFromA(a[i]);
        }
      : (z: FloatArray, _a: FloatArray, dA: FloatArray, dZ: FloatArray, n: number) => {
          for (let i = 0; i < n; i++) dZ[i] = dA[i] * df(z[i]);
        },
  };
}

/** Activations with a fused backend kernel (prelu's slopes learn, so the layer handles it). */
const KERNEL_OPS: readonly KernelActivation[] = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"];

/** Batched forward: the reference loops of src/kernels/elementwise.ts where there is one. */
function forwardFor(name: string, p: number, f: (z: number) => number) {
  if (KERNEL_OPS.includes(name as KernelActivation) || name === "prelu") {
    const op = (name === "prelu" ? "leaky_relu" : name) as KernelActivation;
    return (z: FloatArray, a: FloatArray, n: number) => activationForward(z, a, n, op, p);
  }
  return (z: FloatArray, a: FloatArray, n: number) => {
    for (let i = 0; i < n; i++) a[i] = f(z[i]);
  };
}
