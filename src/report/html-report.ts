/**
 * The self-contained HTML page of one experiment: verdict box, claim and source, the rule and
 * its checks with the measured numbers, every chart inline as SVG (with links to its PNG and
 * CSV beside the page), tables, notes and the exact configurations. No scripts, no network.
 */
import type { ExperimentReport } from "../experiments/execute.js";
import type { Check, TableSpec } from "../experiments/types.js";
import { formatSignificant as fmt } from "../math/format-number.js";
import { esc } from "./html-escape.js";
import { REPORT_CSS } from "./report-style.js";

export interface RenderedChart {
  id: string;
  title: string;
  caption?: string;
  svg: string;
  png: string;
  csv: string;
}

export function cellHtml(v: number | string | boolean | null): string {
  if (v === null) return `<td class="num">-</td>`;
  if (typeof v === "number") return `<td class="num">${esc(fmt(v))}</td>`;
  if (typeof v === "boolean") return `<td>${v ? "yes" : "no"}</td>`;
  return `<td>${esc(v)}</td>`;
}

export function tableHtml(t: Pick<TableSpec, "columns" | "rows">): string {
  const head = `<tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map(cellHtml).join("")}</tr>`).join("\n");
  return `<div class="tablewrap"><table>\n${head}\n${body}\n</table></div>`;
}

function checksHtml(checks: Check[]): string {
  const rows = checks
    .map(
      (c) =>
        `<tr><td>${esc(c.label)}</td><td class="num">${esc(c.text)}</td>` +
        `<td class="${c.pass ? "pass" : "fail"}">${c.pass ? "pass" : "fail"}</td></tr>`,
    )
    .join("\n");
  return `<table><tr><th>check</th><th>measured vs threshold</th><th></th></tr>\n${rows}\n</table>`;
}

/** Makes the ids inside an inline SVG unique in the page (ECharts SSR emits ids like zr0-c0). */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

export function verdictBox(r: ExperimentReport): string {
  const v = r.result.verdict;
  return (
    `<div class="verdict ${v.confirmed ? "ok" : "bad"}"><div class="label">` +
    `${v.confirmed ? "Confirmed" : "Not confirmed"}</div><div>${esc(v.summary)}</div></div>`
  );
}

export function experimentHtml(r: ExperimentReport, charts: RenderedChart[]): string {
  const res = r.result;
  const numbers = res.numbers
    .map(
      (n) =>
        `<div><div class="k">${esc(n.label)}</div><div class="v">${esc(typeof n.value === "number" ? fmt(n.value) : (n.value ?? "-"))}${n.unit ? ` ${esc(n.unit)}` : ""}</div></div>`,
    )
    .join("");
  const figures = charts
    .map(
      (c, i) =>
        `<figure id="chart-${esc(c.id)}">${scopeSvgIds(c.svg, `c${i}`)}<figcaption>${c.caption ? `${esc(c.caption)} ` : ""}` +
        `<a href="${esc(c.png)}">PNG</a><a href="${esc(c.csv)}">CSV</a></figcaption></figure>`,
    )
    .join("\n");
  const tables = res.tables
    .map(
      (t) =>
        `<h3 id="table-${esc(t.id)}">${esc(t.title)}</h3>${t.caption ? `<p class="sub">${esc(t.caption)}</p>` : ""}` +
        `${tableHtml(t)}<p class="files"><a href="data/table-${esc(t.id)}.csv">CSV</a></p>`,
    )
    .join("\n");
  const series = res.series
    .map((s) => `<a href="data/series-${esc(s.id)}.csv">${esc(s.id)}.csv</a>`)
    .join(" ");
  const configs = res.configurations
    .map(
      (c) =>
        `<details><summary>${esc(c.label)}</summary><pre>${esc(JSON.stringify(c.settings, null, 2))}</pre></details>`,
    )
    .join("\n");
  const notes = res.notes.length
    ? `<h2>Notes</h2><ul class="notes">${res.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)} - initlab experiment ${esc(r.name)}</title>
<style>${REPORT_CSS}</style></head>
<body><main>
<h1>${esc(r.title)}</h1>
<p class="sub">initlab experiment <code>${esc(r.name)}</code> · ${esc(r.size)} size · seed ${r.seed} · ${esc(r.backend)} backend (${r.threads} thread${r.threads === 1 ? "" : "s"}) · ${fmt(r.seconds, 3)} s · ${esc(r.startedAt)} · initlab ${esc(r.initlab)}, Node ${esc(r.node)}</p>
${verdictBox(r)}
<dl class="facts">
<dt>Claim</dt><dd>${esc(r.claim)}</dd>
<dt>Source</dt><dd>${esc(r.source)}</dd>
<dt>Method</dt><dd>${esc(r.method)}</dd>
<dt>Verdict rule</dt><dd>${esc(r.rule)}</dd>
<dt>Size</dt><dd>${esc(r.size === "quick" ? r.sizes.quick : r.sizes.full)} (${r.size}; the ${r.size === "quick" ? "full" : "quick"} size: ${esc(r.size === "quick" ? r.sizes.full : r.sizes.quick)})</dd>
</dl>
<h2>Checks</h2>
${checksHtml(res.verdict.checks)}
<h2>Key numbers</h2>
<div class="numbers">${numbers}</div>
<nav class="toc">${charts.map((c) => `<a href="#chart-${esc(c.id)}">${esc(c.title)}</a>`).join("")}</nav>
<h2>Charts</h2>
${figures}
${res.tables.length ? `<h2>Tables</h2>\n${tables}` : ""}
${notes}
<h2>Configurations</h2>
${configs}
<h2>Files</h2>
<p class="files"><a href="result.json">result.json</a> (everything above as JSON) ${series}</p>
<p class="sub">Re-run: <code>npx initlab experiment run ${esc(r.name)}${r.size === "quick" ? " --quick" : ""} --seed ${r.seed}</code></p>
</main></body></html>
`;
}
