import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { getLoss } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { probeNetwork } from "../../src/probe/index.js";
import type { Finding, ProbeSnapshot } from "../../src/probe/types.js";
import { openRunStore, runsHome, STORE_FILE, storePath } from "../../src/store/index.js";
import { openSqlite } from "../../src/store/sqlite-driver.js";
import { resolveConfig } from "../../src/train/config.js";
import type { RunRecord } from "../../src/train/record.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Two real probe snapshots of a 2-4-2 network, the second with a NaN (a diverging run's). */
function snapshots(): ProbeSnapshot[] {
  const net = new Network({ sizes: [2, 4, 2], activation: "tanh", init: "xavier_uniform" }).initialize(1);
  const x = Float32Array.of(0.5, -1, 1, 0.25, -0.3, 0.8);
  const y = Int32Array.of(0, 1, 1);
  const a = probeNetwork(net, x, y, 3, getLoss("cross_entropy"), { step: 0 });
  const b = probeNetwork(net, x, y, 3, getLoss("cross_entropy"), { step: 10 });
  b.layers[0].preact.var = Number.NaN;
  return [a, b];
}

const FINDINGS: Finding[] = [
  { kind: "saturation", message: "layer 1 saturates", layers: [1], value: 0.4, step: 10 },
];

function record(seed: number, acc: number, diverged = false): RunRecord {
  const config = resolveConfig({ data: "xor", seed, hidden: [4] });
  return {
    config,
    meta: {
      initlab: "0.1.0",
      backend: "ts",
      threads: 1,
      node: process.version,
      startedAt: "2025-01-01T00:00:00.000Z",
      sizes: [2, 4, 2],
    },
    epochs: [
      { epoch: 1, trainLoss: 0.7, testLoss: 0.6, testAccuracy: acc - 0.1, seconds: 0.01 },
      {
        epoch: 2,
        trainLoss: diverged ? null : 0.5,
        testLoss: diverged ? null : 0.4,
        testAccuracy: acc,
        seconds: 0.02,
      },
    ],
    lossCurve: [{ step: 1, loss: 0.7, lr: 0.05, gradNorm: 1.5 }],
    final: {
      trainLoss: diverged ? null : 0.5,
      testLoss: diverged ? null : 0.4,
      testAccuracy: acc,
      diverged,
      divergedAtStep: diverged ? 12 : null,
      samplesPerSecond: 1000,
      steps: 20,
      trainSeconds: 0.02,
      totalSeconds: 0.03,
    },
    probes: snapshots(),
    findings: FINDINGS,
  };
}

test("the runs folder: --home, then INITLAB_HOME, then ./runs", () => {
  assert.equal(runsHome("/x/y", { INITLAB_HOME: "/a" }), "/x/y");
  assert.equal(runsHome(undefined, { INITLAB_HOME: "/a/b" }), "/a/b");
  assert.equal(runsHome(undefined, {}), join(process.cwd(), "runs"));
  assert.equal(storePath("/a"), join("/a", STORE_FILE));
});

test("a run round-trips: record, epochs, probes, verdicts, timings; WAL mode", () => {
  const home = join(dir, "roundtrip");
  const store = openRunStore(home);
  const rec = record(1, 0.9);
  assert.equal(
    store.putRun({ id: "a1", sweep: "s", status: "ok", config: rec.config, record: rec, worker: "w1" }),
    true,
  );
  const got = store.getRun("a1")!;
  assert.equal(got.status, "ok");
  assert.deepEqual(got.sweeps, ["s"]);
  assert.equal(got.worker, "w1");
  assert.deepEqual(got.config, rec.config);
  assert.deepEqual(got.record!.epochs, rec.epochs);
  assert.deepEqual(got.record!.final, rec.final);
  assert.deepEqual(got.record!.lossCurve, rec.lossCurve);
  assert.deepEqual(got.record!.findings, rec.findings);
  // NaN has no JSON form: it comes back as null (as JSON.stringify writes it), everything else as it was.
  assert.deepEqual(got.record!.probes, JSON.parse(JSON.stringify(rec.probes)));
  assert.equal(got.record!.probes[1].layers[0].preact.var, null);
  assert.equal(got.record!.probes[0].layers.length, 2);
  assert.equal(store.hasRun("a1"), true);
  assert.equal(store.getRun("nope"), null);
  store.close();
  const db = openSqlite(storePath(home), { readonly: true });
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.deepEqual(db.prepare("SELECT test_accuracy, steps, train_seconds FROM runs").get(), {
    test_accuracy: 0.9,
    steps: 20,
    train_seconds: 0.02,
  });
  db.close();
});

test("a regression run's per-epoch test R^2 round-trips; a schema-1 store is read as it is and migrated when written", () => {
  const home = join(dir, "r2");
  let store = openRunStore(home);
  const base = record(2, 0);
  const rec: RunRecord = {
    ...base,
    epochs: [
      { ...base.epochs[0], testR2: 0.42 },
      { ...base.epochs[1], testR2: 0.87 },
    ],
    final: { ...base.final, testR2: 0.87 },
  };
  store.putRun({ id: "r1", status: "ok", config: rec.config, record: rec });
  assert.deepEqual(
    store.getRun("r1")!.record!.epochs.map((e) => e.testR2),
    [0.42, 0.87],
  );
  // A classification run's epochs have no R^2 and get none back.
  store.putRun({ id: "c1", status: "ok", config: base.config, record: base });
  assert.deepEqual(store.getRun("c1")!.record!.epochs, base.epochs);
  store.close();
  // Make it a schema-1 store (as initlab 0.2 wrote it): no test_r2 column.
  const db = openSqlite(storePath(home), {});
  db.exec("ALTER TABLE epochs DROP COLUMN test_r2");
  db.prepare("UPDATE store_meta SET value = '1' WHERE key = 'schema'").run();
  db.close();
  const old = openRunStore(home, { readonly: true });
  assert.deepEqual(old.getRun("c1")!.record!.epochs, base.epochs, "read as it is");
  old.close();
  store = openRunStore(home);
  store.putRun({ id: "r2", status: "ok", config: resolveConfig({ data: "xor", seed: 3 }), record: rec });
  assert.deepEqual(
    store.getRun("r2")!.record!.epochs.map((e) => e.testR2),
    [0.42, 0.87],
  );
  store.close();
  const after2 = openSqlite(storePath(home), { readonly: true });
  assert.equal(after2.prepare("SELECT value FROM store_meta WHERE key = 'schema'").get()?.value, "2");
  after2.close();
  // A store from a newer initlab is refused, not misread.
  const newer = openSqlite(storePath(home), {});
  newer.prepare("UPDATE store_meta SET value = '3' WHERE key = 'schema'").run();
  newer.close();
  assert.throws(() => openRunStore(home), /schema version 3; this initlab reads versions 1-2/);
});

test("a result is written once; a failure is replaced by a later result and counted", () => {
  const store = openRunStore(join(dir, "precedence"));
  const r1 = record(1, 0.8);
  const r2 = record(1, 0.1);
  assert.equal(store.putRun({ id: "b", status: "failed", error: "boom", config: r1.config }), true);
  assert.equal(store.hasRun("b"), false, "a failed attempt is not a result");
  assert.equal(store.putRun({ id: "b", status: "failed", error: "boom again", config: r1.config }), true);
  assert.equal(store.getRun("b")!.failedAttempts, 2);
  assert.equal(store.getRun("b")!.error, "boom again");
  assert.equal(store.putRun({ id: "b", sweep: "s1", status: "ok", config: r1.config, record: r1 }), true);
  assert.equal(store.putRun({ id: "b", sweep: "s2", status: "ok", config: r2.config, record: r2 }), false);
  const got = store.getRun("b")!;
  assert.equal(got.record!.final.testAccuracy, 0.8);
  assert.equal(got.failedAttempts, 2);
  assert.equal(got.error, null);
  assert.deepEqual(got.sweeps, ["s1", "s2"], "a second put still adds the sweep membership");
  store.close();
});

test("listRuns filters by sweep (plan order, with axes), status and ids; sweeps count their runs", () => {
  const store = openRunStore(join(dir, "list"));
  const recs = [record(1, 0.7), record(2, 0.9, true), record(3, 0.5)];
  store.putSweep({
    name: "grid",
    spec: { name: "grid" },
    source: "grid.yaml",
    runs: [
      { id: "c3", axes: { seed: 3 } },
      { id: "c1", axes: { seed: 1 } },
      { id: "c2", axes: { seed: 2 } },
      { id: "c4", axes: { seed: 4 } },
    ],
  });
  store.putRun({ id: "c1", sweep: "grid", status: "ok", config: recs[0].config, record: recs[0] });
  store.putRun({ id: "c2", sweep: "grid", status: "diverged", config: recs[1].config, record: recs[1] });
  store.putRun({ id: "c3", sweep: "grid", status: "failed", error: "bad", config: recs[2].config });
  store.putRun({ id: "other", status: "ok", config: recs[0].config, record: recs[0] });
  const bySweep = store.listRuns({ sweep: "grid" });
  assert.deepEqual(
    bySweep.map((r) => r.id),
    ["c3", "c1", "c2"],
  );
  assert.deepEqual(bySweep[1].axes, { seed: 1 });
  assert.deepEqual(
    store
      .listRuns({ status: ["ok", "diverged"] })
      .map((r) => r.id)
      .sort(),
    ["c1", "c2", "other"],
  );
  assert.deepEqual(
    store.listRuns({ ids: ["c2", "zzz"] }).map((r) => r.id),
    ["c2"],
  );
  assert.equal(store.listRuns().length, 4);
  assert.equal(store.listRuns({ limit: 2 }).length, 2);
  assert.deepEqual(
    store.listSweeps().map(({ updatedAt: _u, ...s }) => s),
    [{ name: "grid", planned: 4, ok: 1, diverged: 1, failed: 1 }],
  );
  const sw = store.getSweep("grid")!;
  assert.equal(sw.source, "grid.yaml");
  assert.deepEqual(
    sw.runs.map((r) => r.id),
    ["c3", "c1", "c2", "c4"],
  );
  store.close();
});

test("findIds matches prefixes; a missing store is a clear error when reading", () => {
  const store = openRunStore(join(dir, "ids"));
  const rec = record(1, 0.5);
  for (const id of ["abc123", "abd456", "ffff00"])
    store.putRun({ id, status: "ok", config: rec.config, record: rec });
  assert.deepEqual(store.findIds("ab"), ["abc123", "abd456"]);
  assert.deepEqual(store.findIds("ABD"), ["abd456"]);
  assert.deepEqual(store.findIds("9"), []);
  store.close();
  assert.throws(
    () => openRunStore(join(dir, "nothing-here"), { readonly: true }),
    /no run store at .*nothing-here.*INITLAB_HOME/,
  );
});

test("a run lease: one holder at a time, ended by storing the run, taken over once it expires", async () => {
  const home = join(dir, "leases");
  const a = openRunStore(home);
  const b = openRunStore(home);
  try {
    const since = new Date(Date.now() - 1000).toISOString();
    const config = resolveConfig({ data: "xor", seed: 7, hidden: [4] });
    assert.equal(a.claimRun("r1", "A", 60_000, since), "claimed");
    assert.equal(b.claimRun("r1", "B", 60_000, since), "taken");
    assert.equal(a.claimRun("r1", "A", 60_000, since), "claimed", "the holder may claim again");
    a.putRun({ id: "r1", status: "ok", config, record: record(7, 0.9) });
    assert.equal(b.claimRun("r1", "B", 60_000, since), "stored");
    // A holder that died: its lease (50 ms here) expires and another process takes the run.
    assert.equal(a.claimRun("r2", "A", 50, since), "claimed");
    assert.equal(b.claimRun("r2", "B", 60_000, since), "taken");
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(b.claimRun("r2", "B", 60_000, since), "claimed");
    // Renewing keeps a lease alive; releasing frees it at once.
    assert.equal(a.claimRun("r3", "A", 50, since), "claimed");
    a.renewClaims("A", 60_000);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(b.claimRun("r3", "B", 60_000, since), "taken");
    a.releaseClaims("A");
    assert.equal(b.claimRun("r3", "B", 60_000, since), "claimed");
    // A failure stored after the sweep started counts as stored (not computed twice); an older one is retried.
    b.putRun({ id: "r4", status: "failed", error: "boom", config });
    assert.equal(a.claimRun("r4", "A", 60_000, since), "stored");
    assert.equal(a.claimRun("r4", "A", 60_000, new Date(Date.now() + 1000).toISOString()), "claimed");
  } finally {
    a.close();
    b.close();
  }
});

test("a store that is not SQLite, or a folder in its place, is a one-line error naming the file", async () => {
  const { writeFileSync, mkdirSync } = await import("node:fs");
  const corrupt = join(dir, "corrupt");
  mkdirSync(corrupt, { recursive: true });
  writeFileSync(storePath(corrupt), "this is not a database ".repeat(100));
  assert.throws(
    () => openRunStore(corrupt),
    /initlab\.sqlite: (cannot open the run store|not an initlab run store).*(not a database|NOTADB)/,
  );
  const folder = join(dir, "folder");
  mkdirSync(storePath(folder), { recursive: true });
  assert.throws(
    () => openRunStore(folder),
    (e: Error) => e.name === "UserError" && e.message.includes(storePath(folder)),
  );
});

test("listRuns pages and counts in SQL: newest first, limit and offset, filters", async () => {
  const home = join(dir, "paging");
  const store = openRunStore(home);
  try {
    for (let seed = 1; seed <= 5; seed++) {
      const config = resolveConfig({ data: "xor", seed, hidden: [4] });
      store.putRun({
        id: `p${seed}`,
        status: seed === 3 ? "failed" : "ok",
        config,
        record: record(seed, 0.8),
      });
      await new Promise((r) => setTimeout(r, 3)); // distinct store times
    }
    const all = store.listRuns({ newestFirst: true }).map((r) => r.id);
    assert.deepEqual(all, ["p5", "p4", "p3", "p2", "p1"]);
    assert.deepEqual(
      store.listRuns({ newestFirst: true, limit: 2, offset: 1 }).map((r) => r.id),
      ["p4", "p3"],
    );
    assert.deepEqual(
      store.listRuns({ offset: 3 }).map((r) => r.id),
      ["p4", "p5"],
    );
    assert.equal(store.countRuns(), 5);
    assert.equal(store.countRuns({ status: "failed" }), 1);
    assert.equal(store.countRuns({ ids: [] }), 0);
  } finally {
    store.close();
  }
});
