import type { Backend, FloatArray } from "../kernels/backend.js";

/** Mean, population variance, sum of squares and the number of non-finite entries of x[0..n). */
export interface TensorStats {
  mean: number;
  var: number;
  /** sum_i x_i^2 (float64) */
  sumSq: number;
  nonFinite: number;
}

const sums = new Float64Array(2);

/**
 * One pass over x[0..n) with float64 sums of the SHIFTED values d_i = x_i - K, K = x[0]
 * ("shifted data" algorithm, Chan, Golub & LeVeque 1983):
 *   mean = K + S1 / n,  var = (S2 - S1^2 / n) / n,  S1 = sum d_i, S2 = sum d_i^2.
 * The shift keeps the variance accurate when the mean dominates (sigmoid outputs near 1/2 with a
 * variance of 1e-6), where E[x^2] - E[x]^2 would cancel. NaN or Inf anywhere: mean = var = NaN,
 * and `nonFinite` counts them (a second pass, only then: NaN/Inf propagate into the sums). n = 0: NaN.
 * With a backend the sums run in its kernel (Backend.shiftedSums: SIMD lanes, the same sums in
 * another order); without, in the loop of the reference.
 */
export function tensorStats(x: FloatArray, n: number, backend?: Backend): TensorStats {
  if (n === 0) return { mean: Number.NaN, var: Number.NaN, sumSq: 0, nonFinite: 0 };
  const K = x[0];
  let s1 = 0;
  let s2 = 0;
  if (backend) {
    backend.shiftedSums(x, n, K, sums);
    s1 = sums[0];
    s2 = sums[1];
  } else {
    for (let i = 0; i < n; i++) {
      const d = x[i] - K;
      s1 += d;
      s2 += d * d;
    }
  }
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

/** Frobenius (Euclidean) norm sqrt(sum x_i^2) of x[0..n), in float64; NaN if any entry is NaN/Inf. */
export function frobeniusNorm(x: FloatArray, n = x.length): number {
  let sq = 0;
  for (let i = 0; i < n; i++) sq += x[i] * x[i];
  return Number.isFinite(sq) ? Math.sqrt(sq) : Number.NaN;
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
