import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { RunSummary } from "../../src/store/index.js";
import { runId } from "../../src/sweep/run-id.js";
import { readSweepFile } from "../../src/sweep/sweep-file.js";
import { planSweep } from "../../src/sweep/sweep-plan.js";
import { cli, spawnCli, waitFor } from "./helpers.js";
import { testRedis } from "./redis-server.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-queue-"));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const countStarts = (log: string, id: string) => log.split(`start ${id.slice(0, 12)} `).length - 1;

test("two queue workers, one killed mid-run: every run of the grid is stored exactly once", async () => {
  const redis = await testRedis();
  cleanups.push(() => redis.stop());
  const queueName = `initlab-test-${process.pid}-${Date.now()}`;
  const q = ["--queue", redis.url, "--queue-name", queueName];
  // Short locks so a dead worker's run is retried within a few seconds (defaults: 30 s); a few
  // stalls allowed, in case a loaded test machine delays a live worker's lock renewal.
  const workerArgs = ["worker", ...q, "--concurrency", "1"];
  workerArgs.push("--lock-duration", "3000", "--stalled-interval", "1000", "--max-stalled", "3");
  const workers = [spawnCli(workerArgs), spawnCli(workerArgs)];
  for (const w of workers) cleanups.push(() => w.child.kill("SIGKILL"));
  await waitFor("both workers to connect", () => workers.every((w) => /taking runs/.test(w.log())), 90_000);

  const file = join(dir, "queue.yaml");
  writeFileSync(
    file,
    `name: queued
base: {backend: ts}
runs:
  - {data: spiral, hidden: [64, 64], epochs: 20, batchSize: 10}
  - {data: "csv:${join(dir, "missing.csv")}", hidden: [4]}
grid: {seed: [1, 2, 3]}
`,
  );
  const home = join(dir, "runs");
  const planned = planSweep(readSweepFile(file)).runs;
  const spiralIds = planned.filter((r) => r.config.data === "spiral").map((r) => r.id.slice(0, 12));
  const csvIds = planned.filter((r) => r.config.data !== "spiral").map((r) => r.id.slice(0, 12));
  const sweep = cli("sweep", file, ...q, "--home", home, "--json");
  // Which worker starts a spiral run is up to BullMQ, not the test: new jobs wake one idle worker
  // (they leave a single marker entry in Redis for the blocked workers to pop); the other sleeps in
  // its blocking poll until it times out (drainDelay, 5 s), and the one awake may meanwhile compute
  // all three spiral runs (about 0.6 s each). So the first worker seen starting a spiral run is
  // killed, and the other one must take its run over.
  const [killedId, victim] = await waitFor(
    "a worker to start a spiral run",
    () => {
      for (const w of workers) {
        const id = spiralIds.find((x) => w.log().includes(`start ${x} `));
        if (id) return [id, w] as const;
      }
      return undefined;
    },
    60_000,
    50,
  );
  const survivor = workers.find((w) => w !== victim)!;
  victim.child.kill("SIGKILL");
  assert.equal(await victim.exited, null);

  const result = await sweep;
  assert.equal(result.code, 0, result.err);
  const report = JSON.parse(result.out);
  assert.deepEqual([report.planned, report.ok, report.failed, report.interrupted], [6, 3, 3, false]);

  const runs: RunSummary[] = JSON.parse(
    (await cli("runs", "list", "--sweep", "queued", "--home", home, "--json")).out,
  );
  assert.deepEqual(
    runs.map((r) => r.id),
    report.runs.map((r: { id: string }) => r.id),
  );
  assert.equal(new Set(runs.map((r) => r.id)).size, 6);
  for (const r of runs) assert.equal(runId(r.config), r.id, "what came back is the run that was sent");
  const spiral = runs.filter((r) => r.config.data === "spiral");
  assert.ok(spiral.every((r) => r.status === "ok" && r.final!.steps === 1000));
  for (const r of runs.filter((x) => x.status === "failed")) assert.match(r.error!, /missing\.csv/);

  // The run the killed worker died in was taken over by the other one.
  const killed = spiral.find((r) => r.id.startsWith(killedId));
  assert.ok(killed, `the killed run ${killedId} is a spiral run`);
  assert.match(killed.worker!, new RegExp(`:${survivor.child.pid}/`));
  assert.ok(countStarts(survivor.log(), killedId) >= 1);
  // A run that cannot run (its data file is missing) fails at once, without retries.
  for (const id of csvIds) assert.equal(countStarts(victim.log(), id) + countStarts(survivor.log(), id), 1);

  // Idempotent on the run hash: another store asking for the same runs gets the finished jobs
  // back without any run being computed again (only the failed ones are tried again).
  const startsBefore = spiral.map((r) => countStarts(survivor.log(), r.id));
  const other = await cli("sweep", file, ...q, "--home", join(dir, "other"), "--json");
  assert.equal(other.code, 0, other.err);
  assert.deepEqual([JSON.parse(other.out).ok, JSON.parse(other.out).failed], [3, 3]);
  assert.deepEqual(
    spiral.map((r) => countStarts(survivor.log(), r.id)),
    startsBefore,
  );

  // SIGTERM: graceful stop.
  survivor.child.kill("SIGTERM");
  assert.equal(await survivor.exited, 0);
  assert.match(survivor.log(), /stopped/);
});
