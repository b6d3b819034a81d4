import type { Backend, FloatArray } from "../kernels/backend.js";
import { TsBackend } from "../kernels/ts-backend.js";

/** Mean, population variance, sum of squares and the number of non-finite entries of x[0..n). */
export interface TensorStats {
  mean: number;
  var: number;
  /** sum_i x_i^2 (float64) */
  sumSq: number;
  nonFinite: number;
}

const sums = new Float64Array(2);
const reference = new TsBackend();

/**
 * One pass over x[0..n) with float64 sums of the SHIFTED values d_i = x_i - K, K = x[0]
 * ("shifted data" algorithm, Chan, Golub & LeVeque 1983):
 *   mean = K + S1 / n,  var = (S2 - S1^2 / n) / n,  S1 = sum d_i, S2 = sum d_i^2.
 * The shift keeps the variance accurate when the mean dominates (sigmoid outputs near 1/2 with a
 * variance of 1e-6), where E[x^2] - E[x]^2 would cancel. NaN or Inf anywhere: mean = var = NaN,
 * and `nonFinite` counts them (a second pass, only then: NaN/Inf propagate into the sums). n = 0: NaN.
 * The sums run in `backend`'s kernel (Backend.shiftedSums: SIMD lanes on the fast backends, the
 * same sums in another order), by default in the TypeScript reference.
 */
export function tensorStats(x: FloatArray, n: number, backend: Backend = reference): TensorStats {
  if (n === 0) return { mean: Number.NaN, var: Number.NaN, sumSq: 0, nonFinite: 0 };
  const K = x[0];
  backend.shiftedSums(x, n, K, sums);
  const s1 = sums[0];
  const s2 = sums[1];
  // sum x^2 = sum (d + K)^2 = S2 + 2 K S1 + n K^2: no cancellation beyond ~n eps K^2, and K^2 <= sum x^2.
  const sq = s2 + 2 * K * s1 + n * K * K;
  if (!Number.isFinite(sq) || Number.isNaN(s1)) {
    // Finite values whose squares overflowed float64 are not "non-finite entries"; the stats are NaN then too.
    return { mean: Number.NaN, var: Number.NaN, sumSq: Number.NaN, nonFinite: countNonFinite(x, n) };
  }
  const mean = K + s1 / n;
  const variance = Math.max(0, (s2 - (s1 * s1) / n) / n);
  return { mean, var: variance, sumSq: Math.max(0, sq), nonFinite: 0 };
}

/** Number of NaN or infinite entries in x[0..n). */
export function countNonFinite(x: FloatArray, n = x.length): number {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v !== 0) bad++;
  }
  return bad;
}

/**
 * Per-example second moments m_e = (1 / d) sum_i x_ei^2 of the first B rows of a B x d matrix:
 * the input the per-example variance recursion of src/theory propagates.
 */
export function rowSecondMoments(x: FloatArray, B: number, d: number): Float64Array {
  const m = new Float64Array(B);
  for (let e = 0; e < B; e++) {
    let s = 0;
    const o = e * d;
    for (let i = 0; i < d; i++) s += x[o + i] * x[o + i];
    m[e] = s / d;
  }
  return m;
}
