import { UserError } from "../errors.js";
import type { BarChartSpec } from "../report/chart-spec.js";
import type { RunSummary } from "../store/run-store.js";
import { TRAIN_DEFAULTS, type TrainConfig } from "../train/config.js";
import type { FinalRecord } from "../train/record.js";
import { formatValue } from "./format-value.js";
import { canonicalJson } from "./run-id.js";

/** Metrics a comparison can aggregate: the numbers of the run record's `final`. */
export const COMPARE_METRICS = [
  "final.testAccuracy",
  "final.testLoss",
  "final.testR2",
  "final.trainLoss",
  "final.steps",
  "final.divergedAtStep",
  "final.samplesPerSecond",
  "final.trainSeconds",
  "final.totalSeconds",
] as const;

export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** One group of runs with equal values of the `by` keys, and the metric over its runs. */
export interface CompareRow {
  key: Record<string, unknown>;
  label: string;
  /** Runs with a finite metric value. */
  n: number;
  mean: number | null;
  /** Sample standard deviation (n - 1 in the denominator); null below two values. */
  std: number | null;
  min: number | null;
  max: number | null;
  diverged: number;
  failed: number;
}

export interface Comparison {
  by: (keyof TrainConfig)[];
  metric: CompareMetric;
  rows: CompareRow[];
}

/** "testAccuracy" or "final.testAccuracy" -> "final.testAccuracy"; anything else is a UserError. */
export function parseMetric(text: string): CompareMetric {
  const m = text.startsWith("final.") ? text : `final.${text}`;
  if (!(COMPARE_METRICS as readonly string[]).includes(m)) {
    throw new UserError(`--metric: unknown metric "${text}"; valid: ${COMPARE_METRICS.join(", ")}`);
  }
  return m as CompareMetric;
}

/** "init,activation" -> ["init", "activation"], each a train config key. */
export function parseBy(text: string): (keyof TrainConfig)[] {
  const keys = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const valid = Object.keys(TRAIN_DEFAULTS);
  if (keys.length === 0)
    throw new UserError(`--by: expected config keys like init,activation; valid: ${valid.join(", ")}`);
  for (const k of keys) {
    if (!valid.includes(k)) throw new UserError(`--by: unknown key "${k}"; valid: ${valid.join(", ")}`);
  }
  return keys as (keyof TrainConfig)[];
}

/**
 * Groups runs by the values of `by` (in order of first appearance) and summarizes the metric in
 * each group over the other axes (e.g. seeds). Failed runs only count in `failed`; diverged runs
 * count in `diverged` and contribute their metric when it is finite.
 */
export function compareRuns(
  runs: readonly RunSummary[],
  by: (keyof TrainConfig)[],
  metric: CompareMetric,
): Comparison {
  const field = metric.slice("final.".length) as keyof FinalRecord;
  const groups = new Map<
    string,
    { key: Record<string, unknown>; values: number[]; diverged: number; failed: number }
  >();
  for (const r of runs) {
    const key = Object.fromEntries(by.map((k) => [k, r.config[k]]));
    const id = canonicalJson(key);
    let g = groups.get(id);
    if (!g) {
      g = { key, values: [], diverged: 0, failed: 0 };
      groups.set(id, g);
    }
    if (r.status === "failed") g.failed++;
    if (r.status === "diverged") g.diverged++;
    const v = r.final ? r.final[field] : null;
    if (r.status !== "failed" && typeof v === "number" && Number.isFinite(v)) g.values.push(v);
  }
  const rows = [...groups.values()].map((g) => {
    const n = g.values.length;
    const mean = n ? g.values.reduce((a, b) => a + b, 0) / n : null;
    const std =
      n > 1 && mean !== null ? Math.sqrt(g.values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
    return {
      key: g.key,
      label: by.map((k) => formatValue(g.key[k])).join(" "),
      n,
      mean,
      std,
      min: n ? Math.min(...g.values) : null,
      max: n ? Math.max(...g.values) : null,
      diverged: g.diverged,
      failed: g.failed,
    };
  });
  return { by, metric, rows };
}

/**
 * The comparison as grouped bars: one category per value of the first `by` key, one series per
 * combination of the others; bar = the group mean.
 */
export function comparisonChart(c: Comparison, title: string): BarChartSpec {
  const [first, ...rest] = c.by;
  const categories: string[] = [];
  const seriesNames: string[] = [];
  const cell = new Map<string, number | null>();
  for (const r of c.rows) {
    const cat = formatValue(r.key[first]);
    const ser = rest.length ? rest.map((k) => `${k}=${formatValue(r.key[k])}`).join(" ") : c.metric;
    if (!categories.includes(cat)) categories.push(cat);
    if (!seriesNames.includes(ser)) seriesNames.push(ser);
    cell.set(`${cat}\u0000${ser}`, r.mean);
  }
  return {
    kind: "bar",
    id: "compare",
    title,
    xLabel: first,
    y: { label: `${c.metric} (mean)` },
    categories,
    series: seriesNames.map((name) => ({
      name,
      values: categories.map((cat) => cell.get(`${cat}\u0000${name}`) ?? null),
    })),
  };
}
