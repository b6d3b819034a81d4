import { UserError } from "../errors.js";

/**
 * Parametrizations: how the initialization and the learning rate of each layer scale with width.
 *
 * - `sp`, standard parametrization (what PyTorch and Keras defaults give): every layer as its
 *   initializer draws it, one learning rate for all.
 * - `ntk`, the neural-tangent parametrization (Jacot, Gabriel & Hongler 2018, arXiv:1806.07572):
 *   W = w / sqrt(fan_in), w ~ N(0, sigma^2), every w trained at one rate. Written without the
 *   forward multiplier (the same training dynamics, Yang & Hu 2021, arXiv:2011.14522, sec. 3): W
 *   drawn as SP draws it, and the rate of W divided by fan_in (SGD) or sqrt(fan_in) (Adam).
 * - `mup`, the maximal-update parametrization (Yang & Hu 2021; Yang et al. 2022, "Tensor
 *   Programs V", arXiv:2203.03466, Table 3, the form in which every multiplier is 1):
 *
 *   |                 | input weights, all biases | hidden weights | output weights        |
 *   |-----------------|---------------------------|----------------|-----------------------|
 *   | init variance   | 1/fan_in                  | 1/fan_in       | 1/fan_in^2 (or zero)  |
 *   | SGD rate        | fan_out                   | 1              | 1/fan_in              |
 *   | Adam rate       | 1                         | 1/fan_in       | 1/fan_in              |
 *
 * Relative to a base width n0 (muP's "base shapes"), with width multipliers m = n / n0 of the
 * dimensions that grow with width, every number above becomes a multiplier of what SP applies:
 * the output weights' std times 1/sqrt(m_in), rates times m_out (SGD, input weights and biases of
 * width-sized layers), 1 / m_in (Adam, hidden; both, output). At the base width every multiplier
 * is 1: muP trains exactly as SP there, so a rate tuned on the base model is the one to start
 * from. This is the `mup` package's scaling (MuSGD, MuAdam, MuReadout) written without its
 * readout multiplier 1/m: its readout weights are drawn as SP times sqrt(m) and multiplied by
 * 1/m in the forward pass, so their effective std is SP's / sqrt(m) and their effective rate is
 * (m / m^2) = 1/m of SP's for SGD, 1/m for Adam. Weight decay (coupled L2 here) is divided by the
 * same rate multiplier, as the `mup` optimizers do, so lr * wd stays what SP applies.
 *
 * Widths: sizes = [inputs, hidden..., outputs]; the inputs and outputs are fixed dimensions (m = 1),
 * hidden layer l's units have m_l = width_l / baseWidth (baseWidth null: the network's first hidden
 * width, so every m is 1).
 */
export const PARAMETRIZATIONS = ["sp", "ntk", "mup"] as const;
/** A parametrization's name: sp, ntk or mup. */
export type ParametrizationName = (typeof PARAMETRIZATIONS)[number];

/** Where a dense layer sits: its input is the data (input), its output the logits (output), or neither (hidden). */
export type LayerRole = "input" | "hidden" | "output";

/** What a parametrization applies to one dense layer, as multipliers of what SP applies. */
export interface LayerRule {
  layer: number;
  role: LayerRole;
  fanIn: number;
  fanOut: number;
  /** Width multipliers of the layer's input and output dimensions (1 for fixed dimensions). */
  mIn: number;
  mOut: number;
  /** The weights' std is the initializer's times this (variance times its square). */
  initStd: number;
  /** The readout is initialized to zero (muP's option). */
  zero: boolean;
  /** Learning-rate multiplier of the weights and of the biases for the run's optimizer. */
  weightLr: number;
  biasLr: number;
  /** Forward multiplier (1 in this form: see the doc above). */
  forward: number;
}

/** What the rules of a parametrization depend on besides the layer sizes. */
export interface ParametrizationOptions {
  parametrization: ParametrizationName;
  baseWidth: number | null;
  optimizer: "sgd" | "adam";
  readoutZero: boolean;
}

/** The per-layer rules for a network of these sizes (input, hidden..., output). */
export function parametrizationRules(sizes: readonly number[], o: ParametrizationOptions): LayerRule[] {
  if (sizes.length < 2)
    throw new UserError(`a network needs an input and an output size, got [${sizes.join(", ")}]`);
  const L = sizes.length - 1;
  const base = o.baseWidth ?? (L > 1 ? sizes[1] : 1);
  if (!Number.isInteger(base) || base < 1) throw new UserError(`baseWidth ${base} is not a positive integer`);
  /** Width multiplier of the units of size index i (0 = inputs, L = outputs: fixed). */
  const mult = (i: number) => (i === 0 || i === L ? 1 : sizes[i] / base);
  const rules: LayerRule[] = [];
  for (let l = 0; l < L; l++) {
    const role: LayerRole = l === L - 1 ? "output" : l === 0 ? "input" : "hidden";
    const mIn = mult(l);
    const mOut = mult(l + 1);
    const r: LayerRule = {
      layer: l,
      role,
      fanIn: sizes[l],
      fanOut: sizes[l + 1],
      mIn,
      mOut,
      initStd: 1,
      zero: false,
      weightLr: 1,
      biasLr: 1,
      forward: 1,
    };
    if (o.parametrization === "ntk") {
      // rate of W = rate of w / fan_in (SGD) or / sqrt(fan_in) (Adam); relative to the base: m_in
      r.weightLr = o.optimizer === "sgd" ? 1 / mIn : 1 / Math.sqrt(mIn);
    } else if (o.parametrization === "mup") {
      if (role === "output") {
        r.initStd = 1 / Math.sqrt(mIn);
        r.zero = o.readoutZero;
        r.weightLr = 1 / mIn;
      } else if (o.optimizer === "sgd") {
        // matrix-like (hidden): m_out / m_in; vector-like (input weights): m_out
        r.weightLr = role === "input" ? mOut : mOut / mIn;
      } else {
        r.weightLr = role === "input" ? 1 : 1 / mIn;
      }
      r.biasLr = o.optimizer === "sgd" ? mOut : 1;
    }
    if (o.parametrization !== "mup" && o.readoutZero && role === "output") r.zero = true;
    rules.push(r);
  }
  return rules;
}
