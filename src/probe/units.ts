import type { FloatArray } from "../kernels/backend.js";
import type { Activation } from "../nn/activation.js";
import type { SlopeSummary } from "./types.js";

/** A unit counts as saturated where |phi'(z)| is below this fraction of max |phi'| (the 5%). */
export const SATURATION_THRESHOLD = 0.05;

/** Activations whose units can saturate: phi' -> 0 as |z| grows while phi stays bounded. */
const SATURATING = new Set(["sigmoid", "tanh", "softsign", "hard_tanh"]);

export function canSaturate(act: Activation): boolean {
  return SATURATING.has(act.name);
}

/** The ReLU family (relu, leaky_relu, prelu): units whose negative side may carry no gradient. */
export function canDie(act: Activation): boolean {
  return act.family === "relu";
}

/**
 * Dead and inactive units of a ReLU-family layer over a batch of B rows of Z [B x n]:
 * - inactive: z_ej <= 0 for every example e (the unit sits on its negative side for the whole batch);
 * - dead: inactive AND the negative slope is 0 (relu, or a PReLU unit whose learned slope is 0), so
 *   phi'(z) = 0 on every example: no gradient reaches the unit's weights and it cannot recover
 *   (the "dying ReLU"; leaky ReLU and PReLU with a nonzero slope never die).
 * Returns fractions of the n units.
 */
export function deadUnits(
  Z: FloatArray,
  B: number,
  n: number,
  act: Activation,
  slopes: FloatArray | null,
): { dead: number; inactive: number } {
  if (n === 0 || B === 0) return { dead: 0, inactive: 0 };
  // Largest z of each unit over the batch (branch-free: half the z are positive, in no order).
  const top = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  for (let e = 0; e < B; e++) {
    const o = e * n;
    for (let j = 0; j < n; j++) top[j] = Math.max(top[j], Z[o + j]);
  }
  const fixedSlope = act.df(-1);
  let inactive = 0;
  let dead = 0;
  for (let j = 0; j < n; j++) {
    if (top[j] > 0 || Number.isNaN(top[j])) continue;
    inactive++;
    const s = slopes ? slopes[slopes.length === 1 ? 0 : j] : fixedSlope;
    if (s === 0) dead++;
  }
  return { dead: dead / n, inactive: inactive / n };
}

/**
 * The |z| beyond which |phi'(z)| < 5% of max |phi'| (sigmoid 4.36, tanh 2.18, softsign 3.47,
 * hard_tanh 1), by bisection: for the saturating activations |phi'| is even and non-increasing in |z|.
 */
export function saturationThreshold(act: Activation): number {
  const limit = SATURATION_THRESHOLD * act.derivMax;
  let lo = 0;
  let hi = 1e4;
  for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (Math.abs(act.df(mid)) < limit) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Fraction of the B n entries of Z whose derivative is small: |phi'(z)| < 5% of max_z |phi'(z)|,
 * i.e. |z| beyond `saturationThreshold`. NaN entries count as saturated (their derivative is no use either).
 */
export function saturatedFraction(Z: FloatArray, count: number, act: Activation): number {
  if (count === 0) return 0;
  const zs = saturationThreshold(act);
  let ok = 0;
  for (let i = 0; i < count; i++) if (Math.abs(Z[i]) <= zs) ok++;
  return (count - ok) / count;
}

/** Count, mean, min and max of a PReLU layer's slopes. */
export function summarizeSlopes(s: FloatArray): SlopeSummary {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < s.length; i++) {
    sum += s[i];
    if (s[i] < min) min = s[i];
    if (s[i] > max) max = s[i];
  }
  return { count: s.length, mean: sum / s.length, min, max };
}
