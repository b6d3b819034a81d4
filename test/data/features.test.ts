// Playground's input features of the 2-D sets: each column against its formula on the point,
// the default leaving the data set bit for bit as it was, the preprocessing per feature column,
// the network's input width following the list, and the one-line errors on every surface.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  expandFeatures,
  FEATURE_NAMES,
  loadDataset,
  parseFeatures,
  planeInputs,
} from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { resolveConfig } from "../../src/train/config.js";
import { train } from "../../src/train/trainer.js";
import { rejectsUser } from "./helpers.js";

const ALL = FEATURE_NAMES.join(",");

test("each feature column is its formula of the point, computed in float64 and stored as float32", async () => {
  const plain = await loadDataset({ data: "circle", preprocess: "raw", seed: 3, noise: 0.1 });
  const rich = await loadDataset({ data: "circle", preprocess: "raw", seed: 3, noise: 0.1, features: ALL });
  assert.equal(rich.inputDim, 7);
  assert.deepEqual(rich.featureNames, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]);
  for (const [p, r, n] of [
    [plain.trainX, rich.trainX, plain.nTrain],
    [plain.testX, rich.testX, plain.nTest],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const [x1, x2] = [p[2 * i], p[2 * i + 1]];
      const want = [x1, x2, x1 * x1, x2 * x2, x1 * x2, Math.sin(x1), Math.sin(x2)].map(Math.fround);
      assert.deepEqual(Array.from(r.subarray(7 * i, 7 * i + 7)), want, `row ${i}`);
    }
  }
  assert.deepEqual(rich.trainY, plain.trainY);
});

test("the default x1,x2 is the data set as it always was; a chosen order is the column order", async () => {
  const a = await loadDataset({ data: "spiral", seed: 2 });
  const b = await loadDataset({ data: "spiral", seed: 2, features: "x1,x2" });
  assert.deepEqual(b, a);
  const swapped = await loadDataset({ data: "spiral", seed: 2, preprocess: "raw", features: "x2, x1x2" });
  const raw = await loadDataset({ data: "spiral", seed: 2, preprocess: "raw" });
  assert.equal(swapped.inputDim, 2);
  assert.equal(swapped.trainX[0], raw.trainX[1]);
  assert.equal(swapped.trainX[1], Math.fround(raw.trainX[0] * raw.trainX[1]));
  const x = expandFeatures(Float32Array.from([2, -1]), 1, parseFeatures("x1x2,x1sq,sin2"));
  assert.deepEqual(Array.from(x), [-2, 4, Math.fround(Math.sin(-1))]);
});

test("standardize scales every feature column on its own (mean 0, std 1 on train)", async () => {
  const d = await loadDataset({ data: "xor", seed: 5, features: ALL });
  for (let j = 0; j < 7; j++) {
    let s = 0;
    let ss = 0;
    for (let i = 0; i < d.nTrain; i++) s += d.trainX[7 * i + j];
    const mean = s / d.nTrain;
    for (let i = 0; i < d.nTrain; i++) ss += (d.trainX[7 * i + j] - mean) ** 2;
    assert.ok(Math.abs(mean) < 1e-6, `column ${j} mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(ss / d.nTrain) - 1) < 1e-5, `column ${j} std`);
  }
});

test("the network's input width follows the features", async () => {
  const config = resolveConfig({
    data: "circle",
    features: "x1,x2,x1sq,x2sq",
    hidden: [4],
    maxSteps: 2,
    batchSize: 50,
    backend: "ts",
  });
  const dataset = await loadDataset({ data: "circle", features: config.features, seed: config.seed });
  const record = train(config, { dataset, backend: new TsBackend() });
  assert.deepEqual(record.meta.sizes, [4, 4, 2]);
  assert.equal(record.final.steps, 2);
});

test("an unknown or repeated feature, or features on MNIST/CSV: one line naming the value and the choices", async () => {
  assert.throws(
    () => resolveConfig({ data: "circle", features: "x1,x3" }),
    /features: unknown feature "x3"; valid: x1, x2, x1sq, x2sq, x1x2, sin1, sin2$/m,
  );
  assert.throws(() => resolveConfig({ data: "circle", features: "x1,x1" }), /feature x1 is listed twice/);
  assert.throws(() => resolveConfig({ data: "circle", features: "x1,,x2" }), /empty feature name/);
  assert.throws(
    () => resolveConfig({ data: "mnist", features: "x1,x2,x1x2" }),
    /features: x1,x2,x1x2 applies to the 2-D sets only \(circle, xor, gauss, spiral.*\), not mnist/,
  );
  await rejectsUser(
    () => loadDataset({ data: "csv:nothing.csv", features: "x1sq" }),
    "features apply to the 2-D sets only, not csv:nothing.csv",
  );
  await rejectsUser(() => loadDataset({ data: "gauss", features: "x9" }), 'features: unknown feature "x9"');
});

test("planeInputs maps the raw points to the network's inputs exactly as the data set was made", async () => {
  for (const [data, features] of [
    ["circle", ALL],
    ["multi-gauss", "x1sq,x1x2,sin2"],
    ["xor", "x1,x2"],
  ]) {
    const d = await loadDataset({ data, features, seed: 9, noise: 0.2, testLimit: 100 });
    const plane = d.plane!;
    assert.equal(plane.testPoints.length, 200);
    assert.deepEqual(planeInputs(plane, plane.testPoints, d.nTest), d.testX, `${data} ${features}`);
    assert.deepEqual(planeInputs(plane, plane.trainPoints, d.nTrain), d.trainX);
  }
  const csvLike = await loadDataset({ data: "mnist", trainLimit: 10, testLimit: 10 });
  assert.equal(csvLike.plane, undefined);
});
