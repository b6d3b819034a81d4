/**
 * Closed-form Gaussian moments of activations, z ~ N(mu, q), s = sqrt(q) > 0, used as independent
 * truth for the quadrature (`activationMoments`) and the 2-D correlation integrals.
 *
 * Truncated normal moments (Johnson, Kotz & Balakrishnan 1994, ch. 13): with alpha = (a - mu)/s,
 * beta = (b - mu)/s, P = Phi(beta) - Phi(alpha),
 *   E[1{a<z<b}]   = P
 *   E[z 1{a<z<b}] = mu P + s (phi(alpha) - phi(beta))
 *   E[z^2 1{a<z<b}] = mu^2 P + 2 mu s (phi(alpha) - phi(beta)) + q (P + alpha phi(alpha) - beta phi(beta)).
 * Exponential pieces: E[exp(k z) 1{z<0}] = exp(k mu + k^2 q / 2) Phi(-(mu + k q)/s).
 * erf(a z): E[erf(a z)] = erf(a mu / sqrt(1 + 2 a^2 q)); for mu = 0,
 *   E[erf(a z)^2] = (2/pi) asin(2 a^2 q / (1 + 2 a^2 q))   (Williams 1997, "Computing with infinite networks");
 *   E[erf'(a z)] with erf'(a x) = (2a/sqrt(pi)) exp(-a^2 x^2): (2a/sqrt(pi)) exp(-a^2 mu^2/(1+2a^2 q))/sqrt(1+2a^2 q),
 *   E[erf'^2] = (4a^2/pi) exp(-2 a^2 mu^2/(1+4a^2 q)) / sqrt(1+4a^2 q).
 * Correlated pairs (u1, u2) ~ N(0, q [[1, c], [c, 1]]):
 *   relu (arc-cosine kernel of degree 1, Cho & Saul 2009): E[relu(u1) relu(u2)] =
 *     q/(2 pi) (sqrt(1 - c^2) + (pi - acos c) c);  E[relu'(u1) relu'(u2)] = (pi - acos c)/(2 pi);
 *   erf (Williams 1997): E[erf(a u1) erf(a u2)] = (2/pi) asin(2 a^2 q c/(1 + 2 a^2 q)),
 *     E[erf'(a u1) erf'(a u2)] = (4 a^2/pi) / sqrt((1 + 2a^2 q)^2 - (2 a^2 q c)^2).
 * Probit approximation of the logistic sigmoid (MacKay 1992, "The evidence framework applied to
 * classification networks"): sigmoid(x) ~ Phi(lambda x), lambda^2 = pi/8, giving
 *   E[sigmoid(z)] ~ Phi(lambda mu / sqrt(1 + lambda^2 q)), and for mu = 0
 *   E[sigmoid(z)^2] ~ 1/4 + asin(lambda^2 q / (1 + lambda^2 q)) / (2 pi)   (an approximation, not a check:
 *   measured against quadrature for q in [0.01, 100], E[sigmoid^2] is off by up to 1.7%, Var(sigmoid)
 *   by up to 6.1% (both at q = 4), E[sigmoid] at mu = 1 by up to 0.0056).
 */
import { SELU_ALPHA, SELU_LAMBDA } from "../math/selu.js";
import { erf, normalCdf, normalPdf } from "../math/special.js";
import type { ActivationMoments } from "./types.js";

/** Klambauer et al. 2017 (arXiv:1706.02515), SELU constants alpha_01 and lambda_01. */
export { SELU_ALPHA, SELU_LAMBDA };

/** Moments of z restricted to (a, b): m0 = E[1{a<z<b}], m1 = E[z 1{..}], m2 = E[z^2 1{..}], z ~ N(mu, q). */
export function truncatedMoments(
  mu: number,
  q: number,
  a: number,
  b: number,
): { m0: number; m1: number; m2: number } {
  const s = Math.sqrt(q);
  const al = (a - mu) / s;
  const be = (b - mu) / s;
  const pa = Number.isFinite(al) ? normalPdf(al) : 0;
  const pb = Number.isFinite(be) ? normalPdf(be) : 0;
  // P = Phi(beta) - Phi(alpha), computed in the tail where it is small
  const P = al > 0 ? normalCdf(-al) - normalCdf(-be) : normalCdf(be) - normalCdf(al);
  const apa = Number.isFinite(al) ? al * pa : 0;
  const bpb = Number.isFinite(be) ? be * pb : 0;
  return {
    m0: P,
    m1: mu * P + s * (pa - pb),
    m2: mu * mu * P + 2 * mu * s * (pa - pb) + q * (P + apa - bpb),
  };
}

function pack(mean: number, second: number, derivMean: number, derivSecond: number): ActivationMoments {
  return { mean, second, variance: second - mean * mean, derivMean, derivSecond };
}

/** E[exp(k z) 1{z < 0}], z ~ N(mu, q). */
function expBelowZero(k: number, mu: number, q: number): number {
  return Math.exp(k * mu + 0.5 * k * k * q) * normalCdf(-(mu + k * q) / Math.sqrt(q));
}

/** Leaky ReLU phi(x) = x (x > 0), slope x (x < 0); slope 0 is ReLU (Maas et al. 2013; He et al. 2015). */
function leakyRelu(slope: number, mu: number, q: number): ActivationMoments {
  const pos = truncatedMoments(mu, q, 0, Number.POSITIVE_INFINITY);
  const neg = truncatedMoments(mu, q, Number.NEGATIVE_INFINITY, 0);
  return pack(
    pos.m1 + slope * neg.m1,
    pos.m2 + slope * slope * neg.m2,
    pos.m0 + slope * neg.m0,
    pos.m0 + slope * slope * neg.m0,
  );
}

/** ELU phi(x) = x (x > 0), alpha (e^x - 1) (x <= 0), scaled by `scale` (Clevert et al. 2015, arXiv:1511.07289). */
function elu(alpha: number, mu: number, q: number, scale = 1): ActivationMoments {
  const pos = truncatedMoments(mu, q, 0, Number.POSITIVE_INFINITY);
  const pNeg = normalCdf(-mu / Math.sqrt(q));
  const e1 = expBelowZero(1, mu, q);
  const e2 = expBelowZero(2, mu, q);
  const mean = pos.m1 + alpha * (e1 - pNeg);
  const second = pos.m2 + alpha * alpha * (e2 - 2 * e1 + pNeg);
  const derivMean = pos.m0 + alpha * e1;
  const derivSecond = pos.m0 + alpha * alpha * e2;
  return pack(scale * mean, scale * scale * second, scale * derivMean, scale * scale * derivSecond);
}

export const closedForms = {
  truncatedMoments,
  /** phi(x) = x: E = mu, E[phi^2] = mu^2 + q, phi' = 1. */
  identity(mu: number, q: number): ActivationMoments {
    return pack(mu, mu * mu + q, 1, 1);
  },
  /** ReLU max(0, x): E[phi] = mu Phi(mu/s) + s phi(mu/s), E[phi^2] = (mu^2 + q) Phi(mu/s) + mu s phi(mu/s); mu = 0: sqrt(q/(2 pi)), q/2. */
  relu(mu: number, q: number): ActivationMoments {
    return leakyRelu(0, mu, q);
  },
  leakyRelu,
  /** Hard tanh clip(x, -1, 1). */
  hardTanh(mu: number, q: number): ActivationMoments {
    const mid = truncatedMoments(mu, q, -1, 1);
    const s = Math.sqrt(q);
    const above = normalCdf((mu - 1) / s);
    const below = normalCdf((-1 - mu) / s);
    return pack(mid.m1 + above - below, mid.m2 + above + below, mid.m0, mid.m0);
  },
  elu,
  /** SELU = lambda_01 * ELU_{alpha_01} (Klambauer et al. 2017, arXiv:1706.02515). */
  selu(mu: number, q: number): ActivationMoments {
    return elu(SELU_ALPHA, mu, q, SELU_LAMBDA);
  },
  /** phi(x) = erf(a x) (Williams 1997). */
  erf(a: number, mu: number, q: number): ActivationMoments {
    const k1 = 1 + 2 * a * a * q;
    const k2 = 1 + 4 * a * a * q;
    const second =
      mu === 0
        ? (2 / Math.PI) * Math.asin((2 * a * a * q) / k1)
        : Number.NaN; /* no closed form for mu != 0 */
    return pack(
      erf((a * mu) / Math.sqrt(k1)),
      second,
      (((2 * a) / Math.sqrt(Math.PI)) * Math.exp((-a * a * mu * mu) / k1)) / Math.sqrt(k1),
      (((4 * a * a) / Math.PI) * Math.exp((-2 * a * a * mu * mu) / k2)) / Math.sqrt(k2),
    );
  },
  /** Probit approximation of sigmoid moments (MacKay 1992): {mean, second} (second for mu = 0 only). */
  probitSigmoid(mu: number, q: number): { mean: number; second: number } {
    const l2 = Math.PI / 8;
    return {
      mean: normalCdf((Math.sqrt(l2) * mu) / Math.sqrt(1 + l2 * q)),
      second: mu === 0 ? 0.25 + Math.asin((l2 * q) / (1 + l2 * q)) / (2 * Math.PI) : Number.NaN,
    };
  },
  /** E[relu(u1) relu(u2)], (u1, u2) ~ N(0, q [[1,c],[c,1]]): arc-cosine kernel (Cho & Saul 2009). */
  reluCorrelation(q: number, c: number): number {
    return (q / (2 * Math.PI)) * (Math.sqrt(Math.max(0, 1 - c * c)) + (Math.PI - Math.acos(c)) * c);
  },
  /** E[relu'(u1) relu'(u2)] = P(u1 > 0, u2 > 0) = (pi - acos c)/(2 pi). */
  reluDerivCorrelation(c: number): number {
    return (Math.PI - Math.acos(c)) / (2 * Math.PI);
  },
  /** E[erf(a u1) erf(a u2)] = (2/pi) asin(2 a^2 q c / (1 + 2 a^2 q)) (Williams 1997). */
  erfCorrelation(a: number, q: number, c: number): number {
    return (2 / Math.PI) * Math.asin((2 * a * a * q * c) / (1 + 2 * a * a * q));
  },
  /** E[erf'(a u1) erf'(a u2)] = (4 a^2/pi) / sqrt((1 + 2 a^2 q)^2 - (2 a^2 q c)^2). */
  erfDerivCorrelation(a: number, q: number, c: number): number {
    const t = 2 * a * a * q; // (1 + t)^2 - (t c)^2, factored to avoid cancellation near c = 1
    return (4 * a * a) / Math.PI / Math.sqrt((1 + t * (1 - c)) * (1 + t * (1 + c)));
  },
};
