/**
 * Special functions in float64 (the project's one copy: the engine, the initializers and the
 * theory all import these), with relative error below 1e-13 (the worst case, 5e-14, is erfc just
 * below 2; checked against mpmath in test/math/special.test.ts):
 * - erf / erfc: the everywhere-convergent series erf(x) = 2/sqrt(pi) e^{-x^2}
 *   sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)) for |x| < 2 (Abramowitz & Stegun 7.1.6), and the
 *   continued fraction erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
 *   for x >= 2 (A&S 7.1.14), evaluated with the modified Lentz algorithm; in the tails
 *   |x| > 2 sqrt(2), Phi(x) is phi(x) times Laplace's continued fraction for Mills' ratio.
 * - normalQuantile: Acklam's rational approximation (rel. error 1.15e-9) refined by one
 *   Halley step on the accurate lower-tail CDF.
 * - erfinv: from normalQuantile, refined by Newton steps on erf (or erfc near +-1).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2 / sqrt(pi)
const INV_SQRT_2PI = 0.3989422804014327; // 1 / sqrt(2 pi)
const SQRT_2PI = 2.5066282746310002;
const SERIES_LIMIT = 2;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * 1/(x + step/(x + 2 step/(x + 3 step/(x + ...)))) by the modified Lentz algorithm (Press et al.,
 * Numerical Recipes, 3rd ed., sec. 5.2). step = 1/2: sqrt(pi) e^{x^2} erfc(x) (A&S 7.1.14);
 * step = 1: Mills' ratio (1 - Phi(x)) / phi(x) (Laplace's continued fraction).
 */
function tailFraction(x: number, step: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < 500; j++) {
    const a = j * step;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/**
 * e^{-k x^2} (k = 1 or 1/2) with x^2 evaluated exactly (Dekker's split x = hi + lo, hi with 26
 * bits, so hi^2 is exact): the plain exp(-k * x * x) loses k x^2 2^-53 relative in the tails.
 */
function expNegSquare(x: number, k: number): number {
  if (!(Math.abs(x) < 1e150)) return Math.exp(-k * x * x); // 0 (or NaN): the split would overflow
  const p = x * 134217729;
  const hi = p - (p - x);
  const lo = x - hi;
  return Math.exp(-k * hi * hi) * Math.exp(-k * lo * (2 * hi + lo));
}

/** erfc(x) for x >= SERIES_LIMIT. */
function erfcContinuedFraction(x: number): number {
  return (expNegSquare(x, 1) * tailFraction(x, 0.5)) / Math.sqrt(Math.PI);
}

/** The error function erf(x) = 2/sqrt(pi) * integral_0^x e^{-t^2} dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) return erfSeries(x);
  if (ax > 6.5) return x > 0 ? 1 : -1;
  const r = 1 - erfcContinuedFraction(ax);
  return x > 0 ? r : -r;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate in the upper tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= SERIES_LIMIT) return x > 27.3 ? 0 : erfcContinuedFraction(x);
  if (x > -SERIES_LIMIT) return 1 - erfSeries(x);
  return x < -6.5 ? 2 : 2 - erfcContinuedFraction(-x);
}

/** Standard normal density phi(x) = e^{-x^2/2} / sqrt(2 pi). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * expNegSquare(x, 0.5);
}

/** Beyond this |x|, Phi is evaluated as phi(x) times Mills' ratio, directly in x. */
const MILLS_LIMIT = 2 * Math.SQRT2;

/** Standard normal survival function 1 - Phi(x) = erfc(x/sqrt(2)) / 2, accurate in the upper tail. */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x > MILLS_LIMIT) return x > 38.5 ? 0 : normalPdf(x) * tailFraction(x, 1);
  if (x < -MILLS_LIMIT) return x < -9 ? 1 : 1 - normalPdf(x) * tailFraction(-x, 1);
  return 0.5 * erfc(x * Math.SQRT1_2);
}

/** Standard normal CDF Phi(x) = erfc(-x/sqrt(2)) / 2, accurate in the lower tail. */
export function normalCdf(x: number): number {
  return normalSf(-x);
}

const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Acklam's approximation of Phi^{-1}(p) for 0 < p <= 1/2 (relative error < 1.15e-9). */
function acklamLowerHalf(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/**
 * The standard normal quantile Phi^{-1}(p) for p in [0, 1] (-Infinity at 0, +Infinity at 1).
 * Works on the lower half and uses Phi^{-1}(p) = -Phi^{-1}(1 - p), exact for p >= 1/2.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 0.5) return 0;
  let x = acklamLowerHalf(p);
  const u = ((normalCdf(x) - p) * SQRT_2PI) / Math.exp(-0.5 * x * x);
  x -= u / (1 + 0.5 * x * u);
  return x;
}

/** The inverse error function: erf(erfinv(y)) = y for y in [-1, 1]. */
export function erfinv(y: number): number {
  if (!(y >= -1 && y <= 1)) return Number.NaN;
  if (y === 1) return Number.POSITIVE_INFINITY;
  if (y === -1) return Number.NEGATIVE_INFINITY;
  const ay = Math.abs(y);
  if (ay <= 0.5) {
    let x = normalQuantile(0.5 + 0.5 * y) * Math.SQRT1_2;
    for (let i = 0; i < 2; i++) x -= (erf(x) - y) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
    return x;
  }
  const q = 1 - ay; // exact for ay >= 1/2
  let x = -normalQuantile(0.5 * q) * Math.SQRT1_2;
  for (let i = 0; i < 2; i++) x += (erfc(x) - q) / (TWO_OVER_SQRT_PI * Math.exp(-x * x));
  return y > 0 ? x : -x;
}
