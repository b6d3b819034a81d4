import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openRunStore } from "../../src/store/index.js";
import { killGroup, spawnCli, waitFor } from "./helpers.js";
import { privateRedis } from "./redis-server.js";

// Redis outages and credentials (issue 13). Each test starts its own redis-server on a free
// loopback port in a temporary folder and stops it; every spawned CLI is killed at the end.

const dir = mkdtempSync(join(tmpdir(), "initlab-outage-"));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

function spawn(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const p = spawnCli(args, env);
  cleanups.push(() => killGroup(p.child));
  return p;
}

function sweepFile(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
}

const XOR = "base: {backend: ts, data: xor, hidden: [8]}\n";

async function exitWithin(
  p: ReturnType<typeof spawn>,
  ms: number,
): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  const code = await Promise.race([p.exited, new Promise<"late">((r) => setTimeout(() => r("late"), ms))]);
  assert.notEqual(code, "late", `still running after ${ms} ms:\n${p.log()}`);
  return { code: code as number | null, ms: Date.now() - t0 };
}

function noStack(log: string) {
  assert.doesNotMatch(log, /\n\s+at |unexpected error|MaxRetriesPerRequest/);
}

test("a wrong or missing password: sweep and worker exit 2 naming WRONGPASS / NOAUTH; the password may come from the environment", async () => {
  const redis = await privateRedis({ password: "s3cret" });
  cleanups.push(() => redis.stop());
  const wrong = `redis://:nope@127.0.0.1:${redis.port}`;
  const file = sweepFile("auth", `${XOR}grid: {seed: [1, 2]}\n`);
  const sweep = spawn(["sweep", file, "--queue", wrong, "--home", join(dir, "auth-home")]);
  const worker = spawn(["worker", "--queue", wrong]);
  const noPass = spawn(["worker", "--queue", redis.url]);
  for (const [p, re] of [
    [sweep, /WRONGPASS/],
    [worker, /WRONGPASS/],
    [noPass, /NOAUTH/],
  ] as const) {
    const { code } = await exitWithin(p, 20_000);
    assert.equal(code, 2, p.log());
    assert.match(p.log(), re);
    assert.match(p.log(), /refused the credentials/);
    assert.doesNotMatch(p.log(), /nope/, "the password is never printed");
    noStack(p.log());
  }
  const fromEnv = spawn(["worker", "--queue", redis.url], {
    ...process.env,
    INITLAB_REDIS_PASSWORD: "s3cret",
  });
  await waitFor(
    "the worker to connect with the password from the environment",
    () => /taking runs/.test(fromEnv.log()),
    60_000,
  );
  fromEnv.child.kill("SIGTERM");
  assert.equal((await exitWithin(fromEnv, 10_000)).code, 0, fromEnv.log());
});

test("Redis down and left down: the sweep says so, exits 2 with 'Redis unreachable' after --redis-timeout; SIGINT/SIGTERM end sweep and worker within 5 s", async () => {
  const redis = await privateRedis();
  cleanups.push(() => redis.stop());
  const queueName = `outage-${process.pid}`;
  const q = ["--queue", redis.url, "--queue-name", queueName];
  // No worker: the runs stay queued, and Redis goes away under the sweep.
  const file = sweepFile("down", `${XOR}grid: {seed: [1, 2, 3]}\n`);
  const left = spawn(["sweep", file, ...q, "--home", join(dir, "down-home"), "--redis-timeout", "4"]);
  const interrupted = spawn(["sweep", file, ...q, "--home", join(dir, "down-home2")]);
  // The worker listens on another queue: it must not compute the sweeps' runs, only live through the outage.
  const worker = spawn(["worker", "--queue", redis.url, "--queue-name", `${queueName}-other`]);
  await waitFor(
    "both sweeps to enqueue and the worker to connect",
    () => [left, interrupted].every((p) => /queued 3 runs/.test(p.log())) && /taking runs/.test(worker.log()),
    90_000,
  );
  await redis.kill();
  await waitFor("the sweep to notice", () => /Redis unreachable/.test(interrupted.log()), 20_000);
  interrupted.child.kill("SIGINT");
  const i = await exitWithin(interrupted, 5000);
  assert.equal(i.code, 130, interrupted.log());
  await waitFor("the worker to notice", () => /Redis unreachable/.test(worker.log()), 20_000);
  worker.child.kill("SIGTERM");
  const w = await exitWithin(worker, 5000);
  assert.equal(w.code, 0, worker.log());
  const l = await exitWithin(left, 30_000);
  assert.equal(l.code, 2, left.log());
  assert.match(left.log(), /initlab: Redis unreachable at redis:\/\/127\.0\.0\.1:\d+\/? for \d+ s/);
  assert.doesNotMatch(left.log(), /no worker has taken a run/);
  for (const p of [left, interrupted, worker]) noStack(p.log());
});

test("Redis killed mid-sweep and restarted: every run stored exactly once, and the sweep says what happened", async () => {
  const redis = await privateRedis();
  cleanups.push(() => redis.stop());
  const queueName = `restart-${process.pid}`;
  const q = ["--queue", redis.url, "--queue-name", queueName];
  const worker = spawn([
    "worker",
    ...q,
    "--concurrency",
    "1",
    "--lock-duration",
    "3000",
    "--stalled-interval",
    "1000",
  ]);
  await waitFor("the worker to connect", () => /taking runs/.test(worker.log()), 60_000);
  const n = 6;
  const file = sweepFile(
    "restart",
    `base: {backend: ts, data: spiral, hidden: [32, 32], epochs: 40, batchSize: 10}\ngrid: {seed: [${Array.from({ length: n }, (_, k) => k + 1).join(", ")}]}\n`,
  );
  const home = join(dir, "restart-home");
  const sweep = spawn(["sweep", file, ...q, "--home", home, "--json"]);
  await waitFor("two runs done", () => (worker.log().match(/ done /g) ?? []).length >= 2, 120_000).catch(
    (e) => {
      throw new Error(`${e.message}\nworker:\n${worker.log()}\nsweep:\n${sweep.log()}`);
    },
  );
  await redis.kill();
  await waitFor("the sweep to notice", () => /Redis unreachable/.test(sweep.log()), 20_000);
  await new Promise((r) => setTimeout(r, 1500));
  await redis.restart();
  const s = await exitWithin(sweep, 150_000);
  assert.equal(s.code, 0, sweep.log());
  assert.match(
    sweep.log(),
    /Redis at redis:\/\/127\.0\.0\.1:\d+\/? is back after \d+ s; \d+ queued runs it had lost are queued again/,
  );
  const report = JSON.parse(sweep.out());
  assert.equal(report.ok + report.diverged, n, sweep.log());
  const store = openRunStore(home, { readonly: true });
  try {
    const runs = store.listRuns({ sweep: "restart" });
    assert.equal(runs.length, n);
    assert.equal(new Set(runs.map((r) => r.id)).size, n);
    assert.ok(runs.every((r) => r.status === "ok" || r.status === "diverged"));
  } finally {
    store.close();
  }
  noStack(sweep.log());
});
