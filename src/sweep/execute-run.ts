import { hostname } from "node:os";
import { threadId } from "node:worker_threads";
import { loadDataset } from "../data/index.js";
import { UserError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import { resolveBackend } from "../kernels/registry.js";
import type { RunStatus } from "../store/run-store.js";
import { dataOptionsOf, resolveConfig, type TrainConfig } from "../train/config.js";
import type { RunRecord } from "../train/record.js";
import { train } from "../train/trainer.js";
import { runId } from "./run-id.js";

/** What travels to a worker: the run hash and its resolved config (plain JSON). */
export interface RunTask {
  id: string;
  config: TrainConfig;
}

/** What comes back: the run record (JSON) or the error. */
export interface RunOutcome {
  id: string;
  status: RunStatus;
  error: string | null;
  /** "user": the config cannot run here (retrying will not help); "exception": anything else. */
  errorKind: "user" | "exception" | null;
  record: RunRecord | null;
  /** host:pid/thread that computed it (null when unknown, e.g. a job that failed in the queue). */
  worker: string | null;
}

const backends = new Map<string, Promise<Backend>>();

/** One backend per kind per thread, single-threaded: sweeps run one run per core. */
function backendFor(name: TrainConfig["backend"]): Promise<Backend> {
  let b = backends.get(name);
  if (!b) {
    b = resolveBackend(name, { threads: 1 }).then((choice) => choice.backend);
    backends.set(name, b);
    b.catch(() => backends.delete(name));
  }
  return b;
}

export function workerName(): string {
  return `${hostname()}:${process.pid}/${threadId}`;
}

/**
 * Runs one task to completion in this thread (datasets and backends are cached per thread).
 * Never throws: a diverged run is status "diverged" with its record, an error is status
 * "failed" with the message. The config is resolved again and must hash to the task's id, so a
 * worker with another initlab version cannot silently compute something else.
 */
export async function executeRun(task: RunTask): Promise<RunOutcome> {
  const worker = workerName();
  try {
    const config = resolveConfig({ ...task.config });
    const id = runId(config);
    if (id !== task.id) {
      throw new UserError(
        `run ${task.id}: its config hashes to ${id} on this worker (another initlab version?); not run`,
      );
    }
    const dataset = await loadDataset(dataOptionsOf(config));
    const backend = await backendFor(config.backend);
    const record = train(config, { dataset, backend });
    const status: RunStatus = record.final.diverged ? "diverged" : "ok";
    return { id: task.id, status, error: null, errorKind: null, record, worker };
  } catch (e) {
    const user = e instanceof UserError;
    const err = e as Error;
    const error = user ? err.message : `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
    return {
      id: task.id,
      status: "failed",
      error,
      errorKind: user ? "user" : "exception",
      record: null,
      worker,
    };
  }
}
