import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// Layering is one-directional (ARCHITECTURE.md): no file may reach itself through its imports,
// type-only imports included. scripts/import-cycles.mjs walks the relative imports and lists
// each circle; here it must find none in src/ and web/src/, and must find a planted one.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCRIPT = join(ROOT, "scripts", "import-cycles.mjs");

function cycles(cwd: string, ...folders: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...folders], { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test("src/ and web/src/ have no import cycle", () => {
  const r = cycles(ROOT, "src", "web/src");
  assert.equal(r.status, 0, `import cycles:\n${r.output}`);
  assert.equal(r.output, "");
});

test("a planted circle through a type-only import and an index file is found and listed", () => {
  const dir = mkdtempSync(join(tmpdir(), "initlab-cycles-"));
  try {
    mkdirSync(join(dir, "lib", "sub"), { recursive: true });
    writeFileSync(join(dir, "lib", "a.ts"), 'import { b } from "./b.js";\nexport const a = b;\n');
    writeFileSync(join(dir, "lib", "b.ts"), 'export { c as b } from "./sub/index.js";\n');
    writeFileSync(
      join(dir, "lib", "sub", "index.ts"),
      'import type { A } from "../a.js";\nexport const c = 1;\n',
    );
    writeFileSync(
      join(dir, "lib", "leaf.ts"),
      'import { a } from "./a.js";\nimport "node:fs";\nexport const d = a;\n',
    );
    const r = cycles(dir, "lib");
    assert.equal(r.status, 1, r.output);
    const lines = r.output.split("\n").filter((l) => l.includes("->"));
    assert.deepEqual(lines, ["lib/a.ts -> lib/b.ts -> lib/sub/index.ts -> lib/a.ts"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
