import { Command } from "commander";
import { UserError } from "../../errors.js";
import { formatSignificant } from "../../math/format-number.js";
import { toCsv } from "../../report/csv.js";
import { openRunStore, RUN_STATUSES, type RunStatus, type RunStore, runsHome } from "../../store/index.js";
import { compareRuns, comparisonChart, parseBy, parseMetric } from "../../sweep/compare.js";
import { exportTable } from "../../sweep/export-rows.js";
import { formatValue } from "../../sweep/format-value.js";
import { shortId } from "../../sweep/run-id.js";
import { formatBars } from "../../sweep/text-bars.js";
import { formatTable } from "../../sweep/text-table.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { type CliIO, printJson } from "../io.js";
import { parseChoice, parseInteger } from "../parse.js";

/** `initlab runs list | show | compare | export | sweeps`: read the run store. */
export function runsCommand(io: CliIO): Command {
  const cmd = new Command("runs").description("list, show, compare and export stored runs");
  const home = (c: Command) => c.option("--home <dir>", "runs folder (default $INITLAB_HOME or ./runs)");
  cmd.addCommand(
    home(new Command("list"))
      .description("one line per stored run")
      .option("--sweep <name>", "only the runs of this sweep (in plan order)")
      .option("--status <status>", `only ${RUN_STATUSES.join(" | ")}`, parseChoice("--status", RUN_STATUSES))
      .option("--limit <n>", "at most N runs", parseInteger("--limit", 1))
      .option("--json", "print the runs as one JSON array (one object per run, with its id)")
      .action((opts) => withStore(opts.home, (s) => listRuns(io, s, opts))),
  );
  cmd.addCommand(
    home(new Command("show"))
      .description("one run in full: config, metrics per epoch, final numbers, error")
      .argument("<id>", "run id or a unique prefix of it")
      .option("--json", "print the stored run (with its record) as one JSON document")
      .action((id: string, opts) => withStore(opts.home, (s) => showRun(io, s, id, Boolean(opts.json)))),
  );
  cmd.addCommand(
    home(new Command("compare"))
      .description("a metric across the values of some config keys: table and bar chart")
      .requiredOption("--sweep <name>", "the sweep whose runs to compare")
      .option(
        "--by <keys>",
        "config keys to group by, e.g. init,activation (default: the sweep's axes except seed)",
      )
      .option("--metric <path>", "final.testAccuracy | final.testLoss | ... (default final.testAccuracy)")
      .option("--svg <file>", "also draw the chart as SVG")
      .option("--json", "print the comparison as one JSON document")
      .action((opts) => withStore(opts.home, (s) => compare(io, s, opts))),
  );
  cmd.addCommand(
    home(new Command("export"))
      .description("every run's config and final metrics as CSV, or full records as JSON")
      .option("--sweep <name>", "only the runs of this sweep")
      .option("--format <fmt>", "csv | json (default csv)", parseChoice("--format", ["csv", "json"] as const))
      .option("--out <file>", "write to this file instead of stdout")
      .action((opts) => withStore(opts.home, (s) => exportRuns(io, s, opts))),
  );
  cmd.addCommand(
    home(new Command("sweeps"))
      .description("the sweeps in the store, with their counts")
      .option("--json", "print the sweeps as one JSON array")
      .action((opts) =>
        withStore(opts.home, (s) => {
          const list = s.listSweeps();
          if (opts.json) return printJson(io, list);
          io.stdout(
            formatTable(
              ["sweep", "planned", "ok", "diverged", "failed", "missing", "updated"],
              list.map((w) => [
                w.name,
                w.planned,
                w.ok,
                w.diverged,
                w.failed,
                w.planned - w.ok - w.diverged - w.failed,
                w.updatedAt,
              ]),
            ),
          );
        }),
      ),
  );
  return cmd;
}

async function withStore(
  homeOpt: string | undefined,
  fn: (s: RunStore) => void | Promise<void>,
): Promise<void> {
  const store = openRunStore(runsHome(homeOpt), { readonly: true });
  try {
    await fn(store);
  } finally {
    store.close();
  }
}

function requireSweep(store: RunStore, name: string) {
  const sweep = store.getSweep(name);
  if (!sweep) {
    const names = store.listSweeps().map((s) => s.name);
    throw new UserError(
      `--sweep: no sweep "${name}" in ${store.location}; valid: ${names.length ? names.join(", ") : "(none yet)"}`,
    );
  }
  return sweep;
}

function listRuns(
  io: CliIO,
  store: RunStore,
  opts: { sweep?: string; status?: RunStatus; limit?: number; json?: boolean },
) {
  const sweep = opts.sweep !== undefined ? requireSweep(store, opts.sweep) : null;
  const runs = store.listRuns({ sweep: opts.sweep, status: opts.status, limit: opts.limit });
  if (opts.json) return printJson(io, runs);
  const axisKeys = sweep
    ? [...new Set(sweep.runs.flatMap((r) => Object.keys(r.axes)))]
    : ["data", "init", "activation", "seed"];
  io.stdout(
    formatTable(
      ["id", "status", ...axisKeys, "test acc", "test loss", "steps", "seconds"],
      runs.map((r) => [
        shortId(r.id),
        r.status,
        ...axisKeys.map((k) => formatValue((r.config as unknown as Record<string, unknown>)[k])),
        r.final ? formatSignificant(r.final.testAccuracy) : null,
        r.final?.testLoss != null ? formatSignificant(r.final.testLoss) : null,
        r.final?.steps ?? null,
        r.final ? Number(r.final.totalSeconds.toFixed(2)) : null,
      ]),
    ),
  );
  if (sweep) {
    const missing = sweep.runs.length - store.listRuns({ sweep: sweep.name }).length;
    io.stderr(
      `${runs.length} runs listed; sweep ${sweep.name} plans ${sweep.runs.length}, ${missing} not stored yet\n`,
    );
  }
}

function showRun(io: CliIO, store: RunStore, idText: string, json: boolean) {
  const ids = store.findIds(idText, 11);
  if (ids.length === 0)
    throw new UserError(`no run with id "${idText}" in ${store.location} (see: initlab runs list)`);
  if (ids.length > 1) {
    throw new UserError(
      `run id "${idText}" is ambiguous: ${ids.slice(0, 10).map(shortId).join(", ")}${ids.length > 10 ? ", ..." : ""}`,
    );
  }
  const run = store.getRun(ids[0])!;
  if (json) return printJson(io, run);
  const lines = [
    `run ${run.id}`,
    `status:  ${run.status}${run.error ? `: ${run.error}` : ""}`,
    `sweeps:  ${run.sweeps.join(", ") || "-"}`,
    `stored:  ${run.storedAt} by ${run.worker ?? "?"}${run.failedAttempts ? ` after ${run.failedAttempts} failed attempt(s)` : ""}`,
    "config:",
    ...Object.entries(run.config).map(([k, v]) => `  ${k}: ${formatValue(v)}`),
  ];
  io.stdout(`${lines.join("\n")}\n`);
  const rec = run.record;
  if (!rec) return;
  io.stdout(
    formatTable(
      ["epoch", "train loss", "test loss", "test acc", "seconds"],
      rec.epochs.map((e) => [e.epoch, e.trainLoss, e.testLoss, e.testAccuracy, Number(e.seconds.toFixed(3))]),
    ),
  );
  const f = rec.final;
  io.stdout(
    `final: ${f.testR2 !== undefined ? `test R^2 ${f.testR2 ?? "NaN"}` : `test accuracy ${f.testAccuracy}`}, test loss ${f.testLoss ?? "NaN"}, train loss ${f.trainLoss ?? "NaN"}, ` +
      `${f.steps} steps${f.diverged ? `, diverged at step ${f.divergedAtStep}` : ""}, ` +
      `${Math.round(f.samplesPerSecond)} samples/s, ${f.totalSeconds.toFixed(2)} s (${rec.meta.backend}, initlab ${rec.meta.initlab})\n`,
  );
  if (rec.probes.length || rec.findings.length)
    io.stdout(`${rec.probes.length} probe snapshots, ${rec.findings.length} verdicts\n`);
}

async function compare(
  io: CliIO,
  store: RunStore,
  opts: { sweep: string; by?: string; metric?: string; svg?: string; json?: boolean },
) {
  const sweep = requireSweep(store, opts.sweep);
  const metric = parseMetric(opts.metric ?? "final.testAccuracy");
  const axes = [...new Set(sweep.runs.flatMap((r) => Object.keys(r.axes)))].filter((k) => k !== "seed");
  const by = parseBy(opts.by ?? (axes.join(",") || "init"));
  const runs = store.listRuns({ sweep: sweep.name });
  if (runs.length === 0) throw new UserError(`sweep ${sweep.name} has no stored runs yet`);
  const c = compareRuns(runs, by, metric);
  if (opts.svg) {
    const { renderChartSvg } = await import("../../report/render-chart.js");
    writeFileAtomic(
      opts.svg,
      renderChartSvg(comparisonChart(c, `${sweep.name}: ${metric} by ${by.join(", ")}`)),
    );
  }
  if (opts.json) return printJson(io, { sweep: sweep.name, ...c });
  const f = (x: number | null) => (x === null ? null : formatSignificant(x));
  io.stdout(
    formatTable(
      [...by, "n", "mean", "std", "min", "max", "diverged", "failed"],
      c.rows.map((r) => [
        ...by.map((k) => formatValue(r.key[k])),
        r.n,
        f(r.mean),
        f(r.std),
        f(r.min),
        f(r.max),
        r.diverged,
        r.failed,
      ]),
    ),
  );
  io.stdout(`\n${metric} (mean over ${runs.length} runs)\n`);
  io.stdout(
    formatBars(
      c.rows.map((r) => ({
        label: r.label,
        value: r.mean,
        note: r.std !== null ? `± ${formatSignificant(r.std)}` : "",
      })),
    ),
  );
  if (opts.svg) io.stderr(`chart written to ${opts.svg}\n`);
}

function exportRuns(
  io: CliIO,
  store: RunStore,
  opts: { sweep?: string; format?: "csv" | "json"; out?: string },
) {
  if (opts.sweep !== undefined) requireSweep(store, opts.sweep);
  const runs = store.listRuns({ sweep: opts.sweep });
  let text: string;
  if ((opts.format ?? "csv") === "csv") {
    const t = exportTable(runs, opts.sweep ?? null);
    text = toCsv(t.columns, t.rows);
  } else {
    const full = runs.map((r) => ({ ...store.getRun(r.id), axes: r.axes }));
    text = `${JSON.stringify(full, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`;
  }
  if (opts.out) {
    writeFileAtomic(opts.out, text);
    io.stderr(`${runs.length} runs written to ${opts.out}\n`);
  } else io.stdout(text);
}
