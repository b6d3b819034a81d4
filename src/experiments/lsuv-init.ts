/**
 * LSUV, layer-sequential unit-variance initialization (Mishkin & Matas 2016, "All you need is a
 * good init", ICLR, arXiv:1511.06422, Algorithm 1): start from orthonormal weights, then for each
 * layer in order, on one mini-batch of training data, rescale the layer's weights until the
 * variance of its output (the pre-activation z = x W^T + b of a dense layer) is 1:
 *
 *   repeat: forward the batch; v = Var(z_L); if |v - 1| < tol stop; W_L <- W_L / sqrt(v)
 *   (at most maxIter times per layer; tol = 0.1 and a few iterations in the paper).
 *
 * It is data-dependent, so it runs on a built network and a batch, not inside an initializer spec.
 * (src/init holds the data-independent initializers; this lives with the experiment that uses it.)
 */
import type { FloatArray } from "../kernels/backend.js";
import type { Network } from "../nn/network.js";
import { tensorStats } from "../probe/index.js";
import { Rng } from "../tensor/rng.js";

export interface LsuvOptions {
  /** Stop when |Var(z) - 1| < tol (default 0.1, the paper's Tol_var). */
  tol?: number;
  /** Iterations per layer at most (default 10, the paper's T_max). */
  maxIter?: number;
  /** Also rescale the output layer (default true: the paper rescales every layer). */
  includeOutput?: boolean;
}

export interface LsuvLayerResult {
  layer: number;
  iterations: number;
  /** Var(z) of the layer before LSUV touched it (after the layers below were rescaled) */
  before: number;
  /** Var(z) after the last rescaling */
  after: number;
}

/** Rescales `net`'s weights in place (see the file doc); x holds B rows. Returns one entry per layer. */
export function lsuvInitialize(
  net: Network,
  x: FloatArray,
  B: number,
  options: LsuvOptions = {},
): LsuvLayerResult[] {
  const tol = options.tol ?? 0.1;
  const maxIter = options.maxIter ?? 10;
  const count = options.includeOutput === false ? net.layers.length - 1 : net.layers.length;
  const out: LsuvLayerResult[] = [];
  for (let l = 0; l < count; l++) {
    const layer = net.layers[l];
    const variance = () => {
      net.forward(x, B);
      return tensorStats(layer.Z, B * layer.outDim).var;
    };
    let v = variance();
    const before = v;
    let it = 0;
    while (Math.abs(v - 1) >= tol && it < maxIter && v > 0 && Number.isFinite(v)) {
      const s = 1 / Math.sqrt(v);
      for (let i = 0; i < layer.W.length; i++) layer.W[i] *= s;
      it++;
      v = variance();
    }
    out.push({ layer: l, iterations: it, before, after: v });
  }
  return out;
}

/** B distinct training rows chosen by the stream Rng.derive(seed, "lsuv"), as one batch. */
export function lsuvBatch(
  data: { trainX: Float32Array; nTrain: number; inputDim: number },
  B: number,
  seed: number,
): Float32Array {
  const n = Math.min(B, data.nTrain);
  const idx = Rng.derive(seed, "lsuv").permutation(data.nTrain).slice(0, n);
  const d = data.inputDim;
  const x = new Float32Array(n * d);
  for (let r = 0; r < n; r++) x.set(data.trainX.subarray(idx[r] * d, idx[r] * d + d), r * d);
  return x;
}
