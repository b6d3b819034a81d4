import { UserError } from "../errors.js";
import { readCsvTable, splitTable } from "./csv.js";
import { FASHION_CLASSES, loadFashionRaw } from "./fashion.js";
import { type ImageSplit, loadMnistRaw } from "./mnist.js";
import { preprocessSplits, summarize } from "./preprocess.js";
import { generateSynthetic, SYNTHETIC_NAMES, type SyntheticName } from "./synthetic.js";
import { type DataOptions, type Dataset, PREPROCESS_MODES, type Preprocess, type RawSplit } from "./types.js";

export { parseIdx, readIdxFile } from "./idx.js";
export { parseCsvRows, readCsvTable } from "./csv.js";
export { generateSynthetic, SYNTHETIC_NAMES } from "./synthetic.js";
export { preprocessSplits, summarize } from "./preprocess.js";
export { loadMnistRaw } from "./mnist.js";
export { loadFashionRaw, FASHION_CLASSES } from "./fashion.js";
export type { DataOptions, Dataset, Preprocess, RawSplit } from "./types.js";
export { PREPROCESS_MODES } from "./types.js";

export const DATASET_NAMES: readonly string[] = ["mnist", "fashion-mnist", ...SYNTHETIC_NAMES, "csv:PATH"];

/** The first `limit` images of a split (the official MNIST order is already shuffled), as float32. */
function imagesToSplit(s: ImageSplit, limit: number | undefined): RawSplit {
  const n = Math.min(s.n, limit ?? s.n);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = s.pixels[i];
  return { x, y: Int32Array.from(s.labels.subarray(0, n)), n };
}

function limitSplit(s: RawSplit, d: number, limit: number | undefined): RawSplit {
  if (limit === undefined || limit >= s.n) return s;
  return { x: s.x.slice(0, limit * d), y: s.y.slice(0, limit), n: limit };
}

/**
 * Loads a data set by name, applies the limits (the first N examples of each split) and the
 * preprocessing (training-set statistics). Default preprocessing: standardize.
 */
export async function loadDataset(opts: DataOptions): Promise<Dataset> {
  const preprocess: Preprocess = opts.preprocess ?? "standardize";
  if (!PREPROCESS_MODES.includes(preprocess)) {
    throw new UserError(`unknown preprocessing "${preprocess}"; valid: ${PREPROCESS_MODES.join(", ")}`);
  }
  for (const [k, v] of [["trainLimit", opts.trainLimit], ["testLimit", opts.testLimit]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new UserError(`${k} must be a positive integer, got ${v}`);
  }
  const seed = opts.seed ?? 1;
  const name = opts.data;
  let train: RawSplit;
  let test: RawSplit;
  let d: number;
  let classNames: string[];
  let featureNames: string[] | undefined;
  let pixelRange: number | null = null;
  let image: Dataset["image"];
  if (name === "mnist" || name === "fashion-mnist") {
    const raw = name === "mnist" ? loadMnistRaw() : loadFashionRaw();
    train = imagesToSplit(raw.train, opts.trainLimit);
    test = imagesToSplit(raw.test, opts.testLimit);
    d = 784;
    classNames = name === "mnist" ? ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] : FASHION_CLASSES;
    pixelRange = 255;
    image = { width: 28, height: 28 };
  } else if ((SYNTHETIC_NAMES as readonly string[]).includes(name)) {
    const noise = opts.noise ?? 0;
    if (!(noise >= 0 && noise <= 1)) throw new UserError(`noise must be in [0, 1], got ${noise}`);
    const n = opts.nSynthetic ?? 500;
    const g = generateSynthetic(name as SyntheticName, n, noise, seed);
    d = 2;
    train = limitSplit(g.train, d, opts.trainLimit);
    test = limitSplit(g.test, d, opts.testLimit);
    classNames = ["0", "1"];
    featureNames = ["x1", "x2"];
  } else if (name.startsWith("csv:")) {
    const table = readCsvTable(name.slice(4), opts.target);
    const s = splitTable(table, seed);
    d = table.featureNames.length;
    train = limitSplit(s.train, d, opts.trainLimit);
    test = limitSplit(s.test, d, opts.testLimit);
    classNames = table.classNames;
    featureNames = table.featureNames;
  } else {
    throw new UserError(`unknown data set "${name}"; valid: ${DATASET_NAMES.join(", ")}`);
  }
  if (classNames.length < 2) throw new UserError(`data set ${name} has ${classNames.length} class(es); need at least 2`);
  preprocessSplits(train, test, d, preprocess, pixelRange);
  return {
    name,
    inputDim: d,
    numClasses: classNames.length,
    classNames,
    featureNames,
    trainX: train.x,
    trainY: train.y,
    nTrain: train.n,
    testX: test.x,
    testY: test.y,
    nTest: test.n,
    preprocess,
    stats: summarize(train.x),
    image,
  };
}
