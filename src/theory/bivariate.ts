/**
 * Expectations over a correlated Gaussian pair, the 2-D integrals of the mean-field correlation map
 * (Poole et al. 2016, arXiv:1606.05340; Schoenholz et al. 2017, arXiv:1611.01232):
 *   (u1, u2) ~ N(0, [[q1, c sqrt(q1 q2)], [c sqrt(q1 q2), q2]]),
 *   u1 = sqrt(q1) z1,  u2 = sqrt(q2) (c z1 + sqrt(1 - c^2) z2),  z1, z2 iid N(0, 1).
 * Computed as nested 1-D integrals: the outer over z1 and, for each outer node, the inner over z2
 * (a Gaussian with mean sqrt(q2) c z1 and variance q2 (1 - c^2)), each with the piecewise composite
 * Gauss-Legendre rule of `gaussianPanelRule`, so kinks of phi split both integrals exactly (a
 * tensor-product 2-D Gauss-Hermite rule would converge only algebraically for relu). The inner
 * integral smooths a jump of phi or phi' at u2 = k into a transition of width
 * sqrt(1 - c^2)/|c| in z1 around z1 = k/(sqrt(q2) c); the outer mesh is graded geometrically towards
 * it, so c -> 1 stays accurate.
 * Measured error with `BIVARIATE_DEFAULTS` (test/theory/bivariate.test.ts), for q in [1e-4, 1e4] and
 * c in [-1, 1] including 1 - 1e-10: <= 3e-15 against the arc-cosine kernel (relu); against the
 * Williams kernels for erf(a x), a in [0.5, 20]: E[phi phi] <= 2e-14 absolute, E[phi' phi'] <= 2e-15
 * relative for a = 1 and q <= 100, worst 5e-12 relative (a = 20, q = 1e4: features of width 1/20
 * in x seen at z-resolution 1e-2).
 * Cost: about 300 x 300 evaluations of phi and phi' (~10-25 ms).
 */
import { gaussianPanelRule, type PiecewiseOptions } from "./piecewise-quadrature.js";
import type { ScalarActivation } from "./types.js";

/**
 * Panel options of each of the two nested 1-D rules: 10 Gauss-Legendre points per panel, z in
 * [-9, 9] (neglected mass 2e-19), z-grid step 2, x-grading down to 2^-4.
 */
export const BIVARIATE_DEFAULTS: PiecewiseOptions = {
  pointsPerPanel: 10,
  halfWidth: 9,
  zStep: 2,
  minExponent: -4,
};

/** E[phi(u1) phi(u2)] and E[phi'(u1) phi'(u2)] for the correlated pair above. */
export interface CorrelatedMoments {
  /** E[phi(u1) phi(u2)] */
  phiPhi: number;
  /** E[phi'(u1) phi'(u2)] */
  dphiDphi: number;
}

/**
 * E[phi(u1) phi(u2)] and E[phi'(u1) phi'(u2)], (u1, u2) zero-mean Gaussian with variances q1, q2 and
 * correlation c in [-1, 1]. c = +-1 reduces to 1-D integrals (u2 = +-sqrt(q2/q1) u1).
 */
export function correlatedMoments(
  act: ScalarActivation,
  q1: number,
  q2: number,
  c: number,
  options: PiecewiseOptions = BIVARIATE_DEFAULTS,
): CorrelatedMoments {
  if (!(q1 > 0 && q2 > 0 && Number.isFinite(q1) && Number.isFinite(q2))) {
    throw new RangeError(`variances q1, q2 must be finite and > 0, got ${q1}, ${q2}`);
  }
  if (!(c >= -1 && c <= 1)) throw new RangeError(`correlation c must be in [-1, 1], got ${c}`);
  const kinks = act.kinks ?? [];
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const sInner = s2 * Math.sqrt(Math.max(0, 1 - c * c));
  // As a function of z1 the inner integral smooths each jump of phi or phi' at u2 = k over a width
  // w = sInner / (s2 |c|) around z1 = k / (s2 c); grade the outer mesh geometrically towards it.
  const outerBreaks: number[] = [...kinks];
  const L = options.halfWidth ?? 10;
  if (c !== 0) {
    const w = sInner / (s2 * Math.abs(c));
    for (const k of jumpPoints(act)) {
      const center = k / (s2 * c);
      if (Math.abs(center) >= L) continue;
      for (let j = 0, d = w; j <= 60 && d < 2; j++, d *= 2) {
        if (d === 0) break;
        outerBreaks.push(s1 * (center - d), s1 * (center + d));
      }
    }
  }
  const outer = gaussianPanelRule(0, q1, outerBreaks, options);
  let pp = 0;
  let dd = 0;
  for (let i = 0; i < outer.nodes.length; i++) {
    const z1 = outer.nodes[i];
    const u1 = s1 * z1;
    const m = s2 * c * z1;
    let innerF: number;
    let innerD: number;
    if (sInner === 0) {
      innerF = act.f(m);
      innerD = act.df(m);
    } else {
      const inner = gaussianPanelRule(m, sInner * sInner, kinks, options);
      innerF = 0;
      innerD = 0;
      for (let j = 0; j < inner.nodes.length; j++) {
        const u2 = m + sInner * inner.nodes[j];
        innerF += inner.weights[j] * act.f(u2);
        innerD += inner.weights[j] * act.df(u2);
      }
    }
    pp += outer.weights[i] * act.f(u1) * innerF;
    dd += outer.weights[i] * act.df(u1) * innerD;
  }
  return { phiPhi: pp, dphiDphi: dd };
}

/**
 * The points where phi or phi' jumps, among 0, the declared kinks and the integers -8..8 (the kinks
 * of relu, leaky relu, hard tanh, relu6, hard sigmoid), detected by one-sided differences.
 */
export function jumpPoints(act: ScalarActivation): number[] {
  const pts = new Set<number>([0, ...(act.kinks ?? [])]);
  for (let k = -8; k <= 8; k++) {
    if (k === 0) continue;
    const h = 1e-9 * Math.max(1, Math.abs(k));
    if (Math.abs(act.df(k + h) - act.df(k - h)) > 1e-6 || Math.abs(act.f(k + h) - act.f(k - h)) > 1e-6) {
      pts.add(k);
    }
  }
  return [...pts];
}
