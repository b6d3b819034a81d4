import assert from "node:assert/strict";
import { test } from "node:test";
import {
  bestRate,
  type RateGrid,
  stepsToCriterion,
  timeRatioChecks,
  widenGrid,
} from "../../src/experiments/catalogue/saxe-orthogonal.js";
import type { ProbedRun } from "../../src/experiments/harness/train-run.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

const INF = Number.POSITIVE_INFINITY;
const grid: RateGrid = { start: [0.025, 0.05, 0.1, 0.2], min: 0.025 / 8, max: 1.6 };

test("saxe-orthogonal: each check can fail; +Infinity (never reached) is compared, not dropped", () => {
  // The claim's shape: orthogonal flat, Gaussian growing.
  const ok = timeRatioChecks([60, 45, 70], [70, 90, 300]);
  assert.deepEqual(
    ok.map((c) => c.status),
    ["pass", "pass"],
  );
  // Inputs that fail each check: orthogonal growing with depth; Gaussian flat.
  const bad = timeRatioChecks([60, 100, 200], [70, 60, 80]);
  assert.deepEqual(
    bad.map((c) => c.status),
    ["fail", "fail"],
  );
  // The Gaussian never reaching the criterion at depth 32: ratio +Infinity, a pass for "grows".
  const never = timeRatioChecks([60, 45, 70], [70, 90, INF]);
  assert.equal(never[1].measured, INF);
  assert.equal(never[1].status, "pass");
  // Orthogonal never reaching it at the deepest depth: ratio +Infinity fails "< 2" (not NaN).
  assert.equal(timeRatioChecks([60, 45, INF], [70, 90, 300])[0].status, "fail");
  assert.equal(timeRatioChecks([60, 45, INF], [70, 90, 300])[0].scale, "log");
  // One failing input per check, failing that check only (best learning times at depths 2, 8, 32).
  const times = (t: { orthogonal: number[]; gaussian: number[] }) =>
    timeRatioChecks(t.orthogonal, t.gaussian);
  const shape = { orthogonal: [60, 45, 70], gaussian: [70, 90, 300] };
  assertEachCheckCanFail("saxe-orthogonal", times, shape, [
    [0, { ...shape, orthogonal: [60, 100, 200] }],
    [1, { ...shape, gaussian: [70, 60, 80] }],
  ]);
});

test("saxe-orthogonal: the best rate and the widening of the factor-2 grid at its edges", () => {
  const times = (pairs: [number, number][]) => new Map(pairs);
  // Best rate inside the grid: nothing to add.
  const inside = times([
    [0.025, 300],
    [0.05, 150],
    [0.1, 90],
    [0.2, INF],
  ]);
  assert.equal(bestRate(inside), 0.1);
  assert.equal(widenGrid(inside, grid), null);
  // Best on the upper edge: try twice the rate; on the lower edge: half.
  const top = times([
    [0.025, 300],
    [0.05, 150],
    [0.1, 90],
    [0.2, 60],
  ]);
  assert.equal(widenGrid(top, grid), 0.4);
  const bottom = times([
    [0.025, 80],
    [0.05, INF],
    [0.1, INF],
    [0.2, INF],
  ]);
  assert.equal(widenGrid(bottom, grid), 0.0125);
  // At the limit of the range the grid stops growing (the report then says the best is on an edge).
  const atMax = times([
    [0.8, 90],
    [1.6, 60],
  ]);
  assert.equal(widenGrid(atMax, grid), null);
  // Nothing reaches the criterion: no best rate, nothing to widen toward.
  const none = times([
    [0.025, INF],
    [0.05, INF],
  ]);
  assert.equal(bestRate(none), null);
  assert.equal(widenGrid(none, grid), null);
  // A tie goes to the smaller rate.
  assert.equal(
    bestRate(
      times([
        [0.1, 50],
        [0.05, 50],
      ]),
    ),
    0.05,
  );
});

test("saxe-orthogonal: steps to criterion is the first step where 3 consecutive recorded losses average <= criterion", () => {
  const run = (losses: (number | null)[]) =>
    ({
      record: { lossCurve: losses.map((loss, i) => ({ step: 5 * (i + 1), loss, lr: 0.1, gradNorm: 1 })) },
    }) as unknown as ProbedRun;
  assert.equal(stepsToCriterion(run([0.5, 0.2, 0.07, 0.05, 0.05]), 0.06), 25);
  assert.equal(stepsToCriterion(run([0.5, 0.2, 0.07, 0.05]), 0.06), INF, "0.04 + ... not reached on average");
  assert.equal(
    stepsToCriterion(run([0.5, null, 0.01, 0.01]), 0.06),
    INF,
    "a diverged (null) loss never counts",
  );
});
