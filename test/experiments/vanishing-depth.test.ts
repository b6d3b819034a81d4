import assert from "node:assert/strict";
import { test } from "node:test";
import { type VanishingMeasures, vanishingChecks } from "../../src/experiments/catalogue/vanishing-depth.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

// The shape of a quick seed-1 run (result.json): the gradient ratio falls from 1.5e-4 at depth 5
// to 2.1e-7 at depth 8, per-layer factors just under the bound, depth 2 learns, depth 8 does not.
const claim: VanishingMeasures = {
  gradRatio: { depth5: 1.53e-4, depth8: 2.07e-7 },
  layerFactor: { depth5: 0.1196, depth8: 0.1207 },
  accuracy: { depth2: 0.858, depth8: 0.1085 },
  fixAccuracy: [0.894, 0.8535, 0.807],
};
const fix = (i: number, a: number) => ({
  ...claim,
  fixAccuracy: claim.fixAccuracy.map((x, j) => (j === i ? a : x)),
});

test("vanishing-depth: each check fails on an input made for it", () => {
  assertEachCheckCanFail("vanishing-depth", vanishingChecks, claim, [
    // A decay of 3x only from depth 5 to 8 (a gradient that shrinks slowly).
    [0, { ...claim, gradRatio: { depth5: 1.53e-4, depth8: 5.1e-5 } }],
    // Per-layer factors of sigma'(0) = 1/4 with sqrt(n Var(w)) = 1 (above the bound 0.125).
    [1, { ...claim, layerFactor: { ...claim.layerFactor, depth5: 0.25 } }],
    [2, { ...claim, layerFactor: { ...claim.layerFactor, depth8: 0.16 } }],
    [3, { ...claim, accuracy: { ...claim.accuracy, depth2: 0.25 } }],
    // Depth 8 learning part of the way (45%) is not "does not learn" (< 30%).
    [4, { ...claim, accuracy: { ...claim.accuracy, depth8: 0.45 } }],
    // A fix left at chance (11.35%: the share of the most frequent MNIST test class).
    [5, fix(0, 0.1135)],
    [6, fix(1, 0.1135)],
    [7, fix(2, 0.1135)],
  ]);
});

test("vanishing-depth: the bound is sqrt(100 * 0.05^2) / 4 = 1/8 with a 10% allowance; what is not measured fails", () => {
  const checks = vanishingChecks(claim);
  assert.equal(checks[1].threshold, 1.1 * (Math.sqrt(100 * 0.05 ** 2) / 4));
  assert.ok(Math.abs(checks[1].threshold - 0.1375) < 1e-15);
  // The decay is the ratio of the two gradient ratios (738x here), judged on a log scale.
  assert.ok(Math.abs((checks[0].measured as number) - 1.53e-4 / 2.07e-7) < 1e-9);
  assert.equal(checks[0].scale, "log");
  // A run whose gradients are 0/0 at depth 8 (NaN) and a fix that did not run do not pass.
  assert.equal(
    vanishingChecks({ ...claim, gradRatio: { depth5: 1.53e-4, depth8: Number.NaN } })[0].pass,
    false,
  );
  const missing = vanishingChecks({ ...claim, fixAccuracy: claim.fixAccuracy.slice(0, 2) });
  assert.equal(missing.length, 8);
  assert.equal(missing[7].pass, false);
});
