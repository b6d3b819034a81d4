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
  return createWorkerPool<RunTask, RunOutcome>(size, new URL("./pool-worker.js", import.meta.url));
}

/**
 * A pool of `size` threads running the worker module `worker` (its dist/ URL ending in .js; the
 * .ts file next to it is used when this module runs from source, with tsx loaded in the threads).
 * The experiments' seed pool uses it with its own worker.
 */
export function createWorkerPool<T, R>(size: number, worker: URL): Piscina<T, R> {
  const fromSource = import.meta.url.endsWith(".ts");
  const filename = fromSource ? worker.href.replace(/\.js$/, ".ts") : worker.href;
  const execArgv = [...process.execArgv];
  if (fromSource && !execArgv.some((a) => a.includes("tsx")))
    execArgv.push("--import", import.meta.resolve("tsx"));
  return new Piscina<T, R>({
    filename,
    minThreads: size,
    maxThreads: size,
    idleTimeout: 60_000,
    execArgv,
    // Runs are CPU-bound: the main thread must stay free to schedule, store and draw progress.
    atomics: "disabled",
  });
}
