/**
 * initlab probes: per-layer statistics of a network on a fixed batch (pre-activations,
 * activations, dL/dz, weights and their gradients, update ratios, histograms, dead and saturated
 * units, NaN/Inf), the theory's prediction side by side, diagnosis rules in plain language and
 * the initializer recommended for an activation. Every definition: docs/probes.md.
 */

export { blocksText, normsText } from "./block-format.js";
export { measureBlocks, measureNorms } from "./block-probe.js";
export {
  type CorrelationLayer,
  type CorrelationMap,
  type CorrelationMapOptions,
  measureCorrelationMap,
} from "./correlation-map.js";
export { type DepthRow, type DepthSweep, type DepthSweepOptions, depthSweep } from "./depth-sweep.js";
export { DIAGNOSIS_THRESHOLDS, type DiagnoseContext, decades, diagnose, layerList } from "./diagnose.js";
export {
  compactLayerLines,
  depthSweepText,
  diagnosisText,
  instancesText,
  layerTable,
  logBars,
  phaseText,
  recommendationText,
} from "./format.js";
export { type GradientGrowth, type GradientGrowthOptions, gradientGrowth } from "./gradient-growth.js";
export { BOUNDED_BINS, GRAD_BINS, HIST_BINS, histogram, niceCeil, symmetricBins } from "./histogram.js";
export {
  assess,
  CRITICAL_TOLERANCE,
  type Inspection,
  type InspectOptions,
  inspect,
  type NetworkPhase,
  networkAdvice,
  networkPhase,
  networkRecommendation,
} from "./inspect.js";
export {
  BAND_SDS,
  type InstanceBand,
  type InstancesReport,
  inspectInstances,
  instanceBand,
  instanceSeed,
  type LayerInstances,
  tQuantile975,
} from "./instances.js";
export {
  JACOBIAN_BINS,
  JACOBIAN_FROM,
  JACOBIAN_MAX_COST,
  JACOBIAN_TO,
  type JacobianCost,
  type JacobianFrom,
  type JacobianOptions,
  type JacobianSpectrum,
  type JacobianTheory,
  type JacobianTo,
  jacobianAt,
  jacobianCost,
  jacobianRange,
  jacobianSpectrum,
} from "./jacobian.js";
export { correlationMapText, jacobianText } from "./jacobian-format.js";
export { layerHasNonFinite, measureLayer } from "./layer-probe.js";
export { rowSecondMoments, tensorStats } from "./moments.js";
export { type FlowPrediction, flowLayer, outputGradMoments, predictFlow } from "./predict.js";
export { gatherBatch, type ProbeBatch, probeBatch, probeBatchIndices } from "./probe-batch.js";
export { type ProbeOptions, probeNetwork, weightParamIndices } from "./probe-network.js";
export { hiddenActivations, type RecommendOptions, recommend } from "./recommend.js";
export { diagnoseSeries, type ProbeData, TrainingProbe } from "./training-probe.js";
export type {
  BlockProbe,
  Finding,
  FindingKind,
  Histogram,
  LayerProbe,
  Moments,
  NonFiniteCounts,
  NormProbe,
  PredictedLayer,
  ProbeSnapshot,
  Recommendation,
  SlopeSummary,
  Summary,
} from "./types.js";
export { canDie, canSaturate, deadUnits, SATURATION_THRESHOLD, saturatedFraction } from "./units.js";
