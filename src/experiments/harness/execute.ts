/**
 * Runs an experiment over several seeds and combines them: every check becomes a mean over the
 * seeds with its 95% interval and a status (statistics.ts), the verdict one of confirmed /
 * refuted / inconclusive, key numbers means with intervals, line charts per-seed curves (one
 * color per configuration), raw series a seed column. Tables and other charts are the first
 * seed's (the report says so).
 */
import type { LineChartSpec } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import type {
  Check,
  ExperimentDescription,
  ExperimentReport,
  ExperimentResult,
  KeyNumber,
  TableSpec,
} from "../../report/report-types.js";
import { Rng } from "../../tensor/rng.js";
import { INITLAB_VERSION } from "../../version.js";
import { combineCheck, meanInterval } from "./statistics.js";
import type { Experiment, ExperimentContext } from "./types.js";
import { verdict } from "./verdict.js";

/** The most seeds per experiment (--seeds): each seed is a full run of the experiment. */
export const MAX_SEEDS = 1000;

/** The fewest seeds per experiment when --seeds is not given: quick 3, full 5. */
export const MIN_SEEDS = { quick: 3, full: 5 } as const;

/** Seeds of `exp` when --seeds is not given: its own count (see ExperimentDescription.seedCounts), at least MIN_SEEDS. */
export function defaultSeedCount(quick: boolean, exp?: Pick<ExperimentDescription, "seedCounts">): number {
  const size = quick ? "quick" : "full";
  return Math.max(MIN_SEEDS[size], exp?.seedCounts?.[size] ?? 0);
}

/**
 * The seeds of a run from the base seed (--seed): the base seed itself, then seeds drawn from the
 * stream Rng.derive(base, "experiment seeds") (distinct, in 1..999,999), so two base seeds share
 * no seed but by chance.
 */
export function experimentSeeds(base: number, count: number): number[] {
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_SEEDS))
    throw new RangeError(`seed count ${count}: expected an integer in 1..${MAX_SEEDS}`);
  const rng = Rng.derive(base, "experiment seeds");
  const seeds = [base];
  while (seeds.length < count) {
    const s = 1 + (rng.nextU32() % 999_999);
    if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** Computes one seed of an experiment (in this thread, or in a worker of the pool). */
export type SeedRunner = (exp: Experiment, seed: number) => Promise<ExperimentResult>;

/** Runs `exp` on each seed (through `runSeed`, default: in this thread, one after the other) and combines them. */
export async function executeExperiment(
  exp: Experiment,
  ctx: ExperimentContext,
  seeds: number[] = [ctx.seed],
  runSeed?: SeedRunner,
): Promise<ExperimentReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const run: SeedRunner = runSeed ?? ((e, seed) => e.run({ ...ctx, seed }));
  const results: ExperimentResult[] = [];
  if (runSeed) results.push(...(await Promise.all(seeds.map((s) => run(exp, s)))));
  else for (const s of seeds) results.push(await run(exp, s));
  return experimentReport(exp, ctx, seeds, results, startedAt, (performance.now() - t0) / 1000);
}

/** The report of `exp` from its per-seed results (already computed). */
export function experimentReport(
  exp: Experiment,
  ctx: Pick<ExperimentContext, "quick" | "seed" | "backend">,
  seeds: number[],
  results: ExperimentResult[],
  startedAt: string,
  seconds: number,
): ExperimentReport {
  return {
    name: exp.name,
    order: exp.order,
    title: exp.title,
    claim: exp.claim,
    source: exp.source,
    method: exp.method,
    rule: exp.rule,
    sizes: exp.sizes,
    size: ctx.quick ? "quick" : "full",
    seed: ctx.seed,
    seeds,
    backend: ctx.backend.name,
    threads: ctx.backend.threads,
    initlab: INITLAB_VERSION,
    node: process.version,
    startedAt,
    seconds,
    result: combineSeeds(seeds, results),
  };
}

/** One experiment's results on several seeds as one result (see the module comment). */
export function combineSeeds(seeds: number[], results: ExperimentResult[]): ExperimentResult {
  const first = results[0];
  const n = results.length;
  if (n === 1) {
    const checks = first.verdict.checks.map((c) => combineCheck([c]));
    return { ...first, verdict: verdict(checks, first.verdict.summary) };
  }
  const checks = first.verdict.checks.map((c, j) =>
    combineCheck(results.map((r) => sameCheck(r.verdict.checks, c, j))),
  );
  return {
    verdict: verdict(checks, seedSummary(seeds, checks, first.verdict.summary)),
    numbers: first.numbers.map((k) => combineNumber(k, results)),
    charts: first.charts.map((c) => (c.kind === "line" ? seedLines(c, seeds, results) : firstSeed(c, seeds))),
    tables: [checksTable(seeds, checks), ...first.tables.map((t) => firstSeed(t, seeds))],
    series: first.series.map((s) => ({
      id: s.id,
      columns: ["seed", ...s.columns],
      rows: results.flatMap((r, i) =>
        (r.series.find((x) => x.id === s.id)?.rows ?? []).map((row) => [seeds[i], ...row]),
      ),
    })),
    configurations: first.configurations,
    notes: [
      `Every check is the mean over ${n} seeds (${seeds.join(", ")}; each configuration runs once per seed, so comparisons are paired) with a 95% Student t interval over the seeds (on logarithms for ratios and times: a geometric mean); a yes/no fact must hold on every seed. A check passes when its interval is on the right side of its threshold, fails when it is on the wrong side, and is undecided when it straddles it. Tables and bar charts are those of seed ${seeds[0]}; the configurations listed are seed ${seeds[0]}'s (the other seeds differ only in "seed").`,
      ...first.notes,
    ],
  };
}

/** The check of one seed's result that corresponds to `c` (same label, else same position); null-measured if absent. */
function sameCheck(checks: Check[], c: Check, j: number): Check {
  const found = checks[j]?.label === c.label ? checks[j] : checks.find((x) => x.label === c.label);
  return found ?? { ...c, measured: null, pass: false, status: "fail", text: "not measured on this seed" };
}

function seedSummary(seeds: number[], checks: Check[], firstSummary: string): string {
  const failed = checks.filter((c) => c.status === "fail");
  const undecided = checks.filter((c) => c.status === "undecided");
  const parts = [
    `${checks.length - failed.length - undecided.length} of ${checks.length} checks pass over ${seeds.length} seeds`,
  ];
  if (failed.length) parts.push(`failed: ${failed.map((c) => `${c.label} (${c.text})`).join("; ")}`);
  if (undecided.length)
    parts.push(
      `undecided: ${undecided
        .map(
          (c) =>
            `${c.label} (${c.text}${c.seedsToDecide ? `; about ${c.seedsToDecide} seeds would decide it` : ""})`,
        )
        .join("; ")}`,
    );
  return `${parts.join(". ")}. Seed ${seeds[0]}: ${firstSummary}`;
}

/** A numeric key number as its mean over seeds with a 95% t interval; other values as on the first seed. */
function combineNumber(k: KeyNumber, results: ExperimentResult[]): KeyNumber {
  const values = results.map((r) => r.numbers.find((x) => x.label === k.label)?.value);
  if (!values.every((v): v is number => typeof v === "number" && !Number.isNaN(v))) return k;
  const r = meanInterval(values);
  return { ...k, value: r.mean, interval: [r.low, r.high] };
}

/** A line chart with every seed's curves: one color per configuration, the seed in the name. */
function seedLines(c: LineChartSpec, seeds: number[], results: ExperimentResult[]): LineChartSpec {
  const perSeed = results.map((r) => r.charts.find((x) => x.id === c.id));
  if (!perSeed.every((x): x is LineChartSpec => x?.kind === "line") || c.series.length * seeds.length > 40)
    return firstSeed(c, seeds);
  return {
    ...c,
    caption: `${c.caption ? `${c.caption} ` : ""}One curve per seed (${seeds.join(", ")}), the same color for the same configuration.`,
    series: perSeed.flatMap((chart, i) =>
      chart.series.map((s) => ({ ...s, name: `${s.name} · seed ${seeds[i]}`, group: s.group ?? s.name })),
    ),
    markLines: c.markLines?.filter((m) => !m.label.includes(": NaN")),
  };
}

function firstSeed<T extends { caption?: string }>(x: T, seeds: number[]): T {
  return {
    ...x,
    caption: `${x.caption ? `${x.caption} ` : ""}(Seed ${seeds[0]}, the first of ${seeds.length}.)`,
  };
}

/** The checks with the value on every seed, the mean, its interval and the status. */
function checksTable(seeds: number[], checks: Check[]): TableSpec {
  return {
    id: "checks-over-seeds",
    title: "Every check on every seed, the mean and its 95% interval",
    caption:
      "pass: the interval is on the right side of the threshold; fail: on the wrong side; undecided: it straddles the threshold. Infinity: never reached. A rule 'on every seed' is judged seed by seed: its 'mean' is the seed closest to failing and low/high the range of the seeds.",
    columns: [
      "check",
      ...seeds.map((s) => `seed ${s}`),
      "mean",
      "95% low",
      "95% high",
      "rule",
      "status",
      "seeds to decide",
    ],
    rows: checks.map((c) => [
      c.label,
      ...seeds.map((_, i) => cell(c.perSeed?.[i] ?? null)),
      cell(c.measured),
      cell(c.interval?.low ?? null),
      cell(c.interval?.high ?? null),
      `${c.op} ${fmt(c.threshold)}${c.combine === "every-seed" ? " on every seed" : ""}`,
      c.status,
      c.seedsToDecide ?? null,
    ]),
  };
}

/** Table cells are JSON-safe: +-Infinity as text. */
function cell(x: number | null): number | string | null {
  return x !== null && !Number.isFinite(x) ? fmt(x) : x;
}
