/**
 * LSUV, layer-sequential unit-variance initialization (Mishkin & Matas 2016, "All you need is a
 * good init", ICLR, arXiv:1511.06422, Algorithm 1): start from orthonormal weights, then for each
 * layer in order, on one mini-batch of training data, rescale the layer's weights until the
 * variance of its output (the pre-activation z = x W^T + b of a dense layer) is 1:
 *
 *   repeat: forward the batch; v = Var(z_L); if |v - 1| < tol stop; W_L <- W_L / sqrt(v)
 *   (at most maxIter times per layer; tol = 0.1 and a few iterations in the paper).
 *
 * As a spec, `lsuv(tol=0.1, max_iter=10, base=orthogonal, batch=256)`: the initializer draws from
 * `base` (its `describe` is the base's, before rescaling) and carries `dataDependent`, which tells
 * whoever builds the network with data (train/trainer.ts buildNetwork) to call `applyDataDependentInit`
 * once the ordinary initialization is done. Only layers whose initializer is lsuv are rescaled.
 * Var(z) is the variance over the B x out pre-activations of the layer, computed here in float64.
 */
import type { FloatArray } from "../kernels/backend.js";
import { Rng } from "../tensor/rng.js";
import { formatSpec } from "./spec.js";
import type { DataDependentInit, Initializer } from "./types.js";
import { checkNumber } from "./validate.js";

/**
 * What LSUV needs of a network (src/nn/network.ts Network has it): its dense layers in order, their
 * initializers, and a forward pass. Declared here so that init imports nothing from nn.
 */
export interface LsuvNetwork {
  readonly layers: readonly { readonly W: FloatArray; readonly Z: FloatArray; readonly outDim: number }[];
  readonly weightInits: readonly Initializer[];
  forward(x: FloatArray, B: number): FloatArray;
}

/** Options of the LSUV loop (Mishkin & Matas 2016, Algorithm 1). */
export interface LsuvOptions {
  /** Stop when |Var(z) - 1| < tol (default 0.1, the paper's Tol_var). */
  tol?: number;
  /** Iterations per layer at most (default 10, the paper's T_max). */
  maxIter?: number;
  /** Also rescale the output layer (default true: the paper rescales every layer). */
  includeOutput?: boolean;
  /** Rescale only these layers (default: every layer, or every hidden layer without the output). */
  layers?: readonly number[];
}

/** What LSUV did to one layer: the scale it applied and the output variance it reached. */
export interface LsuvLayerResult {
  layer: number;
  iterations: number;
  /** Var(z) of the layer before LSUV touched it (after the layers below were rescaled) */
  before: number;
  /** Var(z) after the last rescaling */
  after: number;
  /** the factor W was multiplied by in all (1 / sqrt(before) when one step sufficed) */
  scale: number;
}

/** Population variance of the first n entries, in float64. */
function variance(x: FloatArray, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
  return v / n;
}

/** Rescales `net`'s weights in place (see the file doc); x holds B rows. Returns one entry per layer rescaled. */
export function lsuvInitialize(
  net: LsuvNetwork,
  x: FloatArray,
  B: number,
  options: LsuvOptions = {},
): LsuvLayerResult[] {
  const tol = options.tol ?? 0.1;
  const maxIter = options.maxIter ?? 10;
  const count = options.includeOutput === false ? net.layers.length - 1 : net.layers.length;
  const which = options.layers ?? Array.from({ length: count }, (_, l) => l);
  const out: LsuvLayerResult[] = [];
  for (const l of which) {
    const layer = net.layers[l];
    const measure = () => {
      net.forward(x, B);
      return variance(layer.Z, B * layer.outDim);
    };
    let v = measure();
    const before = v;
    let it = 0;
    let scale = 1;
    while (Math.abs(v - 1) >= tol && it < maxIter && v > 0 && Number.isFinite(v)) {
      const s = 1 / Math.sqrt(v);
      for (let i = 0; i < layer.W.length; i++) layer.W[i] *= s;
      scale *= s;
      it++;
      v = measure();
    }
    out.push({ layer: l, iterations: it, before, after: v, scale });
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

/** What a data-dependent initialization did: the method and one entry per layer it rescaled. */
export interface DataInitReport {
  method: "lsuv";
  /** training rows in the batch it used (stream Rng.derive(seed, "lsuv")) */
  batch: number;
  tol: number;
  maxIter: number;
  layers: LsuvLayerResult[];
}

/**
 * Runs the data-dependent step of the network's initializers (LSUV) on a batch of training data,
 * after `net.initialize(seed)`. Returns null (and touches nothing) when no layer asked for one.
 * The layers whose spec is lsuv are rescaled bottom-up with the tolerance, iteration cap and batch
 * size of the first such spec.
 */
export function applyDataDependentInit(
  net: LsuvNetwork,
  data: { trainX: Float32Array; nTrain: number; inputDim: number },
  seed: number,
): DataInitReport | null {
  const layers = net.weightInits.flatMap((init, l) => (init.dataDependent ? [l] : []));
  if (layers.length === 0) return null;
  const dd = net.weightInits[layers[0]].dataDependent as DataDependentInit;
  const x = lsuvBatch(data, dd.batch, seed);
  const B = x.length / data.inputDim;
  const results = lsuvInitialize(net, x, B, { tol: dd.tol, maxIter: dd.maxIter, layers });
  return { method: "lsuv", batch: B, tol: dd.tol, maxIter: dd.maxIter, layers: results };
}

/**
 * The lsuv spec: the base initializer's draws, plus the data-dependent step to run after them.
 * tol in (0, 1), max_iter an integer in 1..100, batch an integer >= 1 (rows of training data).
 */
export function lsuv(base: Initializer, baseName: string, tol = 0.1, maxIter = 10, batch = 256): Initializer {
  checkNumber("lsuv", "tol", tol, (v) => v > 0 && v < 1, "a number in (0, 1)");
  checkNumber(
    "lsuv",
    "max_iter",
    maxIter,
    (v) => Number.isInteger(v) && v >= 1 && v <= 100,
    "an integer in 1..100",
  );
  checkNumber("lsuv", "batch", batch, (v) => Number.isInteger(v) && v >= 1, "an integer >= 1");
  const args = { tol, max_iter: maxIter, base: baseName, batch };
  const spec = formatSpec("lsuv", args);
  return {
    name: "lsuv",
    spec,
    args: Object.freeze(args),
    describe: (fanIn, fanOut) => ({ ...base.describe(fanIn, fanOut), spec }),
    fill: (out, shape, rng) => base.fill(out, shape, rng),
    dataDependent: { method: "lsuv", tol, maxIter, batch },
  };
}

/** The report as text: one line per rescaled layer (scale applied, Var(z) before and after). */
export function dataInitText(r: DataInitReport): string {
  const lines = r.layers.map(
    (l) =>
      `  layer ${String(l.layer).padStart(3)}: W x ${l.scale.toPrecision(4).padEnd(9)} Var(z) ${l.before.toPrecision(4)} -> ${l.after.toPrecision(4)} (${l.iterations} step${l.iterations === 1 ? "" : "s"})`,
  );
  return [
    `LSUV on ${r.batch} training rows (tol ${r.tol}, at most ${r.maxIter} steps per layer; Mishkin & Matas 2016):`,
    ...lines,
  ].join("\n");
}
