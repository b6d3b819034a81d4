import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// The package's public entry points, as a user imports them (through package.json "exports",
// by the package's own name), and the compiled import graph of the browser-safe ones.
// Needs dist/ (npm test builds it first).

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const NODE_ONLY = new Set(["./node", "./package.json"]);
/** Bare packages the browser-safe entries may import: pure JavaScript, no Node built-ins. */
const BROWSER_PACKAGES = new Set(["zod"]);

const entries = Object.keys(pkg.exports as Record<string, unknown>);

test("main, types and every exports target exist after the build", () => {
  assert.ok(existsSync(join(root, pkg.main)), pkg.main);
  assert.ok(existsSync(join(root, pkg.types)), pkg.types);
  for (const [k, v] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
    const targets = typeof v === "string" ? [v] : Object.values(v);
    for (const t of targets) assert.ok(existsSync(join(root, t)), `${k} -> ${t}`);
  }
  for (const k of [
    ".",
    "./init",
    "./theory",
    "./nn",
    "./probe",
    "./train",
    "./interop",
    "./node",
    "./tfjs",
  ]) {
    assert.ok(entries.includes(k), `exports has no "${k}"`);
  }
});

test("every entry imports by the package name and exports what it promises", async () => {
  const lib = await import("initlab");
  assert.equal(typeof lib.xavierUniform, "function");
  assert.equal(lib.calculateGain("leaky_relu", 0.2), Math.sqrt(2 / (1 + 0.2 ** 2)));
  assert.equal(typeof lib.criticalSigmaW2, "function");
  assert.equal(typeof lib.probeNetwork, "function");
  assert.equal(typeof lib.Network, "function");
  assert.equal(typeof lib.train, "function");
  assert.equal(typeof lib.decodeSafetensors, "function");
  for (const e of entries) {
    if (e === "./package.json" || e === ".") continue;
    const mod = await import(`initlab/${e.slice(2)}`);
    assert.ok(Object.keys(mod).length > 0, `${e} exports nothing`);
  }
  const node = await import("initlab/node");
  assert.equal(typeof node.loadDataset, "function");
  assert.equal(typeof node.readSafetensorsFile, "function");
  // The subpaths and the root give the same objects (one module instance each).
  const init = await import("initlab/init");
  assert.equal(init.xavierUniform, lib.xavierUniform);
});

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s*(?:[\w*${}\s,]+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every module reachable from `file` by static or literal dynamic imports, and the bare specifiers met. */
function importGraph(file: string): { files: Set<string>; bare: Map<string, string> } {
  const files = new Set<string>();
  const bare = new Map<string, string>();
  const todo = [file];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".")) todo.push(resolve(dirname(f), spec));
      else if (!bare.has(spec)) bare.set(spec, f);
    }
  }
  return { files, bare };
}

for (const e of entries.filter((x) => !NODE_ONLY.has(x))) {
  test(`entry "${e}" is browser-safe: its compiled import graph has no Node built-in`, () => {
    const target = (pkg.exports[e] as { default: string }).default;
    const { files, bare } = importGraph(join(root, target));
    assert.ok(files.size > 1 || e === "./tfjs", `${e}: the graph was not walked`);
    const builtins = new Set([...builtinModules, ...builtinModules.map((b) => `node:${b}`)]);
    for (const [spec, from] of bare) {
      assert.ok(
        !spec.startsWith("node:") && !builtins.has(spec),
        `${e} reaches ${spec} (imported by ${from})`,
      );
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      assert.ok(BROWSER_PACKAGES.has(name), `${e} reaches the package ${spec} (imported by ${from})`);
    }
  });
}

test("the walker sees Node built-ins where they are (initlab/node reaches node:fs)", () => {
  const { bare } = importGraph(join(root, (pkg.exports["./node"] as { default: string }).default));
  assert.ok(bare.has("node:fs"));
});
