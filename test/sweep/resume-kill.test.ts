import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { storePath } from "../../src/store/index.js";
import { openSqlite } from "../../src/store/sqlite-driver.js";
import { cli, spawnCli, waitFor } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-resume-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** id -> stored_at of every run in the store, read through a separate read-only connection. */
function storedRuns(home: string): Map<string, string> | undefined {
  if (!existsSync(storePath(home))) return undefined;
  try {
    const db = openSqlite(storePath(home), { readonly: true, timeout: 2000 });
    try {
      return new Map(
        db
          .prepare("SELECT id, stored_at FROM runs")
          .all()
          .map((r) => [String(r.id), String(r.stored_at)]),
      );
    } finally {
      db.close();
    }
  } catch {
    return undefined; // the store is being created
  }
}

test("kill -9 in the middle of a sweep: the store stays readable and --resume computes only what is missing", async () => {
  const file = join(dir, "resume.yaml");
  const home = join(dir, "runs");
  // Six runs of about a second each on the TypeScript backend, one at a time.
  writeFileSync(
    file,
    "name: resume\nbase: {data: spiral, backend: ts, hidden: [64, 64], epochs: 20, batchSize: 10}\ngrid: {seed: [1, 2, 3, 4, 5, 6]}\n",
  );
  const plan = JSON.parse((await cli("sweep", file, "--dry-run", "--json", "--home", home)).out);
  const planned: string[] = plan.runs.map((r: { id: string }) => r.id);
  assert.equal(planned.length, 6);

  const sweep = spawnCli(["sweep", file, "--home", home, "--workers", "1"]);
  await waitFor("the first stored run", () => (storedRuns(home)?.size ?? 0) >= 1, 90_000, 50);
  sweep.child.kill("SIGKILL");
  assert.equal(await sweep.exited, null, "killed by the signal");

  // Readable and intact right after the kill, without any recovery by initlab.
  const db = openSqlite(storePath(home), { readonly: true });
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  db.close();
  const before = storedRuns(home)!;
  assert.ok(before.size >= 1 && before.size < 6, `${before.size} runs stored before the kill`);
  for (const id of before.keys()) assert.ok(planned.includes(id));

  const resumed = await cli("sweep", file, "--home", home, "--resume", "--workers", "2", "--json");
  assert.equal(resumed.code, 0, resumed.err);
  const report = JSON.parse(resumed.out);
  assert.equal(report.alreadyStored, before.size);
  assert.equal(report.total, 6 - before.size);
  assert.equal(report.ok, 6 - before.size);

  const afterRuns = storedRuns(home)!;
  assert.deepEqual(
    [...afterRuns.keys()].sort(),
    [...planned].sort(),
    "every planned run stored exactly once",
  );
  for (const [id, at] of before) assert.equal(afterRuns.get(id), at, `run ${id} was not computed again`);
  const list = JSON.parse((await cli("runs", "list", "--sweep", "resume", "--home", home, "--json")).out);
  assert.deepEqual(
    list.map((r: { id: string }) => r.id),
    planned,
  );
  assert.ok(
    list.every(
      (r: { status: string; failedAttempts: number }) => r.status === "ok" && r.failedAttempts === 0,
    ),
  );
});
