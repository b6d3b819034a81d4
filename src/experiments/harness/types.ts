/**
 * The contract of a named experiment: a claim (from the study notes or a paper), the runs that
 * test it, and a verdict computed from measured numbers by a rule stated in advance.
 *
 * An experiment returns data only (charts as declarative specs, tables, raw series); `src/report`
 * turns a result into HTML, SVG, PNG, CSV and JSON. Nothing here writes files.
 */
import type { Backend } from "../kernels/backend.js";
import type { ChartSpec } from "./chart-spec.js";

export type { ChartSpec } from "./chart-spec.js";

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

/** One measured number compared with its threshold; the verdict is the AND of the checks. */
export interface Check {
  /** What is measured, e.g. "test accuracy, ReLU on raw pixels". */
  label: string;
  /** The measured value (null when it could not be measured, e.g. a diverged run). */
  measured: number | null;
  /** The comparison the rule makes, e.g. "<", ">=". "is" for yes/no facts (measured 1 = yes). */
  op: "<" | "<=" | ">" | ">=" | "is";
  threshold: number;
  /** The rule in words with the numbers, e.g. "0.112 < 0.3". */
  text: string;
  pass: boolean;
}

export interface Verdict {
  confirmed: boolean;
  /** One or two sentences with the key numbers. */
  summary: string;
  checks: Check[];
}

/** A key number shown in the terminal summary and at the top of the report. */
export interface KeyNumber {
  label: string;
  value: number | string | null;
  unit?: string;
}

/** A table for the report (and a CSV file). Cells are numbers, strings or null (shown as "-"). */
export interface TableSpec {
  id: string;
  title: string;
  caption?: string;
  columns: string[];
  rows: (number | string | boolean | null)[][];
}

/** Raw data written as CSV only (e.g. every loss curve at full resolution). */
export interface SeriesSpec {
  id: string;
  columns: string[];
  rows: (number | string | null)[][];
}

/** A configuration the experiment ran: a label and its full settings (a resolved TrainConfig or similar). */
export interface RunConfiguration {
  label: string;
  settings: Record<string, unknown>;
}

export interface ExperimentResult {
  verdict: Verdict;
  numbers: KeyNumber[];
  charts: ChartSpec[];
  tables: TableSpec[];
  series: SeriesSpec[];
  configurations: RunConfiguration[];
  /** Caveats and honest remarks (e.g. "the paper's figure is on conv nets"). */
  notes: string[];
}

/** A named experiment. */
export interface Experiment {
  /** kebab-case name used on the command line, e.g. "vanishing-depth". */
  name: string;
  /** Number in the list (1..12), for ordering. */
  order: number;
  title: string;
  /** The claim under test, in one or two sentences. */
  claim: string;
  /** Where the claim comes from: the notes' section or the paper with its identifier. */
  source: string;
  /** How the claim is tested: the configurations, in words. */
  method: string;
  /** The rule that turns measurements into the verdict, with its thresholds. */
  rule: string;
  /** What the quick and the full sizes run. */
  sizes: { quick: string; full: string };
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
