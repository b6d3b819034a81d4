/**
 * The spectrum of the input-output Jacobian of a deep random network, from free probability
 * (Pennington, Schoenholz & Ganguli 2017, "Resurrecting the sigmoid in deep learning through
 * dynamical isometry", arXiv:1711.04735, Sec. 2; 2018, "The emergence of spectral universality in
 * deep networks", arXiv:1802.09979).
 *
 * Network: h^l = W^l x^(l-1) + b^l, x^l = phi(h^l), W^l N x N with E[W_ij^2] = sigma_w^2 / N,
 * b^l ~ N(0, sigma_b^2), pre-activation variance q^l (the length map of mean-field.ts). The
 * Jacobian of the stack is J = dx^L / dx^0 = prod_l D^l W^l with D^l = diag(phi'(h^l)).
 *
 * Moments: m_k = E[(1/N) tr (J J^T)^k]; the squared singular values of J are the eigenvalues of
 * J J^T, so m_1 is their mean and sigma^2_JJT = m_2 - m_1^2 their variance. With
 *   mu_k(q) = E[phi'(sqrt(q) z)^(2k)],  z ~ N(0, 1)   (the moments of D^2),
 * and s_1 the first coefficient of the weights' S-transform, S_{WW^T}(z) = sigma_w^-2 (1 + s_1 z + ...):
 *   s_1 = -1 for Gaussian (i.i.d.) weights (Marchenko-Pastur at ratio 1: m_2 = 2 sigma_w^4),
 *   s_1 =  0 for orthogonal weights (W W^T = sigma_w^2 I),
 * the S-transform of a product of free matrices is the product of their S-transforms, so
 * (Pennington et al. 2017, Sec. 2.5, the moments m_1 and m_2 of J J^T at the fixed point q*):
 *   m_1 = (sigma_w^2 mu_1)^L = chi^L                       (chi = chi_1 of mean-field.ts),
 *   sigma^2_JJT = m_1^2 L (mu_2 / mu_1^2 - 1 - s_1).
 * At criticality (chi = 1) the mean squared singular value is 1 at every depth, and the variance
 * grows linearly with L: Gaussian weights L mu_2/mu_1^2 (>= L), orthogonal L (mu_2/mu_1^2 - 1).
 * For tanh mu_2/mu_1^2 -> 1 as q* -> 0, so an orthogonal tanh network at a small q* is close to
 * isometric (all singular values near 1) up to depths ~ 1/(mu_2/mu_1^2 - 1); for ReLU
 * (phi' in {0, 1}) mu_k = 1/2 for every k, mu_2/mu_1^2 = 2 whatever q*, so sigma^2_JJT >= L for
 * either ensemble: ReLU networks cannot be dynamically isometric (Pennington et al. 2017, Sec. 3).
 *
 * Layers off the fixed point: the same S-transform argument gives, to first order, a normalized
 * variance sigma^2_JJT / m_1^2 = sum_l (mu_2(q^l)/mu_1(q^l)^2 - 1 - s_1^l) and
 * m_1 = prod_l sigma_w,l^2 mu_1(q^l), with q^l from the length map (`jacobianSpectrumMoments`). Both
 * are large-width limits; at width N the measured moments scatter by O(1/sqrt(N)).
 */
import { lengthMap, qFixedPoint } from "./mean-field.js";
import { activationExpectation } from "./moments.js";
import type { ScalarActivation } from "./types.js";

/** The weight ensemble of a layer: i.i.d. entries (Gaussian, uniform: s_1 = -1) or orthogonal (s_1 = 0). */
export type WeightEnsemble = "gaussian" | "orthogonal";

/** s_1 of the S-transform of W W^T / sigma_w^2: -1 for i.i.d. entries, 0 for orthogonal. */
export function sTransformS1(ensemble: WeightEnsemble): number {
  return ensemble === "orthogonal" ? 0 : -1;
}

/** mu_1 = E[phi'(u)^2] and mu_2 = E[phi'(u)^4], u ~ N(0, q): the first two moments of D^2. */
export function derivativeMoments(act: ScalarActivation, q: number): { mu1: number; mu2: number } {
  if (!(q >= 0 && Number.isFinite(q))) throw new RangeError(`q must be finite and >= 0, got ${q}`);
  const d2 = (u: number) => act.df(u) ** 2;
  return {
    mu1: activationExpectation(act, d2, 0, q),
    mu2: activationExpectation(act, (u) => d2(u) ** 2, 0, q),
  };
}

/** One layer of the product J = prod D W, as the theory sees it. */
export interface SpectrumLayer {
  /** sigma_w^2 = fan_in Var(W) */
  sigmaW2: number;
  ensemble: WeightEnsemble;
  /** the activation after this layer (identity for a read-out layer) */
  act: ScalarActivation;
}

/** The predicted moments of the squared singular values of J (eigenvalues of J J^T). */
export interface SpectrumMoments {
  /** m_1, the mean squared singular value */
  meanSquare: number;
  /** sigma^2_JJT = m_2 - m_1^2, the variance of the squared singular values */
  variance: number;
  /** sigma^2_JJT / m_1^2 */
  normalizedVariance: number;
  /** per layer: its pre-activation variance q^l, chi^l = sigma_w^2 mu_1, mu_2/mu_1^2, s_1 */
  layers: { q: number; chi: number; ratio: number; s1: number }[];
}

/**
 * The moments of the spectrum of J J^T for a product of layers (see the file's doc), with the
 * pre-activation variance q of the first layer given (e.g. measured) and the later ones from the
 * length map q^(l+1) = sigma_w^2 E[phi(sqrt(q^l) z)^2] + sigma_b^2 (Poole et al. 2016). sigma_b^2
 * is the bias variance of every layer.
 */
export function jacobianSpectrumMoments(
  layers: readonly SpectrumLayer[],
  q1: number,
  sigmaB2: number,
): SpectrumMoments {
  if (layers.length === 0) throw new RangeError("jacobianSpectrumMoments: no layer");
  let q = q1;
  let logM1 = 0;
  let nv = 0;
  const out: SpectrumMoments["layers"] = [];
  for (const [i, l] of layers.entries()) {
    if (i > 0) q = lengthMap(layers[i - 1].act, q, l.sigmaW2, sigmaB2);
    const { mu1, mu2 } = derivativeMoments(l.act, q);
    const chi = l.sigmaW2 * mu1;
    const ratio = mu1 > 0 ? mu2 / (mu1 * mu1) : Number.NaN;
    const s1 = sTransformS1(l.ensemble);
    logM1 += Math.log(chi);
    nv += ratio - 1 - s1;
    out.push({ q, chi, ratio, s1 });
  }
  const m1 = Math.exp(logM1);
  return { meanSquare: m1, variance: m1 * m1 * nv, normalizedVariance: nv, layers: out };
}

/**
 * The closed forms at the fixed point q* of (phi, sigma_w^2, sigma_b^2), for L layers of one
 * ensemble (Pennington et al. 2017, Sec. 2.5): m_1 = (sigma_w^2 mu_1)^L and
 * sigma^2_JJT = m_1^2 L (mu_2/mu_1^2 - 1 - s_1), mu_k at q* (NaN when q* is infinite).
 */
export function criticalSpectrum(
  act: ScalarActivation,
  sigmaW2: number,
  sigmaB2: number,
  depth: number,
  ensemble: WeightEnsemble,
): { qStar: number; chi: number; ratio: number; meanSquare: number; variance: number } {
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError(`depth must be >= 1, got ${depth}`);
  const { qStar } = qFixedPoint(act, sigmaW2, sigmaB2);
  const q = Number.isFinite(qStar) ? qStar : Number.NaN;
  const { mu1, mu2 } = Number.isNaN(q) ? { mu1: Number.NaN, mu2: Number.NaN } : derivativeMoments(act, q);
  const chi = sigmaW2 * mu1;
  const ratio = mu2 / (mu1 * mu1);
  const m1 = chi ** depth;
  return {
    qStar,
    chi,
    ratio,
    meanSquare: m1,
    variance: m1 * m1 * depth * (ratio - 1 - sTransformS1(ensemble)),
  };
}

/**
 * The critical point with a chosen fixed point q*: sigma_w^2 = 1 / mu_1(q*) (so chi = 1) and
 * sigma_b^2 = q* - sigma_w^2 E[phi(sqrt(q*) z)^2] (so q* is the length map's fixed point). Pennington
 * et al. 2017 move along this critical line: a smaller q* brings tanh closer to isometry. Throws a
 * RangeError when sigma_b^2 would be negative (no critical point with this q*).
 */
export function criticalPointForQ(
  act: ScalarActivation,
  qStar: number,
): { sigmaW2: number; sigmaB2: number } {
  if (!(qStar > 0 && Number.isFinite(qStar))) throw new RangeError(`q* must be finite and > 0, got ${qStar}`);
  const { mu1 } = derivativeMoments(act, qStar);
  const sigmaW2 = 1 / mu1;
  const sigmaB2 = qStar - sigmaW2 * activationExpectation(act, (u) => act.f(u) ** 2, 0, qStar);
  if (sigmaB2 < -1e-12 * qStar)
    throw new RangeError(`no critical point with q* = ${qStar}: sigma_b^2 would be ${sigmaB2}`);
  return { sigmaW2, sigmaB2: Math.max(0, sigmaB2) };
}
