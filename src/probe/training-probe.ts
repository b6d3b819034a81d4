import type { FloatArray } from "../kernels/backend.js";
import type { Loss } from "../nn/losses.js";
import type { Network } from "../nn/network.js";
import { diagnose } from "./diagnose.js";
import { type Inspection, inspect } from "./inspect.js";
import { type ProbeBatch, probeBatch } from "./probe-batch.js";
import { meanInputSecond } from "./probe-network.js";
import type { Finding, ProbeSnapshot, Recommendation } from "./types.js";

/** The training split as the probe needs it (a `Dataset` fits). */
export interface ProbeData {
  trainX: Float32Array;
  trainY: Int32Array;
  nTrain: number;
  inputDim: number;
}

/** A finding's identity for "did it just appear": the kind, and for update ratios the direction. */
function findingKey(f: Finding): string {
  return f.kind === "update_ratio" ? `${f.kind}:${f.value > 1e-3 ? "high" : "low"}` : f.kind;
}

/**
 * Probes during training: a fixed probe batch (see `probeBatchIndices`; `size` examples of the
 * training set, chosen from `seed`), a forward/backward pass on it at each probe step, and the
 * diagnosis rules on every snapshot. A finding is reported with the step of the probe at which it
 * appeared (again if it went away and came back). The step-0 snapshot also carries the theory's
 * predictions: they describe random weights, which trained weights no longer are.
 *
 * Call `probe` after the optimizer step: it overwrites the layers' caches and the parameter
 * gradients, which the next step recomputes before using them; parameters and optimizer state
 * are not touched.
 */
export class TrainingProbe {
  readonly batch: ProbeBatch;
  private readonly dLogits: FloatArray;
  private readonly inputSecond: number;
  private active = new Set<string>();

  constructor(
    private readonly net: Network,
    private readonly loss: Loss,
    data: ProbeData,
    opts: { size: number; seed: number },
  ) {
    this.batch = probeBatch(data, opts.size, opts.seed);
    const n = this.batch.B * net.outputDim;
    this.dLogits = net.dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    this.inputSecond = meanInputSecond(this.batch.x, this.batch.B, net.inputDim);
  }

  /**
   * One probe at `step` (0 = before training): `inspect` on the fixed batch. `updateNorms`: the
   * optimizer's lastUpdateNorms (null before the first step). Returns the inspection (snapshot,
   * every finding, recommendation, phase) and the findings that appeared now.
   */
  probe(
    step: number,
    updateNorms: ArrayLike<number> | null,
  ): { snapshot: ProbeSnapshot; findings: Finding[]; inspection: Inspection } {
    const inspection = inspect(this.net, this.batch, this.loss, {
      step,
      updateNorms,
      dLogits: this.dLogits,
      inputSecond: this.inputSecond,
    });
    const all = inspection.diagnosis;
    const now = new Set(all.map(findingKey));
    const fresh = all.filter((f) => !this.active.has(findingKey(f))).map((f) => ({ ...f, step }));
    this.active = now;
    return { snapshot: inspection.snapshot, findings: fresh, inspection };
  }
}

/**
 * The diagnosis of a series of snapshots (in step order): every finding with the step of the
 * snapshot at which it appeared, as `TrainingProbe` records them during training.
 */
export function diagnoseSeries(snapshots: readonly ProbeSnapshot[], rec?: Recommendation | null): Finding[] {
  let active = new Set<string>();
  const out: Finding[] = [];
  for (const s of snapshots) {
    const all = diagnose(s, rec);
    for (const f of all) if (!active.has(findingKey(f))) out.push({ ...f, step: s.step });
    active = new Set(all.map(findingKey));
  }
  return out;
}
