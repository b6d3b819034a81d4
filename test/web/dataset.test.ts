import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeDataset } from "../../src/data/dataset-codec.js";
import { loadDataset } from "../../src/data/index.js";
import { DEFAULT_STATE, type LabState } from "../../web/src/state.js";
import { toTrainConfig } from "../../web/src/state-config.js";
import { buildDataset } from "../../web/src/worker/dataset.js";

// The worker builds its data from browser-safe parts of src/data; it must be the very data the
// CLI trains on with the same settings. Both end in assembleDataset (limits, copies,
// preprocessing), so what this holds is the rest of the worker's path: the page state turned into
// a config, the 2-D generators called the same way, the server's byte codec for the images.

test("2-D sets: the worker's data is loadDataset's, bit for bit, for every set and preprocessing", async () => {
  for (const data of ["circle", "xor", "gauss", "spiral"] as const) {
    for (const preprocess of ["raw", "unit", "symmetric", "standardize"] as const) {
      const s: LabState = { ...DEFAULT_STATE, data, preprocess, noise: 0.2, samples: 300, seed: 7 };
      const c = toTrainConfig(s);
      const mine = buildDataset(s, c, null);
      const ref = await loadDataset({
        data,
        preprocess,
        noise: 0.2,
        trainLimit: c.trainLimit!,
        testLimit: c.testLimit!,
        seed: 7,
      });
      assert.equal(mine.nTrain, 300);
      assert.deepEqual(mine.trainX, ref.trainX, `${data} ${preprocess}`);
      assert.deepEqual(mine.trainY, ref.trainY);
      assert.deepEqual(mine.testX, ref.testX);
      assert.deepEqual(mine.testY, ref.testY);
      assert.deepEqual(mine.stats, ref.stats);
    }
  }
});

test("regression sets and input features: the worker's data set is loadDataset's, whole", async () => {
  for (const data of ["plane", "multi-gauss", "spiral"] as const) {
    for (const features of ["x1,x2", "x1,x2,x1sq,x2sq,x1x2,sin1,sin2"]) {
      const s: LabState = { ...DEFAULT_STATE, data, features, noise: 0.1, samples: 200, seed: 3 };
      const c = toTrainConfig(s);
      const mine = buildDataset(s, c, null);
      const ref = await loadDataset({
        data,
        features,
        noise: 0.1,
        trainLimit: c.trainLimit!,
        testLimit: c.testLimit!,
        seed: 3,
      });
      assert.deepEqual(mine, ref, `${data} ${features}`);
      assert.equal(mine.inputDim, features.split(",").length);
      assert.equal(mine.numClasses, data === "spiral" ? 2 : 1);
    }
  }
});

test("image sets: bytes from the server become loadDataset's data, bit for bit", async () => {
  const raw = await loadDataset({ data: "mnist", preprocess: "raw", trainLimit: 300, testLimit: 50 });
  const bytes = encodeDataset({
    nTrain: raw.nTrain,
    nTest: raw.nTest,
    inputDim: raw.inputDim,
    numClasses: raw.numClasses,
    width: 28,
    height: 28,
    trainX: Uint8Array.from(raw.trainX),
    trainY: Uint8Array.from(raw.trainY),
    testX: Uint8Array.from(raw.testX),
    testY: Uint8Array.from(raw.testY),
  });
  for (const preprocess of ["raw", "unit", "symmetric", "standardize"] as const) {
    const s: LabState = { ...DEFAULT_STATE, data: "mnist", preprocess, samples: 200 };
    const c = { ...toTrainConfig(s), testLimit: 40 };
    const mine = buildDataset(s, c, bytes.buffer as ArrayBuffer);
    const ref = await loadDataset({ data: "mnist", preprocess, trainLimit: 200, testLimit: 40 });
    assert.equal(mine.nTrain, 200);
    assert.deepEqual(mine.trainX, ref.trainX, preprocess);
    assert.deepEqual(mine.trainY, ref.trainY);
    assert.deepEqual(mine.testX, ref.testX, preprocess);
    assert.deepEqual(mine.testY, ref.testY);
  }
});
