import assert from "node:assert/strict";
import { test } from "node:test";
import { type ExplodingMeasures, explodingChecks } from "../../src/experiments/catalogue/exploding.js";
import { combineCheck } from "../../src/experiments/harness/statistics.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

// The shape of a quick seed-1 run (result.json): NaN at step 4 after the gradient norm grew
// 4.1e7 x, a per-layer factor 1.66 (theory sqrt(128 * 0.2^2 / 2) = 1.79), every fix learns.
const claim: ExplodingMeasures = {
  diverged: true,
  divergedAtStep: 4,
  accuracy: 0.098,
  layerFactor: 1.656,
  growth: 4.09e7,
  fixes: [
    { diverged: false, accuracy: 0.892 },
    { diverged: false, accuracy: 0.895 },
    { diverged: false, accuracy: 0.606 },
    { diverged: false, accuracy: 0.7775 },
  ],
};
const fix = (i: number, change: Partial<ExplodingMeasures["fixes"][number]>) => ({
  ...claim,
  fixes: claim.fixes.map((f, j) => (j === i ? { ...f, ...change } : f)),
});

test("exploding: each check fails on an input made for it", () => {
  assertEachCheckCanFail("exploding", explodingChecks, claim, [
    // The large-init run survives its 300 steps (at 20% accuracy).
    [0, { ...claim, diverged: false, divergedAtStep: null, accuracy: 0.2 }],
    // He-like weights: the gradient's std keeps its size toward the input.
    [1, { ...claim, layerFactor: 1.0 }],
    // A NaN reached without growth (3x over the steps before it).
    [2, { ...claim, growth: 3 }],
    // Each fix diverging late (its last finite weights still classify) or not learning.
    [3, fix(0, { diverged: true })],
    [4, fix(0, { accuracy: 0.3 })],
    [5, fix(1, { diverged: true })],
    [6, fix(1, { accuracy: 0.3 })],
    [7, fix(2, { diverged: true })],
    [8, fix(2, { accuracy: 0.3 })],
    [9, fix(3, { diverged: true })],
    [10, fix(3, { accuracy: 0.3 })],
  ]);
});

test("exploding: the divergence is told with its step; growth is judged on every seed; unmeasured growth fails", () => {
  const checks = explodingChecks(claim);
  assert.equal(checks[0].text, "yes (expected yes); NaN at step 4");
  assert.equal(
    explodingChecks({ ...claim, diverged: false, accuracy: 0.2 })[0].text,
    "no (expected yes); test accuracy 20.0%",
  );
  // A NaN at step 2 leaves one finite gradient norm: the growth is not measured and does not pass.
  assert.equal(explodingChecks({ ...claim, growth: null })[2].pass, false);
  // Growths of 4e7, 30 and 2e3 over three seeds: each above 10, so the check passes (a mean with
  // a t interval of such values would decide nothing); one seed at 3 leaves it undecided, none
  // above 10 fails it.
  assert.equal(checks[2].combine, "every-seed");
  const seeds = (g: number[]) => combineCheck(g.map((x) => explodingChecks({ ...claim, growth: x })[2]));
  assert.equal(seeds([4.09e7, 30, 2e3]).status, "pass");
  assert.equal(seeds([4.09e7, 3, 2e3]).status, "undecided");
  assert.equal(seeds([2, 3, 5]).status, "fail");
});
