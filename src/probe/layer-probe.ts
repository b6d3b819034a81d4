import type { Dense } from "../nn/dense.js";
import { BOUNDED_BINS, GRAD_BINS, histogram, symmetricBins } from "./histogram.js";
import { tensorStats } from "./moments.js";
import type { LayerProbe } from "./types.js";
import { canDie, canSaturate, deadUnits, saturatedFraction, summarizeSlopes } from "./units.js";

/**
 * Reads one layer's caches after a forward and backward pass over B rows (Dense keeps X, Z, A,
 * dZ, W, b, dW, db) and measures everything of `LayerProbe` except the prediction.
 * `updateNorm`: ||update of W|| of the last optimizer step (null outside training).
 */
export function measureLayer(layer: Dense, updateNorm: number | null): LayerProbe {
  const B = layer.batch;
  const n = layer.outDim;
  const count = B * n;
  const act = layer.activation;
  const be = layer.backend;
  const z = tensorStats(layer.Z, count, be);
  const a = layer.A === layer.Z ? z : tensorStats(layer.A, count, be);
  const g = tensorStats(layer.dZ, count, be);
  const w = tensorStats(layer.W, layer.W.length, be);
  const dw = tensorStats(layer.dW, layer.dW.length, be);
  const b = tensorStats(layer.b, layer.b.length, be);
  const db = tensorStats(layer.db, layer.db.length, be);
  const weightNorm = Math.sqrt(w.sumSq);
  const dead = canDie(act) ? deadUnits(layer.Z, B, n, act, layer.slopes) : null;
  const zBins = symmetricBins(Math.sqrt(z.var + z.mean * z.mean));
  const aBins = canSaturate(act) ? BOUNDED_BINS : symmetricBins(Math.sqrt(a.var + a.mean * a.mean));
  return {
    index: layer.index,
    fanIn: layer.inDim,
    fanOut: layer.outDim,
    activation: act.spec,
    weightStd: Math.sqrt(w.var),
    weightNorm,
    weightGradNorm: Math.sqrt(dw.sumSq),
    biasNorm: Math.sqrt(b.sumSq),
    biasGradNorm: Math.sqrt(db.sumSq),
    preact: { mean: z.mean, var: z.var },
    act: { mean: a.mean, var: a.var },
    grad: { mean: g.mean, var: g.var },
    deadFraction: dead ? dead.dead : null,
    inactiveFraction: dead ? dead.inactive : null,
    saturatedFraction: canSaturate(act) ? saturatedFraction(layer.Z, count, act) : null,
    updateRatio: updateNorm === null ? null : updateNorm / weightNorm,
    slopes: layer.slopes ? summarizeSlopes(layer.slopes) : null,
    nonFinite: {
      preact: z.nonFinite,
      act: a.nonFinite,
      grad: g.nonFinite,
      weight: w.nonFinite,
      weightGrad: dw.nonFinite,
      bias: b.nonFinite,
      biasGrad: db.nonFinite,
    },
    hist: {
      preact: histogram(layer.Z, count, zBins, be),
      act: histogram(layer.A, count, aBins, be),
      grad: histogram(layer.dZ, count, GRAD_BINS, be),
    },
    predicted: null,
  };
}

/** True when any count of the layer's NonFiniteCounts is nonzero. */
export function layerHasNonFinite(p: LayerProbe): boolean {
  return Object.values(p.nonFinite).some((c) => c > 0);
}
