/** The terminal summary of an experiment: verdict, checks with their numbers, key numbers, report path. */

import { fmt } from "./format.js";
import type { ExperimentReport } from "./report-types.js";

export function terminalSummary(r: ExperimentReport, reportPath: string | null): string {
  const v = r.result.verdict;
  const lines = [
    `${r.order}. ${r.title} [${r.name}, ${r.size}, seeds ${r.seeds.join(",")}, ${fmt(r.seconds, 3)} s]`,
    `   verdict: ${v.status.toUpperCase()}: ${v.summary}`,
  ];
  for (const c of v.checks)
    lines.push(`   ${{ pass: "pass", fail: "FAIL", undecided: "open" }[c.status]}  ${c.label}: ${c.text}`);
  if (r.result.numbers.length) {
    const nums = r.result.numbers.map(
      (n) =>
        `${n.label} ${typeof n.value === "number" ? fmt(n.value) : (n.value ?? "-")}${n.unit ? ` ${n.unit}` : ""}${n.interval ? ` [${fmt(n.interval[0])}, ${fmt(n.interval[1])}]` : ""}`,
    );
    lines.push(`   numbers: ${nums.join("; ")}`);
  }
  if (reportPath) lines.push(`   report: ${reportPath}`);
  return `${lines.join("\n")}\n`;
}

/** One line per experiment for `run all`. */
export function terminalTable(reports: ExperimentReport[]): string {
  const w = Math.max(...reports.map((r) => r.name.length), 10);
  const rows = reports.map(
    (r) =>
      `${String(r.order).padStart(2)}  ${r.name.padEnd(w)}  ${r.result.verdict.status.padEnd(12)}  ${fmt(r.seconds, 3).padStart(6)} s`,
  );
  return `${rows.join("\n")}\n`;
}
