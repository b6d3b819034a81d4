/**
 * Student's t distribution and the t interval of a mean (Student 1908): for n values with mean m
 * and sample standard deviation s, m +- t_{0.975, n-1} s / sqrt(n). Pure functions shared by the
 * experiments' verdicts, the init doctor's instance bands and the coordinate check.
 *
 * +Infinity is a value like any other (a run that never reaches a criterion): with k of n values
 * infinite the mean is +Infinity and the interval is [lower bound with each infinite value
 * replaced by the largest finite one, +Infinity] (a conservative bound); with every value
 * infinite the interval is [+Inf, +Inf].
 */
/** ln Gamma(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 6.4). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom: 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (bisection on tCdf; p in (0, 1)). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile(${p}, ${df})`);
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A mean over n values with its interval [low, high] (see meanInterval). */
export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
  n: number;
}

/**
 * The mean of `values` with its two-sided `level` t interval (see the module comment for
 * +Infinity). One value: the interval is the whole line (one seed cannot bound a mean).
 */
export function meanInterval(values: readonly number[], level = 0.95): MeanInterval {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  const finite = values.filter((v) => Number.isFinite(v));
  const posInf = values.some((v) => v === Number.POSITIVE_INFINITY);
  const negInf = values.some((v) => v === Number.NEGATIVE_INFINITY);
  if (values.some((v) => Number.isNaN(v)) || (posInf && negInf))
    return { mean: Number.NaN, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, n };
  if (finite.length === 0) {
    const v = posInf ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return { mean: v, low: v, high: v, n };
  }
  // Infinite values replaced by the most extreme finite value on their side (a conservative bound).
  const capped = values.map((v) =>
    v === Number.POSITIVE_INFINITY
      ? Math.max(...finite)
      : v === Number.NEGATIVE_INFINITY
        ? Math.min(...finite)
        : v,
  );
  const m = capped.reduce((a, b) => a + b, 0) / n;
  let half = Number.POSITIVE_INFINITY;
  if (n > 1) {
    const s2 = capped.reduce((a, b) => a + (b - m) * (b - m), 0) / (n - 1);
    half = tQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(s2 / n);
  }
  if (posInf) return { mean: Number.POSITIVE_INFINITY, low: m - half, high: Number.POSITIVE_INFINITY, n };
  if (negInf) return { mean: Number.NEGATIVE_INFINITY, low: Number.NEGATIVE_INFINITY, high: m + half, n };
  return { mean: m, low: m - half, high: m + half, n };
}
