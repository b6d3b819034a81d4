// Entry point of the initlab WebAssembly kernels (compiled by asc/build.mjs).
// Memory is imported from the host (env.memory), which owns allocation above heapBase().
export { gemm, heapBase, relaxed, tileRows, workBytes } from "./gemm";
export { addRowVector, sumRows } from "./vector";
export {
  activationBackward,
  adamStep,
  biasActivation,
  biasResidualForward,
  countCellBins,
  countLinearBins,
  residualBackward,
  residualForward,
  sgdStep,
  shiftedSums,
  sumSquares,
} from "./elementwise";
export { normActivationBackward, normActivationForward, normBackward, normForward } from "./norm";
