/**
 * The run store: finished runs (config, metrics per epoch, probe snapshots, verdicts, timings)
 * keyed by their run hash, and sweeps (definition + planned runs). Readers and writers use the
 * `RunStore` interface; `openRunStore(runsHome())` opens the default one.
 */
export { openRunStore, runsHome, STORE_FILE, storePath } from "./home.js";
export {
  RUN_STATUSES,
  type RunClaim,
  type RunFilter,
  type RunPut,
  type RunStatus,
  type RunStore,
  type RunSummary,
  type StoredRun,
  type SweepEntry,
  type SweepListing,
} from "./run-store.js";
export { STORE_SCHEMA_VERSION } from "./schema.js";
export { SqliteRunStore } from "./sqlite-store.js";
