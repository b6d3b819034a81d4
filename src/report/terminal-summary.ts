/** The terminal summary of an experiment: verdict, checks with their numbers, key numbers, report path. */
import type { ExperimentReport } from "../experiments/execute.js";
import { formatSignificant as fmt } from "../math/format-number.js";

export function terminalSummary(r: ExperimentReport, reportPath: string | null): string {
  const v = r.result.verdict;
  const lines = [
    `${r.order}. ${r.title} [${r.name}, ${r.size}, seed ${r.seed}, ${fmt(r.seconds, 3)} s]`,
    `   verdict: ${v.confirmed ? "CONFIRMED" : "NOT CONFIRMED"}: ${v.summary}`,
  ];
  for (const c of v.checks) lines.push(`   ${c.pass ? "pass" : "FAIL"}  ${c.label}: ${c.text}`);
  if (r.result.numbers.length) {
    const nums = r.result.numbers.map(
      (n) =>
        `${n.label} ${typeof n.value === "number" ? fmt(n.value) : (n.value ?? "-")}${n.unit ? ` ${n.unit}` : ""}`,
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
      `${String(r.order).padStart(2)}  ${r.name.padEnd(w)}  ${(r.result.verdict.confirmed ? "confirmed" : "NOT confirmed").padEnd(13)}  ${fmt(r.seconds, 3).padStart(6)} s`,
  );
  return `${rows.join("\n")}\n`;
}
