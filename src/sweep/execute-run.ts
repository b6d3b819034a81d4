import { hostname } from "node:os";
import { threadId } from "node:worker_threads";
import { loadDataset } from "../data/index.js";
import { UserError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import { resolveBackend } from "../kernels/registry.js";
import type { RunStatus } from "../store/run-store.js";
import { dataOptionsOf, resolveConfig, type TrainConfig } from "../train/config.js";
import type { RunRecord } from "../train/record.js";
import { allocationError, checkResources, knownDataSize, type MemoryLimit } from "../train/resources.js";
import { train } from "../train/trainer.js";
import { checkDataPath } from "./data-root.js";
import { machineMemoryLimit } from "./machine-memory.js";
import { runId } from "./run-id.js";

/** What travels to a worker: the run hash and its resolved config (plain JSON). */
export interface RunTask {
  id: string;
  config: TrainConfig;
  /** A queue worker's --data-root: csv:PATH must lie inside this folder (absolute). */
  dataRoot?: string | null;
  /** The sweep's or worker's --memory-limit; absent: INITLAB_MAX_MEMORY or half the machine's memory. */
  memoryLimit?: MemoryLimit | null;
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

/** The longest error message a run outcome carries (stored, sent over the queue, printed). */
const MAX_ERROR_CHARS = 2000;

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
 * worker with another initlab version cannot silently compute something else. A task is checked
 * as the CLI checks a run (the config's names and specs, the step and memory limits of this
 * machine, and a worker's --data-root) before anything is loaded or allocated: a queued job is
 * input from whoever can write to the queue.
 */
/** A task's memory limit (set by this machine's sweep or worker, never by the queue), checked. */
function checkTaskMemory(m: MemoryLimit | null | undefined): MemoryLimit | null {
  if (m === undefined || m === null) return null;
  if (!(Number.isSafeInteger(m.bytes) && m.bytes > 0))
    throw new UserError(`memory limit ${m.bytes} is not a size`);
  return { bytes: m.bytes, source: String(m.source) };
}

export async function executeRun(task: RunTask): Promise<RunOutcome> {
  const worker = workerName();
  try {
    if (task.config === null || typeof task.config !== "object" || Array.isArray(task.config))
      throw new UserError(`run ${String(task.id).slice(0, 64)}: the job's config is not an object; not run`);
    const config = resolveConfig({ ...task.config });
    const id = runId(config);
    if (id !== task.id) {
      throw new UserError(
        `run ${task.id}: its config hashes to ${id} on this worker (another initlab version?); not run`,
      );
    }
    if (task.dataRoot) checkDataPath(config.data, task.dataRoot);
    const memory = checkTaskMemory(task.memoryLimit) ?? machineMemoryLimit();
    const known = knownDataSize(config);
    if (known) checkResources(config, known, memory);
    const dataset = await loadDataset(dataOptionsOf(config));
    checkResources(config, dataset, memory);
    const backend = await backendFor(config.backend);
    const record = train(config, { dataset, backend });
    const status: RunStatus = record.final.diverged ? "diverged" : "ok";
    return { id: task.id, status, error: null, errorKind: null, record, worker };
  } catch (thrown) {
    const e = allocationError(thrown) ?? thrown;
    const user = e instanceof UserError;
    const err = e as Error;
    const full = user ? err.message : `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
    // A crafted job can make a message of any length (one line per unknown key): keep its start.
    const error =
      full.length > MAX_ERROR_CHARS
        ? `${full.slice(0, MAX_ERROR_CHARS)}... (${full.length} characters)`
        : full;
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
