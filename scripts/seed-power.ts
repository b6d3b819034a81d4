// Seeds each check needs for 95% power (src/experiments/harness/power.ts), from the per-seed values
// of pilot runs (`initlab experiment run ... --out DIR` folders; several folders pool their seeds).
// Prints a markdown table: per check that 3 seeds do not decide, the pilot mean's side and the
// seeds it needs, and per experiment its quick seed count now. This is how each experiment's `seedCounts.quick` was chosen
// (docs/experiments.md, "How many seeds").
// Usage: node --import tsx scripts/seed-power.ts DIR [DIR...] [--max N]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSeedCount } from "../src/experiments/harness/execute.js";
import { seedsForPower } from "../src/experiments/harness/power.js";
import { EXPERIMENTS } from "../src/experiments/registry.js";
import type { Check, ExperimentReport } from "../src/report/report-types.js";

const argv = process.argv.slice(2);
const maxAt = argv.indexOf("--max");
const max = maxAt >= 0 ? Number(argv[maxAt + 1]) : 300;
const dirs = argv.filter((a, i) => !a.startsWith("--") && (maxAt < 0 || i !== maxAt + 1));
if (!dirs.length || !Number.isInteger(max) || max < 2) {
  console.error("usage: node --import tsx scripts/seed-power.ts DIR [DIR...] [--max N]");
  process.exit(2);
}

/** Per experiment and check label: the check (its rule) and the pooled per-seed values. */
const pooled = new Map<string, Map<string, { check: Check; values: (number | null)[]; size: string }>>();
for (const dir of dirs) {
  if (!existsSync(dir)) {
    console.error(`seed-power: no folder ${dir}`);
    process.exit(2);
  }
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, "result.json");
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8")) as ExperimentReport;
    const checks = pooled.get(report.name) ?? new Map();
    pooled.set(report.name, checks);
    for (const c of report.result.verdict.checks) {
      const entry = checks.get(c.label) ?? { check: c, values: [], size: report.size };
      if (entry.size !== report.size) continue;
      const values = (c.perSeed ?? []).map((v) =>
        v === ("Infinity" as unknown) ? Number.POSITIVE_INFINITY : v,
      );
      entry.values.push(...values);
      checks.set(c.label, entry);
    }
  }
}

console.log("| experiment | check | pilot seeds | pilot mean's side | seeds for 95% power |");
console.log("| --- | --- | --- | --- | --- |");
for (const exp of EXPERIMENTS) {
  const checks = pooled.get(exp.name);
  if (!checks) continue;
  for (const [label, { check, values }] of checks) {
    const need = seedsForPower(values, check, max);
    const cell =
      need === null ? "judged seed by seed" : need.seeds === null ? `> ${max}` : String(need.seeds);
    // Facts and checks decided by 3 seeds need nothing more: only the others are listed.
    if (need === null || (need.seeds !== null && need.seeds <= 3)) continue;
    console.log(`| ${exp.name} | ${label} | ${values.length} | ${need.side} | ${cell} |`);
  }
  console.log(`| ${exp.name} | **quick seed count now** | | | **${defaultSeedCount(true, exp)}** |`);
}
