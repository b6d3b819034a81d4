import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { storePath } from "../../src/store/index.js";
import { openSqlite } from "../../src/store/sqlite-driver.js";
import { cli, spawnCli, waitFor } from "./helpers.js";

// Ctrl-C (SIGINT) or SIGTERM during `initlab sweep`: the sweep stops, drops the runs in flight,
// closes the store, says it was interrupted and how to resume, and exits with 128 + the signal's
// number (130, 143), as a shell reports a process ended by that signal; not 2, which means bad input.

const dir = mkdtempSync(join(tmpdir(), "initlab-interrupt-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Ids of the runs in the store, read through a separate read-only connection. */
function storedIds(home: string): string[] | undefined {
  if (!existsSync(storePath(home))) return undefined;
  try {
    const db = openSqlite(storePath(home), { readonly: true, timeout: 2000 });
    try {
      return db
        .prepare("SELECT id FROM runs")
        .all()
        .map((r) => String(r.id));
    } finally {
      db.close();
    }
  } catch {
    return undefined; // the store is being created
  }
}

/** A sweep of eight runs of about half a second each, one at a time, stopped by `signal` once one run is stored. */
async function interruptedSweep(name: string, signal: "SIGINT" | "SIGTERM") {
  const file = join(dir, `${name}.yaml`);
  const home = join(dir, name);
  writeFileSync(
    file,
    `name: ${name}\nbase: {data: spiral, backend: ts, hidden: [64, 64], epochs: 20, batchSize: 10}\n` +
      "grid: {seed: [1, 2, 3, 4, 5, 6, 7, 8]}\n",
  );
  const sweep = spawnCli(["sweep", file, "--home", home, "--workers", "1"]);
  await waitFor("the first stored run", () => (storedIds(home)?.length ?? 0) >= 1, 90_000, 50);
  sweep.child.kill(signal);
  const code = await sweep.exited;
  return { file, home, code, log: sweep.log() };
}

test("SIGINT (Ctrl-C) mid-sweep: exit code 130, the message says interrupted and how to resume; --resume finishes it", async () => {
  const { file, home, code, log } = await interruptedSweep("sigint", "SIGINT");
  assert.equal(code, 130, log);
  const stored = storedIds(home)!;
  assert.ok(stored.length >= 1 && stored.length < 8, `${stored.length} runs stored`);
  assert.match(log, /sweep sigint interrupted \(SIGINT\): (\d+) of 8 runs stored in /);
  assert.equal(Number(/interrupted \(SIGINT\): (\d+) of 8/.exec(log)![1]), stored.length);
  assert.ok(log.includes(`run "initlab sweep ${file} --resume --home ${home}" to finish it`), log);
  assert.doesNotMatch(log, /unexpected error|\n\s+at /);

  // The store was closed cleanly, and what the message says to run computes only the missing runs.
  const db = openSqlite(storePath(home), { readonly: true });
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  db.close();
  const resumed = await cli("sweep", file, "--resume", "--home", home, "--workers", "1", "--json");
  assert.equal(resumed.code, 0, resumed.err);
  const report = JSON.parse(resumed.out);
  assert.deepEqual(
    [report.alreadyStored, report.total, report.ok, report.interrupted],
    [stored.length, 8 - stored.length, 8 - stored.length, false],
  );
  assert.equal(storedIds(home)!.length, 8);
});

test("SIGTERM mid-sweep: exit code 143", async () => {
  const { code, log } = await interruptedSweep("sigterm", "SIGTERM");
  assert.equal(code, 143, log);
  assert.match(log, /sweep sigterm interrupted \(SIGTERM\): \d+ of 8 runs stored in .*--resume/);
});
