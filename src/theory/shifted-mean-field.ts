/**
 * Mean-field fixed point with a deterministic bias shift: biases with mean mu_b (over units) and
 * spread sigma_b^2 around it. A constant bias of -1 is mu_b = -1 and sigma_b^2 = 0, which is not
 * the zero-mean noise of variance 1 that `meanField` would take from E[b^2] = 1.
 *
 * With zero-mean weights of variance sigma_w^2 / N, z_l = W a_{l-1} + b has mean mu_b and variance
 * (Poole et al. 2016, arXiv:1606.05340, length map, with the shift carried along)
 *   q_l = sigma_w^2 E[phi(z_{l-1})^2] + sigma_b^2,   z_{l-1} ~ N(mu_b, q_{l-1}),
 * and the per-layer gradient factor is chi_1 = sigma_w^2 E[phi'(z)^2] at the fixed point q*
 * (Schoenholz et al. 2017, arXiv:1611.01232). For mu_b = 0 this is `meanField`'s map.
 * The fixed point is found by iterating the map from q0 (it is where a deep network settles):
 * stop at a relative change below 1e-12, at q below 1e-300 (collapse, q* = 0) or above 1e30
 * (divergence, q* = Infinity), or after 20000 layers (not converged).
 * ReLU with a negative shift: q -> 0 (every unit ends below 0), chi_1 -> 0: the ordered phase.
 */
import { classifyPhase, type Phase } from "./mean-field.js";
import { activationMoments } from "./moments.js";
import type { ScalarActivation } from "./types.js";

/** The mean-field fixed point, chi_1, phase and depth scale of a network whose biases have a nonzero mean. */
export interface ShiftedMeanField {
  sigmaW2: number;
  biasMean: number;
  sigmaB2: number;
  qStar: number;
  converged: boolean;
  chi1: number;
  phase: Phase;
  /** depth scale -1/ln chi_1 of the ordered phase (c* = 1 there); Infinity at chi_1 = 1, NaN above */
  xi: number;
}

/**
 * Mean field with a deterministic bias mean: the fixed point q* of q = sigma_w^2 E[phi(z)^2] +
 * sigma_b^2 with z ~ N(mu_b, q), then chi_1 and the phase there (see the module comment).
 */
export function shiftedMeanField(
  act: ScalarActivation,
  sigmaW2: number,
  biasMean: number,
  sigmaB2: number,
  opts: { q0?: number; tol?: number } = {},
): ShiftedMeanField {
  if (!(sigmaW2 > 0 && Number.isFinite(sigmaW2))) throw new RangeError(`sigmaW2 must be > 0, got ${sigmaW2}`);
  if (!Number.isFinite(biasMean)) throw new RangeError(`biasMean must be finite, got ${biasMean}`);
  if (!(sigmaB2 >= 0 && Number.isFinite(sigmaB2)))
    throw new RangeError(`sigmaB2 must be >= 0, got ${sigmaB2}`);
  let q = opts.q0 ?? 1;
  let converged = false;
  for (let it = 0; it < 20000; it++) {
    const next = sigmaW2 * activationMoments(act, biasMean, q).second + sigmaB2;
    if (next > 1e30) {
      q = Number.POSITIVE_INFINITY;
      converged = true;
      break;
    }
    if (next < 1e-300) {
      q = 0;
      converged = true;
      break;
    }
    const done = Math.abs(next - q) <= 1e-12 * Math.max(next, q);
    q = next;
    if (done) {
      converged = true;
      break;
    }
  }
  const qq = q === Number.POSITIVE_INFINITY ? 1e200 : q;
  const chi = sigmaW2 * activationMoments(act, biasMean, qq).derivSecond;
  const xi = !(chi > 0)
    ? 0
    : Math.abs(chi - 1) <= 1e-12
      ? Number.POSITIVE_INFINITY
      : chi < 1
        ? -1 / Math.log(chi)
        : Number.NaN;
  return {
    sigmaW2,
    biasMean,
    sigmaB2,
    qStar: q,
    converged,
    chi1: chi,
    phase: classifyPhase(chi, opts.tol),
    xi,
  };
}
