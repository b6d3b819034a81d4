import assert from "node:assert/strict";
import { test } from "node:test";
import { type MomentsMeasures, momentsChecks } from "../../src/experiments/catalogue/moments.js";
import {
  type VarianceFlowMeasures,
  varianceFlowChecks,
} from "../../src/experiments/catalogue/variance-flow.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

test("moments: each check fails on an input made for it", () => {
  // The shape of a quick run: every row within 4 SE; 3.1% off at s = 0.25, 44% at s = 1; the
  // break at |x| = 0.799 vs the Taylor estimate (0.48)^(1/3) = 0.783.
  const ok: MomentsMeasures = { within: 29, rows: 29, linErr025: 0.031, linErr1: 0.44, xBreak: 0.799 };
  assertEachCheckCanFail("moments", momentsChecks, ok, [
    [0, { ...ok, within: 28 }],
    [1, { ...ok, linErr025: 0.08 }],
    [2, { ...ok, linErr1: 0.1 }],
    [3, { ...ok, xBreak: 0.9 }],
  ]);
});

test("variance-flow: each check fails on an input made for it", () => {
  const ok: VarianceFlowMeasures = {
    within: 1034,
    comparable: 1034,
    median: 0.018,
    relu001: 0,
    relu1: 9.74e42,
    selu: 1.01,
  };
  assertEachCheckCanFail("variance-flow", varianceFlowChecks, ok, [
    [0, { ...ok, within: 1000 }],
    [1, { ...ok, median: 0.08 }],
    [2, { ...ok, relu001: 1e-5 }],
    [3, { ...ok, relu1: 1e5 }],
    [4, { ...ok, selu: 0.3 }],
    [5, { ...ok, selu: 3 }],
  ]);
  // Var(z_20) overflowing to Infinity or NaN counts as exploded (a pass), never as unmeasured.
  assert.equal(varianceFlowChecks({ ...ok, relu1: Number.POSITIVE_INFINITY })[3].pass, true);
  assert.equal(varianceFlowChecks({ ...ok, relu1: Number.NaN })[3].pass, true);
});
