// The IDX parser on small hand-built files: a round trip, and every header check with its message.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseIdxImages, parseIdxLabels } from "../../src/data/idx.js";
import { readMnistSplit } from "../../src/data/mnist.js";
import { rejectsData, tempDir, writeTemp } from "./helpers.js";

/** An IDX file by the format's definition: 0, 0, type, ndims, big-endian sizes, then the bytes. */
function idx(sizes: number[], data: number[], opts: { type?: number; magic0?: number } = {}): Uint8Array {
  const head = [opts.magic0 ?? 0, 0, opts.type ?? 0x08, sizes.length];
  for (const s of sizes) head.push((s >>> 24) & 255, (s >>> 16) & 255, (s >>> 8) & 255, s & 255);
  return Uint8Array.from([...head, ...data]);
}

const dir = tempDir();
const pixels = (n: number) => Array.from({ length: n * 784 }, (_, i) => (i * 7 + 3) % 256);

test("a valid image file and label file round trip", async () => {
  const imgs = writeTemp(dir, "ok-images", idx([3, 28, 28], pixels(3)));
  const labs = writeTemp(dir, "ok-labels", idx([3], [7, 0, 9]));
  const split = await readMnistSplit(imgs, labs);
  assert.equal(split.n, 3);
  assert.deepEqual(Array.from(split.labels), [7, 0, 9]);
  assert.deepEqual(Array.from(split.pixels), pixels(3));
  // The magic numbers of the format, as one big-endian int: 2051 images, 2049 labels.
  const img = idx([3, 28, 28], pixels(3));
  assert.equal(new DataView(img.buffer).getUint32(0), 2051);
  assert.equal(new DataView(idx([3], [1, 2, 3]).buffer).getUint32(0), 2049);
  const parsed = parseIdxImages(img, "x");
  assert.deepEqual([parsed.count, parsed.rows, parsed.cols], [3, 28, 28]);
});

test("wrong magic number, data type and dimension count", async () => {
  await rejectsData(
    () => parseIdxImages(idx([1, 28, 28], pixels(1), { magic0: 0x12 }), "f.idx"),
    /^f\.idx: header bytes 0-3: magic number \d+ is not 2051 \(an image file\); not an IDX file$/,
  );
  await rejectsData(
    () => parseIdxImages(idx([1, 28, 28], pixels(1), { type: 0x0d }), "f.idx"),
    "f.idx: header byte 2: data type 0x0d is not 0x08 (unsigned byte)",
  );
  // A label file given where images are expected: 1 dimension instead of 3.
  await rejectsData(
    () => parseIdxImages(idx([2], [1, 2]), "labels.idx"),
    "labels.idx: header byte 3: 1 dimensions, expected 3 (an image file: magic number 2051, found 2049)",
  );
  await rejectsData(
    () => parseIdxLabels(idx([1, 28, 28], pixels(1)), "images.idx"),
    "images.idx: header byte 3: 3 dimensions, expected 1 (a label file: magic number 2049, found 2051)",
  );
  await rejectsData(
    () => parseIdxLabels(Uint8Array.from([0, 0]), "tiny"),
    "tiny: header: expected at least 8 bytes, found 2",
  );
});

test("truncated and overlong files: expected N bytes, found M", async () => {
  const full = idx([2, 28, 28], pixels(2));
  const file = writeTemp(dir, "cut-images", full.subarray(0, full.length - 100));
  const labs = writeTemp(dir, "cut-labels", idx([2], [1, 2]));
  await rejectsData(
    () => readMnistSplit(file, labs),
    `${file}: size: expected ${16 + 2 * 784} bytes (header 2 x 28 x 28), found ${16 + 2 * 784 - 100} (truncated)`,
  );
  await rejectsData(
    () => parseIdxLabels(idx([2], [1, 2, 3]), "long"),
    "long: size: expected 10 bytes (header 2), found 11 (trailing bytes)",
  );
  // The header itself cut short.
  await rejectsData(
    () => parseIdxImages(idx([2, 28, 28], []).subarray(0, 10), "h"),
    "h: header: expected at least 16 bytes, found 10",
  );
});

test("image count and label count must agree; labels must be digits; images must be 28 x 28", async () => {
  const imgs = writeTemp(dir, "n3-images", idx([3, 28, 28], pixels(3)));
  const labs = writeTemp(dir, "n2-labels", idx([2], [1, 2]));
  await rejectsData(
    () => readMnistSplit(imgs, labs),
    `${labs}: header bytes 4-7: 2 labels, but ${imgs} has 3 images`,
  );
  await rejectsData(
    () => parseIdxLabels(idx([3], [1, 10, 2]), "bad-labels"),
    "bad-labels: label 1 (byte 9): value 10 is not a class in 0..9",
  );
  await rejectsData(
    () => parseIdxImages(idx([1, 28, 27], new Array(28 * 27).fill(0)), "odd"),
    "odd: header bytes 8-15: images are 28 x 27, expected 28 x 28",
  );
  const missing = `${dir}/no-such-file`;
  await rejectsData(
    () => readMnistSplit(missing, labs),
    new RegExp(`^${missing}: file: not found; reinstall`),
  );
});
