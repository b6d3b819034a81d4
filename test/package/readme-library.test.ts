// The README's "Use as a library" code blocks run as written: each ```js block is written to a
// file inside the package (so `import "initlab"` resolves through package.json "exports", as in
// a user's project) and run with Node; it must exit 0 and print. Needs dist/ (npm test builds it).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { sectionBlocks } from "./readme-blocks.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

const blocks = sectionBlocks(readme, "Use as a library");

test("the README's library section has its three examples (init/theory/doctor, weights, TF.js)", () => {
  assert.equal(blocks.length, 3);
});

blocks.forEach((code, k) => {
  test(`README "Use as a library" block ${k + 1} runs as written`, () => {
    const dir = join(root, "test-artifacts", `readme-library-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `block${k + 1}.mjs`);
    writeFileSync(file, code);
    try {
      const r = spawnSync(process.execPath, [file], {
        encoding: "utf8",
        timeout: 120_000,
        killSignal: "SIGKILL",
      });
      assert.equal(r.status, 0, `block ${k + 1} failed:\n${r.stderr}`);
      assert.ok(r.stdout.trim().length > 0, "prints nothing");
      if (k === 0) {
        assert.match(r.stdout, /calculateGain\(leaky_relu, 0\.2\) = 1\.38675049056307/);
        assert.match(r.stdout, /tanh critical sigma_w\^2 at sigma_b\^2 = 0\.05: 1\.761/);
        assert.match(r.stdout, /doctor: signal vanishes/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
