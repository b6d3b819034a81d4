import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { RunOutcome, RunTask } from "./execute-run.js";

export type RunPool = Piscina<RunTask, RunOutcome>;

/** Default pool size: one run per available core. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A pool of `size` worker threads that each compute one run at a time. The worker file sits next
 * to this module: pool-worker.js when running from dist/, pool-worker.ts when running from source
 * (tests, `node --import tsx`), in which case the threads load tsx too.
 */
export function createRunPool(size: number): RunPool {
  const here = import.meta.url;
  const fromSource = here.endsWith(".ts");
  const filename = new URL(fromSource ? "./pool-worker.ts" : "./pool-worker.js", here).href;
  const execArgv = [...process.execArgv];
  if (fromSource && !execArgv.some((a) => a.includes("tsx")))
    execArgv.push("--import", import.meta.resolve("tsx"));
  return new Piscina<RunTask, RunOutcome>({
    filename,
    minThreads: size,
    maxThreads: size,
    idleTimeout: 60_000,
    execArgv,
    // Runs are CPU-bound: the main thread must stay free to schedule, store and draw progress.
    atomics: "disabled",
  });
}
