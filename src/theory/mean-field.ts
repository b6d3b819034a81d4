/**
 * Mean-field signal propagation in wide random MLPs (Poole et al. 2016, "Exponential expressivity in
 * deep neural networks through transient chaos", arXiv:1606.05340; Schoenholz et al. 2017, "Deep
 * Information Propagation", arXiv:1611.01232). Weights W_ij ~ N(0, sigma_w^2 / N) (so sigma_w^2 is
 * the weight variance times the fan-in), biases b_i ~ N(0, sigma_b^2), z ~ N(0, 1) below.
 *
 * - length map (Poole et al.):  q -> L(q) = sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2;
 *   its fixed point q* is the pre-activation variance deep layers settle at.
 * - chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2]: the slope of the correlation map at c = 1 and the
 *   per-layer factor of the gradient variance (Schoenholz et al., backpropagation); ordered phase chi_1 < 1
 *   (inputs collapse together, gradients vanish), chaotic chi_1 > 1 (nearby inputs decorrelate,
 *   gradients explode), critical chi_1 = 1 ("edge of chaos").
 * - correlation map: c -> (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / q*, u1 = sqrt(q*) z1,
 *   u2 = sqrt(q*) (c z1 + sqrt(1 - c^2) z2); its stable fixed point c*.
 * - depth scales (Schoenholz et al.): |q^l - q*| ~ exp(-l / xi_q), |c^l - c*| ~ exp(-l / xi_c):
 *     xi_q^-1 = -ln(chi_1 + sigma_w^2 E[phi''(sqrt(q*) z) phi(sqrt(q*) z)]) = -ln L'(q*),
 *     xi_c^-1 = -ln chi_c,  chi_c = sigma_w^2 E[phi'(u1) phi'(u2)] at c = c*  (chi_c = chi_1 if c* = 1).
 *   L'(q*) is computed without phi'': by Stein's lemma (Gaussian integration by parts),
 *     chi_1 + sigma_w^2 E[phi'' phi] = sigma_w^2 E[u phi(u) phi'(u)] / q*,  u ~ N(0, q*),
 *   which is exact, needs only phi and phi', and stays correct at kinks where a finite-difference
 *   phi'' would not (hard tanh: phi'' has delta terms at +-1).
 * - trainable depth: Schoenholz et al. (Fig. 5) find networks trainable up to about 6 xi_c.
 *
 * Divergence: for unbounded phi the length map can have no finite positive fixed point. For relu,
 * L(q) = sigma_w^2 q / 2 + sigma_b^2, so q* = sigma_b^2 / (1 - sigma_w^2/2) for sigma_w^2 < 2,
 * q* = 0 if also sigma_b = 0, and q* = Infinity (the signal grows geometrically) for sigma_w^2 > 2.
 */
import { correlatedMoments } from "./bivariate.js";
import { activationExpectation, activationMoments } from "./moments.js";
import { brentRoot } from "./root-find.js";
import type { ScalarActivation } from "./types.js";

/**
 * The phase of an initialization: ordered (chi_1 < 1), critical (chi_1 = 1 within a tolerance),
 * chaotic (chi_1 > 1 at a finite q*: nearby inputs decorrelate, c* < 1), or exploding (chi_1 > 1
 * with no finite q*, e.g. relu above sigma_w^2 = 2: the signal's length grows geometrically while
 * the normalized correlation map of relu does not depend on sigma_w^2 and still sends c to 1, so
 * there is no chaotic phase; Hayou, Doucet & Rousseau 2019, arXiv:1902.06853).
 */
export type Phase = "ordered" | "critical" | "chaotic" | "exploding";

/** How the iteration q -> L(q) started at q0 ends. */
export type FixedPointStatus = "finite" | "zero" | "infinite" | "marginal";

export interface QFixedPoint {
  /** the fixed point reached from q0: a finite q* > 0, 0 (collapse) or Infinity (divergence) */
  qStar: number;
  converged: boolean;
  status: FixedPointStatus;
  /** L'(q*) = sigma_w^2 E[u phi phi'] / q*: < 1 for a stable fixed point (NaN if q* is 0 or Infinity) */
  slope: number;
}

export interface MeanFieldResult {
  sigmaW2: number;
  sigmaB2: number;
  qStar: number;
  qStatus: FixedPointStatus;
  chi1: number;
  phase: Phase;
  cStar: number;
  chiC: number;
  /** depth scale of the length, -1/ln L'(q*) */
  xiQ: number;
  /** depth scale of the correlation, -1/ln chi_c (Infinity at criticality) */
  xiC: number;
  /** 6 xi_c (Schoenholz et al. 2017, Fig. 5) */
  trainableDepth: number;
}

function checkSigmas(sigmaW2: number, sigmaB2: number): void {
  if (!(sigmaW2 > 0 && Number.isFinite(sigmaW2))) throw new RangeError(`sigmaW2 must be > 0, got ${sigmaW2}`);
  if (!(sigmaB2 >= 0 && Number.isFinite(sigmaB2)))
    throw new RangeError(`sigmaB2 must be >= 0, got ${sigmaB2}`);
}

/** Length map L(q) = sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2 (Poole et al. 2016). */
export function lengthMap(act: ScalarActivation, q: number, sigmaW2: number, sigmaB2: number): number {
  return sigmaW2 * activationMoments(act, 0, q).second + sigmaB2;
}

/** L'(q) = sigma_w^2 E[u phi(u) phi'(u)] / q, u ~ N(0, q) (= chi_1(q) + sigma_w^2 E[phi'' phi], Stein's lemma). */
export function lengthMapSlope(act: ScalarActivation, q: number, sigmaW2: number): number {
  if (!(q > 0 && Number.isFinite(q))) return Number.NaN;
  return (sigmaW2 * activationExpectation(act, (u) => u * act.f(u) * act.df(u), 0, q)) / q;
}

/** Grid on which the sign of L(q) - q is scanned: 0 and 10^-12 .. 10^30. */
const Q_GRID: readonly number[] = (() => {
  const g = [0];
  for (let k = -12; k <= 30; k++) g.push(10 ** k);
  return g;
})();

/**
 * The fixed point q* of the length map reached by iterating from q0 (default 1): the sign of
 * F(q) = L(q) - q is scanned on a log grid 0, 1e-12, 1e-11, ..., 1e30 (|F| <= 1e-12 max(q, L(q))
 * counts as 0); from q0 the iteration moves up while F > 0 and down while F < 0, so q* is the first
 * sign change of F in that direction, refined by Brent's method to ~1e-15 relative. No sign change
 * upward: q* = Infinity (status "infinite"); none downward: q* = 0 ("zero", F(0) = L(0) = 0); F = 0
 * on the whole grid (relu at sigma_w^2 = 2, sigma_b = 0, where every q is a fixed point): q* = q0
 * ("marginal"). A fixed point above 1e30 is reported as Infinity.
 */
export function qFixedPoint(
  act: ScalarActivation,
  sigmaW2: number,
  sigmaB2: number,
  opts: { q0?: number } = {},
): QFixedPoint {
  checkSigmas(sigmaW2, sigmaB2);
  const q0 = opts.q0 ?? 1;
  if (!(q0 > 0 && Number.isFinite(q0))) throw new RangeError(`q0 must be finite and > 0, got ${q0}`);
  const F = (q: number) => lengthMap(act, q, sigmaW2, sigmaB2) - q;
  const sign = (q: number, fq: number) => {
    const L = fq + q;
    if (Math.abs(fq) <= 1e-12 * Math.max(Math.abs(q), Math.abs(L))) return 0;
    return fq > 0 ? 1 : -1;
  };
  const done = (qStar: number, status: FixedPointStatus, converged = true): QFixedPoint => ({
    qStar,
    converged,
    status,
    slope: status === "finite" || status === "marginal" ? lengthMapSlope(act, qStar, sigmaW2) : Number.NaN,
  });
  const f0 = F(q0);
  const s0 = sign(q0, f0);
  if (s0 === 0) {
    const flat = Q_GRID.every((q) => sign(q, F(q)) === 0);
    return done(q0, flat ? "marginal" : "finite");
  }
  const refine = (a: number, fa: number, b: number, fb: number) => {
    const r = brentRoot(F, a, b, { fa, fb, xtol: 1e-15 * Math.max(a, b) });
    return done(r.root, "finite", r.converged);
  };
  // grid points where F is 0 within the tolerance are stepped over: they cannot start a bracket
  // (F = sigma_b^2 > 0 looks like 0 next to q = 1e20), and a true root there is still bracketed
  let prevQ = q0;
  let prevF = f0;
  if (s0 > 0) {
    for (const q of Q_GRID) {
      if (q <= q0) continue;
      const fq = F(q);
      const s = sign(q, fq);
      if (s < 0) return refine(prevQ, prevF, q, fq);
      if (s > 0) {
        prevQ = q;
        prevF = fq;
      }
    }
    return done(Number.POSITIVE_INFINITY, "infinite");
  }
  for (let i = Q_GRID.length - 1; i >= 0; i--) {
    const q = Q_GRID[i];
    if (q >= q0) continue;
    const fq = F(q);
    const s = sign(q, fq);
    if (s > 0) return refine(q, fq, prevQ, prevF);
    if (s < 0) {
      prevQ = q;
      prevF = fq;
    }
  }
  return done(0, "zero");
}

/**
 * chi_1(q) = sigma_w^2 E[phi'(sqrt(q) z)^2] (Poole et al. 2016; Schoenholz et al. 2017). q = 0 and
 * q = Infinity are taken as limits, evaluated at q = 1e-200 and q = 1e200 (for relu both give
 * sigma_w^2 / 2: the average of the one-sided slopes squared).
 */
export function chi1(act: ScalarActivation, q: number, sigmaW2: number): number {
  const qq = q === 0 ? 1e-200 : q === Number.POSITIVE_INFINITY ? 1e200 : q;
  return sigmaW2 * activationMoments(act, 0, qq).derivSecond;
}

/** "ordered" if chi_1 < 1 - tol, "chaotic" if chi_1 > 1 + tol, else "critical". */
export function classifyPhase(chi: number, tol = 1e-3): Phase {
  if (chi < 1 - tol) return "ordered";
  if (chi > 1 + tol) return "chaotic";
  return "critical";
}

/** Correlation map c -> (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / q* (Poole et al. 2016). */
export function correlationMap(
  act: ScalarActivation,
  c: number,
  qStar: number,
  sigmaW2: number,
  sigmaB2: number,
): number {
  return (sigmaW2 * correlatedMoments(act, qStar, qStar, c).phiPhi + sigmaB2) / qStar;
}

/** chi_c = sigma_w^2 E[phi'(u1) phi'(u2)] at correlation c (Schoenholz et al. 2017); chi_1 at c = 1. */
export function chiC(act: ScalarActivation, qStar: number, c: number, sigmaW2: number): number {
  return sigmaW2 * correlatedMoments(act, qStar, qStar, c).dphiDphi;
}

/**
 * The stable fixed point c* of the correlation map at q = q* (0 < q* < Infinity). If
 * chi_1 <= 1, c = 1 is stable and c* = 1. Otherwise c = 1 is unstable and c* < 1 is the root of
 * g(c) = C(c) - c in [0, 1 - delta]: g(0) = (sigma_w^2 E[phi]^2 + sigma_b^2)/q* >= 0 and g < 0 just
 * below 1 (slope chi_1 > 1 there); delta is the largest of 1e-2 .. 1e-9 with g(1 - delta) < 0.
 * Brent's method refines c* to 1e-13.
 */
export function cFixedPoint(
  act: ScalarActivation,
  qStar: number,
  sigmaW2: number,
  sigmaB2: number,
): { cStar: number; converged: boolean } {
  if (!(qStar > 0 && Number.isFinite(qStar))) return { cStar: Number.NaN, converged: false };
  if (chi1(act, qStar, sigmaW2) <= 1) return { cStar: 1, converged: true };
  const g = (c: number) => correlationMap(act, c, qStar, sigmaW2, sigmaB2) - c;
  const g0 = g(0);
  if (Math.abs(g0) <= 1e-13) return { cStar: 0, converged: true };
  for (let k = 2; k <= 9; k++) {
    const top = 1 - 10 ** -k;
    const gt = g(top);
    if (gt < 0) {
      const r = brentRoot(g, 0, top, { fa: g0, fb: gt, xtol: 1e-13 });
      return { cStar: r.root, converged: r.converged };
    }
  }
  return { cStar: 1, converged: false };
}

/** Schoenholz et al. 2017 (Fig. 5): a random network is trainable up to a depth of about 6 xi_c. */
export function trainableDepth(xiC: number): number {
  return 6 * xiC;
}

/** -1/ln(x) as a depth scale: Infinity at x = 1 (within 1e-12), NaN outside (0, 1] (an unstable fixed point). */
function depthScale(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (Math.abs(x - 1) <= 1e-12) return Number.POSITIVE_INFINITY;
  if (x > 1) return Number.NaN;
  return -1 / Math.log(x);
}

/**
 * Everything at once for (phi, sigma_w^2, sigma_b^2): q*, chi_1, phase, c*, chi_c, xi_q, xi_c and
 * the trainable depth 6 xi_c (Poole et al. 2016; Schoenholz et al. 2017). `tol` is the half-width
 * of the "critical" band of chi_1.
 */
export function meanField(
  act: ScalarActivation,
  sigmaW2: number,
  sigmaB2: number,
  opts: { q0?: number; tol?: number } = {},
): MeanFieldResult {
  const fp = qFixedPoint(act, sigmaW2, sigmaB2, { q0: opts.q0 });
  const x1 = chi1(act, fp.qStar, sigmaW2);
  const classified = classifyPhase(x1, opts.tol);
  const phase: Phase = classified === "chaotic" && fp.status === "infinite" ? "exploding" : classified;
  let cStar = Number.NaN;
  let xc = Number.NaN;
  if (x1 <= 1 + 1e-12) {
    cStar = 1;
    xc = x1;
  } else if (fp.qStar > 0 && Number.isFinite(fp.qStar)) {
    cStar = cFixedPoint(act, fp.qStar, sigmaW2, sigmaB2).cStar;
    xc = cStar === 1 ? x1 : chiC(act, fp.qStar, cStar, sigmaW2);
  }
  const xiC = depthScale(xc);
  return {
    sigmaW2,
    sigmaB2,
    qStar: fp.qStar,
    qStatus: fp.status,
    chi1: x1,
    phase,
    cStar,
    chiC: xc,
    xiQ: depthScale(fp.slope),
    xiC,
    trainableDepth: trainableDepth(xiC),
  };
}

/**
 * The critical weight variance: sigma_w^2 with chi_1(q*(sigma_w^2, sigma_b^2)) = 1 (the order-to-chaos
 * transition in the phase diagrams of Poole et al. 2016 and Schoenholz et al. 2017), by bracketing on a doubling
 * grid from 0.25 and bisection to ~1e-12 relative. NaN if chi_1 never crosses 1 below sigma_w^2 = 1e6.
 * tanh: 1 at sigma_b^2 = 0 (q* = 0 and chi_1 = sigma_w^2 below it); ~1.76 at sigma_b^2 = 0.05.
 * relu: 2 for every sigma_b^2 (chi_1 = sigma_w^2 / 2 whatever q*).
 */
export function criticalSigmaW2(act: ScalarActivation, sigmaB2: number): number {
  const h = (w: number) => chi1(act, qFixedPoint(act, w, sigmaB2).qStar, w) - 1;
  let lo = 0.25;
  let hlo = h(lo);
  if (hlo >= 0) {
    while (hlo >= 0 && lo > 1e-8) {
      lo /= 2;
      hlo = h(lo);
    }
    if (hlo >= 0) return Number.NaN;
  }
  let hi = lo * 2;
  let hhi = h(hi);
  while (hhi < 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) return Number.NaN;
    hhi = h(hi);
  }
  for (let it = 0; it < 60 && hi - lo > 1e-12 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (h(mid) < 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
