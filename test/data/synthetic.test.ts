// Playground's 2-D sets: draw-for-draw equality with Playground's own code, shapes, label
// balance, geometry, the gauss moments, and seeded determinism.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { generate2D, SYNTHETIC_NAMES } from "../../src/data/synthetic.js";
import { Rng } from "../../src/tensor/rng.js";
import { rejectsUser } from "./helpers.js";
import { playground } from "./playground-reference.js";

test("each generator equals Playground's dataset.ts fed the same uniform stream", () => {
  for (const name of SYNTHETIC_NAMES) {
    for (const noise of [0, 0.2, 0.5]) {
      const a = new Rng(77);
      const ref = playground(() => a.uniform())[name](400, noise);
      const got = generate2D(name, 400, noise, new Rng(77));
      assert.equal(got.n, ref.length);
      ref.forEach((p, i) => {
        assert.equal(got.x[2 * i], p.x, `${name} ${noise} point ${i} x`);
        assert.equal(got.x[2 * i + 1], p.y, `${name} ${noise} point ${i} y`);
        assert.equal(got.y[i], p.label > 0 ? 1 : 0, `${name} ${noise} point ${i} label`);
      });
    }
  }
});

const all = async (data: string, noise = 0, seed = 1, nSynthetic?: number) => {
  const d = await loadDataset({ data, preprocess: "raw", noise, seed, nSynthetic });
  const n = d.nTrain + d.nTest;
  const x = new Float32Array(2 * n);
  x.set(d.trainX);
  x.set(d.testX, d.trainX.length);
  const y = new Int32Array(n);
  y.set(d.trainY);
  y.set(d.testY, d.nTrain);
  return { d, x, y, n };
};

test("shapes: 500 train + 500 test, 2 features, 2 classes; the label blocks are equal", async () => {
  for (const name of SYNTHETIC_NAMES) {
    const { d, y } = await all(name);
    assert.deepEqual([d.nTrain, d.nTest, d.inputDim, d.numClasses], [500, 500, 2, 2]);
    assert.deepEqual([d.trainX.length, d.testX.length, d.trainY.length], [1000, 1000, 500]);
    assert.deepEqual(d.featureNames, ["x1", "x2"]);
    assert.equal(d.image, undefined);
    const ones = y.reduce((a, b) => a + b, 0);
    if (name === "xor") {
      // Labels follow the random quadrant: Binomial(1000, 1/2), 5 sigma = 79.
      assert.ok(Math.abs(ones - 500) < 79, `xor: ${ones} positives`);
    } else {
      assert.equal(ones, 500, `${name}: half the points in each class`);
    }
    // Train gets a uniformly random half: hypergeometric, sd about 11; 5 sigma.
    const trainOnes = d.trainY.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(trainOnes - 250) < 60, `${name}: ${trainOnes} positives in train`);
  }
});

test("circle: class 1 inside radius 2.5, class 0 in 3.5..5 without noise; noise flips labels only", async () => {
  const { x, y, n } = await all("circle");
  for (let i = 0; i < n; i++) {
    const r = Math.hypot(x[2 * i], x[2 * i + 1]);
    if (y[i] === 1) assert.ok(r < 2.5 + 1e-6, `inner point ${i} at r = ${r}`);
    else assert.ok(r >= 3.5 - 1e-6 && r <= 5 + 1e-6, `outer point ${i} at r = ${r}`);
  }
  const noisy = await all("circle", 0.5);
  let flipped = 0;
  for (let i = 0; i < noisy.n; i++) {
    const r = Math.hypot(noisy.x[2 * i], noisy.x[2 * i + 1]);
    assert.ok(r < 2.5 + 1e-6 || (r >= 3.5 - 1e-6 && r <= 5 + 1e-6), "points stay in their bands");
    if (r < 3 !== (noisy.y[i] === 1)) flipped++;
  }
  assert.ok(flipped > 50, `noise 0.5 relabels some points (${flipped})`);
});

test("xor: |x|, |y| in [0.3, 5.3] and label = [x y >= 0] without noise", async () => {
  const { x, y, n } = await all("xor");
  for (let i = 0; i < n; i++) {
    const [a, b] = [x[2 * i], x[2 * i + 1]];
    for (const v of [a, b]) assert.ok(Math.abs(v) >= 0.3 - 1e-6 && Math.abs(v) <= 5.3 + 1e-6);
    assert.equal(y[i], a * b >= 0 ? 1 : 0);
  }
});

test("gauss: centres (2, 2) and (-2, -2), per-coordinate variance 0.5 + 7 noise", async () => {
  for (const noise of [0, 0.5]) {
    const variance = 0.5 + 7 * noise;
    const { x, y, n } = await all("gauss", noise, 3, 5000);
    for (const [label, c] of [
      [1, 2],
      [0, -2],
    ]) {
      for (const k of [0, 1]) {
        const v: number[] = [];
        for (let i = 0; i < n; i++) if (y[i] === label) v.push(x[2 * i + k]);
        const m = v.reduce((a, b) => a + b, 0) / v.length;
        const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
        // 5-sigma bounds: sd of the mean sqrt(var / N), of the sample variance var sqrt(2 / (N - 1)).
        assert.ok(
          Math.abs(m - c) < 5 * Math.sqrt(variance / v.length),
          `noise ${noise} class ${label}: mean ${m}`,
        );
        const tol = 5 * variance * Math.sqrt(2 / (v.length - 1));
        assert.ok(
          Math.abs(s2 - variance) < tol,
          `noise ${noise} class ${label}: variance ${s2} vs ${variance}`,
        );
      }
    }
  }
});

test("spiral: without noise every point lies on its arm, r = 5 i / n, t = 1.75 * 2 pi r / 5 (+ pi)", async () => {
  const { x, y, n } = await all("spiral");
  const arm = n / 2;
  for (let i = 0; i < n; i++) {
    const [a, b] = [x[2 * i], x[2 * i + 1]];
    const r = Math.hypot(a, b);
    const step = (r * arm) / 5;
    assert.ok(Math.abs(step - Math.round(step)) < 1e-3, `radius ${r} is on the grid 5 i / ${arm}`);
    const t = (1.75 * 2 * Math.PI * Math.round(step)) / arm + (y[i] === 1 ? 0 : Math.PI);
    const rr = (5 * Math.round(step)) / arm;
    assert.ok(Math.abs(a - rr * Math.sin(t)) < 1e-5 && Math.abs(b - rr * Math.cos(t)) < 1e-5, `point ${i}`);
  }
});

test("deterministic for a seed; the seed, the noise and nSynthetic change the data", async () => {
  for (const name of SYNTHETIC_NAMES) {
    const a = await loadDataset({ data: name, seed: 4, noise: 0.1, preprocess: "raw" });
    const b = await loadDataset({ data: name, seed: 4, noise: 0.1, preprocess: "raw" });
    assert.deepEqual(a.trainX, b.trainX);
    assert.deepEqual(a.testY, b.testY);
    const c = await loadDataset({ data: name, seed: 5, noise: 0.1, preprocess: "raw" });
    assert.notDeepEqual(a.trainX, c.trainX);
    // Circle and xor keep the points and move the labels with the noise; gauss and spiral move points.
    const e = await loadDataset({ data: name, seed: 4, noise: 0.3, preprocess: "raw" });
    assert.notDeepEqual(
      [a.trainX, a.trainY, a.testY],
      [e.trainX, e.trainY, e.testY],
      `${name}: noise changes nothing`,
    );
  }
  const small = await loadDataset({ data: "spiral", nSynthetic: 40, trainLimit: 30, testLimit: 10 });
  assert.deepEqual([small.nTrain, small.nTest, small.trainX.length], [30, 10, 60]);
  await rejectsUser(() => loadDataset({ data: "circle", noise: 0.6 }), "noise 0.6 is outside 0..0.5");
  await rejectsUser(() => loadDataset({ data: "circle", nSynthetic: 0 }), "nSynthetic 0");
  await rejectsUser(
    () => loadDataset({ data: "xor", trainLimit: 501 }),
    "trainLimit 501 is more than the 500",
  );
  await rejectsUser(() => loadDataset({ data: "xor", target: "y" }), "target applies to csv:PATH only");
});
