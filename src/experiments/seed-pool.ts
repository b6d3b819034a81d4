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

/** A seed waiting for a worker: its task, its cost (Experiment.seedCost) and its promise. */
interface Waiting {
  task: SeedTask;
  cost: number;
  order: number;
  resolve: (r: ExperimentResult) => void;
  reject: (e: unknown) => void;
}

/** Default cost of a seed whose experiment declares none (Experiment.seedCost). */
const DEFAULT_SEED_COST = 5;

/**
 * The pool. Seeds wait in a local queue and at most `size` run at once, the costliest first
 * (longest-processing-time-first, Graham 1969: the last seed to finish is a short one, so the
 * cores idle less at the end of `experiment run all`); equal costs keep their submission order.
 * The queue is ordered once the current tick's submissions are all in (setImmediate).
 */
export function createSeedPool(size: number): SeedPool {
  const pool = createWorkerPool<SeedTask, ExperimentResult>(
    size,
    new URL("./seed-worker.js", import.meta.url),
  );
  const waiting: Waiting[] = [];
  let running = 0;
  let submitted = 0;
  let scheduled = false;
  const dispatch = () => {
    scheduled = false;
    waiting.sort((a, b) => b.cost - a.cost || a.order - b.order);
    while (running < size && waiting.length) {
      const w = waiting.shift()!;
      running++;
      pool.run(w.task).then(
        (r) => {
          running--;
          w.resolve(r);
          schedule();
        },
        (e) => {
          running--;
          w.reject(e);
          schedule();
        },
      );
    }
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(dispatch);
    }
  };
  return {
    runner: (quick, backend) => (exp, seed) =>
      new Promise<ExperimentResult>((resolve, reject) => {
        const cost = exp.seedCost ?? DEFAULT_SEED_COST;
        waiting.push({
          task: { name: exp.name, quick, seed, backend },
          cost,
          order: submitted++,
          resolve,
          reject,
        });
        schedule();
      }),
    close: () => pool.destroy(),
  };
}
