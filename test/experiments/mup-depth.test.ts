import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DEPTH_LOG2_LR,
  type DepthPoint,
  depthResult,
  mupDepthExperiment,
} from "../../src/experiments/catalogue/mup-depth.js";
import { datasetFor } from "../../src/experiments/harness/train-run.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { resolveConfig } from "../../src/train/config.js";
import { buildNetwork } from "../../src/train/trainer.js";

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
