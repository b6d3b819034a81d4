/**
 * CSV (RFC 4180) of tables and of every chart's data. Numbers are written at full precision,
 * non-finite numbers and nulls as empty fields.
 */
import type { ChartSpec } from "./chart-spec.js";

type Cell = number | string | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: string[], rows: Cell[][]): string {
  const lines = [columns.map(csvCell).join(",")];
  for (const r of rows) lines.push(r.map(csvCell).join(","));
  return `${lines.join("\n")}\n`;
}

/** The data of a chart in long format: one row per point (series, x, y) or cell (row, column, value). */
export function chartCsv(spec: ChartSpec): string {
  switch (spec.kind) {
    case "line":
      return toCsv(
        ["series", "role", spec.x.label, spec.y.label],
        spec.series.flatMap((s) => s.points.map(([x, y]) => [s.name, s.role ?? "measured", x, y])),
      );
    case "bar":
      return toCsv(
        ["series", spec.xLabel, spec.y.label],
        spec.series.flatMap((s) => s.values.map((v, i) => [s.name, spec.categories[i], v])),
      );
    case "heatmap": {
      const rows: Cell[][] = [];
      spec.values.forEach((row, r) => {
        row.forEach((v, c) => {
          rows.push([spec.yLabels[r], spec.xLabels[c], v]);
        });
      });
      for (const s of spec.overlay ?? [])
        for (const [x, y] of s.points) rows.push([`overlay:${s.name}`, x, y]);
      return toCsv([spec.yLabel, spec.xLabel, spec.valueLabel], rows);
    }
    case "histogram":
      return toCsv(
        ["series", "bin_low", "bin_high", "count"],
        spec.series.flatMap((s) => s.counts.map((c, i) => [s.name, spec.edges[i], spec.edges[i + 1], c])),
      );
  }
}
