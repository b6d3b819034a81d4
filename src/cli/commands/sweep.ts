import { Command } from "commander";
import { UserError } from "../../errors.js";
import { ProgressLine } from "../../report/progress-line.js";
import { openRunStore, runsHome } from "../../store/index.js";
import { defaultPoolSize } from "../../sweep/local-pool.js";
import { MEMORY_LIMIT_HELP, machineMemoryLimit } from "../../sweep/machine-memory.js";
import { redactUrl, redisOptions } from "../../sweep/queue-connection.js";
import { shortId } from "../../sweep/run-id.js";
import { runSweep, type SweepReport } from "../../sweep/run-sweep.js";
import { readSweepFile } from "../../sweep/sweep-file.js";
import { checkSweepFileSize, DEFAULT_MAX_SWEEP_RUNS } from "../../sweep/sweep-limits.js";
import { describeAxes, planSweep, type SweepPlan } from "../../sweep/sweep-plan.js";
import { InterruptedError, interruptSignal } from "../interrupt.js";
import { type CliIO, printJson } from "../io.js";
import { parseInteger } from "../parse.js";

export function sweepCommand(io: CliIO): Command {
  return new Command("sweep")
    .description("run every configuration of a sweep file (YAML or JSON) and store the results")
    .argument("<file>", "sweep file: name, base, grid and/or runs (docs/sweeps.md)")
    .option("--resume", "continue a sweep already in the store: run only the missing (and failed) runs")
    .option(
      "--workers <n>",
      "runs at once on this machine (default: all cores)",
      parseInteger("--workers", 1),
    )
    .option(
      "--queue <url>",
      "send the runs to workers through Redis (redis://HOST:6379) instead of running them here",
    )
    .option("--queue-name <name>", "BullMQ queue name (default initlab-runs)")
    .option(
      "--attempts <n>",
      "queue: tries per run before it counts as failed (default 2)",
      parseInteger("--attempts", 1),
    )
    .option(
      "--max-runs <n>",
      `refuse a sweep that plans more runs than this (default ${DEFAULT_MAX_SWEEP_RUNS})`,
      parseInteger("--max-runs", 1),
    )
    .option(
      "--redis-timeout <s>",
      "queue: stop with exit 2 when Redis stays unreachable this long, at the start or during the sweep (default 30)",
      parseInteger("--redis-timeout", 1),
    )
    .option("--memory-limit <size>", MEMORY_LIMIT_HELP)
    .option("--home <dir>", "runs folder (default $INITLAB_HOME or ./runs)")
    .option("--dry-run", "validate and list the runs without running them")
    .option("--json", "print a summary (one JSON document) on stdout")
    .option("--quiet", "no progress on stderr")
    .action(async (file: string, opts) => {
      // Everything about the input is checked before the store is created or touched.
      checkSweepFileSize(file);
      const memoryLimit = machineMemoryLimit(opts.memoryLimit);
      const plan = planSweep(readSweepFile(file), { maxRuns: opts.maxRuns, memoryLimit });
      if (opts.queue) redisOptions(opts.queue, false);
      const home = runsHome(opts.home);
      if (opts.dryRun) return dryRun(io, plan, opts.json);
      const store = openRunStore(home);
      const progress = new ProgressLine((t) => io.stderr(t), io.isTTY, Boolean(opts.quiet));
      const workers = opts.workers ?? defaultPoolSize();
      const interrupt = interruptSignal();
      let report: SweepReport;
      try {
        report = await runSweep(plan, store, {
          source: file,
          resume: Boolean(opts.resume),
          workers,
          memoryLimit,
          queue: opts.queue
            ? {
                url: opts.queue,
                name: opts.queueName,
                attempts: opts.attempts,
                redisTimeoutMs: opts.redisTimeout !== undefined ? opts.redisTimeout * 1000 : undefined,
              }
            : undefined,
          signal: interrupt.signal,
          onPlan: ({ stored, toRun }) => {
            const where = opts.queue
              ? `queue ${redactUrl(opts.queue)}`
              : `${Math.min(workers, toRun.length)} workers`;
            const dup = plan.duplicates ? ` (${plan.duplicates} duplicate grid points dropped)` : "";
            progress.log(
              `initlab sweep ${plan.name}: ${plan.runs.length} runs${dup}, ${stored} already stored, ` +
                `${toRun.length} to run on ${where}; store ${store.location}`,
            );
          },
          events: {
            onStart: (_run, p) => progress.update(p.done, p.total, line(p)),
            onResult: (run, o, p) => {
              if (o.status === "failed")
                progress.log(`run ${shortId(run.id)} ${describeAxes(run.axes)} failed: ${o.error}`);
              progress.update(p.done, p.total, line(p));
            },
            onElsewhere: (_run, p) => progress.update(p.done, p.total, line(p)),
            onNote: (message) => progress.log(message),
          },
        });
      } finally {
        interrupt.dispose();
        progress.end();
        store.close();
      }
      if (report.interrupted) {
        // Only a signal interrupts a sweep (a store failure throws): exit 130 (SIGINT) or 143 (SIGTERM),
        // after the cleanup above; every finished run is stored, so --resume computes only the rest.
        const signal = interrupt.received() ?? "SIGINT";
        const again = ["initlab sweep", file, "--resume"];
        if (opts.home) again.push("--home", opts.home);
        if (opts.queue) again.push("--queue", redactUrl(opts.queue));
        if (opts.queueName) again.push("--queue-name", opts.queueName);
        throw new InterruptedError(
          `sweep ${report.name} interrupted (${signal}): ${report.alreadyStored + report.done} of ${report.planned} runs stored in ${home}; ` +
            `run "${again.join(" ")}" to finish it` +
            (opts.queue ? " (the queued runs continue on the workers)" : ""),
          signal,
        );
      }
      const elsewhere = report.elsewhere ? `, ${report.elsewhere} stored meanwhile by another process` : "";
      progress.log(
        `sweep ${report.name} done: ${report.ok} ok, ${report.diverged} diverged, ${report.failed} failed${elsewhere} ` +
          `(${report.alreadyStored} of ${report.planned} were stored before). See: initlab runs list --sweep ${report.name}`,
      );
      if (opts.json) {
        const reader = openRunStore(home, { readonly: true });
        try {
          const status = new Map(reader.listRuns({ sweep: report.name }).map((r) => [r.id, r.status]));
          const runs = (reader.getSweep(report.name)?.runs ?? []).map((r) => ({
            ...r,
            status: status.get(r.id) ?? null,
          }));
          printJson(io, { ...report, home, runs });
        } finally {
          reader.close();
        }
      }
      // Not one run of the sweep has a result (every run computed failed): exit 2, as for bad input.
      const results = report.ok + report.diverged + report.alreadyStored + report.elsewhere;
      if (report.failed > 0 && results === 0) {
        throw new UserError(
          `sweep ${report.name}: all ${report.failed} runs failed; see initlab runs list --sweep ${report.name} --status failed`,
        );
      }
    });
}

function line(p: {
  running: number;
  ok: number;
  diverged: number;
  failed: number;
  elsewhere: number;
}): string {
  const other = p.elsewhere ? `, by another process ${p.elsewhere}` : "";
  return `running ${p.running}, ok ${p.ok}, diverged ${p.diverged}, failed ${p.failed}${other}`;
}

function dryRun(io: CliIO, plan: SweepPlan, json: boolean): void {
  if (json) {
    printJson(io, {
      name: plan.name,
      runs: plan.runs.map((r) => ({ id: r.id, axes: r.axes, config: r.config })),
    });
    return;
  }
  io.stdout(`sweep ${plan.name}: ${plan.runs.length} runs\n`);
  for (const r of plan.runs) io.stdout(`${shortId(r.id)}  ${describeAxes(r.axes)}\n`);
}
