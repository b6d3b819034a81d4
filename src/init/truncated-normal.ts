/**
 * The normal distribution N(mean, std^2) truncated to [a, b]: exact moments and an
 * inverse-CDF sampler (the method of PyTorch's `trunc_normal_` and JAX's
 * `random.truncated_normal`: one uniform draw per value, mapped through Phi^{-1}).
 *
 * Unlike PyTorch, which evaluates erfinv(2u - 1) and so loses precision when [a, b] lies far
 * out in a tail, we sample the side of the interval that lies nearer the mean from the
 * lower tail, where Phi is accurate to full relative precision, and mirror if needed.
 */
import type { FloatArray } from "../kernels/backend.js";
import { erf, normalCdf, normalPdf, normalQuantile, normalSf } from "../math/special.js";
import type { Rng } from "../tensor/rng.js";

export interface TruncatedMoments {
  mean: number;
  std: number;
  /** Z = Phi(beta) - Phi(alpha): the probability mass kept by the truncation. */
  mass: number;
}

/** Z = Phi(beta) - Phi(alpha) for standardized cut points, computed without cancellation. */
function keptMass(alpha: number, beta: number): number {
  if (alpha < 0 && beta > 0) return 0.5 * (erf(beta * Math.SQRT1_2) - erf(alpha * Math.SQRT1_2)); // no cancellation
  return alpha + beta > 0 ? normalSf(alpha) - normalSf(beta) : normalCdf(beta) - normalCdf(alpha);
}

/**
 * Exact mean and standard deviation of N(mean, std^2) truncated to [a, b]
 * (Johnson, Kotz & Balakrishnan 1994, Continuous Univariate Distributions vol. 1, sec. 10.1):
 * with alpha = (a - mean)/std, beta = (b - mean)/std and Z = Phi(beta) - Phi(alpha),
 *   E[X]   = mean + std (phi(alpha) - phi(beta)) / Z
 *   Var[X] = std^2 [1 + (alpha phi(alpha) - beta phi(beta)) / Z - ((phi(alpha) - phi(beta)) / Z)^2].
 */
export function truncatedNormalMoments(mean: number, std: number, a: number, b: number): TruncatedMoments {
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  const z = keptMass(alpha, beta);
  const pa = normalPdf(alpha);
  const pb = normalPdf(beta);
  const shift = (pa - pb) / z;
  return {
    mean: mean + std * shift,
    std: std * Math.sqrt(Math.max(standardVariance(alpha, beta, pa, pb, z, shift), 0)),
    mass: z,
  };
}

/**
 * Var / std^2 = 1 + (alpha phi(alpha) - beta phi(beta)) / Z - shift^2, rewritten about the end
 * point c nearer the mean when the interval lies on one side of it, to avoid cancelling large
 * terms in a tail: = 1 - shift (shift - c) - (beta - alpha) phi(other end) / Z.
 */
function standardVariance(
  alpha: number,
  beta: number,
  pa: number,
  pb: number,
  z: number,
  shift: number,
): number {
  if (beta <= 0) return 1 - shift * (shift - beta) - ((beta - alpha) * pa) / z;
  if (alpha >= 0) return 1 - shift * (shift - alpha) - ((beta - alpha) * pb) / z;
  return 1 + (alpha * pa - beta * pb) / z - shift * shift;
}

/** Precomputed constants of an inverse-CDF truncated-normal sampler. */
export interface TruncatedSampler {
  readonly mean: number;
  readonly std: number;
  readonly a: number;
  readonly b: number;
  /** -1 when the standardized interval was mirrored to the lower side, else 1. */
  readonly sign: number;
  readonly pLow: number;
  readonly pWidth: number;
}

export function truncatedSampler(mean: number, std: number, a: number, b: number): TruncatedSampler {
  let alpha = (a - mean) / std;
  let beta = (b - mean) / std;
  let sign = 1;
  if (alpha + beta > 0) {
    const t = alpha;
    alpha = -beta;
    beta = -t;
    sign = -1;
  }
  const pLow = normalCdf(alpha);
  return { mean, std, a, b, sign, pLow, pWidth: normalCdf(beta) - pLow };
}

/** Fills out[0..n) with draws of the truncated normal (clamped to [a, b] against rounding). */
export function fillTruncated(out: FloatArray, n: number, s: TruncatedSampler, rng: Rng): void {
  const { mean, a, b, pLow, pWidth } = s;
  const scale = s.sign * s.std;
  for (let i = 0; i < n; i++) {
    const x = mean + scale * normalQuantile(pLow + pWidth * rng.uniform());
    out[i] = Math.min(Math.max(x, a), b);
  }
}
