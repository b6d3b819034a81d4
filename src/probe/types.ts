/**
 * The shapes of what probes record. Every definition (what is averaged over what, which bins,
 * what "dead" and "saturated" mean) is written out in docs/probes.md; the field docs below are
 * the short form. All gradients are of the batch-MEAN loss over the probe batch.
 */

/** Mean and variance over every entry of a B x n tensor (all examples and all units together). */
export interface Moments {
  /** (1 / (B n)) sum_{e,j} x_ej; NaN when the tensor holds a NaN or an infinity */
  mean: number;
  /** population variance (1 / (B n)) sum (x_ej - mean)^2; NaN when non-finite values are present */
  var: number;
}

/**
 * A histogram over fixed, recorded bins. `edges` has counts.length + 1 entries, increasing;
 * bin k holds edges[k] <= v < edges[k+1], where v is the value itself ("linear") or log10|x|
 * ("log10abs"). Values below the first edge count in `under`, at or above the last in `over`;
 * for "log10abs" exact zeros count in `zeros` (they have no logarithm). NaN/Inf count in `nonFinite`.
 */
export interface Histogram {
  scale: "linear" | "log10abs";
  edges: number[];
  counts: number[];
  under: number;
  over: number;
  zeros: number;
  nonFinite: number;
}

/** How many NaN or infinite values each tensor of a layer holds. */
export interface NonFiniteCounts {
  preact: number;
  act: number;
  grad: number;
  weight: number;
  weightGrad: number;
  bias: number;
  biasGrad: number;
}

/** PReLU negative slopes of a layer (one per unit, or one shared). */
export interface SlopeSummary {
  count: number;
  mean: number;
  min: number;
  max: number;
}

/** The theory's prediction for one layer (src/theory, wide-layer approximation). */
export interface PredictedLayer {
  /** predicted Var(z) = E[z^2] (q_l of the variance recursion) */
  preactVar: number;
  /** predicted Var(a) = E[phi(z)^2] - E[phi(z)]^2 */
  actVar: number;
  /** predicted Var(dL/dz), anchored at the measured output-layer dL/dz; null without an anchor */
  gradVar: number | null;
}

/** Everything measured on one layer (z = x W^T + b, a = phi(z)) in one probe. */
export interface LayerProbe {
  /** 0-based layer index, as in the parameter names "layers.<index>.weight" */
  index: number;
  fanIn: number;
  fanOut: number;
  /** activation spec, "identity" for the output layer */
  activation: string;
  /** population std of the entries of W */
  weightStd: number;
  /** Frobenius norm ||W||_F */
  weightNorm: number;
  /** Frobenius norm ||dL/dW||_F */
  weightGradNorm: number;
  /** Euclidean norms of b and dL/db */
  biasNorm: number;
  biasGradNorm: number;
  /** pre-activations z */
  preact: Moments;
  /** activations a = phi(z) */
  act: Moments;
  /** dL/dz */
  grad: Moments;
  /** ReLU family: fraction of units with phi'(z) = 0 for every example of the batch; null otherwise */
  deadFraction: number | null;
  /** ReLU family: fraction of units with z <= 0 for every example (dead if the negative slope is 0) */
  inactiveFraction: number | null;
  /** sigmoid/tanh/softsign/hard_tanh: fraction of (example, unit) entries with |phi'(z)| < 5% of max |phi'| */
  saturatedFraction: number | null;
  /** ||update of W in the last optimizer step||_F / ||W||_F (W after the step); null outside training */
  updateRatio: number | null;
  /** PReLU slopes; null for other activations */
  slopes: SlopeSummary | null;
  nonFinite: NonFiniteCounts;
  hist: { preact: Histogram; act: Histogram; grad: Histogram };
  /** the theory's prediction for this layer, or null when not computed */
  predicted: PredictedLayer | null;
}

/** Mean, smallest and largest of a set of numbers (e.g. one per unit). */
export interface Summary {
  mean: number;
  min: number;
  max: number;
}

/**
 * One residual block x_{b+1} = x_b + alpha F(x_b) (docs/architectures.md) measured on the probe
 * batch: moments over every entry (examples and units) of the stream and of the scaled branch.
 */
export interface BlockProbe {
  /** 0-based block index */
  block: number;
  /** the block's dense layers (the last one adds the branch to the stream) */
  layers: number[];
  /** alpha of the block (its current value when learnable) */
  alpha: number;
  /** the stream entering the block, x_b */
  streamIn: Moments;
  /** the stream leaving it, x_{b+1} */
  streamOut: Moments;
  /** the scaled branch output alpha F(x_b) */
  branch: Moments;
  /** Var(alpha F(x_b)) / Var(x_b): how much the block changes the stream */
  ratio: number;
  /** measured E[x_{b+1}^2] (var + mean^2 of streamOut) */
  streamSecond: number;
  /**
   * src/theory/residual.ts: E[x_{b+1}^2] predicted from the measured E[x_0^2] and this instance's
   * weight variances (normalization at gamma 1, beta 0); null when not computed
   */
  predictedStreamSecond: number | null;
}

/** A normalization layer measured on the probe batch (its input's per-unit statistics and its parameters). */
export interface NormProbe {
  /** the dense layer it belongs to */
  layer: number;
  kind: "batch" | "layer";
  /** before ("pre") or after ("post") the activation */
  place: "pre" | "post";
  /** over units: each unit's mean of the normalization's input over the batch */
  inputMean: Summary;
  /** over units: each unit's population variance of the input over the batch */
  inputVar: Summary;
  /** the scale gamma and the shift beta over units */
  gamma: Summary;
  beta: Summary;
  /** BatchNorm's running averages over units; null for LayerNorm */
  runningMean: Summary | null;
  runningVar: Summary | null;
}

/** One probe: a forward and backward pass over a fixed batch, every layer measured. */
export interface ProbeSnapshot {
  /** training step after which it was taken (0 = at initialization) */
  step: number;
  /** examples in the probe batch */
  batch: number;
  /** batch-mean loss of the probe batch */
  loss: number;
  /** E[x^2] of the probe batch: mean over examples and features of x_ei^2 */
  inputSecond: number;
  /** true when any probed tensor (z, a, dL/dz, W, dL/dW, b, dL/db) of any layer holds NaN or Inf */
  nonFinite: boolean;
  layers: LayerProbe[];
  /** residual networks: every block (absent for networks without residual blocks) */
  blocks?: BlockProbe[];
  /** normalized networks: every normalization layer (absent without normalization) */
  norms?: NormProbe[];
}

/** What the diagnosis rules look for (docs/probes.md, "Diagnosis"). */
export type FindingKind =
  | "nonfinite"
  | "input_scale"
  | "vanishing_gradient"
  | "exploding_gradient"
  | "vanishing_signal"
  | "exploding_signal"
  | "saturation"
  | "dead_units"
  | "inactive_units"
  | "update_ratio";

/** One diagnosis: a kind, a plain-language message, the layers concerned (0-based). */
export interface Finding {
  kind: FindingKind;
  message: string;
  layers: number[];
  /** the number the rule tested (a ratio, a fraction), for plots and thresholds */
  value: number;
  /** during training: the step of the probe at which it appeared */
  step?: number;
}

/** An initializer recommended for an activation and architecture, with the reason. */
export interface Recommendation {
  /** an initializer spec that `--init` accepts (one per layer, comma-separated, when activations differ) */
  init: string;
  /** the recommended initializer of each layer, read-out included (the read-out takes the last hidden layer's) */
  layerInits: string[];
  reason: string;
  /** with nonzero bias variance: the edge-of-chaos sigma_w^2 (chi_1 = 1) from mean-field theory */
  criticalSigmaW2: number | null;
  /**
   * true when the network already has this initializer (the same canonical spec on every layer) or
   * already sits at the edge of chaos: then nothing is to change, and no "try --init" is given.
   */
  inUse: boolean;
}
