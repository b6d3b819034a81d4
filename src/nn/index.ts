/**
 * initlab networks: the multi-layer perceptron (`Network`, `Dense`) with explicit forward and
 * backward passes, the activations (PyTorch names and parameters), the losses, and the
 * initlab.network JSON format. Browser-safe (no Node built-ins).
 */
export type { Activation } from "./activation.js";
export { ACTIVATION_NAMES, listActivations, parseActivation, SELU_ALPHA, SELU_SCALE } from "./activations.js";
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
} from "./losses.js";
export { Network, type NetworkOptions, type NetworkSpec, splitTopLevel } from "./network.js";
export { type NetworkFile, networkFromJSON, networkToJSON } from "./serialize.js";
