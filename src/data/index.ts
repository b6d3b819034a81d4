import { UserError } from "../errors.js";
import { assembleDataset, type DatasetParts } from "./assemble.js";
import { readCsvTable, splitTable } from "./csv-dataset.js";
import { loadFashionSource } from "./fashion-mnist.js";
import { DEFAULT_FEATURES, type FeatureName, parseFeatures } from "./features.js";
import { loadMnistSource } from "./mnist.js";
import { DATASET_NAMES } from "./names.js";
import { checkPreprocess } from "./preprocess.js";
import { REGRESSION_NAMES, type RegressionName, regression2D, regressionParts } from "./regression.js";
import {
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_FEATURE_NAMES,
  SYNTHETIC_NAMES,
  type SyntheticName,
  synthetic2D,
} from "./synthetic.js";
import type { DataOptions, Dataset, ImageSource, Preprocess } from "./types.js";

export { assembleDataset, type DatasetParts, type SplitSource } from "./assemble.js";
export {
  DEFAULT_FEATURES,
  expandFeatures,
  FEATURE_LABELS,
  FEATURE_NAMES,
  type FeatureName,
  parseFeatures,
} from "./features.js";
export { DATASET_NAMES } from "./names.js";
export { planeInputs } from "./plane.js";
export { applyPreprocess, type FeatureKind, type FeatureTransform, PREPROCESS_MODES } from "./preprocess.js";
export { REGRESSION_NAMES, REGRESSION_TARGETS, type RegressionName, regression2D } from "./regression.js";
export { SYNTHETIC_NAMES, type SyntheticName } from "./synthetic.js";
export type { DataOptions, DataStats, Dataset, PlaneMap, Preprocess } from "./types.js";

const CHOICES = `${DATASET_NAMES.join(", ")}, csv:PATH`;

/** Examples per split of a synthetic set when `nSynthetic` is not given. */
export const DEFAULT_N_SYNTHETIC = 500;

/**
 * Loads, splits, cuts and preprocesses a data set; deterministic for the same options.
 * - mnist: the official split, 60000 / 10000, in file order (the files are already shuffled).
 * - fashion-mnist: the fixed stratified split of `fashion-mnist.ts`, 60000 / 10000.
 * - circle, xor, gauss, spiral: Playground's generators (`synthetic.ts`), nSynthetic (default
 *   500) train and as many test examples, from `seed` and `noise` (0..0.5).
 * - plane, multi-gauss: Playground's regression sets (`regression.ts`), the same way; the data
 *   set has `task: "regression"` and real `targets`.
 * - csv:PATH: the seeded 80/20 split of `csv-dataset.ts`, label column `target` (default last).
 * trainLimit / testLimit keep the first N examples of each split (so a limit is a prefix of
 * the full split); a limit above the split's size is a UserError. The preprocessing (default
 * "standardize") is fitted on the kept training examples and applied to both splits.
 * Options that do not apply (noise, target, nSynthetic, features) must be absent or, for noise,
 * 0 and for features "x1,x2". `features` (the 2-D sets) turns each point into the listed
 * features (features.ts) before the preprocessing.
 */
export async function loadDataset(opts: DataOptions): Promise<Dataset> {
  const preprocess = checkPreprocess(opts.preprocess ?? "standardize");
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new UserError(`seed ${seed} is not an integer`);
  const name = opts.data;
  const synthetic = (SYNTHETIC_NAMES as string[]).includes(name);
  const regression = (REGRESSION_NAMES as string[]).includes(name);
  const twoD = synthetic || regression;
  const csv = name.startsWith("csv:");
  if (!twoD && !csv && name !== "mnist" && name !== "fashion-mnist") {
    throw new UserError(`unknown data set "${name}"; choose one of ${CHOICES}`);
  }
  if (!twoD && (opts.noise ?? 0) !== 0)
    throw new UserError(`noise applies to the synthetic sets only, not ${name}`);
  if (!twoD && opts.nSynthetic != null)
    throw new UserError(`nSynthetic applies to the synthetic sets only, not ${name}`);
  const features = parseFeatures(opts.features ?? DEFAULT_FEATURES);
  if (!twoD && opts.features != null && opts.features !== DEFAULT_FEATURES)
    throw new UserError(`features apply to the 2-D sets only, not ${name}`);
  if (!csv && opts.target != null) throw new UserError(`target applies to csv:PATH only, not ${name}`);

  if (name === "mnist" || name === "fashion-mnist") {
    const src = await (name === "mnist" ? loadMnistSource() : loadFashionSource());
    return imageDataset(name, src, preprocess, opts);
  }
  if (synthetic) {
    const n = checkedSyntheticSize(opts.nSynthetic);
    const s = synthetic2D(name as SyntheticName, n, opts.noise ?? 0, seed);
    return tableDataset(
      name,
      s,
      2,
      SYNTHETIC_CLASS_NAMES,
      SYNTHETIC_FEATURE_NAMES,
      preprocess,
      opts,
      features,
    );
  }
  if (regression) {
    const n = checkedSyntheticSize(opts.nSynthetic);
    const r = regression2D(name as RegressionName, n, opts.noise ?? 0, seed);
    const nTrain = limitOf("trainLimit", opts.trainLimit, n, `${name} training`);
    const nTest = limitOf("testLimit", opts.testLimit, n, `${name} test`);
    return assembleDataset(regressionParts(name, r, features), preprocess, nTrain, nTest);
  }
  const path = name.slice(4);
  if (path === "") throw new UserError(`data "csv:" needs a path, as in csv:data/iris.csv`);
  const table = await readCsvTable(path, opts.target ?? undefined);
  const s = splitTable(table, seed, path);
  return tableDataset(
    name,
    s,
    table.featureNames.length,
    table.classNames,
    table.featureNames,
    preprocess,
    opts,
  );
}

/** The examples per split of a 2-D set: nSynthetic (default 500), a positive integer. */
function checkedSyntheticSize(nSynthetic: number | undefined): number {
  const n = nSynthetic ?? DEFAULT_N_SYNTHETIC;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`nSynthetic ${n} is not a positive integer`);
  return n;
}

/** A limit, checked: the first `limit` of `available` examples, or all when absent. */
function limitOf(what: string, limit: number | null | undefined, available: number, name: string): number {
  if (limit == null) return available;
  if (!Number.isInteger(limit) || limit < 1)
    throw new UserError(`${what} ${limit} is not a positive integer`);
  if (limit > available) {
    throw new UserError(`${what} ${limit} is more than the ${available} examples of the ${name} split`);
  }
  return limit;
}

function imageDataset(name: string, src: ImageSource, preprocess: Preprocess, opts: DataOptions): Dataset {
  const nTrain = limitOf("trainLimit", opts.trainLimit, src.train.n, `${name} training`);
  const nTest = limitOf("testLimit", opts.testLimit, src.test.n, `${name} test`);
  const parts: DatasetParts = {
    name,
    dim: src.width * src.height,
    kind: "pixels",
    classNames: src.classNames,
    image: { width: src.width, height: src.height },
    train: { x: src.train.pixels, y: src.train.labels },
    test: { x: src.test.pixels, y: src.test.labels },
  };
  return assembleDataset(parts, preprocess, nTrain, nTest);
}

function tableDataset(
  name: string,
  s: { trainX: Float32Array; trainY: Int32Array; testX: Float32Array; testY: Int32Array },
  dim: number,
  classNames: string[],
  featureNames: string[],
  preprocess: Preprocess,
  opts: DataOptions,
  features?: readonly FeatureName[],
): Dataset {
  const nTrain = limitOf("trainLimit", opts.trainLimit, s.trainY.length, `${name} training`);
  const nTest = limitOf("testLimit", opts.testLimit, s.testY.length, `${name} test`);
  const parts: DatasetParts = {
    name,
    dim,
    kind: "table",
    classNames,
    featureNames,
    train: { x: s.trainX, y: s.trainY },
    test: { x: s.testX, y: s.testY },
    ...(features ? { features, plane: true } : {}),
  };
  return assembleDataset(parts, preprocess, nTrain, nTest);
}
