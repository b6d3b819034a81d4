import { UnrecoverableError, Worker } from "bullmq";
import type { MemoryLimit } from "../train/resources.js";
import type { RunOutcome } from "./execute-run.js";
import { createRunPool } from "./local-pool.js";
import { connectOrThrow, DEFAULT_QUEUE_NAME, isConnectionError, redisOptions } from "./queue-connection.js";
import type { RunJobData } from "./queue-sweep.js";

export interface QueueWorkerOptions {
  url: string;
  queueName?: string;
  /** Runs at once (worker threads); default 1. */
  concurrency?: number;
  /**
   * A running job's lock lasts this long (ms) and is renewed every half of it while the run goes
   * on; when a worker dies, its job is free again after at most this long. BullMQ default 30000.
   */
  lockDuration?: number;
  /** How often (ms) this worker looks for jobs whose lock expired and requeues them. Default 30000. */
  stalledInterval?: number;
  /** How many times a job may be found stalled before it fails. Default 1. */
  maxStalledCount?: number;
  /** How long to wait for the first connection to Redis (ms, default 30000). */
  connectTimeoutMs?: number;
  /** Read csv:PATH data only inside this folder (--data-root); null: anywhere. */
  dataRoot?: string | null;
  /** --memory-limit: runs estimated above it fail as bad input; null: INITLAB_MAX_MEMORY or half the machine's memory. */
  memoryLimit?: MemoryLimit | null;
  /** Job lifecycle, for logs. */
  onEvent?(event: WorkerEvent): void;
}

export type WorkerEvent =
  | { kind: "start"; id: string; sweep: string; attempt: number }
  | { kind: "done"; id: string; status: RunOutcome["status"]; seconds: number }
  | { kind: "failed"; id: string; error: string; willRetry: boolean }
  | { kind: "error"; error: string };

export interface QueueWorkerHandle {
  /**
   * Stops taking jobs; waits for the runs in flight unless `force` (then they are retried
   * elsewhere). While Redis is unreachable nothing can be handed back, so it stops as if forced,
   * within about 2 s.
   */
  close(force?: boolean): Promise<void>;
  /** True while the connection to Redis is down. */
  redisDown(): boolean;
}

/**
 * Takes runs from the queue and computes them on a pool of worker threads (`concurrency` runs
 * at once, one thread each). The runs never block this thread, so it keeps renewing the job
 * locks; a run that fails with a bad config fails its job at once, any other error lets BullMQ
 * try again (up to the job's attempts). Returns once connected.
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const pool = createRunPool(concurrency);
  const emit = options.onEvent ?? (() => undefined);
  const worker = new Worker<RunJobData, RunOutcome>(
    options.queueName ?? DEFAULT_QUEUE_NAME,
    async (job) => {
      const t0 = performance.now();
      emit({
        kind: "start",
        id: String(job.data?.id),
        sweep: String(job.data?.sweep),
        attempt: job.attemptsMade + 1,
      });
      const outcome = await pool.run({
        id: String(job.data?.id),
        config: job.data?.config,
        dataRoot: options.dataRoot ?? null,
        memoryLimit: options.memoryLimit ?? null,
      });
      if (outcome.status === "failed") {
        const msg = outcome.error ?? "failed";
        throw outcome.errorKind === "user" ? new UnrecoverableError(msg) : new Error(msg);
      }
      emit({
        kind: "done",
        id: String(job.data.id),
        status: outcome.status,
        seconds: (performance.now() - t0) / 1000,
      });
      return outcome;
    },
    {
      connection: redisOptions(options.url, true),
      concurrency,
      autorun: false,
      ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
      ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
    },
  );
  worker.on("failed", (job, err) => {
    if (!job) return;
    const willRetry = !(err instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    emit({ kind: "failed", id: job.id ?? "?", error: err.message, willRetry });
  });
  let down = false;
  let lastError = "";
  worker.on("error", (err) => {
    if (isConnectionError(err)) {
      // One line per outage, not one per reconnection attempt.
      if (!down) emit({ kind: "error", error: `Redis unreachable (${err.message}); retrying every second` });
      down = true;
    } else if (err.message !== lastError) emit({ kind: "error", error: err.message });
    lastError = err.message;
  });
  const stopNow = async () => {
    await Promise.race([worker.close(true).catch(() => undefined), delay(1500)]);
    await Promise.race([worker.disconnect().catch(() => undefined), delay(500)]);
    await pool.destroy();
  };
  try {
    await connectOrThrow(worker.waitUntilReady(), options.url, worker, options.connectTimeoutMs);
  } catch (e) {
    await stopNow();
    throw e;
  }
  worker.run().catch((e: Error) => emit({ kind: "error", error: e.message }));
  void worker.client.then((c) =>
    c.on("ready", () => {
      if (down) emit({ kind: "error", error: "Redis is back" });
      down = false;
    }),
  );
  return {
    async close(force = false) {
      if (force || down) return stopNow();
      await worker.close(false);
      await pool.destroy();
    },
    redisDown: () => down,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
