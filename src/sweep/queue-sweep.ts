import { Queue } from "bullmq";
import { UserError } from "../errors.js";
import type { RunStore } from "../store/run-store.js";
import type { RunOutcome, RunTask } from "./execute-run.js";
import {
  connectOrThrow,
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDIS_TIMEOUT_MS,
  isConnectionError,
  KEEP_FINISHED_SECONDS,
  redactUrl,
  redisOptions,
} from "./queue-connection.js";
import {
  countOutcome,
  emptyProgress,
  type SweepEvents,
  type SweepProgress,
  type SweepResult,
  storeOutcome,
} from "./run-local.js";
import type { PlannedRun } from "./sweep-plan.js";

export interface QueueSweepOptions {
  /** redis://HOST:PORT */
  url: string;
  queueName?: string;
  /** Tries per job before it counts as failed (exceptions only: a bad config fails at once). Default 2. */
  attempts?: number;
  /** How often the job states are read (ms, default 500). */
  pollMs?: number;
  /** How long Redis may stay unreachable (at the start or during the sweep) before the sweep stops with exit 2 (ms). */
  redisTimeoutMs?: number;
  signal?: AbortSignal;
  events?: SweepEvents;
}

/** A job's payload: the run task plus the sweep it was enqueued for (for worker logs). */
export interface RunJobData extends RunTask {
  sweep: string;
}

const CHUNK = 500;
/** After this long without any run starting or finishing, the sweep says how to start a worker. */
const IDLE_HINT_MS = 20_000;

/**
 * Enqueues runs as BullMQ jobs (jobId = run hash: adding a run that is already queued, running
 * or finished adds nothing) and stores their results as workers finish them. A job found failed
 * when the sweep starts is retried (like --resume retries failed runs locally); a job that fails
 * its tries during the sweep is stored as failed with its error. When `signal` aborts, collecting
 * stops; the jobs stay queued and a later --resume collects them.
 *
 * Redis outages: commands fail at once while Redis is unreachable (no offline queue); the sweep
 * says so, keeps polling every second, and stops with a UserError ("Redis unreachable", exit 2)
 * after `redisTimeoutMs`. When Redis is back it says after how long, and requeues the runs Redis
 * lost (a restart without persistence): each is stored once, whoever computes it.
 */
export async function runQueueSweep(
  sweep: string,
  runs: readonly PlannedRun[],
  store: RunStore,
  options: QueueSweepOptions,
): Promise<SweepResult> {
  const progress = emptyProgress(runs.length);
  if (runs.length === 0) return { ...progress, interrupted: false };
  const queue = new Queue<RunJobData, RunOutcome>(options.queueName ?? DEFAULT_QUEUE_NAME, {
    connection: redisOptions(options.url, false),
  });
  queue.on("error", () => undefined); // connection errors surface through the awaited calls
  const timeout = options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  try {
    await Promise.race([
      connectOrThrow(queue.waitUntilReady(), options.url, queue, timeout),
      aborted(options.signal),
    ]);
    if (!options.signal?.aborted) {
      await enqueue(queue, sweep, runs, options.attempts ?? 2);
      options.events?.onNote?.(
        `queued ${runs.length} runs on ${options.queueName ?? DEFAULT_QUEUE_NAME}; waiting for workers to compute them`,
      );
      await collect(queue, sweep, runs, store, progress, options);
    }
  } catch (e) {
    if (isConnectionError(e))
      throw new UserError(`Redis unreachable at ${redactUrl(options.url)}: ${(e as Error).message}`);
    throw e;
  } finally {
    // Closing waits for Redis to answer QUIT: never more than a second.
    await Promise.race([queue.close().catch(() => undefined), sleep(1000)]);
    await Promise.race([queue.disconnect().catch(() => undefined), sleep(500)]);
  }
  return { ...progress, interrupted: progress.done < runs.length };
}

async function enqueue(
  queue: Queue<RunJobData, RunOutcome>,
  sweep: string,
  runs: readonly PlannedRun[],
  attempts: number,
) {
  for (let i = 0; i < runs.length; i += CHUNK) {
    const chunk = runs.slice(i, i + CHUNK);
    await queue.addBulk(
      chunk.map((r) => ({
        name: "run",
        data: { id: r.id, config: r.config, sweep },
        opts: {
          jobId: r.id,
          attempts,
          removeOnComplete: { age: KEEP_FINISHED_SECONDS },
          removeOnFail: { age: KEEP_FINISHED_SECONDS },
        },
      })),
    );
    const states = await Promise.all(chunk.map((r) => queue.getJobState(r.id)));
    await Promise.all(
      chunk.map(async (r, j) => {
        if (states[j] !== "failed") return;
        const job = await queue.getJob(r.id);
        await job?.retry("failed");
      }),
    );
  }
}

async function collect(
  queue: Queue<RunJobData, RunOutcome>,
  sweep: string,
  runs: readonly PlannedRun[],
  store: RunStore,
  progress: SweepProgress,
  options: QueueSweepOptions,
): Promise<void> {
  const pending = new Map(runs.map((r) => [r.id, r]));
  const started = new Set<string>();
  const pollMs = options.pollMs ?? 500;
  const { signal, events } = options;
  let lastActivity = Date.now();
  let hinted = false;
  const timeout = options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  let downSince: number | null = null;
  const lost = { count: 0 };
  while (pending.size > 0 && !signal?.aborted) {
    try {
      await pollOnce();
      if (downSince !== null) {
        const secs = Math.round((Date.now() - downSince) / 1000);
        events?.onNote?.(
          `Redis at ${redactUrl(options.url)} is back after ${secs} s` +
            (lost.count
              ? `; ${lost.count} queued runs it had lost are queued again`
              : "; no queued run was lost"),
        );
        downSince = null;
        lastActivity = Date.now(); // the idle hint counts from now
      }
    } catch (e) {
      if (!isConnectionError(e)) throw e;
      if (downSince === null) {
        downSince = Date.now();
        lost.count = 0;
        events?.onNote?.(
          `Redis unreachable at ${redactUrl(options.url)} (${(e as Error).message}); waiting up to ${timeout / 1000} s for it (Ctrl-C stops; --resume continues later)`,
        );
      } else if (Date.now() - downSince > timeout) {
        throw new UserError(
          `Redis unreachable at ${redactUrl(options.url)} for ${Math.round((Date.now() - downSince) / 1000)} s: ` +
            `${progress.done} of ${progress.total} runs stored; the rest stay queued if Redis kept them: run the sweep again with --resume`,
        );
      }
      await sleep(1000, signal);
      continue;
    }
    if (pending.size > 0) await sleep(pollMs, signal);
  }

  async function pollOnce(): Promise<void> {
    let running = 0;
    const ids = [...pending.keys()];
    for (let i = 0; i < ids.length && !signal?.aborted; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const states = await Promise.all(chunk.map((id) => queue.getJobState(id)));
      for (let j = 0; j < chunk.length; j++) {
        const id = chunk[j];
        const run = pending.get(id)!;
        const state = states[j];
        if (state === "active") {
          running++;
          lastActivity = Date.now();
          if (!started.has(id)) {
            started.add(id);
            progress.running = running;
            events?.onStart?.(run, progress);
          }
        } else if (state === "completed" || state === "failed") {
          const outcome = await finishedOutcome(queue, id, state);
          if (!outcome) continue;
          if (signal?.aborted) return;
          lastActivity = Date.now();
          pending.delete(id);
          storeOutcome(store, sweep, run, outcome);
          countOutcome(progress, outcome);
          events?.onResult?.(run, outcome, progress);
        } else if (state === "unknown") {
          // Removed from Redis behind our back (a restart without persistence, the queue
          // obliterated): queue it again.
          await enqueue(queue, sweep, [run], options.attempts ?? 2);
          lost.count++;
        }
      }
    }
    progress.running = running;
    // Only after Redis answered: during an outage nobody can take a run, and that is said instead.
    if (!hinted && Date.now() - lastActivity > IDLE_HINT_MS) {
      hinted = true;
      events?.onNote?.(
        `no worker has taken a run for ${IDLE_HINT_MS / 1000} s; start one with: initlab worker --queue ${redactUrl(options.url)}` +
          (options.queueName ? ` --queue-name ${options.queueName}` : ""),
      );
    }
  }
}

/** Resolves when `signal` aborts (never without one). */
function aborted(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function finishedOutcome(
  queue: Queue<RunJobData, RunOutcome>,
  id: string,
  state: "completed" | "failed",
): Promise<RunOutcome | null> {
  const job = await queue.getJob(id);
  if (!job) return null;
  const failed = (error: string): RunOutcome => ({
    id,
    status: "failed",
    error,
    errorKind: "exception",
    record: null,
    worker: null,
  });
  if (state === "completed") {
    const o = job.returnvalue;
    const valid =
      o && typeof o === "object" && o.id === id && (o.status === "ok" || o.status === "diverged") && o.record;
    return valid ? o : failed("the job completed without a run record for this id");
  }
  return failed(job.failedReason || "failed (no reason given)");
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
