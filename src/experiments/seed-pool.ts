/**
 * Seeds of experiments in parallel: a pool of worker threads (the sweep's piscina pool, with the
 * experiments' worker seed-worker.ts) computes one seed of one experiment per task, each on a
 * single-threaded backend, so `experiment run all` keeps every core busy.
 */
import type { BackendName } from "../kernels/backend.js";
import type { ExperimentResult } from "../report/report-types.js";
import { createWorkerPool } from "../sweep/local-pool.js";
import type { SeedRunner } from "./harness/execute.js";
import type { SeedTask } from "./seed-worker.js";

export interface SeedPool {
  runner(quick: boolean, backend: BackendName): SeedRunner;
  close(): Promise<void>;
}

export function createSeedPool(size: number): SeedPool {
  const pool = createWorkerPool<SeedTask, ExperimentResult>(
    size,
    new URL("./seed-worker.js", import.meta.url),
  );
  return {
    runner: (quick, backend) => (exp, seed) => pool.run({ name: exp.name, quick, seed, backend }),
    close: () => pool.destroy(),
  };
}
