import assert from "node:assert/strict";
import { test } from "node:test";
import { type DyingMeasures, dyingChecks } from "../../src/experiments/catalogue/dying-relu.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

// Measures shaped like the claim (every check passes), then one change per check that fails it:
// no verdict is decided by a check that cannot fail.
const claim: DyingMeasures = {
  reluDeadStartHighLr: 0.02,
  reluDeadEndHighLr: 0.88,
  reluDeadStartNegBias: 0.62,
  reluMeanDeadStartNegBias: 0.5,
  reluMeanDeadEndNegBias: 0.55,
  inactiveEnd: { highLr: { leaky: 0.1, prelu: 0.05 }, negBias: { leaky: 0.2, prelu: 0.1 } },
  reluDeadEndNegBias: 0.6,
  accReluNegBias: 0.63,
  accPreluNegBias: 0.82,
};

test("dying-relu: the claim's shape passes every check", () => {
  const checks = dyingChecks(claim);
  assert.equal(checks.length, 9);
  assert.deepEqual(
    checks.filter((c) => !c.pass).map((c) => c.label),
    [],
  );
});

test("dying-relu: each check fails on an input made for it", () => {
  const failing: [number, Partial<DyingMeasures>][] = [
    [0, { reluDeadStartHighLr: 0.2, reluDeadStartNegBias: 1 }],
    [
      1,
      {
        reluDeadEndHighLr: 0.1,
        inactiveEnd: { highLr: { leaky: 0, prelu: 0 }, negBias: claim.inactiveEnd.negBias },
      },
    ],
    [2, { reluDeadStartNegBias: 0.05 }],
    [3, { inactiveEnd: { highLr: { leaky: 0.9, prelu: 0.05 }, negBias: claim.inactiveEnd.negBias } }],
    [4, { inactiveEnd: { highLr: { leaky: 0.1, prelu: 0.9 }, negBias: claim.inactiveEnd.negBias } }],
    [5, { inactiveEnd: { highLr: claim.inactiveEnd.highLr, negBias: { leaky: 0.7, prelu: 0.1 } } }],
    [6, { inactiveEnd: { highLr: claim.inactiveEnd.highLr, negBias: { leaky: 0.2, prelu: 0.7 } } }],
    // Units that recover (the audit's 62.5% -> 11.7% with bias -1) refute "never recover".
    [7, { reluMeanDeadStartNegBias: 0.625, reluMeanDeadEndNegBias: 0.117 }],
    [8, { accPreluNegBias: 0.5 }],
  ];
  assertEachCheckCanFail(
    "dying-relu",
    dyingChecks,
    claim,
    failing.map(([k, change]) => [k, { ...claim, ...change }] as const),
  );
  // A network with no dead unit at bias 0: the ratio is +Infinity, a pass for ">= 5" (not NaN).
  const inf = dyingChecks({ ...claim, reluDeadStartHighLr: 0 })[2];
  assert.equal(inf.measured, Number.POSITIVE_INFINITY);
  assert.equal(inf.pass, true);
});
