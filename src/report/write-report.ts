/**
 * Writes report folders. Everything is rendered in memory first; the files then go into a
 * hidden temporary folder beside the target, which is renamed into place at the end, so an
 * interrupted run (Ctrl-C ends the process at once) never leaves a half-written report: an older
 * report of the same experiment stays until the new one is complete, and the hidden leftovers of a
 * killed writer are removed by the next write.
 *
 *   <out>/<experiment>/index.html          the report, charts inline as SVG
 *   <out>/<experiment>/result.json         the ExperimentReport (every number of the page)
 *   <out>/<experiment>/charts/<id>.svg|png each chart (PNG at 2x, for slides and issues)
 *   <out>/<experiment>/data/<id>.csv       each chart's data; table-<id>.csv, series-<id>.csv
 *   <out>/index.html, <out>/summary.json   for `experiment run all`
 */
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { chartCsv, toCsv } from "./csv.js";
import { experimentHtml, type RenderedChart } from "./html-report.js";
import { indexHtml } from "./index-page.js";
import { renderChartSvg, svgToPng } from "./render-chart.js";
import type { ExperimentReport } from "./report-types.js";
import { machineDescription, type RunDescription, resultsMarkdown } from "./results-table.js";

/** JSON with non-finite numbers as null. */
export function toJson(doc: unknown): string {
  return `${JSON.stringify(doc, jsonNumber, 2)}\n`;
}

/**
 * A JSON replacer that keeps non-finite numbers: +Infinity (a run that never reached a criterion)
 * is a measured value, written as the string "Infinity" (and "-Infinity", "NaN"), never null.
 */
export function jsonNumber(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
}

/** Every file of one experiment's report folder, path (relative to the folder) -> content. */
export function renderExperimentFiles(
  report: ExperimentReport,
  options: { png?: boolean } = {},
): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>();
  const rendered: RenderedChart[] = [];
  const seen = new Set<string>();
  for (const spec of report.result.charts) {
    if (seen.has(spec.id)) throw new Error(`experiment ${report.name}: two charts have the id "${spec.id}"`);
    seen.add(spec.id);
    const svg = renderChartSvg(spec);
    const c: RenderedChart = {
      id: spec.id,
      title: spec.title,
      caption: spec.caption,
      svg,
      png: `charts/${spec.id}.png`,
      csv: `data/${spec.id}.csv`,
    };
    rendered.push(c);
    files.set(`charts/${spec.id}.svg`, svg);
    if (options.png !== false) files.set(c.png, svgToPng(svg));
    files.set(c.csv, chartCsv(spec));
  }
  for (const t of report.result.tables) files.set(`data/table-${t.id}.csv`, toCsv(t.columns, t.rows));
  for (const s of report.result.series) files.set(`data/series-${s.id}.csv`, toCsv(s.columns, s.rows));
  files.set("result.json", toJson(report));
  files.set("index.html", experimentHtml(report, rendered));
  return files;
}

/** Writes a whole folder atomically (see the file doc); returns the folder path. */
export function writeFolderAtomic(folder: string, files: Map<string, string | Uint8Array>): string {
  const parent = dirname(folder);
  const base = folder.slice(parent.length + 1);
  // Leftovers of a process that was killed while writing this folder are removed first.
  if (existsSync(parent)) {
    for (const f of readdirSync(parent)) {
      if (f.startsWith(`.${base}.partial-`) || f.startsWith(`.${base}.old-`))
        rmSync(join(parent, f), { recursive: true, force: true });
    }
  }
  const tmp = join(parent, `.${base}.partial-${process.pid}`);
  for (const [rel, content] of files) writeFileAtomic(join(tmp, rel), content);
  const old = join(parent, `.${base}.old-${process.pid}`);
  if (existsSync(folder)) renameSync(folder, old);
  renameSync(tmp, folder);
  rmSync(old, { recursive: true, force: true });
  return folder;
}

/** Renders and writes one experiment's report folder `<out>/<name>`; returns the path of its index.html. */
export function writeExperimentReport(
  out: string,
  report: ExperimentReport,
  options: { png?: boolean } = {},
): string {
  const folder = writeFolderAtomic(join(out, report.name), renderExperimentFiles(report, options));
  return join(folder, "index.html");
}

/** The index page and summary.json of `experiment run all`; returns the index path. */
export function writeIndex(
  out: string,
  reports: ExperimentReport[],
  totalSeconds: number,
  run: RunDescription = { command: "initlab experiment run", machine: machineDescription() },
): string {
  const summary = reports.map((r) => ({
    name: r.name,
    title: r.title,
    verdict: r.result.verdict.status,
    confirmed: r.result.verdict.confirmed,
    summary: r.result.verdict.summary,
    seconds: r.seconds,
    size: r.size,
    seed: r.seed,
    seeds: r.seeds,
    report: `${r.name}/index.html`,
  }));
  writeFileAtomic(join(out, "summary.json"), toJson({ totalSeconds, experiments: summary }));
  const path = join(out, "index.html");
  writeFileAtomic(path, indexHtml(reports, totalSeconds));
  writeFileAtomic(join(out, "results.md"), resultsMarkdown(reports, totalSeconds, run));
  return path;
}
