import { applyDataDependentInit, type Initializer } from "../init/index.js";
import type { Backend, FloatArray } from "../kernels/backend.js";
import type { Activation } from "../nn/activation.js";
import { Network } from "../nn/network.js";
import { type MeanFieldResult, meanField } from "../theory/index.js";
import { tensorStats } from "./moments.js";
import { predictFlow } from "./predict.js";

/** What `depthSweep` builds: one activation, initializer and width, networks of 1..maxDepth hidden layers. */
export interface DepthSweepOptions {
  /** hidden activation of every layer (a network's `layers[0].activation`) */
  activation: Activation;
  /** weight initializer of every layer (a network's `weightInits[0]`) */
  init: Initializer;
  /** bias initializer (default zeros) */
  biasInit?: Initializer;
  /** width of every hidden layer */
  width: number;
  /** deepest network: 1..maxDepth hidden layers */
  maxDepth: number;
  outputs: number;
  seed: number;
  backend?: Backend;
  /**
   * The training data a data-dependent initializer (lsuv) rescales on, as training does; without
   * it such an initializer is refused (a sweep of its base draws would be a different init).
   */
  data?: { trainX: Float32Array; nTrain: number; inputDim: number };
}

/** One depth of the sweep: Var(z) at the last hidden layer, measured and predicted. */
export interface DepthRow {
  /** number of hidden layers */
  depth: number;
  /** measured Var(z) at the last hidden layer of a network this deep */
  measured: number;
  /** the theory's per-example prediction of the same */
  predicted: number;
}

/** The result of `depthSweep`: one row per depth and the mean-field summary of the repeated layer. */
export interface DepthSweep {
  width: number;
  activation: string;
  init: string;
  rows: DepthRow[];
  /** mean-field summary of the repeated hidden layer: q*, chi_1, phase, depth scales */
  meanField: MeanFieldResult;
}

/**
 * How Var(z) at the last hidden layer grows or shrinks with depth, for hidden layers of one width,
 * measured on the first B rows of x and predicted by the per-example variance recursion.
 * One network of maxDepth identical hidden layers serves every depth: the first k hidden layers of
 * it ARE a network of depth k (the layers above do not change what flows below), so its layer k-1
 * gives depth k. Also returns the mean-field fixed point of the repeated layer (Poole et al. 2016,
 * arXiv:1606.05340: q*, chi_1, phase; Schoenholz et al. 2017, arXiv:1611.01232: depth scales),
 * with sigma_w^2 = fan_in E[W^2] and sigma_b^2 = E[b^2] from the initializers' exact statistics.
 */
export function depthSweep(x: FloatArray, B: number, inputDim: number, opts: DepthSweepOptions): DepthSweep {
  const activation = opts.activation.spec;
  const init = opts.init.spec;
  const net = new Network(
    {
      sizes: [inputDim, ...Array.from({ length: opts.maxDepth }, () => opts.width), opts.outputs],
      activation,
      init,
      biasInit: opts.biasInit?.spec,
    },
    { backend: opts.backend },
  ).initialize(opts.seed);
  if (net.weightInits.some((w) => w.dataDependent)) {
    if (!opts.data) throw new RangeError(`depthSweep: ${init} needs the training data (opts.data)`);
    applyDataDependentInit(net, opts.data, opts.seed);
  }
  net.forward(x, B);
  const pred = predictFlow(net, x, B);
  const rows: DepthRow[] = [];
  for (let k = 1; k <= opts.maxDepth; k++) {
    const layer = net.layers[k - 1];
    rows.push({
      depth: k,
      measured: tensorStats(layer.Z, B * layer.outDim).var,
      predicted: pred.layers[k - 1].preactVar,
    });
  }
  // Mean field from the initializers' exact statistics (describe), on the second hidden layer
  // (width x width) when there is one.
  const rep = net.layers[Math.min(1, opts.maxDepth - 1)];
  const w = net.weightInits[rep.index].describe(rep.inDim, rep.outDim);
  const b = net.biasInit.describe(rep.inDim, rep.outDim);
  const mf = meanField(
    rep.activation,
    rep.inDim * (w.variance + w.mean * w.mean),
    b.variance + b.mean * b.mean,
  );
  return { width: opts.width, activation, init, rows, meanField: mf };
}
