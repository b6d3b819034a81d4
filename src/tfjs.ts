/**
 * initlab for TensorFlow.js (`initlab/tfjs`). TF.js is a peer dependency: this module imports
 * no TF.js code; every function takes the `tf` namespace the caller imported
 * (`import * as tf from "@tensorflow/tfjs"`, or tfjs-node), so one initlab works with any
 * TF.js 4.x build. Browser-safe.
 *
 * - `tfInitializer(tf, spec)`: any initlab initializer spec as a tf.initializers object for
 *   `tf.layers.dense({ kernelInitializer })`. The values come from initlab's exact samplers,
 *   so a truncated normal has the variance it promises: TF.js's own truncatedNormal-based
 *   variance scaling draws 0.77x the variance (tfjs issue #8594, Keras corrects the truncation
 *   by 0.87962566103423978; initlab does too).
 * - `probeTfModel(tf, model, x, y)`: per-layer statistics of a tf.LayersModel of Dense layers on a
 *   batch (Var(z), Var(a), Var(dL/dz), weight and gradient norms), in the field names of
 *   `initlab inspect --json`'s layers.
 */
import type * as TF from "@tensorflow/tfjs";
import type { Initializer as TfInitializerBase } from "@tensorflow/tfjs-layers/dist/initializers.js";
import { parseInit } from "./init/parse-init.js";
import type { Initializer } from "./init/types.js";
import { tensorStats } from "./probe/moments.js";
import type { Moments } from "./probe/types.js";
import { Rng } from "./tensor/rng.js";

type Tf = typeof TF;

/** The tf.initializers base class of this TF.js build (it is not exported by name). */
function initializerBase(tf: Tf): new () => TfInitializerBase {
  return Object.getPrototypeOf(tf.initializers.zeros().constructor);
}

/**
 * Fans of a TF.js weight shape, Keras' convention: [in, out] for a dense kernel; for a conv kernel
 * [..., in, out] the receptive field multiplies both; a 1-D shape (a bias) has fan_in = fan_out = its length.
 */
export function tfFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

const classes = new WeakMap<object, new (spec: string, seed: number) => TfInitializerBase>();

function initializerClass(tf: Tf): new (spec: string, seed: number) => TfInitializerBase {
  const known = classes.get(tf);
  if (known) return known;
  const Base = initializerBase(tf);
  class InitlabInitializer extends Base {
    static className = "InitlabInitializer";
    private readonly init: Initializer;
    private readonly rng: Rng;
    constructor(
      readonly spec: string,
      readonly seed: number,
    ) {
      super();
      this.init = parseInit(spec);
      this.rng = Rng.derive(seed, `tfjs:${this.init.spec}`);
    }
    /**
     * Draws a tensor of `shape`: initlab fills the PyTorch layout [out][in] (rows = the last
     * dimension, cols = the rest), then it is transposed to TF.js's [..., in, out].
     */
    apply(shape: number[], dtype?: TF.DataType): TF.Tensor {
      const { fanIn, fanOut } = tfFans(shape);
      const rows = shape.length === 0 ? 1 : shape[shape.length - 1];
      const cols = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const torchLayout = new Float32Array(rows * cols);
      this.init.fill(torchLayout, { rows, cols, fanIn, fanOut }, this.rng);
      const out = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) out[c * rows + r] = torchLayout[r * cols + c];
      return tf.tensor(out, shape, dtype ?? "float32");
    }
    override getConfig(): TF.serialization.ConfigDict {
      return { spec: this.spec, seed: this.seed };
    }
    static fromConfig<T extends TF.serialization.Serializable>(
      cls: TF.serialization.SerializableConstructor<T>,
      config: TF.serialization.ConfigDict,
    ): T {
      return new (cls as unknown as new (spec: string, seed: number) => T)(
        String(config.spec),
        Number(config.seed),
      );
    }
  }
  tf.serialization.registerClass(
    InitlabInitializer as unknown as TF.serialization.SerializableConstructor<TF.serialization.Serializable>,
  );
  const cls = InitlabInitializer as unknown as new (spec: string, seed: number) => TfInitializerBase;
  classes.set(tf, cls);
  return cls;
}

/**
 * An initlab initializer (any spec of `initlab init list`, e.g. "he_normal",
 * "variance_scaling(2, fan_in, truncated_normal)", "orthogonal(gain=1.2)") as a TF.js
 * initializer: `tf.layers.dense({ units, kernelInitializer: tfInitializer(tf, "he_normal", { seed: 1 }) })`.
 * Draws come from Rng.derive(seed, "tfjs:<spec>"), one stream per initializer object. Serializable
 * (class "InitlabInitializer", config {spec, seed}) for model.save / loadLayersModel.
 */
export function tfInitializer(tf: Tf, spec: string, options: { seed?: number } = {}): TfInitializerBase {
  const Cls = initializerClass(tf);
  return new Cls(spec, options.seed ?? 0);
}

/** A tf.LayersModel loss for the probe: "cross_entropy" (softmax, integer labels) or "mse" (one-hot targets). */
export type TfProbeLoss = "cross_entropy" | "mse";

/** One Dense layer of a probed tf.LayersModel, with the field names of `initlab inspect --json`'s layers. */
export interface TfLayerProbe {
  index: number;
  /** the TF.js layer name */
  name: string;
  fanIn: number;
  fanOut: number;
  /** the TF.js activation's name, e.g. "relu", "tanh", "linear" */
  activation: string;
  weightStd: number;
  weightNorm: number;
  weightGradNorm: number;
  biasNorm: number;
  biasGradNorm: number;
  preact: Moments;
  act: Moments;
  grad: Moments;
}

/** What `probeTfModel` returns: the batch size, the batch-mean loss and the layers. */
export interface TfProbe {
  batch: number;
  loss: number;
  layers: TfLayerProbe[];
}

function moments(v: Float32Array): Moments {
  const s = tensorStats(v, v.length);
  return { mean: s.mean, var: s.var };
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * Probes a tf.LayersModel made of Dense layers (other layers without weights, such as Activation
 * or Dropout in inference, are applied as they are): one forward and backward pass over the batch
 * x [B, d] with integer labels y, recording for every Dense layer z = x W + b (pre-activation),
 * a = activation(z) and dL/dz of the batch-mean loss (gradients through TF.js's own autodiff).
 * Moments are population mean and variance over all B x units entries, in float64.
 */
export function probeTfModel(
  tf: Tf,
  model: TF.LayersModel,
  x: TF.Tensor2D,
  y: TF.Tensor1D,
  options: { loss?: TfProbeLoss } = {},
): TfProbe {
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const dense = layers.filter((l) => l.getClassName() === "Dense");
  if (dense.length === 0) throw new Error("probeTfModel: the model has no Dense layer");
  const B = x.shape[0];
  const weights = dense.map((l) => l.getWeights() as TF.Tensor[]);
  const units = weights.map(([W]) => W.shape[1] as number);
  const hasBias = weights.map((w) => w.length > 1);
  const offsets = units.map((u) => tf.zeros([B, u]) as TF.Tensor2D);
  const numClasses = units[units.length - 1];
  const lossName = options.loss ?? "cross_entropy";
  const oneHot = tf.oneHot(tf.cast(y, "int32") as TF.Tensor1D, numClasses);
  const n = dense.length;
  const zs: TF.Tensor[] = [];
  const as: TF.Tensor[] = [];
  // args: the n offsets e_k (z_k = x W_k + b_k + e_k, so dL/de_k = dL/dz_k), the n kernels, the biases.
  const forward = (...args: TF.Tensor[]): TF.Scalar => {
    let h: TF.Tensor = x;
    let k = 0;
    let bi = 2 * n;
    for (const layer of layers) {
      if (layer.getClassName() === "Dense") {
        let z = tf.add(tf.matMul(h as TF.Tensor2D, args[n + k] as TF.Tensor2D), args[k]);
        if (hasBias[k]) z = tf.add(z, args[bi++]);
        const act = (layer as unknown as { activation: { apply(t: TF.Tensor): TF.Tensor } }).activation;
        h = act.apply(z);
        zs[k] = z;
        as[k] = h;
        k++;
      } else {
        h = layer.apply(h) as TF.Tensor;
      }
    }
    return lossName === "mse"
      ? (tf.losses.meanSquaredError(oneHot, h) as TF.Scalar)
      : (tf.losses.softmaxCrossEntropy(oneHot, h) as TF.Scalar);
  };
  const args = [
    ...offsets,
    ...weights.map(([W]) => W),
    ...weights.filter((w) => w.length > 1).map((w) => w[1]),
  ];
  const { value, grads } = tf.valueAndGrads(forward)(args);
  // A plain forward pass keeps z and a (the gradient pass disposes its intermediates).
  const plain = forward(...args);
  let bi = 2 * n;
  const out: TfLayerProbe[] = dense.map((layer, k) => {
    const [W, b] = weights[k];
    const wv = W.dataSync() as Float32Array;
    const bv = b ? (b.dataSync() as Float32Array) : new Float32Array(0);
    const gW = grads[n + k].dataSync() as Float32Array;
    const gb = b ? (grads[bi++].dataSync() as Float32Array) : new Float32Array(0);
    const activation = (
      layer as unknown as { activation: { getClassName(): string } }
    ).activation.getClassName();
    return {
      index: k,
      name: layer.name,
      fanIn: W.shape[0] as number,
      fanOut: W.shape[1] as number,
      activation,
      weightStd: Math.sqrt(tensorStats(wv, wv.length).var),
      weightNorm: norm(wv),
      weightGradNorm: norm(gW),
      biasNorm: norm(bv),
      biasGradNorm: norm(gb),
      preact: moments(zs[k].dataSync() as Float32Array),
      act: moments(as[k].dataSync() as Float32Array),
      grad: moments(grads[k].dataSync() as Float32Array),
    };
  });
  const loss = value.dataSync()[0];
  // The weights are the layers' own variables (getWeights reads them without a copy): not disposed.
  tf.dispose([value, plain, oneHot, ...grads, ...offsets, ...zs, ...as]);
  return { batch: B, loss, layers: out };
}
