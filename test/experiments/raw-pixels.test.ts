import assert from "node:assert/strict";
import { test } from "node:test";
import { type RawPixelsMeasures, rawPixelsChecks } from "../../src/experiments/catalogue/raw-pixels.js";
import { combineCheck } from "../../src/experiments/harness/statistics.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

// The shape of a quick seed-1 run: ReLU/raw learns only at a rate 64x below ReLU/standardized's.
const claim: RawPixelsMeasures = {
  bestAccuracy: { reluRaw: 0.84, sigRaw: 0.81, reluStd: 0.917, sigStd: 0.898 },
  bestRate: { reluRaw: 2 ** -12, sigRaw: 2 ** -7, reluStd: 2 ** -6, sigStd: 2 ** -2 },
  reluRawAtStdBest: 0.117,
};
const acc = (change: Partial<RawPixelsMeasures["bestAccuracy"]>) => ({
  ...claim,
  bestAccuracy: { ...claim.bestAccuracy, ...change },
});

test("raw-pixels: each check fails on an input made for it", () => {
  assertEachCheckCanFail("raw-pixels", rawPixelsChecks, claim, [
    [0, { ...claim, reluRawAtStdBest: 0.6 }],
    [1, { ...claim, bestRate: { ...claim.bestRate, reluRaw: 2 ** -7 } }],
    [2, acc({ reluRaw: 0.2 })],
    [3, acc({ sigRaw: 0.11 })],
    // The best of the others is higher than ReLU/standardized: fails. (Comparing with a maximum
    // that includes ReLU/standardized itself could never fail "> 0" by less than a tie.)
    [4, acc({ sigStd: 0.93 })],
  ]);
  // A tie is not "beats": the difference must be > 0.
  assert.equal(rawPixelsChecks(acc({ sigStd: 0.917 }))[4].pass, false);
  // ReLU/raw diverging at every rate: its usable rates are below the grid (ratio +Infinity).
  const never = rawPixelsChecks({
    ...claim,
    bestRate: { ...claim.bestRate, reluRaw: null },
    bestAccuracy: { ...claim.bestAccuracy, reluRaw: 0.1 },
  });
  assert.equal(never[1].measured, Number.POSITIVE_INFINITY);
  assert.equal(never[1].pass, true);
  assert.equal(never[2].pass, false);
});

test("raw-pixels: the margin of ReLU/standardized over the others is a paired interval over seeds", () => {
  // Per-seed differences 0.02, 0.01, 0.015: the interval is above 0.
  const seeds = [0.02, 0.01, 0.015].map((d) => rawPixelsChecks(acc({ reluStd: 0.898 + d }))[4]);
  assert.equal(combineCheck(seeds).status, "pass");
  // Differences of both signs, inside the seed-to-seed noise: undecided, not pass.
  const mixed = [0.02, -0.015, 0.005].map((d) => rawPixelsChecks(acc({ reluStd: 0.898 + d }))[4]);
  assert.equal(combineCheck(mixed).status, "undecided");
});
