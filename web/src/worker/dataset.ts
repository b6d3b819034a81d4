import {
  type FeatureKind,
  fitPreprocess,
  matrixStats,
  transformInPlace,
} from "../../../src/data/preprocess.js";
import {
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_FEATURE_NAMES,
  type SyntheticName,
  synthetic2D,
} from "../../../src/data/synthetic.js";
import type { Dataset } from "../../../src/data/types.js";
import { decodeDataset } from "../../../src/server/dataset-codec.js";
import type { TrainConfig } from "../../../src/train/config.js";
import { isTwoD, type LabState, SYNTHETIC_SIZE } from "../state.js";

/**
 * The data set of a lab run, built in the worker from the browser-safe parts of src/data the way
 * `loadDataset` builds it for the CLI: the same generator and seed stream for the 2-D sets, the
 * same first-N limits, the same preprocessing fitted on the kept training rows. So the page trains
 * on exactly the CLI's numbers. Image sets arrive as raw bytes from the server (dataset-codec.ts).
 */
export function buildDataset(s: LabState, config: TrainConfig, bytes: ArrayBuffer | null): Dataset {
  let dim: number;
  let kind: FeatureKind;
  let classNames: string[];
  let featureNames: string[] | undefined;
  let image: Dataset["image"];
  let trainX: Float32Array;
  let trainY: Int32Array;
  let testX: Float32Array;
  let testY: Int32Array;
  if (isTwoD(s.data)) {
    const g = synthetic2D(s.data as SyntheticName, SYNTHETIC_SIZE, config.noise, config.seed);
    dim = 2;
    kind = "table";
    const nTrain = Math.min(config.trainLimit ?? g.trainY.length, g.trainY.length);
    const nTest = Math.min(config.testLimit ?? g.testY.length, g.testY.length);
    trainX = g.trainX.slice(0, nTrain * dim);
    trainY = g.trainY.slice(0, nTrain);
    testX = g.testX.slice(0, nTest * dim);
    testY = g.testY.slice(0, nTest);
    classNames = [...SYNTHETIC_CLASS_NAMES];
    featureNames = [...SYNTHETIC_FEATURE_NAMES];
  } else {
    if (!bytes) throw new Error(`no data was handed over for ${s.data}`);
    const raw = decodeDataset(bytes);
    dim = raw.inputDim;
    kind = "pixels";
    const nTrain = Math.min(config.trainLimit ?? raw.nTrain, raw.nTrain);
    const nTest = Math.min(config.testLimit ?? raw.nTest, raw.nTest);
    trainX = Float32Array.from(raw.trainX.subarray(0, nTrain * dim));
    trainY = Int32Array.from(raw.trainY.subarray(0, nTrain));
    testX = Float32Array.from(raw.testX.subarray(0, nTest * dim));
    testY = Int32Array.from(raw.testY.subarray(0, nTest));
    classNames = Array.from({ length: raw.numClasses }, (_, i) => String(i));
    image = raw.width > 0 ? { width: raw.width, height: raw.height } : undefined;
  }
  const t = fitPreprocess(config.preprocess, trainX, dim, kind);
  transformInPlace(t, trainX, dim);
  transformInPlace(t, testX, dim);
  return {
    name: s.data,
    inputDim: dim,
    numClasses: classNames.length,
    classNames,
    featureNames,
    trainX,
    trainY,
    nTrain: trainY.length,
    testX,
    testY,
    nTest: testY.length,
    preprocess: config.preprocess,
    stats: matrixStats(trainX),
    image,
  };
}
