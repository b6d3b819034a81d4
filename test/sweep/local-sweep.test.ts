import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { type RunSummary, type StoredRun, storePath } from "../../src/store/index.js";
import { resolveConfig } from "../../src/train/config.js";
import { train } from "../../src/train/trainer.js";
import { cli, parseCsv } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-local-"));
const home = join(dir, "runs");
const file = join(dir, "local.yaml");
after(() => rmSync(dir, { recursive: true, force: true }));

// Three kinds of run, each with two seeds: one that learns, one that diverges (huge weights and
// rate, as in test/train), one whose data file does not exist (fails when it loads its data).
writeFileSync(
  file,
  `name: local
base: {backend: ts, epochs: 3}
runs:
  - {data: circle, hidden: [8], activation: tanh, init: xavier_uniform, batchSize: 20}
  - {data: xor, preprocess: raw, hidden: [32, 32, 32], activation: relu, init: "normal(std=30)", lr: 10, epochs: 20}
  - {data: "csv:${join(dir, "missing.csv")}", hidden: [4]}
grid:
  seed: [1, 2]
`,
);

let first: { code: number; out: string; err: string };
before(async () => {
  first = await cli("sweep", file, "--home", home, "--workers", "2", "--json");
});

test("a sweep stores every run: results, divergence as a result, failures with their error", async () => {
  assert.equal(first.code, 0, first.err);
  const report = JSON.parse(first.out);
  assert.equal(report.planned, 6);
  assert.deepEqual([report.ok, report.diverged, report.failed, report.interrupted], [2, 2, 2, false]);
  assert.equal(report.runs.length, 6);
  assert.match(first.err, /local: 6 runs, 0 already stored, 6 to run on 2 workers/);
  assert.match(first.err, /failed: .*missing\.csv/);
  const list = await cli("runs", "list", "--sweep", "local", "--home", home, "--json");
  const runs: RunSummary[] = JSON.parse(list.out);
  assert.deepEqual(
    runs.map((r) => r.id),
    report.runs.map((r: { id: string }) => r.id),
  );
  assert.deepEqual(
    runs.map((r) => [r.config.data.slice(0, 4), r.config.seed, r.status]),
    [
      ["circ", 1, "ok"],
      ["circ", 2, "ok"],
      ["xor", 1, "diverged"],
      ["xor", 2, "diverged"],
      ["csv:", 1, "failed"],
      ["csv:", 2, "failed"],
    ],
  );
  for (const r of runs.slice(4)) assert.match(r.error!, /missing\.csv/);
  for (const r of runs.slice(2, 4)) assert.ok(r.final!.diverged && r.final!.divergedAtStep! >= 1);
});

test("a stored run is exactly what train() computes for its config in this thread", async () => {
  const runs: RunSummary[] = JSON.parse(
    (await cli("runs", "list", "--sweep", "local", "--home", home, "--json")).out,
  );
  const backend = new TsBackend();
  for (const r of runs.slice(0, 3)) {
    const config = resolveConfig(r.config);
    const dataset = await loadDataset({
      data: config.data,
      preprocess: config.preprocess,
      seed: config.seed,
      noise: config.noise,
    });
    const direct = train(config, { dataset, backend });
    const shown: StoredRun = JSON.parse(
      (await cli("runs", "show", r.id.slice(0, 10), "--home", home, "--json")).out,
    );
    assert.deepEqual(
      shown.record!.epochs.map((e) => [e.trainLoss, e.testLoss, e.testAccuracy]),
      direct.epochs.map((e) => [e.trainLoss, e.testLoss, e.testAccuracy]),
    );
    assert.deepEqual(shown.record!.lossCurve, direct.lossCurve);
    assert.equal(shown.record!.final.steps, direct.final.steps);
  }
  const text = await cli("runs", "show", runs[2].id.slice(0, 8), "--home", home);
  assert.match(text.out, /status: {2}diverged/);
  assert.match(text.out, /diverged at step \d+/);
});

test("the same sweep again is refused without --resume; --resume runs only the missing and failed runs", async () => {
  const again = await cli("sweep", file, "--home", home);
  assert.equal(again.code, 2);
  assert.match(again.err, /sweep "local" already exists .* \(4 of 6 runs stored\); use --resume/);
  const resumed = await cli("sweep", file, "--home", home, "--resume", "--json");
  assert.equal(resumed.code, 0, resumed.err);
  const report = JSON.parse(resumed.out);
  assert.deepEqual([report.alreadyStored, report.total, report.failed, report.ok], [4, 2, 2, 0]);
  const runs: RunSummary[] = JSON.parse((await cli("runs", "list", "--home", home, "--json")).out);
  assert.equal(runs.length, 6);
  assert.deepEqual(
    runs.filter((r) => r.status === "failed").map((r) => r.failedAttempts),
    [2, 2],
  );
});

test("runs compare: group means and sample deviations of the stored values; table, bars, SVG", async () => {
  const runs: RunSummary[] = JSON.parse(
    (await cli("runs", "list", "--sweep", "local", "--home", home, "--json")).out,
  );
  const acc = runs.filter((r) => r.config.data === "circle").map((r) => r.final!.testAccuracy);
  const mean = (acc[0] + acc[1]) / 2;
  const std = Math.abs(acc[0] - acc[1]) / Math.SQRT2;
  const svg = join(dir, "cmp.svg");
  const c = await cli(
    "runs",
    "compare",
    "--sweep",
    "local",
    "--by",
    "data",
    "--metric",
    "testAccuracy",
    "--home",
    home,
    "--json",
    "--svg",
    svg,
  );
  assert.equal(c.code, 0, c.err);
  const doc = JSON.parse(c.out);
  assert.equal(doc.metric, "final.testAccuracy");
  assert.equal(doc.rows.length, 3);
  const [circle, xor, csv] = doc.rows;
  assert.equal(circle.n, 2);
  assert.ok(Math.abs(circle.mean - mean) < 1e-12);
  assert.ok(Math.abs(circle.std - std) < 1e-12);
  assert.deepEqual([xor.diverged, xor.failed, csv.failed, csv.n, csv.mean], [2, 0, 2, 0, null]);
  assert.match(readFileSync(svg, "utf8"), /^<svg[\s\S]*<\/svg>\s*$/);
  const text = await cli("runs", "compare", "--sweep", "local", "--by", "data,seed", "--home", home);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /data +seed +n +mean/);
  assert.match(text.out, /final\.testAccuracy \(mean over 6 runs\)/);
  assert.match(text.out, /circle 1 +\| █+/);
  const badKey = await cli("runs", "compare", "--sweep", "local", "--by", "actvation", "--home", home);
  assert.equal(badKey.code, 2);
  assert.match(badKey.err, /--by: unknown key "actvation"; valid: data, .*activation/);
  const badMetric = await cli("runs", "compare", "--sweep", "local", "--metric", "acc", "--home", home);
  assert.match(badMetric.err, /--metric: unknown metric "acc"; valid: final\.testAccuracy, final\.testLoss/);
  const badSweep = await cli("runs", "list", "--sweep", "nope", "--home", home);
  assert.match(badSweep.err, /no sweep "nope" .*; valid: local/);
});

test("runs export: CSV with one row per run and its config and final metrics; JSON with full records", async () => {
  const runs: RunSummary[] = JSON.parse(
    (await cli("runs", "list", "--sweep", "local", "--home", home, "--json")).out,
  );
  const csv = await cli("runs", "export", "--sweep", "local", "--format", "csv", "--home", home);
  assert.equal(csv.code, 0, csv.err);
  const [header, ...rows] = parseCsv(csv.out);
  assert.equal(rows.length, 6);
  const col = (name: string) => header.indexOf(name);
  for (const name of [
    "id",
    "sweep",
    "status",
    "error",
    "config.seed",
    "config.hidden",
    "final.testAccuracy",
  ]) {
    assert.ok(col(name) >= 0, name);
  }
  rows.forEach((row, i) => {
    assert.equal(row.length, header.length);
    assert.equal(row[col("id")], runs[i].id);
    assert.equal(row[col("status")], runs[i].status);
    assert.equal(row[col("config.seed")], String(runs[i].config.seed));
    assert.equal(row[col("config.hidden")], runs[i].config.hidden.join(","));
    const acc = runs[i].final?.testAccuracy;
    assert.equal(row[col("final.testAccuracy")], acc === undefined ? "" : String(acc));
  });
  const out = join(dir, "export.json");
  const json = await cli(
    "runs",
    "export",
    "--sweep",
    "local",
    "--format",
    "json",
    "--out",
    out,
    "--home",
    home,
  );
  assert.equal(json.code, 0, json.err);
  const docs: StoredRun[] = JSON.parse(readFileSync(out, "utf8"));
  assert.deepEqual(
    docs.map((d) => d.id),
    runs.map((r) => r.id),
  );
  assert.equal(docs[0].record!.epochs.length, 3);
  assert.equal(docs[4].record, null);
  const sweeps = JSON.parse((await cli("runs", "sweeps", "--home", home, "--json")).out);
  assert.deepEqual(
    sweeps.map(({ updatedAt: _u, ...s }: { updatedAt: string }) => s),
    [{ name: "local", planned: 6, ok: 2, diverged: 2, failed: 2 }],
  );
});

test("a bad sweep file stops the CLI with exit code 2 before the store is even created", async () => {
  const file = join(dir, "bad.yaml");
  writeFileSync(file, "name: bad\nbase: {data: xor, lr: -1}\n");
  const home = join(dir, "home-bad");
  const r = await cli("sweep", file, "--home", home);
  assert.equal(r.code, 2);
  assert.match(r.err, /base\.lr: expected a number > 0, got -1/);
  assert.equal(existsSync(storePath(home)), false);
});
