/**
 * The worker of the experiments' pool (src/sweep/local-pool.ts): computes one seed of one
 * experiment on this thread, with a single-threaded backend of the requested kind (one per
 * thread), and returns its result (plain data, structured-cloned back: +-Infinity survives).
 */
import type { Backend, BackendName } from "../kernels/backend.js";
import { createBackend } from "../kernels/registry.js";
import type { ExperimentResult } from "../report/report-types.js";
import { silentProgress } from "./console-progress.js";
import { getExperiment } from "./registry.js";

/** One seed of one experiment, as sent to a worker. */
export interface SeedTask {
  name: string;
  quick: boolean;
  seed: number;
  backend: BackendName;
}

const backends = new Map<string, Promise<Backend>>();

function backendFor(name: BackendName): Promise<Backend> {
  let b = backends.get(name);
  if (!b) {
    b = createBackend(name, { threads: 1 });
    backends.set(name, b);
    b.catch(() => backends.delete(name));
  }
  return b;
}

export default async function runSeedTask(task: SeedTask): Promise<ExperimentResult> {
  const backend = await backendFor(task.backend);
  return getExperiment(task.name).run({
    quick: task.quick,
    seed: task.seed,
    progress: silentProgress,
    backend,
  });
}
