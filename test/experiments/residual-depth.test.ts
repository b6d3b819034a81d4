import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import {
  PLANS,
  type ResidualDepthMeasures,
  type ResidualDepthPlan,
  residualDepthChecks,
  searchRates,
} from "../../src/experiments/catalogue/residual-depth.js";
import { CONFIGS, measureInit, theoryGrowth } from "../../src/experiments/catalogue/residual-streams.js";
import { combineCheck } from "../../src/experiments/harness/statistics.js";
import { datasetFor } from "../../src/experiments/harness/train-run.js";
import { verdict } from "../../src/experiments/harness/verdict.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { resolveConfig } from "../../src/train/config.js";
import { buildNetwork, train } from "../../src/train/trainer.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

/** Measures shaped like the claim at the quick size (50 blocks). */
const ok: ResidualDepthMeasures = {
  blocks: 50,
  onePerBlock: 1.96,
  invSqrtGrowth: 2.75,
  identityDeviation: { fixup: 0, rezero: 0, skipinit: 0 },
  bestAccuracy: { one: 0.17, invSqrt: 0.9, fixup: 0.88, rezero: 0.9, plain: 0.38 },
  minAccuracy: 0.85,
};

test("residual-depth: the claim's shape passes every check; each check fails on an input made for it", () => {
  const acc = (k: keyof ResidualDepthMeasures["bestAccuracy"], v: number) => ({
    ...ok,
    bestAccuracy: { ...ok.bestAccuracy, [k]: v },
  });
  assertEachCheckCanFail("residual-depth", residualDepthChecks, ok, [
    // the stream grows like 1.5^L, not 2^L
    [0, { ...ok, onePerBlock: 1.5 }],
    // a stream growing 2.5x per block (alpha^2 = 1.5)
    [1, { ...ok, onePerBlock: 2.5 }],
    // 1/sqrt(L) without growth, or with alpha = 1's
    [2, { ...ok, invSqrtGrowth: 1.5 }],
    [3, { ...ok, invSqrtGrowth: 4 }],
    // a branch that does not start at zero
    [4, { ...ok, identityDeviation: { ...ok.identityDeviation, fixup: 0.01 } }],
    [5, { ...ok, identityDeviation: { ...ok.identityDeviation, rezero: 1e-3 } }],
    [6, { ...ok, identityDeviation: { ...ok.identityDeviation, skipinit: 2 } }],
    // a scaled variant that does not train at any rate (and loses its margin over alpha = 1 only when at chance)
    [7, acc("invSqrt", 0.8)],
    [8, acc("fixup", 0.84)],
    [9, acc("rezero", 0.5)],
    // alpha = 1 training almost as well as one of the others (each margin alone)
    [
      10,
      { ...ok, bestAccuracy: { ...ok.bestAccuracy, one: 0.77, invSqrt: 0.86, fixup: 0.95, rezero: 0.95 } },
    ],
    [
      11,
      { ...ok, bestAccuracy: { ...ok.bestAccuracy, one: 0.77, invSqrt: 0.95, fixup: 0.86, rezero: 0.95 } },
    ],
    [
      12,
      { ...ok, bestAccuracy: { ...ok.bestAccuracy, one: 0.77, invSqrt: 0.95, fixup: 0.95, rezero: 0.86 } },
    ],
  ]);
});

test("residual-depth: over seeds a check passes, fails or is undecided; the verdict is confirmed, refuted or inconclusive", () => {
  const over = (ms: ResidualDepthMeasures[]) => {
    const perSeed = ms.map(residualDepthChecks);
    return verdict(
      perSeed[0].map((_, j) => combineCheck(perSeed.map((c) => c[j]))),
      "",
    );
  };
  assert.equal(over([ok, { ...ok, onePerBlock: 1.97 }, { ...ok, onePerBlock: 1.95 }]).status, "confirmed");
  // alpha = 1 at 1.5 per block on every seed: the interval is wholly below 0.95 x 2
  assert.equal(
    over([
      { ...ok, onePerBlock: 1.5 },
      { ...ok, onePerBlock: 1.52 },
      { ...ok, onePerBlock: 1.49 },
    ]).status,
    "refuted",
  );
  // Fixup's accuracy straddling 85% over three seeds: undecided, so inconclusive
  const fix = (a: number) => ({ ...ok, bestAccuracy: { ...ok.bestAccuracy, fixup: a } });
  const v = over([fix(0.8), fix(0.9), fix(0.86)]);
  assert.equal(v.status, "inconclusive");
  assert.deepEqual(
    v.checks.filter((c) => c.status === "undecided").map((c) => c.label),
    ["Fixup: test accuracy at its best rate"],
  );
});

test("residual-depth: the measured stream per block against the closed forms (8 blocks of 128, 8 networks, MNIST)", async () => {
  // Width 128: each block's ratio q_{b+1}/q_b fluctuates by ~2/sqrt(128) ~ 0.18 for one input
  // (the cross term 2 <x, F(x)> / |x|^2), less over a batch; over 8 blocks and 8 networks the
  // per-block factor is known to ~1-2%, and the geometric mean sits ~1% low. Tolerances: 5% per
  // block for alpha = 1, 10% in all for 1/sqrt(L); Fixup, ReZero and SkipInit add exact zeros.
  const plan: ResidualDepthPlan = { ...PLANS.quick, blocks: 8, width: 128, instances: 8, probeBatch: 128 };
  const base = { data: "mnist", trainLimit: 500, testLimit: 10 };
  const backend = new TsBackend();
  const dataset = await datasetFor(resolveConfig({ ...base, backend: "ts" }));
  const s = measureInit({ backend, seed: 5 }, plan, dataset, base);
  const L = plan.blocks;
  const one = s.get("one")!;
  assert.ok(Math.abs(one.perBlock / 2 - 1) < 0.05, `alpha = 1: ${one.perBlock} per block, theory 2`);
  assert.ok(Math.abs(one.growth[L] / theoryGrowth("one", L, L) - 1) < 0.05 * L, `${one.growth[L]} vs 2^8`);
  const inv = s.get("invSqrt")!;
  const invTheory = (1 + 1 / L) ** L;
  assert.equal(theoryGrowth("invSqrt", L, L), invTheory);
  assert.ok(invTheory < Math.E);
  assert.ok(
    Math.abs(inv.growth[L] / invTheory - 1) < 0.1,
    `1/sqrt(L): ${inv.growth[L]}, theory ${invTheory}`,
  );
  // the branch against the stream: 1 with alpha = 1, 1/L with 1/sqrt(L) (V_F(q) = q for He ReLU)
  assert.ok(Math.abs(one.meanRatio! - 1) < 0.1, `alpha = 1 branch/stream ${one.meanRatio}`);
  assert.ok(Math.abs(inv.meanRatio! * L - 1) < 0.1, `1/sqrt(L) branch/stream ${inv.meanRatio}`);
  // the weights-aware prediction (src/probe/block-probe.ts) agrees with the closed form to the weights' sampling
  assert.ok(Math.abs(one.predicted![L] / 2 ** L - 1) < 0.1, `weights-aware ${one.predicted![L]}`);
  for (const k of ["fixup", "rezero", "skipinit"] as const) {
    assert.equal(s.get(k)!.maxIdentityDeviation, 0, k);
    assert.deepEqual(s.get(k)!.growth, new Array(L + 1).fill(1), k);
    assert.equal(s.get(k)!.meanRatio, 0, k);
  }
  const plain = s.get("plain")!;
  assert.equal(plain.growth.length, L + 1);
  assert.equal(plain.ratioPerBlock, null);
  // every configuration starts from the same q_0 (the same instance seeds: paired)
  assert.ok(CONFIGS.every((c) => Math.abs(s.get(c.key)!.q0 / one.q0 - 1) < 0.5));
});

test("residual-depth: ReZero and SkipInit are the same computation (same bits after training), so the grid trains them once", async () => {
  const backend = new TsBackend();
  const finals = await Promise.all(
    (["rezero", "skipinit"] as const).map(async (branchScale) => {
      const config = resolveConfig({
        data: "mnist",
        trainLimit: 256,
        testLimit: 64,
        hidden: [16, 16, 16, 16],
        residual: 1,
        branchScale,
        maxSteps: 12,
        lr: 0.05,
        backend: "ts",
        seed: 3,
      });
      const dataset = await datasetFor(config);
      const net = buildNetwork(config, dataset, backend);
      const record = train(config, { dataset, backend, network: net });
      return { record, params: net.params().map((p) => Array.from(p.value)) };
    }),
  );
  assert.deepEqual(finals[0].params, finals[1].params);
  assert.equal(finals[0].record.final.trainLoss, finals[1].record.final.trainLoss);
  assert.ok(
    finals[0].params.some((p) => p.length === 1 && p[0] !== 0),
    "alpha moved from 0",
  );
  assert.equal(CONFIGS.find((c) => c.key === "skipinit")!.trained, false);
});

test("residual-depth: the rate search halves while every rate diverges, then widens at an edge", async () => {
  // A synthetic configuration that diverges above 2^-12 and is best at 2^-14.
  const tried: number[] = [];
  const costs = await searchRates({ start: [2 ** -6, 2 ** -5], min: 2 ** -20, max: 1 }, async (lr) => {
    tried.push(Math.log2(lr));
    return lr > 2 ** -12 ? Number.POSITIVE_INFINITY : (Math.log2(lr) + 14) ** 2 + 1;
  });
  assert.deepEqual(tried, [-6, -5, -7, -8, -9, -10, -11, -12, -13, -14, -15]);
  assert.equal(costs.size, tried.length);
  // never below the grid's limit
  const low: number[] = [];
  await searchRates({ start: [2 ** -3], min: 2 ** -5, max: 1 }, async (lr) => {
    low.push(Math.log2(lr));
    return Number.POSITIVE_INFINITY;
  });
  assert.deepEqual(low, [-3, -4, -5]);
});

test("experiment run residual-depth through the CLI at a reduced size: a report with every check over the seeds", async () => {
  // The quick plan shrunk in place (restored after): 4 blocks, 2 networks, 2 rates, 20 steps.
  const saved = { ...PLANS.quick };
  Object.assign(PLANS.quick, {
    blocks: 4,
    width: 16,
    instances: 2,
    probeBatch: 32,
    steps: 20,
    trainLimit: 500,
    testLimit: 100,
    grid: { start: [2 ** -6, 2 ** -5], min: 2 ** -8, max: 2 ** -4 },
  });
  const dir = mkdtempSync(join(tmpdir(), "initlab-resdepth-"));
  try {
    const io = bufferIO();
    const code = await run(
      [
        "experiment",
        "run",
        "residual-depth",
        "--quick",
        "--seed",
        "7",
        "--seeds",
        "2",
        "--jobs",
        "1",
        "--out",
        dir,
        "--json",
        "--no-png",
        "--backend",
        "ts",
      ],
      io,
    );
    assert.equal(code, 0, io.err);
    const doc = JSON.parse(io.out);
    const e = doc.experiments[0];
    assert.equal(e.name, "residual-depth");
    assert.deepEqual(e.seeds.length, 2);
    assert.equal(e.checks.length, 13);
    for (const c of e.checks) assert.equal(c.perSeed.length, 2, c.label);
    assert.ok(["confirmed", "refuted", "inconclusive"].includes(e.verdict));
    // at 4 blocks the identity checks hold exactly on every seed
    for (const c of e.checks.filter((x: { label: string }) => x.label.includes("|q_b/q_0 - 1|")))
      assert.equal(c.status, "pass", c.label);
    assert.ok(existsSync(join(dir, "residual-depth", "index.html")));
    assert.ok(existsSync(join(dir, "residual-depth", "data", "table-streams.csv")));
    assert.equal(getExperiment("residual-depth").order > 22, true);
  } finally {
    Object.assign(PLANS.quick, saved);
    rmSync(dir, { recursive: true, force: true });
  }
});
