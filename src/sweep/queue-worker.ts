import { UnrecoverableError, Worker } from "bullmq";
import type { RunOutcome } from "./execute-run.js";
import { createRunPool } from "./local-pool.js";
import { connectOrThrow, DEFAULT_QUEUE_NAME, redisOptions } from "./queue-connection.js";
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
  /** Read csv:PATH data only inside this folder (--data-root); null: anywhere. */
  dataRoot?: string | null;
  /** Job lifecycle, for logs. */
  onEvent?(event: WorkerEvent): void;
}

export type WorkerEvent =
  | { kind: "start"; id: string; sweep: string; attempt: number }
  | { kind: "done"; id: string; status: RunOutcome["status"]; seconds: number }
  | { kind: "failed"; id: string; error: string; willRetry: boolean }
  | { kind: "error"; error: string };

export interface QueueWorkerHandle {
  /** Stops taking jobs; waits for the runs in flight unless `force` (then they are retried elsewhere). */
  close(force?: boolean): Promise<void>;
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
  worker.on("error", (err) => emit({ kind: "error", error: err.message }));
  try {
    await connectOrThrow(worker.waitUntilReady(), options.url);
  } catch (e) {
    await worker.close(true).catch(() => undefined);
    await pool.destroy();
    throw e;
  }
  worker.run().catch((e: Error) => emit({ kind: "error", error: e.message }));
  return {
    async close(force = false) {
      await worker.close(force);
      await pool.destroy();
    },
  };
}
