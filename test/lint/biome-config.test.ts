import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// biome.json uses only current fields of the pinned Biome: no deprecation diagnostic (such as the
// old `"recommended": true`, now `"preset": "recommended"`), nothing left for `biome migrate`.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");

function biome(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(BIOME, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test("biome.json has no deprecated field and needs no migration", () => {
  const check = biome("check", "biome.json");
  assert.equal(check.status, 0, check.output);
  assert.doesNotMatch(check.output, /deprecat/i, check.output);
  const migrate = biome("migrate");
  assert.equal(migrate.status, 0, migrate.output);
  assert.doesNotMatch(migrate.output, /needs migration|can be updated/i, migrate.output);
});
