/**
 * Weight initializers: every initializer of PyTorch `torch.nn.init` and Keras, as pure
 * functions of (shape, fans, rng, options), with exact statistics (`describe`) and spec strings.
 */

export {
  erf,
  erfc,
  erfinv,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
} from "../math/special.js";
export { constant, normal, ones, truncNormal, uniform, zeros } from "./basic.js";
export { eye } from "./eye.js";
export { computeFans, FAN_MODES, type FanMode, fanForMode } from "./fans.js";
export { applyFixup, fixupScale } from "./fixup.js";
export {
  activationGain,
  calculateGain,
  computedGains,
  GAIN_CONVENTIONS,
  GAIN_NAMES,
  GAIN_NONLINEARITIES,
  type GainConvention,
} from "./gain.js";
export {
  applyDataDependentInit,
  type DataInitReport,
  dataInitText,
  type LsuvLayerResult,
  type LsuvOptions,
  lsuv,
  lsuvBatch,
  lsuvInitialize,
} from "./lsuv.js";
export { orthogonal } from "./orthogonal.js";
export { type InitializerInfo, listInitializers, parseInit } from "./parse-init.js";
export {
  KAIMING_MODES,
  type KaimingMode,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  lecunNormal,
  lecunUniform,
  torchDefault,
  torchDefaultBias,
  xavierNormal,
  xavierSigmoidNormal,
  xavierSigmoidUniform,
  xavierUniform,
} from "./schemes.js";
export { sparse } from "./sparse.js";
export { truncatedNormalMoments } from "./truncated-normal.js";
export type {
  ArgValue,
  DataDependentInit,
  Distribution,
  InitDescription,
  Initializer,
  InitShape,
} from "./types.js";
export {
  KERAS_TRUNCATION_STD,
  SCALING_DISTRIBUTIONS,
  type ScalingDistribution,
  type VarianceScalingOptions,
  varianceScaling,
} from "./variance-scaling.js";
