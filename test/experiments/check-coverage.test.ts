/**
 * Issue 12's bar "no verdict is decided by a check that cannot fail": every experiment of the
 * registry has a failing-input test, i.e. some file under test/experiments calls
 * `assertEachCheckCanFail("<name>"...)` (or with a name that starts with it and a space, e.g.
 * "glorot2010 quick").
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { EXPERIMENTS } from "../../src/experiments/registry.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The first arguments of every `assertEachCheckCanFail(` call in the .ts files under `dir` (but this one). */
function failingInputNames(dir: string): string[] {
  const names: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith(".ts") || e.name === "check-coverage.test.ts") continue;
    const text = readFileSync(join(e.parentPath, e.name), "utf8");
    for (const m of text.matchAll(/assertEachCheckCanFail\(\s*(["'`])([^"'`$]+)\1/g)) names.push(m[2]);
  }
  return names;
}

/** Whether a failing-input test named `testName` covers the experiment `experiment`. */
function covers(testName: string, experiment: string): boolean {
  return testName === experiment || testName.startsWith(`${experiment} `);
}

test("every experiment has a test that fails each of its checks on an input made for it", () => {
  const names = failingInputNames(here);
  const missing = EXPERIMENTS.map((e) => e.name).filter((n) => !names.some((t) => covers(t, n)));
  assert.deepEqual(
    missing,
    [],
    `experiments without an assertEachCheckCanFail("<name>", ...) test under test/experiments: ${missing.join(", ")}`,
  );
  // And the reverse: no such test names an experiment the registry does not have (a rename).
  const stray = names.filter((t) => !EXPERIMENTS.some((e) => covers(t, e.name)));
  assert.deepEqual(stray, [], `assertEachCheckCanFail names no experiment has: ${stray.join(", ")}`);
});

test("the coverage rule: the experiment's name, alone or followed by a space, and nothing else", () => {
  assert.ok(covers("glorot2010 quick", "glorot2010"));
  assert.ok(covers("mup-depth", "mup-depth"));
  // A longer name is another experiment: "mup-depth" does not cover "mup" nor the reverse.
  assert.equal(covers("mup-depth", "mup"), false);
  assert.equal(covers("mup", "mup-depth"), false);
  assert.equal(covers("residual-depth-2", "residual-depth"), false);
  // The scan finds the calls of this folder (raw-pixels' test is one), not the helper's definition.
  const names = failingInputNames(here);
  assert.ok(names.includes("raw-pixels"), names.join(", "));
  assert.equal(names.includes("name"), false);
});
