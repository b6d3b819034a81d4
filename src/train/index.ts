/**
 * initlab training: the run configuration (`resolveConfig`, `TrainConfig`, the defaults), the
 * trainer (mini-batch SGD or Adam with schedules, deterministic from the seed), the optimizers and
 * the run record. Browser-safe (no Node built-ins); data sets that read files load through
 * `initlab/node` (`loadDataset`), the synthetic ones through `synthetic2D` + `assembleDataset`.
 */
export {
  Adam,
  type AdamOptions,
  clipGradNorm,
  globalGradNorm,
  type Optimizer,
  Sgd,
  type SgdOptions,
} from "../optim/optimizer.js";
export { learningRate, SCHEDULE_NAMES, type ScheduleName, type ScheduleOptions } from "../optim/schedule.js";
export { INITLAB_VERSION } from "../version.js";
export {
  ConfigError,
  dataOptionsOf,
  type ParsedSpecs,
  parsedSpecs,
  resolveConfig,
  resolveConfigParsed,
  settingProblem,
  specProblem,
  TRAIN_DEFAULTS,
  type TrainConfig,
  trainConfigSchema,
} from "./config.js";
export {
  type CoordCheckOptions,
  type CoordCheckResult,
  type CoordSeries,
  type CoordVerdict,
  coordCheck,
  coordVerdicts,
  type ExponentFit,
} from "./coord-check.js";
export type { EpochRecord, FinalRecord, RunRecord } from "./record.js";
export type { Kind } from "./setting-kinds.js";
export type { LabView } from "./settings.js";
export {
  SETTING_GROUPS,
  SETTING_KEYS,
  SETTINGS,
  type Setting,
  type SettingGroup,
  type SettingKey,
} from "./settings.js";
export {
  applyParametrizationInit,
  buildNetwork,
  evaluate,
  lossOf,
  lrScaleOf,
  makeOptimizer,
  rulesOf,
  type StepInfo,
  type TrainContext,
  type TrainHooks,
  type TrainOptions,
  train,
} from "./trainer.js";
