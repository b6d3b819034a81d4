/**
 * Gauss-Legendre quadrature on [-1, 1]: sum_i w_i f(t_i) ~ int_{-1}^{1} f(t) dt, exact for polynomials
 * of degree <= 2n - 1. Nodes by Newton's method on the Legendre recurrence
 *   (k+1) P_{k+1}(t) = (2k+1) t P_k(t) - k P_{k-1}(t),  P_n'(t) = n (t P_n - P_{n-1}) / (t^2 - 1),
 * from the Tricomi initial guesses cos(pi (i + 3/4) / (n + 1/2)); weights 2 / ((1 - t^2) P_n'(t)^2)
 * (Abramowitz & Stegun 1964, 25.4.29; Press et al., Numerical Recipes, 4.6). Cached per order.
 */
import type { QuadratureRule } from "./gauss-hermite.js";

const cache = new Map<number, QuadratureRule>();

/** Gauss-Legendre rule of the given order (1..1000) on [-1, 1], cached. */
export function legendreRule(order: number): QuadratureRule {
  if (!Number.isInteger(order) || order < 1 || order > 1000) {
    throw new RangeError(`Gauss-Legendre order must be an integer in 1..1000, got ${order}`);
  }
  const hit = cache.get(order);
  if (hit) return hit;
  const n = order;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < (n + 1) >> 1; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 1; k < n; k++) {
        const p2 = ((2 * k + 1) * t * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
      }
      if (n === 1) p0 = 1;
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    const w = 2 / ((1 - t * t) * dp * dp);
    nodes[i] = -t;
    nodes[n - 1 - i] = t;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  if (n % 2 === 1) nodes[n >> 1] = 0;
  const rule = { nodes, weights };
  cache.set(order, rule);
  return rule;
}
