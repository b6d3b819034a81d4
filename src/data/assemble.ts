import { UserError } from "../errors.js";
import { expandFeatures, FEATURE_LABELS, type FeatureName, isPlainPoint } from "./features.js";
import { type FeatureKind, fitPreprocess, matrixStats, transformInPlace } from "./preprocess.js";
import type { Dataset, Preprocess } from "./types.js";

/** One split as stored: n rows of `dim` features (float or 8-bit pixels) and their labels. */
export interface SplitSource {
  x: Float32Array | Uint8Array;
  /** Class labels (classification); ignored for regression, whose labels index `t`. */
  y: Int32Array | Uint8Array;
  /** Regression: one real target per row. */
  t?: Float32Array;
}

/** What a data set is made of before the limits and the preprocessing. */
export interface DatasetParts {
  name: string;
  dim: number;
  kind: FeatureKind;
  classNames: readonly string[];
  featureNames?: readonly string[];
  image?: { width: number; height: number };
  train: SplitSource;
  test: SplitSource;
  /**
   * 2-D points only: the input features computed from each point (features.ts), in this order;
   * absent or ["x1", "x2"]: the point itself.
   */
  features?: readonly FeatureName[];
  /** The 2-D sets: keep the raw points and the input map in `Dataset.plane`. */
  plane?: boolean;
}

/**
 * A Dataset from its parts: the first nTrain / nTest examples of each split (copied, as float32
 * features and int32 labels), the preprocessing fitted on the kept training examples and applied to
 * both splits, and the training matrix's statistics. With `features` (2-D points), each point
 * becomes its feature row first, so the preprocessing scales every feature column on its own and
 * the network's input width is the number of features. Browser-safe (no Node module): `loadDataset`
 * and the browser lab's worker both build their data sets here, so they hold the same numbers.
 */
export function assembleDataset(
  parts: DatasetParts,
  preprocess: Preprocess,
  nTrain: number,
  nTest: number,
): Dataset {
  const expand = parts.features && !isPlainPoint(parts.features) ? parts.features : null;
  if (expand && (parts.dim !== 2 || parts.kind !== "table")) {
    throw new UserError(`features apply to the 2-D sets only, not ${parts.name}`);
  }
  const dim = expand ? expand.length : parts.dim;
  const features = (x: Float32Array | Uint8Array, n: number) =>
    expand
      ? expandFeatures(x instanceof Float32Array ? x : new Float32Array(x), n, expand)
      : x instanceof Float32Array
        ? x.slice(0, n * dim)
        : new Float32Array(x.subarray(0, n * dim));
  const trainX = features(parts.train.x, nTrain);
  const testX = features(parts.test.x, nTest);
  const t = fitPreprocess(preprocess, trainX, dim, parts.kind);
  transformInPlace(t, trainX, dim);
  transformInPlace(t, testX, dim);
  const regression = parts.train.t !== undefined;
  const dataset: Dataset = {
    name: parts.name,
    inputDim: dim,
    numClasses: regression ? 1 : parts.classNames.length,
    classNames: [...parts.classNames],
    trainX,
    trainY: regression
      ? Int32Array.from({ length: nTrain }, (_, i) => i)
      : Int32Array.from(parts.train.y.subarray(0, nTrain)),
    nTrain,
    testX,
    testY: regression
      ? Int32Array.from({ length: nTest }, (_, i) => nTrain + i)
      : Int32Array.from(parts.test.y.subarray(0, nTest)),
    nTest,
    preprocess,
    stats: matrixStats(trainX),
  };
  if (regression) {
    const { t: trainT } = parts.train;
    const testT = parts.test.t;
    if (!trainT || !testT) throw new Error(`${parts.name}: a regression set needs targets in both splits`);
    dataset.task = "regression";
    dataset.targets = new Float32Array(nTrain + nTest);
    dataset.targets.set(trainT.subarray(0, nTrain));
    dataset.targets.set(testT.subarray(0, nTest), nTrain);
  }
  if (parts.plane) {
    const points = (x: Float32Array | Uint8Array, n: number) => Float32Array.from(x.subarray(0, 2 * n));
    dataset.plane = {
      trainPoints: points(parts.train.x, nTrain),
      testPoints: points(parts.test.x, nTest),
      features: [...(parts.features ?? ["x1", "x2"])],
      offset: Array.from(t.offset),
      scale: Array.from(t.scale),
    };
  }
  if (expand) dataset.featureNames = expand.map((f) => FEATURE_LABELS[f]);
  else if (parts.featureNames) dataset.featureNames = [...parts.featureNames];
  if (parts.image) dataset.image = { ...parts.image };
  return dataset;
}
