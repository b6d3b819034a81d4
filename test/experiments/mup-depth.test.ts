import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEPTH_LOG2_LR,
  DEPTH_MAX_SPREAD,
  DEPTH_MIN_SPREAD,
  type DepthPoint,
  depthChecks,
  depthResult,
  depthShifts,
  mupDepthExperiment,
} from "../../src/experiments/catalogue/mup-depth.js";
import { datasetFor } from "../../src/experiments/harness/train-run.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { resolveConfig } from "../../src/train/config.js";
import { buildNetwork } from "../../src/train/trainer.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

/** Synthetic runs: loss = (log2 lr - optimum(scale, blocks))^2 / 4 + 0.1 on the experiment's grid. */
function synthetic(optimum: (scale: DepthPoint["branchScale"], L: number) => number): DepthPoint[] {
  return (["one", "inv_sqrt_depth"] as const).flatMap((branchScale) =>
    [2, 4, 8, 16].flatMap((blocks) =>
      DEPTH_LOG2_LR.map((e) => ({
        branchScale,
        blocks,
        lr: 2 ** e,
        loss: (e - optimum(branchScale, blocks)) ** 2 / 4 + 0.1,
      })),
    ),
  );
}

test("depthResult: a fixed optimum with 1/sqrt(L) and a moving one with alpha = 1 confirm; the reverse refutes", () => {
  const good = depthResult(synthetic((s, L) => (s === "one" ? -3.2 - Math.log2(L / 2) : -4.3)));
  assert.equal(good.verdict.status, "confirmed", good.verdict.summary);
  const slope = good.numbers.find((n) => n.label.startsWith("alpha = 1:") && n.label.includes("slope"));
  assert.ok(slope && Math.abs((slope.value as number) - -1) < 1e-9);
  const bad = depthResult(synthetic((s, L) => (s === "one" ? -4.3 : -3.2 - Math.log2(L / 2))));
  assert.equal(bad.verdict.status, "refuted");
  assert.equal(bad.verdict.checks.filter((c) => !c.pass).length, 2);
  assert.ok(getExperiment("mup-depth"));
});

test("mup-depth: each check fails on an input made for it", () => {
  // Quick seed 1: alpha = 1's optimum moves 6.7 grid steps over 2..16 blocks, 1/sqrt(L)'s 0.31.
  const spreads = (one: number, inv: number) => [
    { scale: "one" as const, spread: one },
    { scale: "inv_sqrt_depth" as const, spread: inv },
  ];
  assertEachCheckCanFail("mup-depth", depthChecks, spreads(6.68, 0.31), [
    [0, spreads(0.5, 0.31)],
    [1, spreads(6.68, 1.5)],
  ]);
  assert.equal(DEPTH_MIN_SPREAD, 1);
  assert.equal(DEPTH_MAX_SPREAD, 1);
  // A depth with no finite loss at any rate (spread NaN) passes neither rule.
  assert.deepEqual(
    depthChecks(spreads(Number.NaN, Number.NaN)).map((c) => c.pass),
    [false, false],
  );
  // depthResult's verdict is built from these checks.
  const points = synthetic((s, L) => (s === "one" ? -3.2 - Math.log2(L / 2) : -4.3));
  const fromShifts = depthChecks(
    depthShifts(points).map(({ scale, shift }) => ({ scale, spread: shift.spread })),
  );
  assert.deepEqual(depthResult(points).verdict.checks, fromShifts);
});

test("the depth experiment's networks: L blocks of width 128 with alpha = 1/sqrt(L) under muP at its base width", async () => {
  // The configs the experiment plans, built here: the branch scale the network applies is 1/sqrt(L).
  const config = resolveConfig({
    data: "mnist",
    trainLimit: 200,
    testLimit: 10,
    hidden: Array.from({ length: 1 + 8 }, () => 128),
    residual: 1,
    branchScale: "inv_sqrt_depth",
    parametrization: "mup",
    baseWidth: 128,
    backend: "ts",
  });
  const net = buildNetwork(config, await datasetFor(config), new TsBackend());
  assert.equal(net.sizes.length, 1 + 9 + 1);
  assert.equal(net.blocks.length, 8);
  for (const b of net.blocks)
    assert.equal(net.layers[b[b.length - 1]].alpha[0], Math.fround(1 / Math.sqrt(8)));
  assert.match(mupDepthExperiment.method, /1\/sqrt\(L\)/);
});
