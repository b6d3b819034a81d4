import { statSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { Command } from "commander";
import { UserError } from "../../errors.js";
import { MEMORY_LIMIT_HELP, machineMemoryLimit } from "../../sweep/machine-memory.js";
import { redactUrl } from "../../sweep/queue-connection.js";
import { shortId } from "../../sweep/run-id.js";
import type { CliIO } from "../io.js";
import { parseInteger } from "../parse.js";

export function workerCommand(io: CliIO): Command {
  return new Command("worker")
    .description(
      "compute sweep runs from a Redis queue until stopped (Ctrl-C / SIGTERM: finish the runs in flight, then exit)",
    )
    .requiredOption("--queue <url>", "Redis URL, e.g. redis://HOST:6379")
    .option("--queue-name <name>", "BullMQ queue name (default initlab-runs)")
    .option(
      "--concurrency <n>",
      "runs at once, one thread each (default 1)",
      parseInteger("--concurrency", 1),
    )
    .option(
      "--lock-duration <ms>",
      "job lock; a dead worker's run is retried after at most this long (default 30000)",
      parseInteger("--lock-duration", 100),
    )
    .option(
      "--stalled-interval <ms>",
      "how often to look for runs of dead workers (default 30000)",
      parseInteger("--stalled-interval", 100),
    )
    .option(
      "--max-stalled <n>",
      "times a run may be orphaned by a dead worker before it fails (default 1)",
      parseInteger("--max-stalled", 0),
    )
    .option("--data-root <dir>", "read csv:PATH data only inside this folder (jobs naming other files fail)")
    .option("--memory-limit <size>", MEMORY_LIMIT_HELP)
    .option("--quiet", "no log lines on stderr")
    .action(async (opts) => {
      const log = (s: string) => {
        if (!opts.quiet) io.stderr(`initlab worker ${hostname()}:${process.pid}: ${s}\n`);
      };
      const { startQueueWorker } = await import("../../sweep/queue-worker.js");
      // Once the worker has stopped (or failed to start), a Redis client still reconnecting in the
      // background must not keep the process alive: end it 2 s later if it is still running.
      const endSoon = () => setTimeout(() => process.exit(), 2000).unref();
      const handle = await startQueueWorker({
        url: opts.queue,
        queueName: opts.queueName,
        concurrency: opts.concurrency ?? 1,
        lockDuration: opts.lockDuration,
        stalledInterval: opts.stalledInterval,
        maxStalledCount: opts.maxStalled,
        dataRoot: opts.dataRoot ? checkDataRoot(opts.dataRoot) : null,
        memoryLimit: opts.memoryLimit !== undefined ? machineMemoryLimit(opts.memoryLimit) : null,
        onEvent: (e) => {
          if (e.kind === "start") log(`start ${shortId(e.id)} (sweep ${e.sweep}, attempt ${e.attempt})`);
          else if (e.kind === "done") log(`done ${shortId(e.id)}: ${e.status} in ${e.seconds.toFixed(1)}s`);
          else if (e.kind === "failed")
            log(`failed ${shortId(e.id)}: ${e.error}${e.willRetry ? " (will be retried)" : ""}`);
          else log(`error: ${e.error}`);
        },
      }).catch((e: unknown) => {
        endSoon();
        throw e;
      });
      log(`taking runs from ${redactUrl(opts.queue)} (${opts.concurrency ?? 1} at once); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) {
            log("second signal: stopping now; the runs in flight will be retried by another worker");
            handle.close(true).finally(resolve);
            return;
          }
          stopping = true;
          log(
            handle.redisDown()
              ? "stopping now: Redis is unreachable, the runs in flight will be retried by another worker"
              : "stopping: finishing the runs in flight (signal again to stop at once)",
          );
          handle.close(false).finally(() => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            resolve();
          });
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      log("stopped");
      endSoon();
    });
}

/** --data-root must be an existing folder; returns its absolute path. */
function checkDataRoot(dir: string): string {
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (e) {
    throw new UserError(`--data-root ${abs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!isDir) throw new UserError(`--data-root ${abs}: not a folder`);
  return abs;
}
