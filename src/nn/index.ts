/**
 * initlab networks: the multi-layer perceptron (`Network`, `Dense`) with explicit forward and
 * backward passes, the activations (PyTorch names and parameters), the losses, and the
 * initlab.network JSON format. Browser-safe (no Node built-ins).
 */

export { SELU_ALPHA, SELU_LAMBDA } from "../math/selu.js";
export type { Activation } from "./activation.js";
export { ACTIVATION_NAMES, listActivations, parseActivation } from "./activations.js";
export {
  ARCHITECTURE_KEYS,
  type ArchitectureSpec,
  architectureProblem,
  BRANCH_INITS,
  BRANCH_SCALES,
  type BranchInit,
  type BranchScale,
  blockCount,
  checkArchitecture,
  initialBranchScale,
  isPlain,
  learnableScale,
  PLAIN_ARCHITECTURE,
} from "./architecture.js";
export { type Alloc, Dense, type Param } from "./dense.js";
export {
  binaryCrossEntropy,
  countCorrect,
  crossEntropy,
  getLoss,
  LOSS_NAMES,
  type Loss,
  type LossName,
  meanSquaredError,
  rSquared,
  squaredError,
} from "./losses.js";
export { Network, type NetworkOptions, type NetworkSpec, splitTopLevel } from "./network.js";
export {
  BATCHNORM_MOMENTUM,
  type NetworkMode,
  NORM_EPS,
  NORM_KINDS,
  NORM_PLACES,
  type NormKind,
  NormLayer,
  type NormPlace,
} from "./norm-layer.js";
export {
  type LayerRole,
  type LayerRule,
  PARAMETRIZATIONS,
  type ParametrizationName,
  type ParametrizationOptions,
  parametrizationRules,
} from "./parametrization.js";
export { type NetworkFile, type NormEntry, networkFromJSON, networkToJSON } from "./serialize.js";
