import { parseInit } from "../init/index.js";
import { formatSignificant } from "../math/format-number.js";
import type { Activation } from "../nn/activation.js";
import { parseActivation } from "../nn/activations.js";
import type { Network } from "../nn/network.js";
import { chi1, criticalSigmaW2, numericGain, qFixedPoint } from "../theory/index.js";
import type { Recommendation } from "./types.js";

export interface RecommendOptions {
  /** sigma_b^2 = E[b^2] of the biases (0 for zero biases): adds the edge-of-chaos sigma_w^2 */
  biasVar?: number;
}

/** q* and chi_1 of a deep stack with sigma_w^2 = fan_in Var(W) (Poole et al. 2016; Schoenholz et al. 2017). */
function meanFieldNote(act: Activation, sigmaW2: number, sigmaB2: number): { qStar: number; chi: number } {
  const q = qFixedPoint(act, sigmaW2, sigmaB2).qStar;
  return { qStar: q, chi: chi1(act, q, sigmaW2) };
}

/** sigma_w^2 = fan_in Var(W) of an init spec on a layer with these fans. */
function sigmaW2Of(spec: string, fanIn: number, fanOut: number): number {
  return fanIn * parseInit(spec).describe(fanIn, fanOut).variance;
}

const fmt = (x: number) => formatSignificant(x, 3);

/** The recommendation for one hidden activation on a representative layer with fans (fanIn, fanOut). */
function forActivation(
  act: Activation,
  fanIn: number,
  fanOut: number,
  sigmaB2: number,
): { init: string; reason: string } {
  const name = act.name;
  const p = act.param ?? 0;
  if (name === "relu") {
    return {
      init: "he_normal",
      reason:
        "ReLU zeroes half of a symmetric input, so E[relu(z)^2] = Var(z) / 2; Var(W) = 2 / fan_in restores it at every " +
        "layer (He et al. 2015, arXiv:1502.01852, eq. 10), and then chi_1 = fan_in Var(W) / 2 = 1: neither the signal " +
        "nor the gradient grows or shrinks with depth",
    };
  }
  if (name === "leaky_relu" || name === "prelu") {
    const gain = Math.sqrt(2 / (1 + p * p));
    return {
      init: `kaiming_normal(a=${p}, nonlinearity=leaky_relu)`,
      reason:
        `a ${name} with negative slope a = ${p} keeps E[phi(z)^2] = (1 + a^2) Var(z) / 2, so Var(W) = 2 / ((1 + a^2) fan_in) ` +
        `(gain ${gain.toFixed(4)}) keeps the variance at every layer (He et al. 2015, arXiv:1502.01852, eq. 15` +
        `${name === "prelu" ? ", with the slope's initial value" : ""})`,
    };
  }
  if (name === "tanh") {
    const x1 = meanFieldNote(act, sigmaW2Of("xavier_uniform", fanIn, fanOut), sigmaB2);
    const x53 = meanFieldNote(
      act,
      sigmaW2Of("xavier_uniform(gain=1.6666666666666667)", fanIn, fanOut),
      sigmaB2,
    );
    return {
      init: "xavier_uniform",
      reason:
        "tanh(z) ~ z near 0, so Var(W) = 2 / (fan_in + fan_out) keeps the variance forward and backward (Glorot & Bengio " +
        `2010; the notes). Mean-field theory on this architecture: chi_1 = ${fmt(x1.chi)} per layer (1 = gradients kept), ` +
        `but the signal settles at q* = ${fmt(x1.qStar)}${sigmaB2 === 0 ? " (it decays slowly, ~1/(2 l))" : ""}. PyTorch's gain 5/3 ` +
        `(xavier_uniform(gain=5/3)) holds the signal at q* = ${fmt(x53.qStar)} at the price of chi_1 = ${fmt(x53.chi)} ` +
        "(gradients grow that much per layer): better for a few layers, worse for very deep stacks",
    };
  }
  if (name === "sigmoid") {
    const notes = meanFieldNote(act, sigmaW2Of("xavier_sigmoid_uniform", fanIn, fanOut), sigmaB2);
    const plain = meanFieldNote(act, sigmaW2Of("xavier_uniform", fanIn, fanOut), sigmaB2);
    return {
      init: "xavier_sigmoid_uniform",
      reason:
        "sigmoid(z) ~ 1/2 + z/4: its slope 1/4 divides Var by 16 per layer, so the notes' variant takes 16x Glorot's " +
        "variance (4x the uniform bound, r = 4 sqrt(6 / (fan_in + fan_out))). Mean-field theory on this architecture: " +
        `chi_1 = ${fmt(notes.chi)} per layer with it (q* = ${fmt(notes.qStar)}), ${fmt(plain.chi)} with plain Xavier - the ` +
        "gradient still shrinks with depth, because the sigmoid's mean 1/2 feeds the next layer; for deep networks tanh " +
        "(zero-centred, slope 1) with xavier_uniform is the better choice",
    };
  }
  if (name === "selu") {
    return {
      init: "lecun_normal",
      reason:
        "SELU's alpha and lambda make (mean 0, variance 1) a stable fixed point when Var(W) = 1 / fan_in " +
        "(self-normalizing networks, Klambauer et al. 2017, arXiv:1706.02515)",
    };
  }
  if (name === "identity") {
    return {
      init: "orthogonal",
      reason:
        "a deep linear network with orthogonal weights preserves the norm of every input and every gradient exactly " +
        "(dynamical isometry, Saxe et al. 2014, arXiv:1312.6120); xavier_uniform keeps it only on average",
    };
  }
  if (name === "softsign" || name === "hard_tanh") {
    return {
      init: "xavier_uniform",
      reason: `${name} is symmetric with slope 1 at 0, like tanh: Var(W) = 2 / (fan_in + fan_out) (Glorot & Bengio 2010)`,
    };
  }
  const g = numericGain(act, 1);
  const scale = Number((g * g).toPrecision(6));
  return {
    init: `variance_scaling(scale=${scale}, mode=fan_in, distribution=untruncated_normal)`,
    reason:
      `${name} has no textbook initializer; the numeric gain g = ${g.toFixed(4)} keeps E[z^2] = 1 through a layer ` +
      "(g^2 E[phi(z)^2] = E[z^2] at z ~ N(0, 1), the way He et al. 2015 derive 2 for ReLU), i.e. Var(W) = g^2 / fan_in",
  };
}

/**
 * The initializer recommended for these hidden activations (one for every hidden layer, or one per
 * hidden layer, already parsed: a network holds them as `net.layers[l].activation`) and
 * layer sizes [input, hidden..., output], with the reason: relu -> he_normal; leaky_relu/prelu ->
 * kaiming_normal with their slope a; tanh -> xavier_uniform (and why not gain 5/3); sigmoid -> the
 * notes' xavier_sigmoid_uniform; selu -> lecun_normal; a linear network -> orthogonal; softsign and
 * hard_tanh -> xavier_uniform; others -> variance scaling with the numeric gain. Numbers in the
 * reasons come from src/theory (mean-field q* and chi_1 for this architecture). With nonzero bias
 * variance sigma_b^2, adds the edge-of-chaos sigma_w^2 where chi_1 = 1 (Poole et al. 2016,
 * arXiv:1606.05340; Schoenholz et al. 2017, arXiv:1611.01232).
 */
export function recommend(
  activation: Activation | readonly Activation[],
  sizes: readonly number[],
  opts: RecommendOptions = {},
): Recommendation {
  const given: readonly Activation[] = isActivation(activation) ? [activation] : activation;
  if (given.length === 0) throw new RangeError("recommend: no activation given");
  const hidden = Math.max(1, sizes.length - 2);
  const acts = given.length === 1 ? Array.from({ length: hidden }, () => given[0]) : [...given];
  const sigmaB2 = opts.biasVar ?? 0;
  // A representative hidden layer for the mean-field numbers: the second layer when it is hidden
  // (square in most MLPs), else the first.
  const r = Math.max(0, Math.min(1, sizes.length - 3));
  const fanIn = sizes[r];
  const fanOut = sizes[r + 1];
  const linearNet = sizes.length === 2;
  const perLayer = acts.map((a) =>
    forActivation(linearNet ? parseActivation("identity") : a, fanIn, fanOut, sigmaB2),
  );
  const same = perLayer.every((r) => r.init === perLayer[0].init);
  let init = perLayer[0].init;
  let reason = perLayer[0].reason;
  const layerInits = [...perLayer.map((r) => r.init), perLayer[perLayer.length - 1].init];
  if (!same) {
    init = layerInits.join(",");
    reason = acts.map((a, l) => `layer ${l} (${a.spec}): ${perLayer[l].reason}`).join("; ");
  }
  let critical: number | null = null;
  if (sigmaB2 > 0 && !linearNet) {
    const a = acts[acts.length - 1];
    critical = criticalSigmaW2(a, sigmaB2);
    if (Number.isFinite(critical)) {
      reason +=
        `. With bias variance sigma_b^2 = ${fmt(sigmaB2)}, the edge of chaos (chi_1 = 1) for ${a.name} is at ` +
        `sigma_w^2 = fan_in Var(W) = ${fmt(critical)}: variance_scaling(scale=${Number(critical.toPrecision(4))}, ` +
        "mode=fan_in, distribution=untruncated_normal) (Schoenholz et al. 2017)";
    } else critical = null;
  }
  return { init, layerInits, reason, criticalSigmaW2: critical, inUse: false };
}

function isActivation(a: Activation | readonly Activation[]): a is Activation {
  return !Array.isArray(a);
}

/** The hidden layers' parsed activations of a network (the read-out's identity left out). */
export function hiddenActivations(net: Network): Activation[] {
  const hidden = net.layers.slice(0, -1).map((l) => l.activation);
  return hidden.length > 0 ? hidden : [net.layers[0].activation];
}
