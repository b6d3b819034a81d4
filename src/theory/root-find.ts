/**
 * Bracketed root finding: Brent's method (Brent 1973, "Algorithms for Minimization without
 * Derivatives", ch. 4; the zeroin algorithm): inverse quadratic interpolation and secant steps,
 * falling back to bisection, so it converges superlinearly on smooth functions and never leaves
 * the bracket.
 */

/** Result of `brentRoot`. */
export interface RootResult {
  root: number;
  converged: boolean;
  iterations: number;
}

/**
 * A root of f in [a, b], where f(a) and f(b) do not have the same strict sign. Stops when the
 * bracket is narrower than 2 (xtol + 4 eps |x|) or f(x) = 0.
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: { xtol?: number; maxIter?: number; fa?: number; fb?: number } = {},
): RootResult {
  const xtol = opts.xtol ?? 1e-14;
  const maxIter = opts.maxIter ?? 200;
  let fa = opts.fa ?? f(a);
  let fb = opts.fb ?? f(b);
  if (fa === 0) return { root: a, converged: true, iterations: 0 };
  if (fb === 0) return { root: b, converged: true, iterations: 0 };
  if (fa > 0 === fb > 0) {
    throw new RangeError(`brentRoot: f(${a}) = ${fa} and f(${b}) = ${fb} do not bracket a root`);
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 1; it <= maxIter; it++) {
    if (fb > 0 === fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return { root: b, converged: true, iterations: it };
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return { root: b, converged: false, iterations: maxIter };
}
