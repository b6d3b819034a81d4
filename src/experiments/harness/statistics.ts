/**
 * Statistics over seeds: the Student t quantile, the 95% t interval of a mean (on the values or on
 * their logarithms), and the decision of a check against its threshold: pass, fail, or undecided
 * when the interval straddles the threshold.
 *
 * t interval (Student 1908): for n values with mean m and sample standard deviation s,
 *   m +- t_{0.975, n-1} s / sqrt(n),
 * exact for normal values and close for sums and means of many small effects (a test accuracy, a
 * mean loss). A paired comparison of two configurations is the same interval on the per-seed
 * differences (both run on the same seeds).
 *
 * +Infinity is a measured value (a run that never reaches a criterion): with k of n values
 * infinite the mean is +Infinity and the interval is [lower bound with each infinite value
 * replaced by the largest finite one, +Infinity] (the infinite values are at least that large, so
 * the lower bound is conservative); with every value infinite the interval is [+Inf, +Inf].
 */
import { type MeanInterval, meanInterval } from "../../math/student-t.js";
import { fmt } from "../../report/format.js";

export { type MeanInterval, meanInterval, regularizedBeta, tCdf, tQuantile } from "../../math/student-t.js";

import type { Check, CheckStatus, Interval } from "../../report/report-types.js";

/** The t interval of the mean of log(values), returned on the original scale (a geometric mean). */
export function geometricMeanInterval(values: readonly number[], level = 0.95): MeanInterval {
  const r = meanInterval(
    values.map((v) => (v > 0 ? Math.log(v) : v === 0 ? Number.NEGATIVE_INFINITY : Number.NaN)),
    level,
  );
  return { mean: Math.exp(r.mean), low: Math.exp(r.low), high: Math.exp(r.high), n: r.n };
}

/** Where an interval [low, high] lies against `threshold` for the comparison `op`. */
export function intervalStatus(
  low: number,
  high: number,
  op: "<" | "<=" | ">" | ">=",
  threshold: number,
): CheckStatus {
  if (Number.isNaN(low) || Number.isNaN(high)) return "undecided";
  if (op === ">") return low > threshold ? "pass" : high <= threshold ? "fail" : "undecided";
  if (op === ">=") return low >= threshold ? "pass" : high < threshold ? "fail" : "undecided";
  if (op === "<") return high < threshold ? "pass" : low >= threshold ? "fail" : "undecided";
  return high <= threshold ? "pass" : low > threshold ? "fail" : "undecided";
}

/** Beyond this many seeds, "more seeds" is not a practical answer: seedsToDecide says null. */
export const MAX_SEEDS_TO_DECIDE = 1000;

/**
 * Roughly how many seeds would put the interval on one side of the threshold: the half-width
 * shrinks like 1 / sqrt(n), so n' = n (half-width / distance to the threshold)^2 (rounded up,
 * at least n + 1). null when the mean sits on the threshold, the interval is unbounded, or more
 * than MAX_SEEDS_TO_DECIDE would be needed.
 */
export function seedsToDecide(
  mean: number,
  low: number,
  high: number,
  n: number,
  threshold: number,
): number | null {
  const half = (high - low) / 2;
  const distance = Math.abs(mean - threshold);
  if (!Number.isFinite(half) || !(distance > 0) || n < 2) return null;
  const needed = Math.max(n + 1, Math.ceil(n * (half / distance) ** 2));
  return needed <= MAX_SEEDS_TO_DECIDE ? needed : null;
}

/**
 * One check over seeds: `perSeed[i]` is the check as measured on the i-th seed (its `measured`:
 * a number, +-Infinity, or null when it could not be measured). Numbers: the mean with its 95% t
 * interval (on log values when the check's scale is "log"), decided against the threshold; a seed
 * that could not be measured counts against the claim (the check fails when the measured seeds
 * do not pass, else it is undecided). Facts ("is"): pass on every seed, fail on none, otherwise
 * undecided; a comparison combined "every-seed" is judged like a fact, seed by seed. One seed:
 * the point comparison of that seed (no interval).
 */
export function combineCheck(perSeed: readonly Check[]): Check {
  const first = perSeed[0];
  const n = perSeed.length;
  const values = perSeed.map((c) => c.measured);
  if (n === 1) return { ...first, perSeed: values };
  if (first.op === "is") {
    const held = perSeed.filter((c) => c.pass).length;
    const status = seedBySeedStatus(held, n);
    const interval: Interval = { low: held / n, high: held / n, n, method: "count" };
    return {
      ...first,
      measured: held / n,
      text: `held on ${held} of ${n} seeds (${first.threshold ? "yes" : "no"} expected)`,
      pass: status === "pass",
      status,
      interval,
      perSeed: values,
      seedsToDecide: null,
    };
  }
  if (first.combine === "every-seed") return combineEverySeed(perSeed);
  const op = first.op;
  const measured = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  const missing = n - measured.length;
  const log = first.scale === "log";
  const r =
    measured.length === 0
      ? { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n: 0 }
      : log
        ? geometricMeanInterval(measured)
        : meanInterval(measured);
  let status: CheckStatus =
    measured.length === 0 ? "fail" : intervalStatus(r.low, r.high, op, first.threshold);
  if (missing > 0 && status === "pass") status = "undecided";
  const toDecide =
    status === "undecided" && missing === 0
      ? seedsToDecide(r.mean, r.low, r.high, r.n, first.threshold)
      : null;
  const mean = Number.isNaN(r.mean) ? null : r.mean;
  const text =
    `${fmt(mean)} [${fmt(r.low)}, ${fmt(r.high)}] ${op} ${fmt(first.threshold)}` +
    `${log ? " (geometric mean, t interval on logs)" : ""}${missing ? `; ${missing} of ${n} seeds not measured` : ""}`;
  return {
    ...first,
    measured: mean,
    text,
    pass: status === "pass",
    status,
    interval: { low: r.low, high: r.high, n: r.n, method: log ? "t-log" : "t" },
    perSeed: values,
    seedsToDecide: toDecide,
  };
}

/** A rule judged seed by seed (a fact, or combine "every-seed"): held on all n, on none, or on some. */
function seedBySeedStatus(held: number, n: number): CheckStatus {
  return held === n ? "pass" : held === 0 ? "fail" : "undecided";
}

/**
 * A comparison judged on each seed (`combine: "every-seed"`): it passes when it holds on every
 * seed, fails when it holds on none, and is undecided otherwise; a seed where nothing could be
 * measured never helps (a pass becomes undecided). The interval is the range of the measured
 * values (method "range": no mean is claimed), so the report still shows every number.
 */
function combineEverySeed(perSeed: readonly Check[]): Check {
  const first = perSeed[0];
  const n = perSeed.length;
  const values = perSeed.map((c) => c.measured);
  const measured = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  const held = perSeed.filter((c) => c.pass).length;
  const missing = n - measured.length;
  const status = seedBySeedStatus(held, n);
  const low = measured.length ? Math.min(...measured) : Number.NaN;
  const high = measured.length ? Math.max(...measured) : Number.NaN;
  // The value shown is the seed closest to failing: the smallest for ">" rules, the largest for "<".
  const worst = first.op === ">" || first.op === ">=" ? low : high;
  return {
    ...first,
    measured: measured.length ? worst : null,
    text:
      `${fmt(low)} to ${fmt(high)} ${first.op} ${fmt(first.threshold)}: held on ${held} of ${n} seeds ` +
      `(judged seed by seed)${missing ? `; ${missing} not measured` : ""}`,
    pass: status === "pass",
    status,
    interval: { low, high, n: measured.length, method: "range" },
    perSeed: values,
    seedsToDecide: null,
  };
}
