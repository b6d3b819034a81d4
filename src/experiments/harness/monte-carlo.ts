/**
 * Monte Carlo estimates with their standard errors, from the sample itself (so a tolerance
 * never uses the exact value it is compared with).
 *
 * For n iid draws x_i with mean m, central moments m2 (variance) and m4:
 *   SE(mean)     = sqrt(m2 / n),
 *   SE(variance) = sqrt((m4 - m2^2) / n)         (delta method, large n),
 *   SE(E[X^2])   = sqrt(Var(X^2) / n).
 * A simulated value is "within tolerance" of the exact one when |sim - exact| <= k SE with
 * k = 4 (a false alarm for a correct formula has probability about 6e-5 per row).
 */
export const TOLERANCE_SE = 4;

export interface SampleStats {
  n: number;
  mean: number;
  variance: number;
  /** E[X^2] (raw second moment) */
  second: number;
  seMean: number;
  seVariance: number;
  seSecond: number;
}

export function sampleStats(x: Float64Array | Float32Array): SampleStats {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let m2 = 0;
  let m4 = 0;
  let r2 = 0;
  let r4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
    const q = x[i] * x[i];
    r2 += q;
    r4 += q * q;
  }
  m2 /= n;
  m4 /= n;
  r2 /= n;
  r4 /= n;
  const variance = (m2 * n) / (n - 1);
  return {
    n,
    mean,
    variance,
    second: r2,
    seMean: Math.sqrt(m2 / n),
    seVariance: Math.sqrt(Math.max(0, m4 - m2 * m2) / n),
    seSecond: Math.sqrt(Math.max(0, r4 - r2 * r2) / n),
  };
}

/** n draws of a random variable into a Float64Array. */
export function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}
