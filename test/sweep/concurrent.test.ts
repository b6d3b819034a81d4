import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openRunStore } from "../../src/store/index.js";
import { killGroup, spawnCli } from "./helpers.js";

// Several sweep processes writing one store at once (issue 13): different sweeps must all finish
// with every run stored exactly once (before: "SqliteError: database is locked", exit 1), and two
// sweeps of the same name must compute each run once (a lease per run in the store).

const dir = mkdtempSync(join(tmpdir(), "initlab-concurrent-"));
const spawned: ReturnType<typeof spawnCli>[] = [];
after(() => {
  for (const s of spawned) killGroup(s.child);
  rmSync(dir, { recursive: true, force: true });
});

/** A sweep of `n` one-step runs (tiny network on xor); `lr` makes the run ids of each sweep differ. */
function sweepFile(name: string, lr: number, n: number, epochs = 1): string {
  const file = join(dir, `${name}.yaml`);
  const seeds = Array.from({ length: n }, (_, i) => i + 1).join(", ");
  writeFileSync(
    file,
    `name: ${name}
base: {backend: ts, data: xor, hidden: [3], epochs: ${epochs}, trainLimit: 64, testLimit: 16, batchSize: 16, lr: ${lr}}
grid:
  seed: [${seeds}]
`,
  );
  return file;
}

async function runAll(home: string, argsList: string[][]) {
  const procs = argsList.map((args) =>
    spawnCli(["sweep", ...args, "--home", home, "--workers", "1", "--json"]),
  );
  spawned.push(...procs);
  const timer = setTimeout(() => {
    for (const p of procs) killGroup(p.child);
  }, 240_000);
  const codes = await Promise.all(procs.map((p) => p.exited));
  clearTimeout(timer);
  return procs.map((p, i) => ({ code: codes[i], err: p.log(), out: p.out() }));
}

function storedCounts(home: string) {
  const store = openRunStore(home, { readonly: true });
  try {
    const runs = store.listRuns();
    return { total: runs.length, ids: new Set(runs.map((r) => r.id)).size, runs };
  } finally {
    store.close();
  }
}

test("three different sweeps on one store at once all finish, every run stored exactly once", async () => {
  const home = join(dir, "three");
  const n = 150;
  const files = [sweepFile("a", 0.01, n), sweepFile("b", 0.02, n), sweepFile("c", 0.03, n)];
  const results = await runAll(
    home,
    files.map((f) => [f]),
  );
  for (const r of results) {
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /locked|unexpected error/);
    const report = JSON.parse(r.out);
    assert.deepEqual([report.planned, report.ok + report.diverged, report.failed], [n, n, 0]);
  }
  const stored = storedCounts(home);
  assert.equal(stored.total, 3 * n);
  assert.equal(stored.ids, 3 * n);
  for (const name of ["a", "b", "c"]) {
    const store = openRunStore(home, { readonly: true });
    try {
      assert.equal(store.listRuns({ sweep: name }).length, n, `sweep ${name} lists all its runs`);
    } finally {
      store.close();
    }
  }
});

test("two sweeps of the same name at once compute each run once (a lease per run)", async () => {
  const home = join(dir, "same");
  const n = 12;
  const file = sweepFile("same", 0.05, n, 40);
  const results = await runAll(home, [
    [file, "--resume"],
    [file, "--resume"],
  ]);
  const reports = results.map((r) => {
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  });
  const computed = reports.map((r) => r.ok + r.diverged + r.failed);
  // Each run computed by exactly one process; the other counted it as stored by another process.
  assert.equal(computed[0] + computed[1], n, `computed ${computed.join(" + ")}`);
  for (const [i, r] of reports.entries()) assert.equal(r.elsewhere + computed[i], n);
  const stored = storedCounts(home);
  assert.equal(stored.total, n);
  const workers = new Set(stored.runs.map((r) => r.worker?.split("/")[0]));
  assert.ok(workers.size >= 1);
});
