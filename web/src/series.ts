import type { ProbeView } from "./protocol.js";

/** A growable Float64Array. */
export class Growable {
  data = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

/** Most probes kept; beyond it every other old one is dropped (the heatmap keeps its full span). */
const MAX_PROBES = 1500;

/**
 * What a run has produced so far: the batch loss of every step and the probe snapshots. Charts
 * read from here; `version` changes on every addition so a view redraws only when needed.
 */
export class RunSeries {
  readonly steps = new Growable();
  readonly losses = new Growable();
  probes: ProbeView[] = [];
  version = 0;

  addSteps(first: number, losses: Float64Array): void {
    for (let i = 0; i < losses.length; i++) {
      this.steps.push(first + i);
      this.losses.push(Number.isFinite(losses[i]) ? losses[i] : Number.NaN);
    }
    this.version++;
  }

  addProbe(p: ProbeView): void {
    this.probes.push(p);
    if (this.probes.length > MAX_PROBES) {
      // keep the first and the newest half dense, thin the older ones
      const keep = this.probes.filter((_, i) => i % 2 === 0 || i > this.probes.length / 2);
      this.probes = keep;
    }
    this.version++;
  }

  get lastProbe(): ProbeView | null {
    return this.probes.length ? this.probes[this.probes.length - 1] : null;
  }

  get lastStep(): number {
    return this.steps.length ? this.steps.data[this.steps.length - 1] : 0;
  }

  /**
   * The loss smoothed by an exponential moving average of its logarithm (a geometric mean, so one
   * huge early loss does not hide the next hundred steps on the log-scale chart); NaN stays NaN.
   */
  smoothedLoss(alpha = 0.05): Float64Array {
    const src = this.losses.view();
    const out = new Float64Array(src.length);
    let m = Number.NaN;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (!(Number.isFinite(v) && v > 0)) {
        out[i] = Number.NaN;
        continue;
      }
      const l = Math.log(v);
      m = Number.isFinite(m) ? m + alpha * (l - m) : l;
      out[i] = Math.exp(m);
    }
    return out;
  }
}
