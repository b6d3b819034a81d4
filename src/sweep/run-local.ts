import type { RunStore } from "../store/run-store.js";
import type { RunOutcome } from "./execute-run.js";
import { createRunPool, type RunPool } from "./local-pool.js";
import type { PlannedRun } from "./sweep-plan.js";

/** Counts shown while a sweep runs (this session's runs only). */
export interface SweepProgress {
  total: number;
  done: number;
  running: number;
  ok: number;
  diverged: number;
  failed: number;
}

export interface SweepEvents {
  onStart?(run: PlannedRun, progress: SweepProgress): void;
  onResult?(run: PlannedRun, outcome: RunOutcome, progress: SweepProgress): void;
  /** Something worth telling the user while waiting (e.g. no queue worker is taking runs). */
  onNote?(message: string): void;
}

export interface SweepResult extends SweepProgress {
  /** Stopped by the signal before every run finished (the missing ones: --resume). */
  interrupted: boolean;
}

export interface LocalSweepOptions {
  /** Worker threads (default: all cores); never more than there are runs. */
  workers: number;
  signal?: AbortSignal;
  events?: SweepEvents;
}

/** Turns an outcome into a store entry (one transaction). */
export function storeOutcome(store: RunStore, sweep: string, run: PlannedRun, o: RunOutcome): void {
  store.putRun({
    id: run.id,
    sweep,
    status: o.status,
    error: o.error,
    config: run.config,
    record: o.record,
    worker: o.worker,
  });
}

export function emptyProgress(total: number): SweepProgress {
  return { total, done: 0, running: 0, ok: 0, diverged: 0, failed: 0 };
}

export function countOutcome(p: SweepProgress, o: RunOutcome): void {
  p.done++;
  p[o.status]++;
}

/**
 * Runs `runs` on a pool of worker threads, one run per thread, and stores each result as it
 * arrives; the calling thread only schedules, stores and reports. A failed run is stored with
 * its error and the sweep goes on. When `signal` aborts, nothing new starts, the runs in flight
 * are dropped (their threads terminated) and the result says interrupted; every run stored
 * before that stays stored.
 */
export async function runLocalSweep(
  sweep: string,
  runs: readonly PlannedRun[],
  store: RunStore,
  options: LocalSweepOptions,
): Promise<SweepResult> {
  const progress = emptyProgress(runs.length);
  if (runs.length === 0) return { ...progress, interrupted: false };
  const size = Math.max(1, Math.min(options.workers, runs.length));
  const pool: RunPool = createRunPool(size);
  const { signal, events } = options;
  let next = 0;
  let stopped = false;
  let failure: unknown;
  try {
    await new Promise<void>((resolve) => {
      const finish = () => {
        if (!stopped) {
          stopped = true;
          resolve();
        }
      };
      const onAbort = () => finish();
      signal?.addEventListener("abort", onAbort, { once: true });
      const launch = () => {
        while (!stopped && !signal?.aborted && progress.running < size && next < runs.length) {
          const run = runs[next++];
          progress.running++;
          events?.onStart?.(run, progress);
          pool
            .run({ id: run.id, config: run.config })
            .catch((e: unknown): RunOutcome => crashOutcome(run.id, e))
            .then((outcome) => {
              if (stopped) return;
              progress.running--;
              storeOutcome(store, sweep, run, outcome);
              countOutcome(progress, outcome);
              events?.onResult?.(run, outcome, progress);
              if (progress.done === runs.length) {
                signal?.removeEventListener("abort", onAbort);
                finish();
              } else launch();
            })
            .catch((e: unknown) => {
              // Storing failed (disk full, store locked too long): stop the sweep with that error.
              stopped = true;
              failure = e;
              resolve();
            });
        }
      };
      if (signal?.aborted) finish();
      else launch();
    });
  } finally {
    await pool.destroy().catch(() => undefined);
  }
  if (failure !== undefined) throw failure;
  return { ...progress, interrupted: progress.done < runs.length };
}

function crashOutcome(id: string, e: unknown): RunOutcome {
  const err = e as Error;
  return {
    id,
    status: "failed",
    error: `worker thread failed: ${err?.message ?? String(e)}`,
    errorKind: "exception",
    record: null,
    worker: "pool",
  };
}
