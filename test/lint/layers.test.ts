import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

// The one-way layering of ARCHITECTURE.md, checked on the import statements of the source.
const ROOT = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/**
 * The repo-relative targets of a file's relative imports (".js" written for ".ts"); type-only
 * imports (`import type`, erased at build time) count only when `types` is true.
 */
function importsOf(file: string, types = true): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const pattern =
    /(import type|import|export)[^"';]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;
  for (const m of text.matchAll(pattern)) {
    if (m[1] === "import type" && !types) continue;
    const spec = m[2] ?? m[3];
    out.push(relative(ROOT, resolve(dirname(file), spec)).replace(/\.js$/, ".ts"));
  }
  return out;
}

test("the browser lab imports no code from the server, the CLI, the store or the sweeps", () => {
  // type-only imports are allowed: the run browser reads the store's JSON shapes
  for (const f of files(join(ROOT, "web", "src"))) {
    for (const target of importsOf(f, false)) {
      assert.doesNotMatch(
        target,
        /^src\/(server|cli|store|sweep)\//,
        `${relative(ROOT, f)} imports ${target}`,
      );
    }
  }
});

test("theory imports nothing from the engine (only itself, src/math and the errors)", () => {
  for (const f of files(join(ROOT, "src", "theory"))) {
    for (const target of importsOf(f)) {
      assert.match(
        target,
        /^src\/(theory|math)\/|^src\/errors\.ts$/,
        `${relative(ROOT, f)} imports ${target}`,
      );
    }
  }
});

test("no room imports a face (cli, server, web) and the engine imports no experiment or sweep", {
  todo: "report imports experiments/chart-spec.ts until the experiments room split lands",
}, () => {
  const engine = /^src\/(math|kernels|tensor|init|theory|nn|optim|data|probe|train|report)\//;
  for (const f of files(join(ROOT, "src"))) {
    const from = relative(ROOT, f);
    for (const target of importsOf(f)) {
      if (!/^src\/(cli|server)\//.test(from))
        assert.doesNotMatch(target, /^src\/(cli|server)\/|^web\//, `${from} imports ${target}`);
      if (engine.test(from))
        assert.doesNotMatch(target, /^src\/(experiments|sweep|store)\//, `${from} imports ${target}`);
    }
  }
});
