/**
 * The contract of a named experiment: a claim (from the study notes or a paper), the runs that
 * test it, and a verdict computed from measured numbers by a rule stated in advance.
 *
 * An experiment returns data only (charts as declarative specs, tables, raw series); `src/report`
 * turns a result into HTML, SVG, PNG, CSV and JSON. Nothing here writes files.
 */
import type { Backend } from "../../kernels/backend.js";
import type { ExperimentDescription, ExperimentResult } from "../../report/report-types.js";

export type { ChartSpec } from "../../report/chart-spec.js";
export type {
  Check,
  ExperimentDescription,
  ExperimentReport,
  ExperimentResult,
  KeyNumber,
  RunConfiguration,
  SeriesSpec,
  TableSpec,
  Verdict,
} from "../../report/report-types.js";

/** Where an experiment reports what it is doing (the CLI prints it on stderr, tests discard it). */
export interface ExperimentProgress {
  /** A new run starts: a label like "relu, raw pixels", its index (0-based) and the number of runs. */
  run(label: string, index: number, total: number): void;
  /** Progress inside the current run (training steps, Monte Carlo blocks, grid cells). */
  step(done: number, total: number, text?: string): void;
  /** A line of commentary (a result of one run, a warning). */
  log(text: string): void;
}

export interface ExperimentContext {
  /** The small size (minutes on 2 cores; what the tests run) instead of the full size. */
  quick: boolean;
  /** Every random number of the experiment derives from this seed. */
  seed: number;
  progress: ExperimentProgress;
  /** When aborted, the experiment stops at the next step and throws `ExperimentAborted`. */
  signal?: AbortSignal;
  /** The compute backend every training run uses. */
  backend: Backend;
}

/** A named experiment: its description and how it runs (once per seed; the harness combines the seeds). */
export interface Experiment extends ExperimentDescription {
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}

/** Thrown when the context's signal aborts an experiment (Ctrl-C): nothing is written. */
export class ExperimentAborted extends Error {
  override name = "ExperimentAborted";
  constructor(experiment?: string) {
    super(experiment ? `experiment ${experiment} interrupted` : "experiment interrupted");
  }
}

export function throwIfAborted(ctx: { signal?: AbortSignal }): void {
  if (ctx.signal?.aborted) throw new ExperimentAborted();
}
