/**
 * initlab theory: pure math, no engine imports. Gaussian quadrature and closed forms for activation
 * moments; forward/backward variance recursions of MLPs (Glorot & Bengio 2010); mean-field fixed
 * points, chi_1, phases and depth scales (Poole et al. 2016, arXiv:1606.05340; Schoenholz et al.
 * 2017, arXiv:1611.01232); numeric gains (He et al. 2015, arXiv:1502.01852).
 */

export { erf, erfc, normalCdf, normalPdf } from "../math/special.js";
export { BN_RELU_GRADIENT_FACTOR } from "./batchnorm-gradient.js";
export { BIVARIATE_DEFAULTS, type CorrelatedMoments, correlatedMoments, jumpPoints } from "./bivariate.js";
export { closedForms, SELU_ALPHA, SELU_LAMBDA, truncatedMoments } from "./closed-forms.js";
export {
  checkMoments,
  gaussianExpectation,
  type HermiteKind,
  hermiteRule,
  type QuadratureRule,
} from "./gauss-hermite.js";
export { legendreRule } from "./gauss-legendre.js";
export {
  criticalPointForQ,
  criticalSpectrum,
  derivativeMoments,
  jacobianSpectrumMoments,
  type SpectrumLayer,
  type SpectrumMoments,
  sTransformS1,
  type WeightEnsemble,
} from "./jacobian-spectrum.js";
export {
  cFixedPoint,
  chi1,
  chiC,
  classifyPhase,
  correlationMap,
  criticalSigmaW2,
  type FixedPointStatus,
  lengthMap,
  lengthMapSlope,
  type MeanFieldResult,
  meanField,
  type Phase,
  type QFixedPoint,
  qFixedPoint,
  trainableDepth,
} from "./mean-field.js";
export { activationExpectation, activationMoments } from "./moments.js";
export {
  explainGain,
  type FixedPointGain,
  fixedPointGain,
  numericGain,
  settledVariance,
} from "./numeric-gain.js";
export {
  defaultXEdges,
  gaussianExpectationPiecewise,
  gaussianPanelRule,
  type PiecewiseOptions,
} from "./piecewise-quadrature.js";
export {
  type BranchLayer,
  branchSecondMoment,
  heReluStream,
  invSqrtDepthGrowth,
  normalizedReluStream,
  residualStreamSeconds,
} from "./residual.js";
export { brentRoot, type RootResult } from "./root-find.js";
export { type ShiftedMeanField, shiftedMeanField } from "./shifted-mean-field.js";
export { type ActivationMoments, identityActivation, type ScalarActivation } from "./types.js";
export {
  type BackwardFlow,
  backwardVarianceFlow,
  type FlowLayer,
  type ForwardFlow,
  forwardVarianceFlow,
  type LayerBackward,
  type LayerForward,
  type LinearizedFlow,
  type LinearizedLayer,
  linearizationAtZero,
  linearizedVarianceFlow,
} from "./variance-flow.js";
