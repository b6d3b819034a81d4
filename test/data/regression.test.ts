// Playground's regression sets and the regression task: the generators against their formulas
// fed the same uniform stream, the data set's shape (targets indexed by the labels), the squared
// error's gradient against finite differences, R^2 against its definition, a linear network
// fitting the plane, and the one-line errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { generateRegression2D, REGRESSION_NAMES } from "../../src/data/regression.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { getLoss, rSquared, squaredError } from "../../src/nn/losses.js";
import { Rng } from "../../src/tensor/rng.js";
import { resolveConfig } from "../../src/train/config.js";
import { train } from "../../src/train/trainer.js";
import { rejectsUser } from "./helpers.js";

/** Playground's targets written out directly (not as d3 scales): the formulas of docs/data.md. */
const FORMULAS: Record<string, (x: number, y: number) => number> = {
  plane: (x, y) => (x + y) / 10,
  "multi-gauss": (x, y) => {
    const bumps = [
      [-4, 2.5, 1],
      [0, 2.5, -1],
      [4, 2.5, 1],
      [-4, -2.5, -1],
      [0, -2.5, 1],
      [4, -2.5, -1],
    ];
    const values = bumps.map(([cx, cy, s]) => s * Math.max(0, 1 - Math.hypot(x - cx, y - cy) / 2));
    return values.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
  },
};

test("each generator draws x, y, nx, ny ~ U(-6, 6) (noise-scaled) per point; target = f(x + nx, y + ny)", () => {
  for (const name of REGRESSION_NAMES) {
    for (const noise of [0, 0.3]) {
      const u = new Rng(11);
      const got = generateRegression2D(name, 300, noise, new Rng(11));
      for (let i = 0; i < 300; i++) {
        const [x, y] = [u.uniform() * 12 - 6, u.uniform() * 12 - 6];
        const [nx, ny] = [(u.uniform() * 12 - 6) * noise, (u.uniform() * 12 - 6) * noise];
        assert.equal(got.x[2 * i], x);
        assert.equal(got.x[2 * i + 1], y);
        const want = FORMULAS[name](x + nx, y + ny);
        assert.ok(Math.abs(got.t[i] - want) < 1e-14, `${name} ${noise} point ${i}: ${got.t[i]} vs ${want}`);
      }
    }
  }
});

test("a regression set: one output, real targets indexed by the labels, limits keep prefixes", async () => {
  const d = await loadDataset({ data: "multi-gauss", seed: 4, noise: 0.1, preprocess: "raw" });
  assert.equal(d.task, "regression");
  assert.equal(d.numClasses, 1);
  assert.equal(d.inputDim, 2);
  assert.equal(d.targets?.length, d.nTrain + d.nTest);
  assert.deepEqual(Array.from(d.trainY.subarray(0, 3)), [0, 1, 2]);
  assert.equal(d.testY[0], d.nTrain);
  const targets = d.targets as Float32Array;
  assert.ok(targets.every((t) => t >= -1 && t <= 1));
  assert.ok(targets.some((t) => t > 0.5) && targets.some((t) => t < -0.5));
  const cut = await loadDataset({
    data: "multi-gauss",
    seed: 4,
    noise: 0.1,
    preprocess: "raw",
    trainLimit: 50,
    testLimit: 20,
  });
  assert.deepEqual(cut.trainX, d.trainX.subarray(0, 100));
  assert.deepEqual(cut.targets?.subarray(0, 50), targets.subarray(0, 50));
  assert.deepEqual(cut.targets?.subarray(50), targets.subarray(d.nTrain, d.nTrain + 20));
  const rich = await loadDataset({ data: "plane", seed: 4, features: "x1,x2,x1x2" });
  assert.equal(rich.inputDim, 3);
});

test("the squared error's gradient matches central finite differences; its value is the mean of r^2", () => {
  const targets = Float32Array.from([0.5, -1, 0.25, 2]);
  const labels = Int32Array.from([3, 0, 2]);
  const y = Float64Array.from([1.5, 0.1, -0.7]);
  const loss = squaredError(targets);
  const d = new Float64Array(3);
  const value = loss.forward(y, labels, 3, 1, d);
  assert.ok(Math.abs(value - ((1.5 - 2) ** 2 + (0.1 - 0.5) ** 2 + (-0.7 - 0.25) ** 2) / 3) < 1e-15);
  const h = 1e-6;
  for (let i = 0; i < 3; i++) {
    const plus = y.slice();
    const minus = y.slice();
    plus[i] += h;
    minus[i] -= h;
    const fd = (loss.forward(plus, labels, 3, 1, null) - loss.forward(minus, labels, 3, 1, null)) / (2 * h);
    assert.ok(Math.abs(fd - d[i]) < 1e-8, `d[${i}] ${d[i]} vs ${fd}`);
  }
});

test("R^2: 1 for a perfect fit, 0 for the mean, 1 - SSE/SST in between", () => {
  const targets = Float32Array.from([1, 2, 3, 6]);
  const t = Int32Array.from([0, 1, 2, 3]);
  // mean 3, SST = 4 + 1 + 0 + 9 = 14
  assert.equal(rSquared(0, t, targets, 4), 1);
  assert.equal(rSquared(14, t, targets, 4), 0);
  assert.equal(rSquared(3.5, t, targets, 4), 0.75);
  assert.ok(Number.isNaN(rSquared(1, Int32Array.from([1, 1]), targets, 2)));
});

test("a linear network fits the noiseless plane: test R^2 above 0.999 for three seeds", async () => {
  for (const seed of [1, 2, 3]) {
    const config = resolveConfig({
      data: "plane",
      loss: "mse",
      hidden: [],
      init: "zeros",
      lr: 0.1,
      momentum: 0,
      batchSize: 50,
      epochs: 20,
      seed,
      backend: "ts",
    });
    const dataset = await loadDataset({ data: "plane", seed });
    const r = train(config, { dataset, backend: new TsBackend() });
    assert.deepEqual(r.meta.sizes, [2, 1]);
    assert.ok((r.final.testR2 ?? 0) > 0.999, `seed ${seed}: R^2 ${r.final.testR2}`);
    assert.equal(r.final.testAccuracy, 0);
    assert.ok(r.epochs.every((e) => typeof e.testR2 === "number"));
    // the test loss is the test MSE, so R^2 = 1 - MSE n / SST
    assert.ok((r.final.testLoss ?? 1) < 1e-4);
  }
});

test("a classification run's record has no R^2; a regression set needs loss mse (one line)", async () => {
  const config = resolveConfig({ data: "xor", hidden: [4], maxSteps: 3, backend: "ts" });
  const r = train(config, { dataset: await loadDataset({ data: "xor" }), backend: new TsBackend() });
  assert.ok(!("testR2" in r.final) && !("testR2" in r.epochs[0]));
  assert.throws(
    () => resolveConfig({ data: "plane" }),
    /loss: plane is a regression set \(a real target per example\): it needs loss mse, not cross_entropy$/m,
  );
  assert.throws(
    () => getLoss("bce", new Float32Array(1)),
    /loss "bce" needs class labels; a regression set takes loss mse/,
  );
  await rejectsUser(() => loadDataset({ data: "plane", noise: 0.7 }), "noise 0.7 is outside 0..0.5");
});
