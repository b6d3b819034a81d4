/**
 * Special functions in float64: erf, erfc, the standard normal density and distribution function.
 *
 * erf(x) for |x| < 2: the everywhere-positive series
 *   erf(x) = (2/sqrt(pi)) exp(-x^2) sum_{n>=0} 2^n x^(2n+1) / (1*3*...*(2n+1))
 * (Abramowitz & Stegun 1964, 7.1.6), which has no cancellation.
 * erfc(x) for x >= 2: the continued fraction (A&S 7.1.14)
 *   erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
 * evaluated by the modified Lentz method. Relative accuracy ~1e-15 for erf, and for erfc down to
 * its underflow (x ~ 26); erfc(x) for x < 2 is 1 - erf(x) (relative accuracy ~1e-14 there).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/sqrt(pi)
const INV_SQRT_PI = 0.5641895835477563; // 1/sqrt(pi)
const INV_SQRT_2PI = 0.3989422804014327; // 1/sqrt(2 pi)

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x >= 2 by the continued fraction, modified Lentz (Press et al., Numerical Recipes, 5.2). */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

/** The error function erf(x) = (2/sqrt(pi)) int_0^x exp(-t^2) dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax > 7) return x < 0 ? -1 : 1; // 1 - erf(7) = 4e-23 rounds away
  if (ax < 2) return x < 0 ? -erfSeries(ax) : erfSeries(ax);
  const r = 1 - erfcContinuedFraction(ax);
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate in relative terms for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x > 27) return 0; // erfc(27) = 5e-319: below the smallest double
  if (x < -7) return 2; // 2 - erfc(7) rounds to 2
  if (x >= 2) return erfcContinuedFraction(x);
  if (x > -2) return 1 - erf(x);
  return 2 - erfcContinuedFraction(-x);
}

/** Standard normal density phi(t) = exp(-t^2/2)/sqrt(2 pi). */
export function normalPdf(t: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * t * t);
}

/** Standard normal distribution function Phi(t) = erfc(-t/sqrt(2))/2 (accurate in both tails). */
export function normalCdf(t: number): number {
  return 0.5 * erfc(-t * Math.SQRT1_2);
}
