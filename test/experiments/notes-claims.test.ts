import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { loadDataset } from "../../src/data/index.js";
import { intervalStatus } from "../../src/experiments/harness/statistics.js";
import type { ExperimentReport } from "../../src/report/report-types.js";

// The notes' claims 1, 3 and 4 (experiments 1-3) at their quick size, through the CLI, with the
// reports written: every verdict must be "confirmed", and the numbers behind it are checked
// against quantities computed here from first principles.
const out = mkdtempSync(join(tmpdir(), "initlab-claims-"));
after(() => rmSync(out, { recursive: true, force: true }));

const names = ["raw-pixels", "vanishing-depth", "exploding"];
let reports: Map<string, ExperimentReport> | null = null;

async function runOnce(): Promise<Map<string, ExperimentReport>> {
  if (reports) return reports;
  const io = bufferIO();
  const code = await run(
    ["experiment", "run", names.join(","), "--quick", "--seed", "1", "--out", out, "--json", "--quiet"],
    io,
  );
  assert.equal(code, 0, io.err);
  const doc = JSON.parse(io.out);
  assert.deepEqual(
    doc.experiments.map((e: { name: string }) => e.name),
    names,
  );
  reports = new Map(
    names.map((n) => [n, JSON.parse(readFileSync(join(out, n, "result.json"), "utf8")) as ExperimentReport]),
  );
  for (const e of doc.experiments)
    console.log(`# ${e.name}: ${e.verdict} in ${e.seconds.toFixed(1)} s: ${e.summary}`);
  return reports;
}

function checkNumbers(r: ExperimentReport): void {
  for (const c of r.result.verdict.checks) {
    assert.equal(c.perSeed?.length, r.seeds.length, `${r.name}: ${c.label} has a value per seed`);
    if (c.op === "is" || !c.interval) continue;
    // The status is where the 95% interval over the seeds lies against the threshold.
    assert.equal(
      c.status,
      intervalStatus(c.interval.low, c.interval.high, c.op, c.threshold),
      `${r.name}: ${c.label}`,
    );
  }
  assert.equal(
    r.result.verdict.confirmed,
    r.result.verdict.checks.every((c) => c.status === "pass"),
  );
}

test("raw-pixels, vanishing-depth, exploding (quick): every verdict confirmed", async () => {
  const rs = await runOnce();
  for (const r of rs.values()) {
    checkNumbers(r);
    const failed = r.result.verdict.checks.filter((c) => !c.pass).map((c) => `${c.label}: ${c.text}`);
    assert.equal(r.result.verdict.confirmed, true, `${r.name}: ${failed.join("; ")}`);
    assert.equal(r.size, "quick");
  }
});

test("raw-pixels: Var(z1) at step 0 follows fan_in Var(w) E[x^2] for He weights (standardized input)", async () => {
  const r = (await runOnce()).get("raw-pixels")!;
  const data = await loadDataset({
    data: "mnist",
    preprocess: "standardize",
    trainLimit: 10000,
    testLimit: 2000,
    seed: 1,
  });
  let s = 0;
  for (let i = 0; i < data.trainX.length; i++) s += data.trainX[i] * data.trainX[i];
  const ex2 = s / data.trainX.length;
  // He normal: Var(w) = 2 / 784, so E[z^2] = 784 (2 / 784) E[x^2] = 2 E[x^2] (Glorot & Bengio 2010, eq. 5; He et al. 2015).
  const row = r.result.tables
    .find((t) => t.id === "step0")!
    .rows.find((x) => x[0] === "ReLU, standardized" && x[1] === 1)!;
  const varZ1 = row[2] as number;
  assert.ok(Math.abs(varZ1 / (2 * ex2) - 1) < 0.25, `Var(z1) ${varZ1} vs 2 E[x^2] = ${2 * ex2}`);
  // Raw pixels are 0..255: E[x^2] is thousands of times larger, and so is Var(z1).
  const raw = r.result.tables
    .find((t) => t.id === "step0")!
    .rows.find((x) => x[0] === "ReLU, raw" && x[1] === 1)!;
  assert.ok((raw[2] as number) / varZ1 > 1000);
});

test("vanishing-depth: the per-layer gradient factor stays near or under sqrt(n Var(w)) / 4; the ratio decays with depth", async () => {
  const r = (await runOnce()).get("vanishing-depth")!;
  const bound = Math.sqrt(100 * 0.05 * 0.05) / 4;
  const rows = r.result.tables.find((t) => t.id === "depth")!.rows;
  for (const row of rows) {
    assert.ok(Math.abs((row[3] as number) - bound) < 1e-12);
    // sigma' <= 1/4 and E[sigma'(z)^2] -> 1/16 as Var(z) -> 0: the factor is the bound up to finite-width noise.
    if ((row[0] as number) >= 3)
      assert.ok(
        (row[2] as number) < 1.1 * bound && (row[2] as number) > 0.8 * bound,
        `depth ${row[0]}: factor ${row[2]}`,
      );
  }
  // Depth d+1 has one more sigmoid layer between the input and the output: the ratio shrinks.
  for (let i = 1; i < rows.length; i++) assert.ok((rows[i][1] as number) < (rows[i - 1][1] as number));
});

test("exploding: the NaN step ends the loss curve; the gradient grows by about sqrt(n std^2 / 2) per layer", async () => {
  const r = (await runOnce()).get("exploding")!;
  const steps = r.result.tables.find((t) => t.id === "first-steps")!.rows;
  const nanAt = steps.findIndex((row) => row[1] === null);
  assert.ok(nanAt > 0, "a NaN loss is recorded");
  assert.ok(steps.slice(0, nanAt).every((row) => typeof row[1] === "number"));
  const factor = r.result.numbers.find((n) => n.label.startsWith("per-layer gradient factor"))!
    .value as number;
  const theory = Math.sqrt((128 * 0.2 * 0.2) / 2);
  assert.ok(Math.abs(factor / theory - 1) < 0.25, `factor ${factor} vs ${theory}`);
});

test("the reports are complete: HTML with inline SVG charts, a PNG and a CSV per chart, the JSON", async () => {
  const rs = await runOnce();
  for (const r of rs.values()) {
    const dir = join(out, r.name);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    assert.match(html, /class="verdict ok"/);
    assert.equal((html.match(/<svg /g) ?? []).length, r.result.charts.length);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
    for (const c of r.result.charts) {
      const png = readFileSync(join(dir, "charts", `${c.id}.png`));
      assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
      assert.ok(existsSync(join(dir, "charts", `${c.id}.svg`)));
      const csv = readFileSync(join(dir, "data", `${c.id}.csv`), "utf8");
      assert.ok(csv.split("\n").length > 2, `${r.name}/${c.id}.csv has data`);
    }
    assert.ok(!readdirSync(out).some((f) => f.includes(".partial-")), "no partial folder is left");
  }
});
