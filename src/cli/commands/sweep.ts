import { Command } from "commander";
import { ProgressLine } from "../../report/progress-line.js";
import { openRunStore, runsHome } from "../../store/index.js";
import { defaultPoolSize } from "../../sweep/local-pool.js";
import { redactUrl } from "../../sweep/queue-connection.js";
import { shortId } from "../../sweep/run-id.js";
import { runSweep, type SweepReport } from "../../sweep/run-sweep.js";
import { readSweepFile, type SweepSpec } from "../../sweep/sweep-file.js";
import { describeAxes, planSweep } from "../../sweep/sweep-plan.js";
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
    .option("--home <dir>", "runs folder (default $INITLAB_HOME or ./runs)")
    .option("--dry-run", "validate and list the runs without running them")
    .option("--json", "print a summary (one JSON document) on stdout")
    .option("--quiet", "no progress on stderr")
    .action(async (file: string, opts) => {
      const spec = readSweepFile(file);
      const home = runsHome(opts.home);
      if (opts.dryRun) return dryRun(io, spec, opts.json);
      const store = openRunStore(home);
      const progress = new ProgressLine((t) => io.stderr(t), io.isTTY, Boolean(opts.quiet));
      const workers = opts.workers ?? defaultPoolSize();
      const interrupt = interruptSignal();
      let report: SweepReport;
      try {
        report = await runSweep(spec, store, {
          source: file,
          resume: Boolean(opts.resume),
          workers,
          queue: opts.queue ? { url: opts.queue, name: opts.queueName, attempts: opts.attempts } : undefined,
          signal: interrupt.signal,
          onPlan: ({ plan, stored, toRun }) => {
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
      progress.log(
        `sweep ${report.name} done: ${report.ok} ok, ${report.diverged} diverged, ${report.failed} failed ` +
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
    });
}

function line(p: { running: number; ok: number; diverged: number; failed: number }): string {
  return `running ${p.running}, ok ${p.ok}, diverged ${p.diverged}, failed ${p.failed}`;
}

function dryRun(io: CliIO, spec: SweepSpec, json: boolean): void {
  const plan = planSweep(spec);
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
