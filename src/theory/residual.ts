/**
 * Signal propagation through residual blocks at initialization (docs/architectures.md defines the
 * block): the second moment of the residual stream,
 *
 *   q_{b+1} = q_b + alpha_b^2 V_F(q_b),     q_b = E[x_b^2]
 *
 * holds when the branch weights are independent of the stream and have mean 0 (the cross term
 * 2 alpha E[x_b F(x_b)] vanishes), as at initialization (He et al. 2016; the variance view of
 * Hanin & Rolnick 2018, arXiv:1803.01719, and De & Smith 2020, arXiv:2002.10444). V_F is the
 * branch's own variance map: through its dense layers, each pre-activation block applying
 * phi (and the normalization) to its input before the linear map,
 *
 *   v_0 = q,   v_i = fanIn_i Var(W_i) E[a_i^2] + E[b_i^2],
 *   E[a_i^2] = E[phi(u)^2] with u ~ N(0, v_{i-1})  (no normalization),
 *            = E[phi(u)^2] with u ~ N(0, 1)        (normalization before phi, gamma 1, beta 0),
 *            = 1                                    (normalization after phi).
 *
 * Closed forms (He-initialized ReLU branches, zero biases, no normalization: V_F(q) = q):
 *   alpha = 1:           q_L = q_0 2^L            (doubles per block)
 *   alpha = 1/sqrt(L):   q_L = q_0 (1 + 1/L)^L < e q_0
 *   alpha = 0 (ReZero, SkipInit) or a zero last branch layer (Fixup): q_L = q_0 (identity)
 * and with normalization before phi, V_F = 1 for He ReLU: q_L = q_0 + alpha^2 L (linear growth,
 * De & Smith 2020: the normalized branch shrinks relative to the stream as 1/b).
 */
import { activationMoments } from "./moments.js";
import type { ScalarActivation } from "./types.js";

/** One dense layer of a residual branch as the theory sees it. */
export interface BranchLayer {
  /** inputs of the layer */
  fanIn: number;
  /** Var(W) (mean-0 weights) */
  weightVar: number;
  /** E[b^2] (0 for zero biases) */
  biasSecond?: number;
  /** the activation applied to the layer's input (pre-activation blocks) */
  activation: ScalarActivation;
  /** a normalization of the input before ("pre") or after ("post") phi, at its start (gamma 1, beta 0); null: none */
  norm?: "pre" | "post" | null;
}

/** V_F(q): the second moment of a branch's output for an input of second moment q (see the module comment). */
export function branchSecondMoment(branch: readonly BranchLayer[], q: number): number {
  let v = q;
  for (const layer of branch) {
    const a2 =
      layer.norm === "post"
        ? 1
        : activationMoments(layer.activation, 0, layer.norm === "pre" ? 1 : Math.max(0, v)).second;
    v = layer.fanIn * layer.weightVar * a2 + (layer.biasSecond ?? 0);
  }
  return v;
}

/**
 * The stream's second moment after every block: [q_1, ..., q_L] from q_0, with branch b's layers
 * `branches[b]` and scale `alphas[b]` (q_{b+1} = q_b + alpha_b^2 V_F(q_b)).
 */
export function residualStreamSeconds(
  q0: number,
  branches: readonly (readonly BranchLayer[])[],
  alphas: readonly number[],
): number[] {
  const out: number[] = [];
  let q = q0;
  branches.forEach((branch, b) => {
    q += alphas[b] ** 2 * branchSecondMoment(branch, q);
    out.push(q);
  });
  return out;
}

/** He ReLU residual stream without normalization after L blocks: q_0 (1 + alpha^2)^L (alpha = 1: 2^L). */
export function heReluStream(q0: number, alpha: number, L: number): number {
  return q0 * (1 + alpha * alpha) ** L;
}

/** alpha = 1/sqrt(L): q_L / q_0 = (1 + 1/L)^L, increasing in L toward (and below) e. */
export function invSqrtDepthGrowth(L: number): number {
  return (1 + 1 / L) ** L;
}

/** He ReLU branches with normalization before phi: q_L = q_0 + alpha^2 L (each branch adds 1). */
export function normalizedReluStream(q0: number, alpha: number, L: number): number {
  return q0 + alpha * alpha * L;
}
