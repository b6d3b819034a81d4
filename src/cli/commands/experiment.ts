import { loadavg } from "node:os";
import { Command } from "commander";
import { UserError } from "../../errors.js";
import { ConsoleProgress } from "../../experiments/console-progress.js";
import {
  defaultSeedCount,
  executeExperiment,
  experimentSeeds,
  MAX_SEEDS,
  type SeedRunner,
} from "../../experiments/harness/execute.js";
import { ExperimentAborted } from "../../experiments/harness/types.js";
import { EXPERIMENTS, selectExperiments } from "../../experiments/registry.js";
import type { ExperimentReport } from "../../report/report-types.js";
import { defaultPoolSize } from "../../sweep/local-pool.js";
import { chooseBackend } from "../backend-choice.js";
import { type CliIO, printJson } from "../io.js";
import { parseChoice, parseInteger } from "../parse.js";

/** `initlab experiment list | run <name|all>`: the notes' claims and the papers, with verdicts and reports. */
export function experimentCommand(io: CliIO): Command {
  const cmd = new Command("experiment").description(
    "named experiments: a claim, runs, a verdict, an HTML report",
  );

  cmd
    .command("list")
    .description("every experiment with its claim, source and sizes")
    .option("--json", "print one JSON document")
    .action((opts) => {
      const list = EXPERIMENTS.map((e) => ({
        name: e.name,
        order: e.order,
        title: e.title,
        claim: e.claim,
        source: e.source,
        method: e.method,
        rule: e.rule,
        sizes: e.sizes,
        seeds: { quick: defaultSeedCount(true, e), full: defaultSeedCount(false, e) },
      }));
      if (opts.json) return printJson(io, list);
      for (const e of list) {
        io.stdout(`${String(e.order).padStart(2)}. ${e.name.padEnd(16)} ${e.title}\n`);
        io.stdout(
          `      claim:  ${e.claim}\n      source: ${e.source}\n      quick:  ${e.sizes.quick}; ${e.seeds.quick} seeds\n      full:   ${e.sizes.full}; ${e.seeds.full} seeds\n`,
        );
      }
      io.stdout(
        `\nrun one: initlab experiment run <name> [--quick] [--seed N] [--seeds N] [--out DIR]; all: initlab experiment run all\n`,
      );
    });

  cmd
    .command("run")
    .description("run an experiment (or a comma-separated list, or all) and write its HTML report")
    .argument("<name>", `experiment name, a comma-separated list, or "all"`)
    .option("--quick", "the small size (minutes; what the tests run) instead of the full size")
    .option("--seed <n>", "base seed: the seeds of the runs derive from it", parseInteger("--seed", 0), 1)
    .option(
      "--seeds <n>",
      "seeds per experiment (default: each experiment's own, at least 3 with --quick and 5 at full size; see experiment list); every check is a mean over them with a 95% interval",
      parseInteger("--seeds", 1, MAX_SEEDS),
    )
    .option(
      "--jobs <n>",
      "seeds computed in parallel, one per worker thread (default: one per core; 1: in this process with --threads)",
      parseInteger("--jobs", 1),
    )
    .option("--out <dir>", "folder for the reports", "reports")
    .option("--no-png", "skip the PNG copy of each chart")
    .option(
      "--backend <name>",
      "auto | ts | wasm | native",
      parseChoice("--backend", ["auto", "ts", "wasm", "native"]),
      "auto",
    )
    .option("--threads <n>", "threads per run (default: all cores)", parseInteger("--threads", 1))
    .option("--json", "print one JSON document with the verdicts on stdout")
    .option("--quiet", "no progress on stderr")
    .action(async (name: string, opts) => {
      // Loaded here, not at start-up: the report module brings ECharts and resvg (seconds to load).
      const {
        machineDescription,
        terminalSummary,
        terminalTable,
        toJson,
        writeExperimentReport,
        writeIndex,
      } = await import("../../report/index.js");
      const selected = selectExperiments(name);
      const backend = await chooseBackend(opts.backend, opts.threads ?? null, io);
      // No SIGINT handler: training runs synchronously, so a handler would only run between runs.
      // Ctrl-C ends the process at once; a report folder is renamed into place only when complete.
      const root = new ConsoleProgress((t) => io.stderr(t), io.isTTY, "", Boolean(opts.quiet));
      const reports: ExperimentReport[] = [];
      const paths: string[] = [];
      const t0 = performance.now();
      const loadAtStart = loadavg()[0];
      const quick = Boolean(opts.quick);
      // Each experiment has its own number of seeds (more where an effect is near its threshold).
      const seedsOf = selected.map((exp) =>
        experimentSeeds(opts.seed, opts.seeds ?? defaultSeedCount(quick, exp)),
      );
      const jobs = Math.min(
        opts.jobs ?? defaultPoolSize(),
        seedsOf.reduce((n, s) => n + s.length, 0),
      );
      // Loaded only when used: the pool starts worker threads.
      const pool = jobs > 1 ? (await import("../../experiments/seed-pool.js")).createSeedPool(jobs) : null;
      try {
        // With a pool every seed of every experiment is queued at once (the cores stay busy);
        // the reports are written in order as each experiment's seeds finish.
        const pending = selected.map((exp, i) => {
          if (!pool) return null;
          const seeds = seedsOf[i];
          const poolRun = pool.runner(quick, backend.name);
          let done = 0;
          const runner: SeedRunner = async (e, seed) => {
            const r = await poolRun(e, seed);
            root.log(`${e.name}: seed ${seed} done (${++done}/${seeds.length})`);
            return r;
          };
          const p = executeExperiment(
            exp,
            { quick, seed: opts.seed, progress: root, backend },
            seeds,
            runner,
          );
          p.catch(() => {});
          return p;
        });
        for (const [i, exp] of selected.entries()) {
          const progress = root.begin(exp.name);
          let report: ExperimentReport;
          try {
            report =
              (await pending[i]) ??
              (await executeExperiment(exp, { quick, seed: opts.seed, progress, backend }, seedsOf[i]));
          } catch (e) {
            progress.end();
            if (e instanceof ExperimentAborted)
              throw new UserError(`${exp.name} interrupted; no report written for it`);
            throw e;
          }
          progress.end();
          const path = writeExperimentReport(opts.out, report, { png: opts.png !== false });
          reports.push(report);
          paths.push(path);
          if (!opts.json) io.stdout(terminalSummary(report, path));
        }
        if (selected.length > 1) {
          const index = writeIndex(opts.out, reports, (performance.now() - t0) / 1000, {
            command: `initlab ${process.argv.slice(2).join(" ")}`,
            machine: `${machineDescription()}, ${jobs > 1 ? `${jobs} worker threads` : `${backend.threads} threads`}`,
            load: { start: loadAtStart, end: loadavg()[0] },
          });
          if (!opts.json) io.stdout(`\n${terminalTable(reports)}index: ${index}\n`);
        }
        if (opts.json) {
          // Not printJson: +Infinity (never reached) stays a measured value ("Infinity"), never null.
          io.stdout(
            toJson({
              experiments: reports.map((r, i) => ({
                name: r.name,
                verdict: r.result.verdict.status,
                confirmed: r.result.verdict.confirmed,
                summary: r.result.verdict.summary,
                checks: r.result.verdict.checks,
                numbers: r.result.numbers,
                size: r.size,
                seed: r.seed,
                seeds: r.seeds,
                seconds: r.seconds,
                report: paths[i],
              })),
            }),
          );
        }
      } finally {
        await pool?.close();
        backend.dispose();
      }
    });
  return cmd;
}
