import { assembleDataset, type DatasetParts } from "../../../src/data/assemble.js";
import { decodeDataset } from "../../../src/data/dataset-codec.js";
import { parseFeatures } from "../../../src/data/features.js";
import {
  REGRESSION_NAMES,
  type RegressionName,
  regression2D,
  regressionParts,
} from "../../../src/data/regression.js";
import {
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_FEATURE_NAMES,
  type SyntheticName,
  synthetic2D,
} from "../../../src/data/synthetic.js";
import type { Dataset } from "../../../src/data/types.js";
import type { TrainConfig } from "../../../src/train/config.js";
import { isTwoD, type LabState, SYNTHETIC_SIZE } from "../state.js";

/**
 * The data set of a lab run, built in the worker by `assembleDataset`, the browser-safe part of
 * src/data that `loadDataset` builds the CLI's data sets with: the same generator and seed stream
 * for the 2-D sets, the same first-N limits, the same preprocessing fitted on the kept training
 * rows. So the page trains on exactly the CLI's numbers. Image sets arrive as raw bytes from the
 * server (dataset-codec.ts). Limits above a split's size keep the whole split (the page's state
 * never asks for more).
 */
export function buildDataset(s: LabState, config: TrainConfig, bytes: ArrayBuffer | null): Dataset {
  let parts: DatasetParts;
  if (REGRESSION_NAMES.includes(s.data as RegressionName)) {
    const r = regression2D(s.data as RegressionName, SYNTHETIC_SIZE, config.noise, config.seed);
    parts = regressionParts(s.data, r, parseFeatures(config.features));
  } else if (isTwoD(s.data)) {
    const g = synthetic2D(s.data as SyntheticName, SYNTHETIC_SIZE, config.noise, config.seed);
    parts = {
      name: s.data,
      dim: 2,
      kind: "table",
      classNames: SYNTHETIC_CLASS_NAMES,
      featureNames: SYNTHETIC_FEATURE_NAMES,
      train: { x: g.trainX, y: g.trainY },
      test: { x: g.testX, y: g.testY },
      features: parseFeatures(config.features),
      plane: true,
    };
  } else {
    if (!bytes) throw new Error(`no data was handed over for ${s.data}`);
    const raw = decodeDataset(bytes);
    parts = {
      name: s.data,
      dim: raw.inputDim,
      kind: "pixels",
      classNames: Array.from({ length: raw.numClasses }, (_, i) => String(i)),
      image: raw.width > 0 ? { width: raw.width, height: raw.height } : undefined,
      train: { x: raw.trainX, y: raw.trainY },
      test: { x: raw.testX, y: raw.testY },
    };
  }
  const nTrain = Math.min(config.trainLimit ?? parts.train.y.length, parts.train.y.length);
  const nTest = Math.min(config.testLimit ?? parts.test.y.length, parts.test.y.length);
  return assembleDataset(parts, config.preprocess, nTrain, nTest);
}
