import type { DataInitReport } from "../init/lsuv.js";
import type { Finding, ProbeSnapshot } from "../probe/types.js";
import type { TrainConfig } from "./config.js";

/**
 * One row per epoch. trainLoss is the mean of the batch losses seen during the epoch. A regression
 * run (data plane, multi-gauss) has testR2 and a testAccuracy of 0 (there are no classes); its
 * losses are mean squared errors.
 */
export interface EpochRecord {
  epoch: number;
  trainLoss: number | null;
  testLoss: number | null;
  /** Classification: the fraction of test examples classified right. Regression: 0. */
  testAccuracy: number;
  /** Regression only: R^2 = 1 - SSE / SST on the test set (null when not finite). */
  testR2?: number | null;
  seconds: number;
}

export interface FinalRecord {
  trainLoss: number | null;
  testLoss: number | null;
  /** Classification: the last epoch's test accuracy. Regression: 0 (see testR2). */
  testAccuracy: number;
  /** Regression only: the last epoch's test R^2. */
  testR2?: number | null;
  diverged: boolean;
  divergedAtStep: number | null;
  /** Training samples per second of training time only (no evaluation, probes or data loading). */
  samplesPerSecond: number;
  steps: number;
  trainSeconds: number;
  totalSeconds: number;
}

/**
 * A run record: self-describing, JSON-serializable (non-finite numbers become null: a record read
 * back from the run store or a JSON file has null where a probe statistic was NaN or infinite).
 * `lossCurve` holds the batch loss every `config.lossEvery` steps; `probes` and `findings` are
 * filled when probing is on.
 */
export interface RunRecord {
  config: TrainConfig;
  meta: {
    initlab: string;
    backend: string;
    threads: number;
    node: string;
    startedAt: string;
    sizes: number[];
  };
  epochs: EpochRecord[];
  lossCurve: { step: number; loss: number | null; lr: number; gradNorm: number | null }[];
  final: FinalRecord;
  /** Probe snapshots, oldest first (step 0 before training, then every `config.probeEvery` steps). */
  probes: ProbeSnapshot[];
  /** Each finding of the diagnosis when it first appears, with the step it appeared at. */
  findings: Finding[];
  /** The scale a data-dependent initializer (--init lsuv) applied to each layer, when there was one. */
  dataInit?: DataInitReport;
}

/** null for NaN and infinities, so a record always serializes to valid JSON. */
export function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
