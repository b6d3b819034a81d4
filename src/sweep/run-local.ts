import { hostname } from "node:os";
import type { RunStore } from "../store/run-store.js";
import type { MemoryLimit } from "../train/resources.js";
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
  /** Runs stored meanwhile by another process (another sweep of the same runs): not computed here. */
  elsewhere: number;
}

export interface SweepEvents {
  onStart?(run: PlannedRun, progress: SweepProgress): void;
  onResult?(run: PlannedRun, outcome: RunOutcome, progress: SweepProgress): void;
  /** The run was stored by another process while this sweep waited for it. */
  onElsewhere?(run: PlannedRun, progress: SweepProgress): void;
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
  /** --memory-limit for every run (null: INITLAB_MAX_MEMORY or half the machine's memory). */
  memoryLimit?: MemoryLimit | null;
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
  return { total, done: 0, running: 0, ok: 0, diverged: 0, failed: 0, elsewhere: 0 };
}

export function countOutcome(p: SweepProgress, o: RunOutcome): void {
  p.done++;
  p[o.status]++;
}

/** How long a run's lease lasts without renewal (a crashed sweep's runs are free again after it). */
export const LEASE_TTL_MS = 30_000;
/** How often a sweep renews the leases of its runs in flight, and looks again at runs another process holds. */
const LEASE_RENEW_MS = 10_000;
const RECHECK_MS = 500;

/** This process's name on the leases it takes. */
export function leaseHolder(): string {
  return `${hostname()}:${process.pid}:${Date.now()}`;
}

/**
 * Runs `runs` on a pool of worker threads, one run per thread, and stores each result as it
 * arrives; the calling thread only schedules, stores and reports. A failed run is stored with
 * its error and the sweep goes on. Before a run starts, the sweep takes its lease in the store
 * (`claimRun`): a run another process is computing is set aside and looked at again until that
 * process stores it (counted as `elsewhere`) or its lease expires (the process died: it is run
 * here). When `signal` aborts, nothing new starts, the runs in flight are dropped (their threads
 * terminated, their leases released) and the result says interrupted; every run stored before
 * that stays stored.
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
  const holder = leaseHolder();
  const since = new Date().toISOString();
  let pending: PlannedRun[] = [...runs];
  let heldElsewhere: PlannedRun[] = [];
  let stopped = false;
  let failure: unknown;
  let recheck: NodeJS.Timeout | undefined;
  const renew = setInterval(() => {
    try {
      store.renewClaims(holder, LEASE_TTL_MS);
    } catch {
      // The next claim or store reports a lasting problem.
    }
  }, LEASE_RENEW_MS);
  try {
    await new Promise<void>((resolve) => {
      const finish = () => {
        if (!stopped) {
          stopped = true;
          resolve();
        }
      };
      const fail = (e: unknown) => {
        // Storing failed (disk full, store locked too long): stop the sweep with that error.
        stopped = true;
        failure = e;
        resolve();
      };
      const onAbort = () => finish();
      signal?.addEventListener("abort", onAbort, { once: true });
      const settled = () => {
        if (progress.done === runs.length) {
          signal?.removeEventListener("abort", onAbort);
          finish();
        } else launch();
      };
      const launch = () => {
        while (!stopped && !signal?.aborted && progress.running < size && pending.length > 0) {
          const run = pending.shift() as PlannedRun;
          const claim = store.claimRun(run.id, holder, LEASE_TTL_MS, since);
          if (claim === "taken") {
            heldElsewhere.push(run);
            continue;
          }
          if (claim === "stored") {
            progress.done++;
            progress.elsewhere++;
            events?.onElsewhere?.(run, progress);
            continue;
          }
          progress.running++;
          events?.onStart?.(run, progress);
          pool
            .run({ id: run.id, config: run.config, memoryLimit: options.memoryLimit ?? null })
            .catch((e: unknown): RunOutcome => crashOutcome(run.id, e))
            .then((outcome) => {
              if (stopped) return;
              progress.running--;
              storeOutcome(store, sweep, run, outcome);
              countOutcome(progress, outcome);
              events?.onResult?.(run, outcome, progress);
              settled();
            })
            .catch(fail);
        }
        if (progress.done === runs.length) settled();
        else if (!stopped && pending.length === 0 && heldElsewhere.length > 0 && recheck === undefined) {
          // Runs another process holds: look at them again shortly (stored there, or free again).
          recheck = setTimeout(() => {
            recheck = undefined;
            pending = heldElsewhere;
            heldElsewhere = [];
            try {
              launch();
            } catch (e) {
              fail(e);
            }
          }, RECHECK_MS);
        }
      };
      if (signal?.aborted) finish();
      else {
        try {
          launch();
        } catch (e) {
          fail(e);
        }
      }
    });
  } finally {
    clearInterval(renew);
    clearTimeout(recheck);
    await pool.destroy().catch(() => undefined);
    try {
      store.releaseClaims(holder);
    } catch {
      // Unreleased leases expire by themselves.
    }
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
