/**
 * Numeric gains: the factor g in Var(W) = g^2 / fan_in that keeps the pre-activation second moment
 * E[z^2] constant through a layer with activation phi (He et al. 2015, arXiv:1502.01852, eq. 10 derive
 * g^2 = 2 for relu this way):
 *   g^2 E[phi(z)^2] = E[z^2] = q,  z ~ N(0, q)   =>   g(q) = sqrt(q / E[phi(z)^2]).
 * For positively homogeneous phi (relu, leaky relu, identity) g does not depend on q:
 * relu sqrt(2), leaky relu with slope a sqrt(2 / (1 + a^2)), identity 1 - the values of
 * PyTorch's `calculate_gain`. For tanh, sigmoid, selu it does (tanh: 1.0099 at q = 0.01, 1.0897 at
 * 0.1, 1.5925 at 1, 2.5093 at 4), so a "gain" is only defined together with an input scale q.
 *
 * Fixed-point version: with sigma_b = 0, sigma_w^2 = g^2, the length map q -> g^2 E[phi(sqrt(q) z)^2]
 * (Poole et al. 2016) has its fixed point at q* exactly when g = g(q*): the gain "that makes the
 * deep-layer variance settle at q*" is the same number as the one-layer gain at q = q*.
 * `fixedPointGain` adds what one layer cannot tell: whether that fixed point is stable
 * (L'(q*) < 1) and chi_1 there (gradient growth per layer).
 */
import { chi1, lengthMapSlope, type QFixedPoint, qFixedPoint } from "./mean-field.js";
import { activationMoments } from "./moments.js";
import type { ScalarActivation } from "./types.js";

/** g(q) = sqrt(q / E[phi(z)^2]), z ~ N(0, q): keeps E[z^2] = q through one layer (He et al. 2015). */
export function numericGain(act: ScalarActivation, q = 1): number {
  if (!(q > 0 && Number.isFinite(q))) throw new RangeError(`input scale q must be finite and > 0, got ${q}`);
  return Math.sqrt(q / activationMoments(act, 0, q).second);
}

export interface FixedPointGain {
  /** g = sqrt(q* / E[phi(z)^2]), z ~ N(0, q*) */
  gain: number;
  /** the target fixed point q* */
  qStar: number;
  /** L'(q*) = g^2 E[u phi(u) phi'(u)] / q*: the fixed point attracts iff < 1 */
  lengthMapSlope: number;
  stable: boolean;
  /** chi_1 = g^2 E[phi'(z)^2] at q*: per-layer factor of the gradient variance */
  chi1: number;
}

/**
 * The gain whose sigma_b = 0 length map has its fixed point at qStar (default 1), with the slope of
 * the map there (stability) and chi_1 (Poole et al. 2016; Schoenholz et al. 2017).
 */
export function fixedPointGain(act: ScalarActivation, qStar = 1): FixedPointGain {
  const gain = numericGain(act, qStar);
  const slope = lengthMapSlope(act, qStar, gain * gain);
  return { gain, qStar, lengthMapSlope: slope, stable: slope < 1, chi1: chi1(act, qStar, gain * gain) };
}

/**
 * Where a deep stack with Var(W) = gain^2 / fan_in (and bias variance sigmaB2) settles: the fixed
 * point of the length map reached from q0 (default 1), e.g. tanh with PyTorch's 5/3: q* = 1.178.
 */
export function settledVariance(act: ScalarActivation, gain: number, sigmaB2 = 0, q0 = 1): QFixedPoint {
  if (!(gain > 0 && Number.isFinite(gain))) throw new RangeError(`gain must be finite and > 0, got ${gain}`);
  return qFixedPoint(act, gain * gain, sigmaB2, { q0 });
}

const NOTES: Record<string, string> = {
  relu:
    "ReLU zeroes the negative half of a symmetric input, so E[relu(z)^2] = q/2 at every scale and g^2 = 2 " +
    "keeps E[z^2] exactly (He et al. 2015, arXiv:1502.01852, eq. 10): the table value sqrt(2) is this result.",
  leaky_relu:
    "Leaky ReLU with slope a: E[phi(z)^2] = (1 + a^2) q / 2 at every scale, so g = sqrt(2 / (1 + a^2)) " +
    "exactly (He et al. 2015, the PReLU form of their eq. 10): the table value is this result.",
  linear: "The identity keeps E[z^2] with g = 1.",
  identity: "The identity keeps E[z^2] with g = 1.",
  tanh:
    "tanh is not homogeneous, so the gain depends on the input scale: g(q) = 1.0099 at q = 0.01 (where " +
    "tanh(x) ~ x), 1.0897 at 0.1, 1.5925 at q = 1, 2.5093 at 4. PyTorch's 5/3 is documented without a " +
    "derivation; the PyTorch forum thread 'calculate_gain(tanh)' (discuss.pytorch.org/t/20854) supports it " +
    "empirically: the output std of a deep tanh stack stays near 0.65 instead of vanishing. Mean-field " +
    "theory explains it: with sigma_w^2 = (5/3)^2 = 2.78 and no bias, the length map has a stable fixed " +
    "point q* = 1.178 (E[tanh^2] = 0.424, std 0.651 - the forum's 0.65), reached from any input scale; " +
    "the price is chi_1 = 1.21 > 1 (mildly chaotic: gradient variance grows about 1.21x per layer, " +
    "correlation depth scale xi_c = 12). Gain 1 (the tangent at 0) has q* = 0: the signal slowly dies.",
  selu:
    "SELU's alpha and lambda are chosen so that N(0, 1) pre-activations give mean 0 and variance 1 " +
    "(Klambauer et al. 2017, arXiv:1706.02515), so the numeric gain at q = 1 is 1. PyTorch's table " +
    "value 3/4 is empirical (adopted in PyTorch PR #50664 after a forum suggestion, checked on a 100-layer " +
    "net), and its documentation warns: to implement Self-Normalizing Neural Networks use " +
    "nonlinearity='linear' (variance 1/N) instead of 'selu', since the default gain for SELU sacrifices " +
    "the normalisation effect for more stable gradient flow in rectangular layers. Mean-field theory " +
    "agrees: with g = 3/4 the length map settles at q* = 0.023 (activation std ~0.20, as the PR's " +
    "100-layer run shows) with chi_1 = 1.004 (nearly critical gradients), while g = 1 keeps q* = 1 " +
    "with chi_1 = 1.07 (gradient variance grows 7% per layer).",
  sigmoid:
    "The sigmoid's output has mean 1/2, so E[phi(z)^2] = Var(phi) + ~1/4 and keeping E[z^2] = 1 needs " +
    "g = 1.846 at q = 1 (0.200 at q = 0.01, where E[phi^2] ~ 1/4 dominates). PyTorch's table value 1 " +
    "is Glorot & Bengio's 2010 default with no correction for the sigmoid. The notes' factor 4 (variance " +
    "16x Glorot's) comes from the tangent sigmoid(x) ~ 1/2 + x/4: it restores Var(a) = Var(z)/16 -> " +
    "Var(z) but ignores the mean 1/2, which is why the numeric value (keeping E[z^2]) differs. With " +
    "g = 1 a deep sigmoid stack is strongly ordered (q* = 0.265, chi_1 = 0.056: gradients shrink 18x " +
    "per layer); with g = 4, q* = 5.9 and chi_1 = 0.40.",
};

function normalizeName(name: string): string {
  const n = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  if (n === "leakyrelu" || n.startsWith("leaky_relu")) return "leaky_relu";
  return n;
}

/**
 * A plain-text explanation of a numeric gain against a table value (PyTorch `calculate_gain`):
 * what the ratio does per layer and, for relu, leaky relu, identity/linear, tanh, selu and sigmoid,
 * where the table value comes from.
 */
export function explainGain(name: string, numeric: number, tableValue: number): string {
  const ratio = tableValue / numeric;
  const perLayer = ratio * ratio;
  const head =
    Math.abs(ratio - 1) < 1e-9
      ? `${name}: numeric gain ${numeric.toFixed(4)} = table value ${tableValue.toFixed(4)}.`
      : `${name}: numeric gain ${numeric.toFixed(4)} vs table value ${tableValue.toFixed(4)} (ratio ` +
        `${ratio.toFixed(4)}): at the scale where the numeric gain was computed, the table value ` +
        `multiplies E[z^2] by ${perLayer.toFixed(4)} per layer (x${(perLayer ** 10).toPrecision(3)} over 10 ` +
        "layers, if the ratio held at every scale - for non-homogeneous activations it does not, see the " +
        "fixed-point analysis).";
  const note = NOTES[normalizeName(name)];
  return note ? `${head} ${note}` : head;
}
