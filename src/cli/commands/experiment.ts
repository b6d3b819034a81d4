import { Command } from "commander";
import { UserError } from "../../errors.js";
import { ConsoleProgress } from "../../experiments/console-progress.js";
import { type ExperimentReport, executeExperiment } from "../../experiments/execute.js";
import { EXPERIMENTS, selectExperiments } from "../../experiments/registry.js";
import { ExperimentAborted } from "../../experiments/types.js";
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
      }));
      if (opts.json) return printJson(io, list);
      for (const e of list) {
        io.stdout(`${String(e.order).padStart(2)}. ${e.name.padEnd(16)} ${e.title}\n`);
        io.stdout(
          `      claim:  ${e.claim}\n      source: ${e.source}\n      quick:  ${e.sizes.quick}\n      full:   ${e.sizes.full}\n`,
        );
      }
      io.stdout(
        `\nrun one: initlab experiment run <name> [--quick] [--seed N] [--out DIR]; all: initlab experiment run all\n`,
      );
    });

  cmd
    .command("run")
    .description("run an experiment (or a comma-separated list, or all) and write its HTML report")
    .argument("<name>", `experiment name, a comma-separated list, or "all"`)
    .option("--quick", "the small size (minutes; what the tests run) instead of the full size")
    .option("--seed <n>", "random seed", parseInteger("--seed", 0), 1)
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
      const { terminalSummary, terminalTable, writeExperimentReport, writeIndex } = await import(
        "../../report/index.js"
      );
      const selected = selectExperiments(name);
      const backend = await chooseBackend(opts.backend, opts.threads ?? null, io);
      // No SIGINT handler: training runs synchronously, so a handler would only run between runs.
      // Ctrl-C ends the process at once; a report folder is renamed into place only when complete.
      const root = new ConsoleProgress((t) => io.stderr(t), io.isTTY, "", Boolean(opts.quiet));
      const reports: ExperimentReport[] = [];
      const paths: string[] = [];
      const t0 = performance.now();
      try {
        for (const exp of selected) {
          const progress = root.begin(exp.name);
          let report: ExperimentReport;
          try {
            report = await executeExperiment(exp, {
              quick: Boolean(opts.quick),
              seed: opts.seed,
              progress,
              backend,
            });
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
          const index = writeIndex(opts.out, reports, (performance.now() - t0) / 1000);
          if (!opts.json) io.stdout(`\n${terminalTable(reports)}index: ${index}\n`);
        }
        if (opts.json) {
          printJson(io, {
            experiments: reports.map((r, i) => ({
              name: r.name,
              confirmed: r.result.verdict.confirmed,
              summary: r.result.verdict.summary,
              checks: r.result.verdict.checks,
              numbers: r.result.numbers,
              size: r.size,
              seed: r.seed,
              seconds: r.seconds,
              report: paths[i],
            })),
          });
        }
      } finally {
        backend.dispose();
      }
    });
  return cmd;
}
