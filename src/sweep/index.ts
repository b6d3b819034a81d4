/**
 * Sweeps: a file of runs (base + grid + explicit runs), planned into resolved configs with
 * stable ids (sha256 of the canonical config), computed on a worker-thread pool or through a
 * BullMQ queue, and stored in the run store (src/store). See docs/sweeps.md.
 */
export {
  COMPARE_METRICS,
  type CompareRow,
  type Comparison,
  compareRuns,
  comparisonChart,
  parseBy,
  parseMetric,
} from "./compare.js";
export { executeRun, type RunOutcome, type RunTask } from "./execute-run.js";
export { exportTable } from "./export-rows.js";
export { formatValue } from "./format-value.js";
export { createRunPool, defaultPoolSize } from "./local-pool.js";
export { DEFAULT_QUEUE_NAME } from "./queue-connection.js";
export { canonicalJson, NON_RESULT_KEYS, runId, shortId } from "./run-id.js";
export { runLocalSweep, type SweepEvents, type SweepProgress, type SweepResult } from "./run-local.js";
export { type RunSweepOptions, runSweep, type SweepReport } from "./run-sweep.js";
export {
  parseSweepText,
  readSweepFile,
  type SweepSpec,
  sweepFileSchema,
  validateSweep,
} from "./sweep-file.js";
export { autoBackend, describeAxes, type PlannedRun, planSweep, type SweepPlan } from "./sweep-plan.js";
