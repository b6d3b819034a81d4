import type { FloatArray } from "../kernels/backend.js";
import type { Dense } from "../nn/dense.js";
import type { Network } from "../nn/network.js";
import { type BranchLayer, residualStreamSeconds } from "../theory/residual.js";
import { tensorStats } from "./moments.js";
import type { BlockProbe, Moments, NormProbe, Summary } from "./types.js";

/*
 * Per-block and per-normalization measurements (docs/probes.md): read from the layers' caches
 * after a forward pass over the probe batch, like measureLayer.
 */

function moments(x: FloatArray, n: number, layer: Dense): Moments {
  const s = tensorStats(x, n, layer.backend);
  return { mean: s.mean, var: s.var };
}

function summary(x: ArrayLike<number>): Summary {
  let mean = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    mean += x[i] / x.length;
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  return { mean, min, max };
}

/** (1 / n) sum x^2 of an array (a weight's second moment), in double. */
function second(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return x.length > 0 ? s / x.length : 0;
}

/** The branch of a block as the theory sees it: each layer with the activation (and norm) applied to its input. */
function branchOf(net: Network, block: readonly number[]): BranchLayer[] {
  return block.map((l) => {
    const prev = net.layers[l - 1];
    const layer = net.layers[l];
    return {
      fanIn: layer.inDim,
      weightVar: second(layer.W),
      biasSecond: second(layer.b),
      activation: prev.activation,
      norm: prev.norm ? prev.normPlace : null,
    };
  });
}

/**
 * Every residual block after a forward pass: stream in and out, the scaled branch, their ratio,
 * and (predict) the stream's second moment from src/theory/residual.ts, started at the measured
 * E[x_0^2] of the first block's input.
 */
export function measureBlocks(net: Network, predict: boolean): BlockProbe[] {
  const blocks = net.blocks;
  let predicted: number[] | null = null;
  if (predict && blocks.length > 0) {
    const src = net.layers[blocks[0][0] - 1];
    const x0 = moments(src.S, src.batch * src.outDim, src);
    predicted = residualStreamSeconds(
      x0.var + x0.mean * x0.mean,
      blocks.map((b) => branchOf(net, b)),
      blocks.map((b) => net.layers[b[b.length - 1]].alpha[0]),
    );
  }
  return blocks.map((block, b) => {
    const last = net.layers[block[block.length - 1]];
    const src = last.skipFrom ?? last;
    const n = last.batch * last.outDim;
    const alpha = last.alpha[0];
    const z = moments(last.Z, n, last);
    const branch = { mean: alpha * z.mean, var: alpha * alpha * z.var };
    const streamIn = moments(src.S, n, src);
    const streamOut = moments(last.S, n, last);
    return {
      block: b,
      layers: [...block],
      alpha,
      streamIn,
      streamOut,
      branch,
      ratio: branch.var / streamIn.var,
      streamSecond: streamOut.var + streamOut.mean * streamOut.mean,
      predictedStreamSecond: predicted ? predicted[b] : null,
    };
  });
}

/** Every normalization layer after a forward pass: its input's per-unit statistics and its parameters. */
export function measureNorms(net: Network): NormProbe[] {
  return net.norms.map((norm) => {
    const layer = net.layers[norm.layer];
    const input = layer.normPlace === "pre" ? layer.S : layer.H;
    const B = layer.batch;
    const w = layer.outDim;
    const means = new Float64Array(w);
    const vars = new Float64Array(w);
    for (let i = 0; i < B; i++) for (let j = 0; j < w; j++) means[j] += input[i * w + j] / B;
    for (let i = 0; i < B; i++) for (let j = 0; j < w; j++) vars[j] += (input[i * w + j] - means[j]) ** 2 / B;
    const batch = norm.kind === "batch";
    return {
      layer: norm.layer,
      kind: norm.kind,
      place: layer.normPlace,
      inputMean: summary(means),
      inputVar: summary(vars),
      gamma: summary(norm.gamma),
      beta: summary(norm.beta),
      runningMean: batch ? summary(norm.runningMean) : null,
      runningVar: batch ? summary(norm.runningVar) : null,
    };
  });
}
