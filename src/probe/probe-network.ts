import type { FloatArray } from "../kernels/backend.js";
import { isPlain } from "../nn/architecture.js";
import type { Loss } from "../nn/losses.js";
import type { Network } from "../nn/network.js";
import { measureBlocks, measureNorms } from "./block-probe.js";
import { layerHasNonFinite, measureLayer } from "./layer-probe.js";
import { rowSecondMoments } from "./moments.js";
import { outputGradMoments, predictFlow } from "./predict.js";
import type { ProbeSnapshot } from "./types.js";

export interface ProbeOptions {
  /** training step recorded in the snapshot (default 0) */
  step?: number;
  /** also compute the theory's prediction for every layer (default false; ~1 ms per example and layer) */
  predict?: boolean;
  /**
   * ||update|| of every parameter in the last optimizer step, in `net.params()` order
   * (`Optimizer.lastUpdateNorms`): gives each layer's update-to-weight ratio.
   */
  updateNorms?: ArrayLike<number> | null;
  /** scratch buffer for dL/dlogits (B x outputs); allocated when absent */
  dLogits?: FloatArray;
  /** mean over the batch of the per-example input second moments, when already known (a fixed probe batch) */
  inputSecond?: number;
}

/** Mean over the first B rows of x (B x d) of the per-example second moment (1 / d) sum_i x_ei^2. */
export function meanInputSecond(x: FloatArray, B: number, d: number): number {
  const m = rowSecondMoments(x, B, d);
  let s = 0;
  for (let e = 0; e < B; e++) s += m[e] / B;
  return s;
}

/** Index in net.params() of each layer's weight, so update norms can be matched to layers. */
export function weightParamIndices(net: Network): number[] {
  const idx = new Array<number>(net.layers.length).fill(-1);
  net.params().forEach((p, k) => {
    if (p.kind === "weight") idx[p.layer] = k;
  });
  return idx;
}

/**
 * Probes a network on a batch: one forward pass over the first B rows of x, the batch-mean loss
 * against labels y, one backward pass; then every layer's caches are measured (see `LayerProbe`,
 * docs/probes.md). It overwrites the layers' caches and the parameter gradients (dW, db, dSlopes),
 * and touches nothing else: no parameter, no optimizer state. In training it runs after the
 * optimizer step, and the next step's backward pass overwrites the gradients before they are used.
 */
export function probeNetwork(
  net: Network,
  x: FloatArray,
  y: Int32Array,
  B: number,
  loss: Loss,
  opts: ProbeOptions = {},
): ProbeSnapshot {
  const C = net.outputDim;
  const dLogits =
    opts.dLogits && opts.dLogits.length >= B * C
      ? opts.dLogits
      : net.dtype === "float64"
        ? new Float64Array(B * C)
        : new Float32Array(B * C);
  const logits = net.forward(x, B);
  const value = loss.forward(logits, y, B, C, dLogits);
  net.backward(dLogits);
  const wIdx = opts.updateNorms ? weightParamIndices(net) : null;
  const layers = net.layers.map((layer) =>
    measureLayer(layer, opts.updateNorms && wIdx ? opts.updateNorms[wIdx[layer.index]] : null),
  );
  const nonFinite = layers.some(layerHasNonFinite);
  const plain = isPlain(net.architecture);
  // the plain MLP's layer-by-layer recursion does not describe residual or normalized layers:
  // their prediction is the blocks' (src/theory/residual.ts)
  if (opts.predict && !nonFinite && plain) {
    try {
      const pred = predictFlow(net, x, B, outputGradMoments(net));
      layers.forEach((p, l) => {
        p.predicted = pred.layers[l];
      });
    } catch (e) {
      // The theory rejects inputs it cannot integrate (e.g. a variance that overflowed to Infinity):
      // then there is no prediction, and the measurements still stand.
      if (!(e instanceof RangeError)) throw e;
    }
  }
  const inputSecond = opts.inputSecond ?? meanInputSecond(x, B, net.inputDim);
  const snapshot: ProbeSnapshot = {
    step: opts.step ?? 0,
    batch: B,
    loss: value,
    inputSecond,
    nonFinite,
    layers,
  };
  if (net.blocks.length > 0) snapshot.blocks = measureBlocks(net, Boolean(opts.predict) && !nonFinite);
  if (net.norms.length > 0) snapshot.norms = measureNorms(net);
  return snapshot;
}
