import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import YAML from "yaml";
import { openRunStore } from "../../src/store/index.js";
import { executeRun } from "../../src/sweep/execute-run.js";
import { cli } from "./helpers.js";

// Random and adversarial input (issue 13): every train command line, sweep file and queued job
// ends in success or exit 2 with a message (no stack, never exit 1), and nothing half-written is
// left in the runs folder. Seeds are fixed (fast-check's `seed`), so a failure reproduces.

const dir = mkdtempSync(join(tmpdir(), "initlab-property-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// The stated memory limit of every run below (train, sweep runs, queued jobs: INITLAB_MAX_MEMORY),
// and what this process may grow by beyond it: code, the kernels' workspaces, worker threads,
// V8's heaps (what the estimate leaves out). The last test compares the peak resident set.
const LIMIT_MB = 64;
const OVERHEAD_MB = 192;
process.env.INITLAB_MAX_MEMORY = `${LIMIT_MB}MB`;
after(() => {
  delete process.env.INITLAB_MAX_MEMORY;
});

/** This process's peak resident set (VmHWM) in MB; NaN where /proc is missing. */
function peakMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
const startMb = peakMb();

const weird = fc.oneof(
  fc.constantFrom(
    "",
    "-1",
    "0",
    "1e12",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "9007199254740993",
    "  3 ",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 200000 }).map(String),
);
const data = fc.constantFrom(
  "circle",
  "xor",
  "gauss",
  "mnst",
  "csv:",
  `csv:${join(dir, "none.csv")}`,
  "csv:/dev/null",
  "csv:/proc/x/y",
);
const hidden = fc.oneof(
  fc.constantFrom("8", "4,4", "100000x100", "30000x100", "20000,20000", "0", "x", "1x1001", "none", ""),
  weird,
);

function checkEnding(r: { code: number; err: string }, what: string) {
  assert.ok(r.code === 0 || r.code === 2, `${what}: exit ${r.code}\n${r.err}`);
  assert.doesNotMatch(r.err, /unexpected error|\n\s+at \S+ \(/, `${what}: a stack trace\n${r.err}`);
  if (r.code === 2) assert.match(r.err, /(^|\n)initlab: \S/, `${what}: no message`);
}

test("random train command lines end in success or exit 2 with a message", async () => {
  await fc.assert(
    fc.asyncProperty(
      data,
      hidden,
      weird,
      weird,
      fc.constantFrom("he_normal", "he_nromal", "normal(std=1e30)", "orthogonal(gain=-1)", "x".repeat(300)),
      fc.constantFrom("ts", "wasm", "auto", "gpu"),
      async (d, h, epochs, batch, init, backend) => {
        const args = ["train", "--data", d, "--hidden", h, "--epochs", epochs, "--batch-size", batch];
        args.push("--init", init, "--backend", backend, "--max-steps", "2", "--quiet");
        checkEnding(await cli(...args), args.join(" "));
      },
    ),
    { numRuns: 40, seed: 13 },
  );
});

test("random sweep files end in success or exit 2, and the runs folder is absent or a readable store", async () => {
  let k = 0;
  const value = fc.oneof(
    weird,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(weird, { maxLength: 3 }),
  );
  const config = fc.dictionary(
    fc.constantFrom(
      "data",
      "hidden",
      "epochs",
      "batchSize",
      "lr",
      "init",
      "seed",
      "maxSteps",
      "threads",
      "bogus",
    ),
    value,
    { maxKeys: 4 },
  );
  const doc = fc.record(
    {
      name: fc.oneof(fc.constantFrom("ok-name", "../x", ""), fc.string({ maxLength: 8 })),
      base: fc.oneof(config, weird),
      grid: fc.oneof(
        fc.dictionary(fc.constantFrom("seed", "lr", "hidden", "epochs"), fc.array(value, { maxLength: 3 }), {
          maxKeys: 3,
        }),
        weird,
      ),
      runs: fc.array(config, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(doc, async (d) => {
      k++;
      const file = join(dir, `s${k}.yaml`);
      writeFileSync(file, YAML.stringify(d));
      const home = join(dir, `home${k}`);
      const r = await cli("sweep", file, "--home", home, "--workers", "1", "--quiet");
      checkEnding(r, YAML.stringify(d));
      if (r.code !== 0) {
        // Refused input writes nothing; a sweep whose runs all failed leaves a readable store.
        if (existsSync(home)) openRunStore(home, { readonly: true }).close();
      }
      if (existsSync(home))
        assert.deepEqual(
          readdirSync(home).filter((f) => f.includes(".tmp-")),
          [],
        );
    }),
    { numRuns: 40, seed: 13 },
  );
});

test("random queued jobs fail with a reason or succeed; executeRun never throws", async () => {
  const job = fc.record({
    id: fc.oneof(fc.string({ maxLength: 70 }), fc.constant("0".repeat(64))),
    config: fc.oneof(
      fc.constant(null),
      weird,
      fc.dictionary(
        fc.constantFrom("data", "hidden", "epochs", "batchSize", "lr", "init", "backend", "evil"),
        fc.oneof(weird, fc.integer(), fc.array(fc.integer({ min: -1, max: 100000 }), { maxLength: 3 })),
        { maxKeys: 5 },
      ),
    ),
  });
  await fc.assert(
    fc.asyncProperty(job, async (j) => {
      const o = await executeRun(j as never);
      assert.ok(o.status === "ok" || o.status === "diverged" || o.status === "failed");
      if (o.status === "failed") {
        assert.ok(typeof o.error === "string" && o.error.length > 0 && o.error.length <= 2030, o.error ?? "");
        // Bad input, not a crash: the worker fails the job at once instead of retrying it.
        assert.equal(o.errorKind, "user", o.error ?? "");
      }
    }),
    { numRuns: 60, seed: 13 },
  );
});

test("no allocation above the stated limit: the peak resident set grew by less than the limit and a fixed overhead", (t) => {
  const peak = peakMb();
  if (Number.isNaN(peak)) return t.skip("no /proc/self/status here");
  t.diagnostic(`peak resident ${peak.toFixed(0)} MB, ${(peak - startMb).toFixed(0)} MB above the start`);
  assert.ok(
    peak - startMb < LIMIT_MB + OVERHEAD_MB,
    `grew by ${(peak - startMb).toFixed(0)} MB with a limit of ${LIMIT_MB} MB per run`,
  );
});
