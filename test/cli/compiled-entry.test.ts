import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

const ROOT = join(import.meta.dirname, "..", "..");

test("the compiled CLI (bin/initlab.js, as npx runs it) finds its package: same backends as the sources", async () => {
  const compiled = spawnSync(process.execPath, [join(ROOT, "bin", "initlab.js"), "info", "--json"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(compiled.status, 0, compiled.stderr);
  const io = bufferIO();
  assert.equal(await run(["info", "--json"], io), 0);
  const fromDist = JSON.parse(compiled.stdout);
  const fromSrc = JSON.parse(io.out);
  assert.equal(fromDist.chosen, fromSrc.chosen);
  assert.deepEqual(
    fromDist.backends.map((b: { name: string; available: boolean }) => [b.name, b.available]),
    fromSrc.backends.map((b: { name: string; available: boolean }) => [b.name, b.available]),
  );
});
