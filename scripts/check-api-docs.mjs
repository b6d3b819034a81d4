// Checks the TypeDoc API reference (typedoc.json): no broken links and no exported symbol that
// is referenced but missing from the docs, and no undocumented export beyond the recorded
// baseline (scripts/api-docs-baseline.txt, the exports that had no doc comment when the check was
// introduced: the list may only shrink; `--update` rewrites it). Builds nothing (emit none).
// Usage: node scripts/check-api-docs.mjs [--update]
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const baselineFile = join(root, "scripts", "api-docs-baseline.txt");
const r = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typedoc", "bin", "typedoc"), "--emit", "none"],
  {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  },
);
const lines = `${r.stdout}\n${r.stderr}`
  .split("\n")
  .map((l) => l.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "").trim())
  .filter((l) => l.startsWith("[warning]") || l.startsWith("[error]"));
const undocumented = [];
const problems = [];
for (const l of lines) {
  const m = /^\[warning\] (\S+) \([^)]*\), defined in \S+, does not have any documentation$/.exec(l);
  if (m) undocumented.push(m[1]);
  else if (!/^\[warning\] Found \d+ errors and \d+ warnings$/.test(l)) problems.push(l);
}
if (process.argv.includes("--update")) {
  writeFileSync(baselineFile, `${[...new Set(undocumented)].sort().join("\n")}\n`);
  console.log(`api docs: baseline of ${undocumented.length} undocumented exports written`);
}
const baseline = new Set(readFileSync(baselineFile, "utf8").split("\n").filter(Boolean));
const fresh = undocumented.filter((u) => !baseline.has(u));
for (const p of problems) console.error(`api docs: ${p}`);
for (const u of fresh) console.error(`api docs: ${u} is exported without a doc comment`);
if (r.status !== 0 && problems.length === 0) console.error(`api docs: typedoc exited with ${r.status}`);
if (problems.length > 0 || fresh.length > 0 || r.status !== 0) process.exit(1);
console.log(
  `api docs: no broken links, ${undocumented.length} undocumented exports (baseline ${baseline.size})`,
);
