// Fashion-MNIST: the JSON reader on small inputs (fast path = validating path, errors), then the
// real package once: the documented split rule re-derived here, counts, disjointness, timing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parseClassFile, scanClassJson, validateClassJson } from "../../src/data/fashion-json.js";
import { loadFashionSource } from "../../src/data/fashion-mnist.js";
import { loadDataset } from "../../src/data/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { rejectsData } from "./helpers.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const image = (f: (j: number) => number) => Array.from({ length: 784 }, (_, j) => f(j));

test("class JSON: the byte scanner and JSON.parse + validation agree on random valid files", () => {
  const img = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 784, maxLength: 784 });
  const entry = fc.oneof(
    { weight: 4, arbitrary: img },
    { weight: 1, arbitrary: fc.constant([] as number[]) },
  );
  const ws = fc.constantFrom("", " ", "\n", "\r\n\t ");
  fc.assert(
    fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), ws, (data, w) => {
      fc.pre(data.some((d) => d.length > 0));
      const text = `${w}{${w}"data"${w}:${w}[${data.map((d) => `[${w}${d.join(`${w},${w}`)}${w}]`).join(`,${w}`)}]${w}}${w}`;
      const fast = scanClassJson(bytes(text));
      assert.ok(fast, "the scanner reads the shipped shape with any whitespace");
      const slow = validateClassJson(JSON.parse(text), "f");
      assert.deepEqual(fast, slow);
      const kept = data.filter((d) => d.length > 0);
      assert.equal(fast.n, kept.length);
      assert.deepEqual(Array.from(fast.pixels), kept.flat());
      assert.deepEqual(
        fast.skipped,
        data.flatMap((d, k) => (d.length === 0 ? [k] : [])),
      );
    }),
    { numRuns: 60 },
  );
});

test("class JSON: a bad file names the file and the 0-based image index", async () => {
  const good = image((j) => j % 256);
  const file = (data: unknown[]) => bytes(JSON.stringify({ data }));
  await rejectsData(
    () => parseClassFile(file([good, image(() => 0).slice(1)]), "3.json"),
    "3.json: image index 1: has 783 values, expected 784",
  );
  await rejectsData(
    () => parseClassFile(file([good, good, image((j) => (j === 5 ? 256 : 0))]), "3.json"),
    "3.json: image index 2, pixel 5: 256 is not an integer in 0..255",
  );
  await rejectsData(
    () => parseClassFile(file([image((j) => (j === 9 ? 1.5 : 0))]), "x.json"),
    "x.json: image index 0, pixel 9: 1.5 is not an integer in 0..255",
  );
  await rejectsData(
    () => parseClassFile(file([good, "abc"]), "x.json"),
    "x.json: image index 1: is not an array",
  );
  await rejectsData(
    () => parseClassFile(bytes('{"pixels": []}'), "x.json"),
    /^x\.json: top level: expected \{"data"/,
  );
  await rejectsData(() => parseClassFile(bytes('{"data": [[]]}'), "x.json"), "x.json: top level: no images");
  await rejectsData(() => parseClassFile(bytes('{"data": [[1,2'), "x.json"), /^x\.json: JSON: /);
  // Valid JSON the scanner does not take (extra keys, 7.0) is still read by the validating path.
  const extra = parseClassFile(
    bytes(JSON.stringify({ note: "x", data: [good] }).replace(",255,", ",255.0,")),
    "e",
  );
  assert.deepEqual(Array.from(extra.pixels), good);
});

test("the real package: the documented split, counts, disjoint sources, pixels, determinism", async () => {
  let t = performance.now();
  const src = await loadFashionSource();
  const loadSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const d = await loadDataset({ data: "fashion-mnist", preprocess: "raw", seed: 123 });
  const again = await loadDataset({
    data: "fashion-mnist",
    preprocess: "raw",
    seed: 9,
    trainLimit: 3000,
    testLimit: 500,
  });
  console.log(
    `# fashion-mnist: parse + split ${loadSeconds.toFixed(2)} s (first load); ` +
      `two loadDataset calls on the cache ${((performance.now() - t) / 1000).toFixed(2)} s`,
  );
  assert.deepEqual([d.nTrain, d.nTest, d.inputDim, d.numClasses], [60000, 10000, 784, 10]);
  assert.deepEqual(d.classNames.slice(0, 2), ["T-shirt/top", "Trouser"]);
  assert.equal(d.classNames[9], "Ankle boot");
  // The run seed does not move the split; a limit is a prefix of the split.
  assert.deepEqual(again.trainY, d.trainY.subarray(0, 3000));
  assert.deepEqual(again.testX, d.testX.subarray(0, 500 * 784));

  // The rule of the doc comment, re-derived: per class 7000 images, 0..5999 train, 6000..6999
  // test; class-major lists permuted by Rng.derive(0, "fashion-split"), train first.
  const refs = (from: number, to: number) => {
    const r: [number, number][] = [];
    for (let c = 0; c < 10; c++) for (let i = from; i < to; i++) r.push([c, i]);
    return r;
  };
  const trainRefs = refs(0, 6000);
  const testRefs = refs(6000, 7000);
  const rng = Rng.derive(0, "fashion-split");
  const pTrain = rng.permutation(60000);
  const pTest = rng.permutation(10000);
  for (let j = 0; j < 60000; j++) {
    const [c, i] = trainRefs[pTrain[j]];
    if (src.trainSource.cls[j] !== c || src.trainSource.index[j] !== i || d.trainY[j] !== c) {
      assert.fail(`train example ${j}: expected class ${c} image ${i}`);
    }
  }
  for (let j = 0; j < 10000; j++) {
    const [c, i] = testRefs[pTest[j]];
    if (src.testSource.cls[j] !== c || src.testSource.index[j] !== i || d.testY[j] !== c) {
      assert.fail(`test example ${j}: expected class ${c} image ${i}`);
    }
  }
  const count = (y: Int32Array) => {
    const h = new Array(10).fill(0);
    for (const v of y) h[v]++;
    return h;
  };
  assert.deepEqual(count(d.trainY), new Array(10).fill(6000));
  assert.deepEqual(count(d.testY), new Array(10).fill(1000));

  // Pixels of class 0 (the file with two empty entries, at 1000 and 7001) against JSON.parse.
  const dir = join(
    dirname(createRequire(import.meta.url).resolve("fashion-mnist/package.json")),
    "src",
    "clothes",
  );
  const json = JSON.parse(readFileSync(join(dir, "0.json"), "utf8")).data as number[][];
  assert.equal(json.length, 7002);
  const images = json.filter((a) => a.length > 0);
  assert.equal(images.length, 7000);
  const check = (x: Float32Array, source: { cls: Int32Array; index: Int32Array }) => {
    for (let j = 0; j < source.cls.length; j++) {
      if (source.cls[j] !== 0) continue;
      const want = images[source.index[j]];
      for (let p = 0; p < 784; p++) if (x[j * 784 + p] !== want[p]) assert.fail(`example ${j} pixel ${p}`);
    }
  };
  check(d.trainX, src.trainSource);
  check(d.testX, src.testSource);

  // No source image is in both splits (by construction above); by content, the data has 12
  // test images with a pixel-identical training image (documented in docs/data.md).
  const key = (x: Uint8Array, j: number) =>
    Buffer.from(x.subarray(j * 784, (j + 1) * 784)).toString("latin1");
  const trainKeys = new Set<string>();
  for (let j = 0; j < 60000; j++) trainKeys.add(key(src.train.pixels, j));
  let shared = 0;
  for (let j = 0; j < 10000; j++) if (trainKeys.has(key(src.test.pixels, j))) shared++;
  assert.equal(shared, 12);
});
