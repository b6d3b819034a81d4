import type { Histogram as ProbeHistogram, ProbeSnapshot } from "../../src/probe/types.js";
import type { Histogram, LayerView, ProbeView } from "./protocol.js";

/** A probe histogram (recorded edges) in the view's form (equal bins from lo to hi). */
export function toHistogram(h: ProbeHistogram): Histogram {
  return {
    scale: h.scale,
    lo: h.edges[0],
    hi: h.edges[h.edges.length - 1],
    counts: Float32Array.from(h.counts),
    under: h.under,
    over: h.over,
    zeros: h.zeros,
  };
}

/**
 * The page's view of a probe snapshot (src/probe): layers numbered from 1, the theory's
 * predictions flattened, histograms as typed arrays. Used for live runs (in the worker) and for
 * runs read from the run store.
 */
export function toProbeView(
  s: ProbeSnapshot,
  extra: {
    testLoss: number | null;
    testAccuracy: number | null;
    diagnosis: string[];
    recommendations: string[];
  },
): ProbeView {
  const layers: LayerView[] = s.layers.map((l) => ({
    layer: l.index,
    fanIn: l.fanIn,
    fanOut: l.fanOut,
    activation: l.activation,
    preMean: l.preact.mean,
    preVar: l.preact.var,
    actMean: l.act.mean,
    actVar: l.act.var,
    gradVar: l.grad.var,
    weightGradNorm: l.weightGradNorm,
    predPreVar: l.predicted?.preactVar ?? null,
    predGradVar: l.predicted?.gradVar ?? null,
    dead: l.deadFraction,
    saturated: l.saturatedFraction,
    actHist: toHistogram(l.hist.act),
    gradHist: toHistogram(l.hist.grad),
  }));
  return {
    step: s.step,
    probeLoss: s.loss,
    layers,
    blocks: s.blocks ?? null,
    norms: s.norms ?? null,
    ...extra,
  };
}

/**
 * A later probe's blocks with the theory of the first (step 0) probe: the stream's second moment
 * the initialization predicts (src/theory/residual.ts), the reference line of the block panel.
 */
export function withInitialBlockTheory(
  blocks: ProbeView["blocks"],
  initial: readonly (number | null)[] | null,
): ProbeView["blocks"] {
  if (!blocks || !initial) return blocks;
  return blocks.map((b, i) => ({ ...b, predictedStreamSecond: initial[i] ?? null }));
}
