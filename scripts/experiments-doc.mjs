// Puts the results table of an `experiment run all --out DIR` run into docs/experiments.md, between
// the markers <!-- results:begin --> and <!-- results:end -->, so the table in the docs is always
// the one a run wrote (DIR/results.md: the command, the machine, its load, the verdicts), never
// typed by hand.
// Usage: node scripts/experiments-doc.mjs DIR [--doc docs/experiments.md] [--check]
//   --check: exit 1 when the doc's table differs from DIR/results.md (writes nothing).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BEGIN =
  "<!-- results:begin (written by scripts/experiments-doc.mjs from an `experiment run all --out DIR` run; do not edit) -->";
export const END = "<!-- results:end -->";

/** `doc` with the text between the markers replaced by `table`; throws when a marker is missing. */
export function spliceResults(doc, table) {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error("the doc has no results markers (see scripts/experiments-doc.mjs)");
  return `${doc.slice(0, a + BEGIN.length)}\n\n${table.trim()}\n\n${doc.slice(b)}`;
}

function main(argv) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const dir = argv.find((a) => !a.startsWith("--") && argv[argv.indexOf(a) - 1] !== "--doc");
  const docAt = argv.indexOf("--doc");
  const docPath = docAt >= 0 ? argv[docAt + 1] : join(root, "docs", "experiments.md");
  if (!dir) {
    console.error("usage: node scripts/experiments-doc.mjs DIR [--doc FILE] [--check]");
    return 2;
  }
  let table;
  try {
    table = readFileSync(join(dir, "results.md"), "utf8");
  } catch {
    console.error(
      `experiments-doc: no results.md in ${dir} (run: initlab experiment run all --quick --out ${dir})`,
    );
    return 2;
  }
  const doc = readFileSync(docPath, "utf8");
  let next;
  try {
    next = spliceResults(doc, table);
  } catch (e) {
    console.error(`experiments-doc: ${docPath}: ${e.message}`);
    return 2;
  }
  if (argv.includes("--check")) {
    if (next !== doc) {
      console.error(`experiments-doc: ${docPath} does not hold ${join(dir, "results.md")}`);
      return 1;
    }
    return 0;
  }
  const tmp = `${docPath}.tmp-${process.pid}`;
  writeFileSync(tmp, next);
  renameSync(tmp, docPath);
  console.log(`experiments-doc: wrote the results of ${dir} into ${docPath}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
