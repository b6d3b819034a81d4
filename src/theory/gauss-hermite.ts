/**
 * Gauss-Hermite quadrature and Gaussian expectations of smooth functions.
 *
 * Rule of order n: nodes x_i and weights w_i with
 *   E[g(Z)] = int g(x) exp(-x^2/2)/sqrt(2 pi) dx ~ sum_i w_i g(x_i),   Z ~ N(0, 1)
 * ("probabilists'" form: the weights sum to 1), exact for polynomials of degree <= 2n - 1.
 * The "physicists'" form (weight exp(-x^2), weights summing to sqrt(pi)) is x / sqrt(2), w sqrt(pi).
 *
 * Computation (float64, cached per order): Golub & Welsch (1969, Math. Comp. 23:221) - the nodes are
 * the eigenvalues of the Jacobi matrix of the orthonormal Hermite polynomials (zero diagonal,
 * off-diagonal sqrt(k), k = 1..n-1), found by the implicit QL algorithm; each node is then polished
 * by Newton's method on the orthonormal recurrence
 *   p_{k+1}(x) = (x p_k(x) - sqrt(k) p_{k-1}(x)) / sqrt(k+1),   p_n'(x) = sqrt(n) p_{n-1}(x),
 * and its weight is the Christoffel number w_i = 1 / sum_{k<n} p_k(x_i)^2 (evaluated with the factor
 * exp(-x^2/4) folded into every p_k, so nothing overflows at any order), which keeps full relative
 * accuracy even for the tiny weights of the outermost nodes. Nodes are symmetrized (x_i = -x_{n-1-i}).
 *
 * Accuracy of `gaussianExpectation` (measured, see test/theory/gauss-hermite.test.ts):
 * - smooth g (polynomials up to degree 2n-1, tanh, sigmoid, erf at q <= ~4): error at rounding level
 *   (~1e-15) for n = 64;
 * - kinked g (relu, leaky relu, hard tanh, elu, selu): the error decays only algebraically, like
 *   n^(-3/2) for relu(z)^2 and n^(-1/2) for a jump such as relu'(z)^2 (E[relu(z)^2] with n = 16, 64,
 *   256: errors 2.6e-3, 3.3e-4, 4.1e-5; E[relu'(z)^2]: 5.0e-2 at n = 64 is impossible only for odd n:
 *   with even n the symmetric nodes straddle 0 and the step is integrated exactly by symmetry, so
 *   that figure is 0 - a coincidence of symmetry, not accuracy: shift mu and it returns).
 *   For such functions use `gaussianExpectationPiecewise`, which splits the integral at the kinks
 *   and is accurate to ~1e-14.
 */

/** Nodes and weights of a quadrature rule for E[g(Z)], Z ~ N(0, 1) (or another stated measure). */
export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

export type HermiteKind = "probabilists" | "physicists";

const cache = new Map<number, QuadratureRule>();

/** Eigenvalues of a symmetric tridiagonal matrix (diagonal d, off-diagonal e[0..n-2]), implicit QL. */
function tridiagonalEigenvalues(diag: Float64Array, off: Float64Array): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n); // e[i] couples i and i+1; e[n-1] = 0
  e.set(off.subarray(0, n - 1));
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 100) throw new Error("tridiagonalEigenvalues: QL did not converge");
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort();
}

/**
 * Scaled orthonormal Hermite values at x: returns [P_n, P_{n-1}, L] with P_k = p_k(x) exp(-x^2/4) up
 * to a common positive factor, and L = ln sum_{k<n} p_k(x)^2 exp(-x^2/2) (exact, factor removed).
 */
function hermiteScaled(n: number, x: number): [number, number, number] {
  let pPrev = 0;
  let p = Math.exp(-0.25 * x * x);
  let sum = 0;
  let logScale = 0; // natural log of the factor removed so far
  for (let k = 0; k < n; k++) {
    sum += p * p;
    const next = (x * p - Math.sqrt(k) * pPrev) / Math.sqrt(k + 1);
    pPrev = p;
    p = next;
    if (Math.abs(p) > 1e100) {
      p *= 1e-100;
      pPrev *= 1e-100;
      sum *= 1e-200;
      logScale += 100 * Math.LN10;
    }
  }
  return [p, pPrev, Math.log(sum) + 2 * logScale];
}

/**
 * Gauss-Hermite rule of the given order (1 <= order <= 500), cached. Probabilists' form (default):
 * sum_i w_i g(x_i) ~ E[g(Z)], Z ~ N(0,1), weights sum to 1. Physicists' form: sum_i w_i g(x_i) ~
 * int g(x) exp(-x^2) dx, weights sum to sqrt(pi). Golub & Welsch 1969 + Newton polish (see file doc).
 */
export function hermiteRule(order: number, kind: HermiteKind = "probabilists"): QuadratureRule {
  if (!Number.isInteger(order) || order < 1 || order > 500) {
    throw new RangeError(`Gauss-Hermite order must be an integer in 1..500, got ${order}`);
  }
  let rule = cache.get(order);
  if (!rule) {
    rule = buildProbabilists(order);
    cache.set(order, rule);
  }
  if (kind === "probabilists") return rule;
  const sqrtPi = Math.sqrt(Math.PI);
  return {
    nodes: rule.nodes.map((x) => x * Math.SQRT1_2),
    weights: rule.weights.map((w) => w * sqrtPi),
  };
}

function buildProbabilists(n: number): QuadratureRule {
  const off = new Float64Array(Math.max(n - 1, 0));
  for (let k = 1; k < n; k++) off[k - 1] = Math.sqrt(k);
  const x = tridiagonalEigenvalues(new Float64Array(n), off);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let xi = x[i];
    for (let it = 0; it < 10; it++) {
      const [pn, pn1] = hermiteScaled(n, xi);
      const dx = pn / (Math.sqrt(n) * pn1);
      xi -= dx;
      if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(xi))) break;
    }
    x[i] = xi;
  }
  for (let i = 0; i < n >> 1; i++) {
    const a = 0.5 * (x[n - 1 - i] - x[i]);
    x[i] = -a;
    x[n - 1 - i] = a;
  }
  if (n % 2 === 1) x[n >> 1] = 0;
  for (let i = 0; i < n; i++) {
    const [, , logSum] = hermiteScaled(n, x[i]);
    w[i] = Math.exp(-0.5 * x[i] * x[i] - logSum); // 1 / sum_k p_k(x_i)^2
  }
  return { nodes: x, weights: w };
}

/**
 * E[g(X)], X ~ N(mu, q) (q is the VARIANCE), by Gauss-Hermite quadrature of the given order:
 *   E[g(X)] ~ sum_i w_i g(mu + sqrt(q) x_i).
 * Exact for polynomials of degree <= 2 order - 1; spectrally accurate for smooth (analytic) g;
 * only algebraically accurate for kinked g (see the file doc) - use `gaussianExpectationPiecewise`.
 * q = 0 returns g(mu).
 */
export function gaussianExpectation(g: (x: number) => number, mu: number, q: number, order = 64): number {
  checkMoments(mu, q);
  if (q === 0) return g(mu);
  const { nodes, weights } = hermiteRule(order);
  const s = Math.sqrt(q);
  let acc = 0;
  for (let i = 0; i < nodes.length; i++) acc += weights[i] * g(mu + s * nodes[i]);
  return acc;
}

/** Throws a RangeError naming the bad value unless mu is finite and q is a finite variance >= 0. */
export function checkMoments(mu: number, q: number): void {
  if (!Number.isFinite(mu)) throw new RangeError(`mean mu must be finite, got ${mu}`);
  if (!(q >= 0) || !Number.isFinite(q)) throw new RangeError(`variance q must be finite and >= 0, got ${q}`);
}
