/**
 * The document a report renders: an experiment's description, its verdict with the checks over
 * seeds, key numbers, charts, tables, raw series and the configurations it ran. `src/experiments`
 * produces it; `src/report` turns it into HTML, SVG, PNG, CSV and JSON. Plain data only.
 */
import type { ChartSpec } from "./chart-spec.js";

/** A check passes, fails, or cannot be decided at the seeds run (its interval straddles the threshold). */
export type CheckStatus = "pass" | "fail" | "undecided";

/** The three verdicts: every check passes / a check fails / no check fails but one is undecided. */
export type VerdictStatus = "confirmed" | "refuted" | "inconclusive";

/** A 95% confidence interval of a mean over seeds and how it was computed. */
export interface Interval {
  low: number;
  high: number;
  /** Seeds with a measured value. */
  n: number;
  /**
   * "t": Student t interval of the mean over seeds; "t-log": the same on log(value), reported as
   * the geometric mean; "count": a yes/no fact, the interval is [fraction of seeds where it held];
   * "range": a comparison judged seed by seed (combine "every-seed"), the interval is the range of
   * the per-seed values.
   */
  method: "t" | "t-log" | "count" | "range";
}

/** One measured number (a mean over seeds) compared with its threshold; the verdict combines the checks. */
export interface Check {
  /** What is measured, e.g. "test accuracy, ReLU on raw pixels". */
  label: string;
  /** The measured value: the mean over seeds (+-Infinity allowed; null when nothing could be measured). */
  measured: number | null;
  /** The comparison the rule makes, e.g. "<", ">=". "is" for yes/no facts (measured 1 = yes). */
  op: "<" | "<=" | ">" | ">=" | "is";
  threshold: number;
  /** The rule in words with the numbers, e.g. "0.112 [0.09, 0.13] < 0.3". */
  text: string;
  /** status === "pass". */
  pass: boolean;
  status: CheckStatus;
  /** Combine seeds on the log scale (a geometric mean; for ratios and times). Default linear. */
  scale?: "linear" | "log";
  /**
   * How the seeds are combined: "mean" (default) compares the mean's 95% interval with the
   * threshold; "every-seed" judges the comparison on each seed, like a yes/no fact (pass when it
   * holds on every seed, fail when on none, else undecided). For per-run properties whose size is
   * not a quantity to average, e.g. a growth factor up to the step a run diverges.
   */
  combine?: "mean" | "every-seed";
  /** The 95% interval over seeds (absent for a single-seed check). */
  interval?: Interval;
  /** The value on each seed, in the order of the report's seeds (null: not measured). */
  perSeed?: (number | null)[];
  /** For an undecided check: roughly how many seeds would decide it (null: more seeds will not help). */
  seedsToDecide?: number | null;
}

export interface Verdict {
  status: VerdictStatus;
  /** status === "confirmed". */
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
  /** The 95% interval of a mean over seeds. */
  interval?: [number, number];
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

/** What an experiment is, without how it runs. */
export interface ExperimentDescription {
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
  /**
   * Seeds per size when `--seeds` is not given (default 3 quick, 5 full; never fewer). More where
   * an effect sits a few standard errors from its threshold: the count is set by a power rule on
   * pilot seeds (docs/experiments.md, "How many seeds"), never by the verdict it gives.
   */
  seedCounts?: { quick: number; full: number };
  /**
   * About how long one seed takes, relative to the others (CPU seconds of one quick seed on the
   * development machine, single thread; default 5). Only orders the pool's queue: the longest
   * seeds start first, so a short seed, not a long one, finishes last.
   */
  seedCost?: number;
}

/**
 * Everything a report needs about one finished experiment (its description, then what was run,
 * where and how long it took); `result.json` of the report folder.
 */
export interface ExperimentReport extends ExperimentDescription {
  size: "quick" | "full";
  /** The base seed (--seed) the seeds of the runs derive from. */
  seed: number;
  /** The seeds the experiment ran on (each configuration once per seed). */
  seeds: number[];
  backend: string;
  threads: number;
  initlab: string;
  node: string;
  startedAt: string;
  seconds: number;
  result: ExperimentResult;
}
