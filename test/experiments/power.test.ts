import assert from "node:assert/strict";
import { test } from "node:test";
import { seedsForPower } from "../../src/experiments/harness/power.js";
import { combineCheck } from "../../src/experiments/harness/statistics.js";
import { check } from "../../src/experiments/harness/verdict.js";
import { Rng } from "../../src/tensor/rng.js";

test("seedsForPower agrees with an independent computation (scipy.stats.t) on the pilot values", () => {
  // The smallest n with |m - thr| / (s / sqrt(n)) >= t_{0.975, n-1} + t_{0.95, n-1}, computed
  // with scipy 1.17 (stats.t.ppf) on the same values: raw-pixels' margin (points), glorot2010's tanh
  // N - standard (points), mup-transfer's SP/SGD spread (grid steps).
  const cases: [number[], ">" | "<", number, number, "pass" | "fail"][] = [
    [[0.85, 0.75, 1.05, 1.85, 0.2, 1.7], ">", 0, 7, "pass"],
    [[-4.3, -4.5, -2.65, -4.35, -6.3, -1.2, -2.1, 0.15, -2.6], "<", 0, 8, "pass"],
    [[0.05, 0.217, 0.574, 0.341, 0.872, 0.364], ">", 1, 6, "fail"],
  ];
  for (const [values, op, threshold, seeds, side] of cases) {
    const r = seedsForPower(values, { op, threshold });
    assert.equal(r?.seeds, seeds, `${values.join(", ")}`);
    assert.equal(r?.side, side);
  }
  // Facts and checks judged seed by seed have no such n; too few pilot values give none.
  assert.equal(seedsForPower([1, 1, 1], { op: "is", threshold: 1 }), null);
  assert.equal(seedsForPower([50, 60, 70], { op: ">", threshold: 10, combine: "every-seed" }), null);
  assert.equal(seedsForPower([1, 2], { op: ">", threshold: 0 }), null);
  // Identical pilot values are a point interval: decided at once, on the side the rule says
  // (29 of 29 rows >= 29 holds).
  assert.deepEqual(seedsForPower([29, 29, 29], { op: ">=", threshold: 29 }), {
    mean: 29,
    sd: 0,
    side: "pass",
    seeds: 2,
  });
  assert.equal(seedsForPower([28, 28, 28], { op: ">=", threshold: 29 })?.side, "fail");
  // A mean on the threshold is never decided; ratios use logarithms; +Infinity counts as large.
  assert.equal(seedsForPower([-1, 0, 1], { op: ">", threshold: 0 })?.seeds, null);
  const log = seedsForPower([4, 8, 16], { op: ">", threshold: 2, scale: "log" });
  assert.ok(log && Math.abs(log.mean - Math.log(8)) < 1e-12);
  assert.equal(
    seedsForPower([3, 5, Number.POSITIVE_INFINITY], { op: ">", threshold: 2, scale: "log" })?.side,
    "pass",
  );
});

test("Monte Carlo: at the n it returns, the harness decides a normal effect in about 95% of runs", () => {
  // Values N(m, s^2) with m 2.5 s from the threshold: the returned n should decide the check
  // (interval wholly above the threshold) in >= 93% of 2000 simulated runs (the rule targets 95%;
  // it is an approximation of the noncentral t), and two seeds far less often.
  const rng = Rng.derive(5, "power test");
  const m = 1;
  const s = 0.4;
  const pilot = Array.from({ length: 400 }, () => m + s * rng.normal());
  const n = seedsForPower(pilot, { op: ">", threshold: 0 })?.seeds ?? 0;
  assert.ok(n >= 3 && n <= 6, `n = ${n}`);
  const decided = (k: number) => {
    let hits = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const xs = Array.from({ length: k }, () => m + s * rng.normal());
      if (combineCheck(xs.map((x) => check("x", x, ">", 0))).status === "pass") hits++;
    }
    return hits / 2000;
  };
  const atN = decided(n);
  assert.ok(atN >= 0.93, `power at n = ${n}: ${atN}`);
  assert.ok(decided(2) < atN - 0.3, "two seeds decide far less often");
});
