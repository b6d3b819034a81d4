/** The index page of `experiment run all`: one row per experiment with its verdict and a link. */

import { fmt } from "./format.js";
import { esc } from "./html-escape.js";
import { VERDICT_CLASS } from "./html-report.js";
import { REPORT_CSS } from "./report-style.js";
import type { ExperimentReport } from "./report-types.js";
import { seedsDescription } from "./results-table.js";

export function indexHtml(reports: ExperimentReport[], totalSeconds: number): string {
  const count = (s: string) => reports.filter((r) => r.result.verdict.status === s).length;
  const rows = reports
    .map(
      (r) =>
        `<tr><td class="num">${r.order}</td><td><a href="${esc(r.name)}/index.html">${esc(r.title)}</a><br><code>${esc(r.name)}</code></td>` +
        `<td><span class="badge ${VERDICT_CLASS[r.result.verdict.status]}">${r.result.verdict.status}</span></td><td class="num">${r.seeds.length}</td>` +
        `<td>${esc(r.result.verdict.summary)}</td><td class="num">${fmt(r.seconds, 3)} s</td></tr>`,
    )
    .join("\n");
  const first = reports[0];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>initlab experiments</title><style>${REPORT_CSS}</style></head>
<body><main>
<h1>initlab experiments</h1>
<p class="sub">${count("confirmed")} of ${reports.length} claims confirmed, ${count("refuted")} refuted, ${count("inconclusive")} inconclusive · ${first ? `${esc(first.size)} size · ${esc(seedsDescription(reports))} · ${esc(first.backend)} backend · ` : ""}${fmt(totalSeconds, 3)} s in total</p>
<table><tr><th>#</th><th>experiment</th><th>verdict</th><th>seeds</th><th>summary</th><th>time</th></tr>
${rows}
</table>
<p class="files"><a href="summary.json">summary.json</a></p>
</main></body></html>
`;
}
