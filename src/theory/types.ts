/**
 * A scalar activation as theory sees it: plain functions, so that the predictions of `src/theory`
 * stay independent of the engine (`src/nn`) whose measurements they are compared with.
 *
 * - `f`  : phi(x), the activation.
 * - `df` : phi'(x), its derivative (at a kink either one-sided value is fine: the quadrature never
 *          evaluates exactly at 0, +-1, +-2, ..., +-8 or at the declared `kinks`).
 * - `kinks` (optional): points where phi or phi' is not smooth, beyond the ones every Gaussian
 *   expectation already splits at (0, +-1/64 .. +-1/2, +-1 .. +-8, +-16 .. +-128). ReLU, leaky ReLU,
 *   ELU, SELU, hard tanh, ReLU6 (kink at 6) and hard sigmoid (+-3) need none; declare e.g. `[2.5]`
 *   for a kink at 2.5.
 */
export interface ScalarActivation {
  name?: string;
  f: (x: number) => number;
  df: (x: number) => number;
  kinks?: readonly number[];
}

/** phi(x) = x, the activation of an output (read-out) layer. */
export const identityActivation: ScalarActivation = {
  name: "identity",
  f: (x) => x,
  df: () => 1,
};

/** Gaussian moments of an activation: z ~ N(mu, q). */
export interface ActivationMoments {
  /** E[phi(z)] */
  mean: number;
  /** E[phi(z)^2] */
  second: number;
  /** Var(phi(z)) = E[phi^2] - E[phi]^2 */
  variance: number;
  /** E[phi'(z)] */
  derivMean: number;
  /** E[phi'(z)^2] */
  derivSecond: number;
}
