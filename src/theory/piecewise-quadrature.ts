/**
 * Gaussian expectations of piecewise-smooth functions (activations with kinks) to ~1e-14.
 *
 *   E[g(X)], X ~ N(mu, q), written as E[g(mu + s Z)], s = sqrt(q), Z ~ N(0, 1), is integrated by
 *   composite Gauss-Legendre quadrature in z on the truncated range [-L, L] (default L = 10; the
 *   neglected mass 2 Phi(-10) = 1.5e-23, and E[Z^2 1{|Z| > 10}] = 1.5e-21), with panel edges at
 *   - the unit grid z = -L, -L+1, ..., L (the Gaussian density is resolved to rounding level),
 *   - the images z = (x - mu)/s of the x-space points 0, +-2^-6 .. +-2^-1, +-1, +-2, ..., +-8,
 *     +-16, +-32, +-64, +-128, and of any extra `breakpoints`.
 * Every integrand is then smooth (analytic) on every panel, so each panel converges spectrally:
 * - kinks and jumps of relu, leaky relu, elu, selu (at 0), hard tanh (+-1), relu6 (0, 6) and hard
 *   sigmoid (+-3) fall on panel edges and cost nothing in accuracy;
 * - the complex singularities of tanh, sigmoid, softplus and swish sit on the imaginary axis (GELU has none)
 *   (Re x = 0, e.g. tanh's poles at +-i pi/2); the x-space mesh is graded geometrically towards
 *   x = 0, so every panel stays far from them in units of its own width, at every q.
 * Measured accuracy against closed forms (test/theory/piecewise-quadrature.test.ts), for q from 1e-6
 * to 1e4 and |mu| <= 3 sqrt(q): relu and leaky relu moments agree to ~1e-15 relative; erf(a x) for
 * a up to 20 to ~1e-14; hard tanh, elu and selu to 1e-13 .. 1e-12, where the remaining difference
 * is cancellation inside the closed forms themselves (elu at q = 1e-6, hard tanh at mu = -130).
 * A kink that is not a panel edge costs ~1e-5 relative (measured: max(x - 2.5, 0)^2 without its
 * breakpoint), hence `breakpoints`. The 2-D integrals use lighter settings (see bivariate.ts).
 * Cost: about 40-60 panels, i.e. ~1000 evaluations of g per expectation.
 *
 * Limits: g may grow at most polynomially (or like exp(k x) with k s << L) for the tail truncation to
 * be negligible; a kink not on the default list must be passed in `breakpoints`.
 */
import { checkMoments, type QuadratureRule } from "./gauss-hermite.js";
import { legendreRule } from "./gauss-legendre.js";

/** Options of the composite rule. */
export interface PiecewiseOptions {
  /** Truncation of the standard normal range to [-L, L]; default 10. */
  halfWidth?: number;
  /** Gauss-Legendre points per panel; default 20. */
  pointsPerPanel?: number;
  /** Spacing of the uniform z-grid of panel edges; default 1. */
  zStep?: number;
  /** Finest x-space grading edge is +-2^minExponent; default -6. */
  minExponent?: number;
}

const INV_SQRT_2PI = 0.3989422804014327;

/** The x-space points at which a Gaussian expectation is split (see the file doc). */
export function defaultXEdges(minExponent = -6): number[] {
  const pts = [0];
  for (let k = minExponent; k <= -1; k++) pts.push(2 ** k, -(2 ** k));
  for (let k = 1; k <= 8; k++) pts.push(k, -k);
  for (const v of [16, 32, 64, 128]) pts.push(v, -v);
  return pts.sort((a, b) => a - b);
}

const edgeCache = new Map<number, number[]>();

/**
 * The composite rule in z-space: nodes z_j and weights w_j (the N(0,1) density folded into w_j) with
 * E[g(mu + s Z)] ~ sum_j w_j g(mu + s z_j). q must be > 0.
 */
export function gaussianPanelRule(
  mu: number,
  q: number,
  breakpoints: readonly number[] = [],
  options: PiecewiseOptions = {},
): QuadratureRule {
  const L = options.halfWidth ?? 10;
  const m = options.pointsPerPanel ?? 20;
  const h = options.zStep ?? 1;
  const minExp = options.minExponent ?? -6;
  if (!(L > 0 && L <= 40)) throw new RangeError(`halfWidth must be in (0, 40], got ${L}`);
  if (!(h > 0 && h <= 2 * L)) throw new RangeError(`zStep must be in (0, 2 halfWidth], got ${h}`);
  let xEdges = edgeCache.get(minExp);
  if (!xEdges) {
    xEdges = defaultXEdges(minExp);
    edgeCache.set(minExp, xEdges);
  }
  const s = Math.sqrt(q);
  const edges: number[] = [];
  const steps = Math.ceil((2 * L) / h);
  for (let k = 0; k <= steps; k++) edges.push(Math.min(-L + k * h, L));
  const addX = (x: number) => {
    const z = (x - mu) / s;
    if (z > -L && z < L) edges.push(z);
  };
  for (const x of xEdges) addX(x);
  for (const x of breakpoints) {
    if (!Number.isFinite(x)) throw new RangeError(`breakpoints must be finite numbers, got ${x}`);
    addX(x);
  }
  edges.sort((a, b) => a - b);
  const { nodes: t, weights: tw } = legendreRule(m);
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let p = 0; p + 1 < edges.length; p++) {
    const a = edges[p];
    const b = edges[p + 1];
    if (!(b > a)) continue;
    const half = 0.5 * (b - a);
    const mid = 0.5 * (a + b);
    for (let i = 0; i < m; i++) {
      const z = mid + half * t[i];
      nodes.push(z);
      weights.push(half * tw[i] * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
    }
  }
  return { nodes: Float64Array.from(nodes), weights: Float64Array.from(weights) };
}

/**
 * E[g(X)], X ~ N(mu, q) (q is the VARIANCE), for piecewise-smooth g: composite Gauss-Legendre on the
 * truncated standard-normal range, split at 0, a graded x-mesh and the given `breakpoints` (x-space
 * points where g or g' jumps). Accurate to ~1e-14 for relu, leaky relu, hard tanh, elu, selu, tanh,
 * sigmoid (see the file doc for the method and measured accuracy). q = 0 returns g(mu).
 */
export function gaussianExpectationPiecewise(
  g: (x: number) => number,
  mu: number,
  q: number,
  breakpoints: readonly number[] = [],
  options: PiecewiseOptions = {},
): number {
  checkMoments(mu, q);
  if (q === 0) return g(mu);
  const { nodes, weights } = gaussianPanelRule(mu, q, breakpoints, options);
  const s = Math.sqrt(q);
  let acc = 0;
  for (let j = 0; j < nodes.length; j++) acc += weights[j] * g(mu + s * nodes[j]);
  return acc;
}
