import type { Dataset } from "../../../src/data/index.js";
import type { Network } from "../../../src/nn/network.js";
import { jacobianCost, jacobianSpectrum } from "../../../src/probe/jacobian.js";
import type { JacobianView } from "../protocol.js";

/** The lab computes a spectrum only below this many flops (a few tens of ms in a worker). */
export const LAB_JACOBIAN_MAX_COST = 4e8;
/** ...and spends at most this fraction of the worker's time on it (skips probes after a slow one). */
const TIME_SHARE = 0.1;

/**
 * The Jacobian-spectrum panel's data, computed in the worker at probes: J of the hidden stack
 * (first to last hidden activation) on the first training example, its singular values binned by
 * log10, the moments, and the free-probability moments of the initialization (kept from step 0).
 * Cheap by construction: one input, a cost limit, and a time share.
 */
export class JacobianViewer {
  private theory: JacobianView["theory"] = null;
  private busyUntil = 0;

  view(net: Network, dataset: Dataset, step: number): JacobianView | null {
    const now = performance.now();
    if (step > 0 && now < this.busyUntil) return null;
    let reason: string | null = null;
    try {
      const cost = jacobianCost(net, { inputs: 1 });
      if (cost.flops > LAB_JACOBIAN_MAX_COST)
        reason = `J is ${cost.rows} x ${cost.cols} through ${cost.hi + 1} layers: about ${cost.flops.toPrecision(2)} flops, over the lab's limit ${LAB_JACOBIAN_MAX_COST.toPrecision(1)} (use initlab inspect --jacobian)`;
    } catch (e) {
      reason = (e as Error).message;
    }
    if (reason)
      return {
        step,
        skipped: reason,
        depth: 0,
        size: 0,
        lo: 0,
        hi: 0,
        edges: [],
        counts: [],
        meanSquare: NaN,
        variance: NaN,
        max: NaN,
        min: NaN,
        theory: this.theory,
      };
    const s = jacobianSpectrum(net, dataset.trainX, 1, {
      inputs: 1,
      theory: step === 0,
      maxCost: LAB_JACOBIAN_MAX_COST,
    });
    if (step === 0 && s.theory)
      this.theory = { meanSquare: s.theory.meanSquare, variance: s.theory.variance };
    this.busyUntil = now + (s.seconds * 1000) / TIME_SHARE;
    return {
      step,
      skipped: null,
      depth: s.depth,
      size: s.rows,
      lo: s.lo,
      hi: s.hi,
      edges: s.histogram.edges,
      counts: s.histogram.counts,
      meanSquare: s.meanSquare,
      variance: s.variance,
      max: s.max,
      min: s.min,
      theory: this.theory,
    };
  }
}
