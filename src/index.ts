/**
 * initlab as a library (browser-safe: no Node built-ins are imported by this entry or anything
 * it imports). Subpaths give the same parts one at a time: `initlab/init`, `initlab/theory`,
 * `initlab/nn`, `initlab/probe`, `initlab/train`, `initlab/interop`; Node-only parts (data files,
 * the run store, safetensors files) are in `initlab/node`, TensorFlow.js in `initlab/tfjs`.
 * Guide: docs/library.md.
 */
export {
  assembleDataset,
  type DatasetParts,
  type SplitSource,
} from "./data/assemble.js";
export {
  DEFAULT_FEATURES,
  expandFeatures,
  FEATURE_LABELS,
  FEATURE_NAMES,
  type FeatureName,
  parseFeatures,
} from "./data/features.js";
export { planeInputs } from "./data/plane.js";
export {
  applyPreprocess,
  type FeatureKind,
  type FeatureTransform,
  PREPROCESS_MODES,
} from "./data/preprocess.js";
export {
  generateRegression2D,
  type Points2DRegression,
  REGRESSION_NAMES,
  REGRESSION_TARGETS,
  type RegressionName,
  regression2D,
  regressionParts,
} from "./data/regression.js";
export { SYNTHETIC_NAMES, type SyntheticName, synthetic2D } from "./data/synthetic.js";
export type { DataOptions, DataStats, Dataset, PlaneMap, Preprocess } from "./data/types.js";
export { DataError, UserError } from "./errors.js";
export * from "./init/index.js";
export type { TruncatedMoments } from "./init/truncated-normal.js";
export * from "./interop/index.js";
export type {
  AdamStepArgs,
  Backend,
  BackendName,
  FloatArray,
  KernelActivation,
  NormAxis,
  SgdStepArgs,
} from "./kernels/backend.js";
export { BACKEND_NAMES, createBackend, listBackends } from "./kernels/registry.js";
export { TsBackend } from "./kernels/ts-backend.js";
export {
  createWasmBackendFromBytes,
  type WasmBackend,
  type WasmBackendOptions,
} from "./kernels/wasm-backend.js";
export { SELU_ALPHA, SELU_LAMBDA } from "./math/selu.js";
export { erf, erfc, erfinv, normalCdf, normalPdf, normalQuantile, normalSf } from "./math/special.js";
export { type MeanInterval, meanInterval, tCdf, tQuantile } from "./math/student-t.js";
export * from "./nn/index.js";
export type { BinSpec } from "./probe/histogram.js";
export * from "./probe/index.js";
export type { TensorStats } from "./probe/moments.js";
export { Rng } from "./tensor/rng.js";
export * from "./theory/index.js";
export * from "./train/index.js";
