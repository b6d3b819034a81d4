import assert from "node:assert/strict";
import { test } from "node:test";
import { combineSeeds, defaultSeedCount, experimentSeeds } from "../../src/experiments/harness/execute.js";
import {
  combineCheck,
  geometricMeanInterval,
  intervalStatus,
  meanInterval,
  tCdf,
  tQuantile,
} from "../../src/experiments/harness/statistics.js";
import { check, checkFact, verdict } from "../../src/experiments/harness/verdict.js";
import type { ExperimentResult } from "../../src/report/report-types.js";
import { Rng } from "../../src/tensor/rng.js";

const INF = Number.POSITIVE_INFINITY;

test("t quantiles agree with the published table (e.g. Abramowitz & Stegun Table 26.10) to 3 decimals", () => {
  // Two-sided 95% (p = 0.975) and 99% (p = 0.995) critical values.
  const table: [number, number, number][] = [
    [1, 12.706, 63.657],
    [2, 4.303, 9.925],
    [3, 3.182, 5.841],
    [4, 2.776, 4.604],
    [5, 2.571, 4.032],
    [9, 2.262, 3.25],
    [10, 2.228, 3.169],
    [20, 2.086, 2.845],
    [30, 2.042, 2.75],
    [120, 1.98, 2.617],
  ];
  for (const [df, q975, q995] of table) {
    assert.ok(Math.abs(tQuantile(0.975, df) - q975) < 6e-4, `df ${df}: ${tQuantile(0.975, df)} vs ${q975}`);
    assert.ok(Math.abs(tQuantile(0.995, df) - q995) < 6e-4, `df ${df}: ${tQuantile(0.995, df)} vs ${q995}`);
  }
  // Closed forms: df = 1 is Cauchy (F(t) = 1/2 + atan(t)/pi), df = 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)).
  for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
    assert.ok(Math.abs(tCdf(t, 1) - (0.5 + Math.atan(t) / Math.PI)) < 1e-12);
    assert.ok(Math.abs(tCdf(t, 2) - (0.5 + t / (2 * Math.sqrt(2 + t * t)))) < 1e-12);
  }
  assert.equal(tQuantile(0.025, 4), -tQuantile(0.975, 4));
  // Large df tends to the normal quantile 1.959964.
  assert.ok(Math.abs(tQuantile(0.975, 1e6) - 1.959964) < 1e-4);
});

test("the 95% t interval covers the true mean in about 95% of Monte Carlo trials (n = 3 and n = 5)", () => {
  const rng = Rng.derive(2024, "coverage");
  const trials = 4000;
  for (const n of [3, 5]) {
    let covered = 0;
    for (let k = 0; k < trials; k++) {
      const x = Array.from({ length: n }, () => 10 + 2 * rng.normal());
      const r = meanInterval(x);
      if (r.low <= 10 && 10 <= r.high) covered++;
    }
    // Binomial sd at p = 0.95 over 4000 trials: 0.0034; 4 sd = 0.014.
    const rate = covered / trials;
    assert.ok(Math.abs(rate - 0.95) < 0.014, `n = ${n}: coverage ${rate}`);
  }
  // A 1-value interval bounds nothing.
  assert.deepEqual(meanInterval([3]), { mean: 3, low: -INF, high: INF, n: 1 });
});

test("+Infinity is a measured value: the mean is Infinity, the interval conservative, all-infinite is [Inf, Inf]", () => {
  assert.deepEqual(meanInterval([INF, INF, INF]), { mean: INF, low: INF, high: INF, n: 3 });
  const r = meanInterval([100, 200, INF]);
  assert.equal(r.mean, INF);
  assert.equal(r.high, INF);
  // The infinite value is at least the largest finite one: the lower bound uses [100, 200, 200].
  const capped = meanInterval([100, 200, 200]);
  assert.equal(r.low, capped.low);
  const g = geometricMeanInterval([2, 8]);
  assert.ok(Math.abs(g.mean - 4) < 1e-12, "geometric mean");
  assert.equal(geometricMeanInterval([INF, INF, INF]).low, INF);
});

test("interval status: pass on the right side, fail on the wrong side, undecided when it straddles", () => {
  assert.equal(intervalStatus(1, 2, "<", 3), "pass");
  assert.equal(intervalStatus(3, 4, "<", 3), "fail");
  assert.equal(intervalStatus(2, 4, "<", 3), "undecided");
  assert.equal(intervalStatus(3, 4, "<=", 3), "undecided");
  assert.equal(intervalStatus(1, 3, "<=", 3), "pass");
  assert.equal(intervalStatus(5, 6, ">", 3), "pass");
  assert.equal(intervalStatus(1, 3, ">", 3), "fail");
  assert.equal(intervalStatus(3, 6, ">=", 3), "pass");
  assert.equal(intervalStatus(INF, INF, ">", 2), "pass");
  assert.equal(intervalStatus(INF, INF, "<", 2), "fail");
});

test("combineCheck over seeds: the three statuses, Infinity, unmeasured seeds, facts, seeds to decide", () => {
  const over = (values: (number | null)[], op: "<" | ">", thr: number, scale?: "log") =>
    combineCheck(values.map((v) => check("x", v, op, thr, scale ? { scale } : {})));
  assert.equal(over([0.9, 0.91, 0.92], ">", 0.5).status, "pass");
  assert.equal(over([0.1, 0.11, 0.12], ">", 0.5).status, "fail");
  const open = over([0.45, 0.55, 0.65], ">", 0.5);
  assert.equal(open.status, "undecided");
  // n (half-width / distance)^2 = 3 (4.303 * 0.1 / sqrt(3) / 0.05)^2 = 74.
  assert.equal(open.seedsToDecide, 75);
  // A mean almost on the threshold would need thousands of seeds: not a practical answer (null).
  assert.equal(over([0.4, 0.5, 0.65], ">", 0.5).seedsToDecide, null);
  // A ratio that never reaches the criterion on any seed: +Infinity compared, not turned into NaN.
  const never = over([INF, INF, INF], ">", 2, "log");
  assert.equal(never.status, "pass");
  assert.equal(never.measured, INF);
  assert.equal(over([INF, INF, INF], "<", 2, "log").status, "fail");
  // One seed that never reaches it: the mean is Infinity; the interval's low end decides.
  assert.equal(over([3, 4, INF], ">", 2, "log").status, "pass");
  assert.equal(over([1.1, 1.2, INF], "<", 2, "log").status, "undecided");
  // A seed that could not be measured (NaN) never helps the claim.
  assert.equal(over([0.9, 0.91, null], ">", 0.5).status, "undecided");
  assert.equal(over([0.1, 0.11, null], ">", 0.5).status, "fail");
  assert.equal(over([null, null, null], ">", 0.5).status, "fail");
  // Facts: every seed, none, some.
  const facts = (xs: boolean[]) => combineCheck(xs.map((f) => checkFact("f", f))).status;
  assert.equal(facts([true, true, true]), "pass");
  assert.equal(facts([false, false, false]), "fail");
  assert.equal(facts([true, false, true]), "undecided");
});

test("combine every-seed: a comparison judged on each seed, whatever the spread of the values", () => {
  const each = (values: (number | null)[]) =>
    combineCheck(values.map((v) => check("growth", v, ">", 10, { combine: "every-seed" })));
  // exploding's growth factors on three seeds: every one is far above 10, yet a t interval on
  // their logarithms, [1e-6, 2e31], straddles 10; judged seed by seed the rule holds on each.
  const far = [40930524.9, 1.995551745578742e21, 1235795720.4];
  assert.equal(
    combineCheck(far.map((v) => check("growth", v, ">", 10, { scale: "log" }))).status,
    "undecided",
  );
  const c = each(far);
  assert.equal(c.status, "pass");
  assert.equal(c.measured, 40930524.9, "shows the seed closest to failing");
  assert.deepEqual(
    [c.interval?.low, c.interval?.high, c.interval?.method],
    [40930524.9, 1.995551745578742e21, "range"],
  );
  assert.match(c.text, /held on 3 of 3 seeds/);
  // One seed below the threshold: undecided, never a pass; none above: fail.
  assert.equal(each([1e9, 5, 1e12]).status, "undecided");
  assert.equal(each([2, 5, 9]).status, "fail");
  // A seed where it could not be measured never helps: undecided, or fail when no seed holds.
  const missing = each([1e9, null, 1e12]);
  assert.equal(missing.status, "undecided");
  assert.match(missing.text, /1 not measured/);
  assert.equal(each([null, 3, null]).status, "fail");
  // "<" rules show the largest value (the one closest to failing).
  assert.equal(
    combineCheck([1, 2, 3].map((v) => check("x", v, "<", 5, { combine: "every-seed" }))).measured,
    3,
  );
});

test("seed counts: an experiment's own count, never fewer than 3 quick and 5 full", () => {
  assert.equal(defaultSeedCount(true), 3);
  assert.equal(defaultSeedCount(false), 5);
  assert.equal(defaultSeedCount(true, { seedCounts: { quick: 10, full: 12 } }), 10);
  assert.equal(defaultSeedCount(false, { seedCounts: { quick: 10, full: 12 } }), 12);
  assert.equal(defaultSeedCount(true, { seedCounts: { quick: 1, full: 2 } }), 3);
  assert.equal(defaultSeedCount(false, { seedCounts: { quick: 1, full: 2 } }), 5);
});

test("the verdict: refuted if any check fails, inconclusive if one is undecided, confirmed only if all pass", () => {
  const c = (status: "pass" | "fail" | "undecided") => ({
    ...check("c", 1, ">", 0),
    status,
    pass: status === "pass",
  });
  assert.equal(verdict([c("pass"), c("pass")], "").status, "confirmed");
  assert.equal(verdict([c("pass"), c("undecided")], "").status, "inconclusive");
  assert.equal(verdict([c("undecided"), c("fail")], "").status, "refuted");
  assert.equal(verdict([c("pass"), c("fail")], "").status, "refuted");
  assert.equal(verdict([], "").status, "inconclusive", "no check, no confirmation");
  assert.equal(verdict([c("pass")], "").confirmed, true);
});

test("combineSeeds: checks become means with intervals, the summary names the undecided check", () => {
  const result = (acc: number, ratio: number): ExperimentResult => ({
    verdict: verdict(
      [check("accuracy", acc, ">", 0.5), check("ratio", ratio, "<", 2, { scale: "log" })],
      "s",
    ),
    numbers: [{ label: "accuracy", value: acc }],
    charts: [
      {
        kind: "line",
        id: "c",
        title: "t",
        x: { label: "x" },
        y: { label: "y" },
        series: [{ name: "a", points: [[0, acc]] }],
      },
    ],
    tables: [],
    series: [{ id: "raw", columns: ["v"], rows: [[acc]] }],
    configurations: [],
    notes: [],
  });
  const seeds = [1, 2, 3];
  const r = combineSeeds(seeds, [result(0.9, 1.5), result(0.92, 2.5), result(0.91, 1.8)]);
  assert.equal(r.verdict.checks[0].status, "pass");
  assert.equal(r.verdict.checks[1].status, "undecided");
  assert.equal(r.verdict.status, "inconclusive");
  assert.match(r.verdict.summary, /undecided: ratio/);
  assert.ok(Math.abs((r.numbers[0].value as number) - 0.91) < 1e-12);
  assert.ok(r.numbers[0].interval![0] < 0.91 && r.numbers[0].interval![1] > 0.91);
  assert.equal(r.charts[0].kind === "line" && r.charts[0].series.length, 3, "one curve per seed");
  assert.deepEqual(r.series[0].rows, [
    [1, 0.9],
    [2, 0.92],
    [3, 0.91],
  ]);
  assert.equal(r.tables[0].id, "checks-over-seeds");
});

test("experimentSeeds: the base seed first, then distinct derived seeds; two bases share none", () => {
  const a = experimentSeeds(11, 5);
  assert.equal(a[0], 11);
  assert.equal(new Set(a).size, 5);
  assert.deepEqual(experimentSeeds(11, 5), a, "deterministic");
  const b = experimentSeeds(12, 5);
  assert.equal(a.filter((s) => b.includes(s)).length, 0);
});
