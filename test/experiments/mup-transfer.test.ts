import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import YAML from "yaml";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import {
  curveOptimum,
  MUP_MAX_SPREAD,
  mupTransferSweep,
  SP_MIN_SPREAD,
  TRANSFER_LOG2_LR,
  type TransferPoint,
  transferChecks,
  transferReport,
  transferResult,
  transferShifts,
} from "../../src/experiments/catalogue/mup-transfer.js";
import { experimentSeeds } from "../../src/experiments/harness/execute.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { openRunStore } from "../../src/store/index.js";
import { runSweep } from "../../src/sweep/run-sweep.js";
import { readSweepFile } from "../../src/sweep/sweep-file.js";
import { planSweep } from "../../src/sweep/sweep-plan.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-mup-transfer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("curveOptimum: the vertex of a parabola sampled on the grid, the grid edge, divergence", () => {
  // f = (x - c)^2 + 1 is its own parabola: the vertex through any three neighbours is c exactly.
  const grid = [-6, -5, -4, -3, -2, -1];
  const at = (c: number) => grid.map((x) => ({ log2Lr: x, loss: (x - c) ** 2 + 1 }));
  const o = curveOptimum(at(-3.3));
  assert.ok(o);
  assert.ok(Math.abs(o.log2Lr - -3.3) < 1e-12, String(o.log2Lr));
  assert.equal(o.gridLog2Lr, -3);
  assert.equal(o.atEdge, false);
  // Beyond the grid: the edge point, flagged.
  const edge = curveOptimum(at(-8));
  assert.equal(edge?.log2Lr, -6);
  assert.equal(edge?.atEdge, true);
  // A diverged neighbour (null) leaves the grid point unrefined; nothing finite gives null.
  const gap = at(-3.3).map((p) => (p.log2Lr === -2 ? { ...p, loss: null } : p));
  assert.equal(curveOptimum(gap)?.log2Lr, -3);
  assert.equal(curveOptimum(grid.map((x) => ({ log2Lr: x, loss: null }))), null);
});

/** Synthetic points: loss = (log2 lr - optimum(width))^2 / 4 + 0.1 on both optimizers' grids. */
function synthetic(optimum: (p: "sp" | "mup", w: number) => number, seed = 1): TransferPoint[] {
  const out: TransferPoint[] = [];
  for (const parametrization of ["sp", "mup"] as const)
    for (const optimizer of ["sgd", "adam"] as const)
      for (const width of [64, 128, 256, 512])
        for (const e of TRANSFER_LOG2_LR[optimizer]) {
          const c = optimum(parametrization, width) + (optimizer === "adam" ? -7 : 0);
          out.push({ parametrization, optimizer, width, lr: 2 ** e, seed, loss: (e - c) ** 2 / 4 + 0.1 });
        }
  return out;
}

test("transferResult: muP flat and SP moving confirm; a muP optimum that moves two steps refutes", () => {
  // SP: the optimum halves when the width doubles (slope -1, spread 3); muP: fixed at -3.2.
  const good = synthetic((p, w) => (p === "sp" ? -2.2 - Math.log2(w / 64) : -3.2));
  const shifts = transferShifts(good);
  const sp = shifts.find((s) => s.parametrization === "sp" && s.optimizer === "sgd")!;
  assert.ok(Math.abs(sp.spread - 3) < 1e-9 && Math.abs(sp.slope - -1) < 1e-9, `${sp.spread} ${sp.slope}`);
  const mup = shifts.find((s) => s.parametrization === "mup" && s.optimizer === "adam")!;
  assert.ok(Math.abs(mup.spread) < 1e-9);
  const r = transferResult(good);
  assert.equal(r.verdict.status, "confirmed", r.verdict.summary);
  assert.equal(r.verdict.checks.length, 4);
  // muP's optimum moves by 2 grid steps from 64 to 512: its checks fail.
  const bad = synthetic((p, w) =>
    p === "sp" ? -2.2 - Math.log2(w / 64) : -2.2 - (2 / 3) * Math.log2(w / 64),
  );
  const rb = transferResult(bad);
  assert.equal(rb.verdict.status, "refuted");
  const failed = rb.verdict.checks.filter((c) => !c.pass).map((c) => c.label);
  assert.equal(failed.length, 2, failed.join("; "));
  assert.ok(failed.every((l) => l.startsWith("muP")));
  assert.ok(rb.verdict.checks.every((c) => !c.label.startsWith("muP") || (c.measured ?? 0) > MUP_MAX_SPREAD));
  // SP that does not move fails its check too.
  const still = transferResult(synthetic(() => -3));
  assert.deepEqual(
    still.verdict.checks.filter((c) => !c.pass).map((c) => c.label.slice(0, 7)),
    ["SP, SGD", "SP, Ada"],
  );
});

test("mup-transfer: each check fails on an input made for it", () => {
  // Spreads in grid steps shaped like a quick run: SP's optimum moves (1.8 and 1.55 steps), muP's
  // stays (0.09 and 0.32). Quick seed 1 measured SP, SGD at 0.05: the input that fails check 0.
  const spread = (sp: [number, number], mup: [number, number]) => [
    { parametrization: "sp" as const, optimizer: "sgd" as const, spread: sp[0] },
    { parametrization: "sp" as const, optimizer: "adam" as const, spread: sp[1] },
    { parametrization: "mup" as const, optimizer: "sgd" as const, spread: mup[0] },
    { parametrization: "mup" as const, optimizer: "adam" as const, spread: mup[1] },
  ];
  const ok = spread([1.8, 1.55], [0.09, 0.32]);
  assertEachCheckCanFail("mup-transfer", transferChecks, ok, [
    [0, spread([0.05, 1.55], [0.09, 0.32])],
    [1, spread([1.8, 0.4], [0.09, 0.32])],
    [2, spread([1.8, 1.55], [2.1, 0.32])],
    [3, spread([1.8, 1.55], [0.09, 1.6])],
  ]);
  // A width where nothing trained (spread NaN) passes neither rule; one grid step is on both sides' threshold.
  assert.deepEqual(
    transferChecks(spread([Number.NaN, 1.55], [0.09, Number.NaN])).map((c) => c.pass),
    [false, true, true, false],
  );
  const tie = transferChecks(spread([1, 1], [1, 1]));
  assert.ok(tie.every((c) => c.pass));
  assert.deepEqual(
    tie.map((c) => [c.op, c.threshold]),
    [
      [">=", SP_MIN_SPREAD],
      [">=", SP_MIN_SPREAD],
      ["<=", MUP_MAX_SPREAD],
      ["<=", MUP_MAX_SPREAD],
    ],
  );
  // transferResult's verdict is built from these checks.
  const points = synthetic((p, w) => (p === "sp" ? -2.2 - Math.log2(w / 64) : -3.2));
  assert.deepEqual(transferResult(points).verdict.checks, transferChecks(transferShifts(points)));
});

test("the example sweep file is the experiment's quick sweep for seeds 1, 2 and 3 of base seed 1", () => {
  const spec = readSweepFile(join(import.meta.dirname, "../../examples/mup-transfer-quick.yaml"));
  const { description: _a, ...fromFile } = spec;
  const { description: _b, ...generated } = mupTransferSweep(true, experimentSeeds(1, 3));
  assert.deepEqual(fromFile, generated);
  // The comment's counts: 4 widths x 2 parametrizations x 3 seeds x (8 + 9) rates.
  const plan = planSweep(spec, { backend: "ts" });
  assert.equal(plan.runs.length, 4 * 2 * 3 * (8 + 9));
  assert.match(
    readFileSync(join(import.meta.dirname, "../../examples/mup-transfer-quick.yaml"), "utf8"),
    /408 runs/,
  );
  assert.ok(getExperiment("mup-transfer"));
});

test("a small transfer sweep on the local pool: stored runs give the report; at the base width SP = muP bit for bit", async () => {
  const full = mupTransferSweep(true, [5, 6]);
  const spec = {
    ...full,
    name: "mup-transfer-tiny",
    base: {
      ...full.base,
      trainLimit: 512,
      testLimit: 64,
      maxSteps: 12,
      epochs: 2,
      baseWidth: 16,
      backend: "ts" as const,
    },
    grid: {
      ...full.grid,
      hidden: [
        [16, 16],
        [32, 32],
      ],
    },
    runs: full.runs?.filter((_, i) => i % 3 === 0),
  };
  const plan = planSweep(YAML.parse(YAML.stringify(spec)));
  const home = join(dir, "store");
  const store = openRunStore(home);
  try {
    const done = await runSweep(plan, store, { source: null, resume: false, workers: 2 });
    assert.equal(done.failed, 0);
    const runs = store.listRuns({ sweep: "mup-transfer-tiny" });
    assert.equal(runs.length, plan.runs.length);
    // At the base width muP applies multipliers of 1: the same run as SP, the same bits.
    const key = (r: (typeof runs)[number]) => `${r.config.optimizer} ${r.config.lr} ${r.config.seed}`;
    const base = runs.filter((r) => r.config.hidden[0] === 16);
    const sp = new Map(
      base.filter((r) => r.config.parametrization === "sp").map((r) => [key(r), r.final?.trainLoss]),
    );
    const mup = base.filter((r) => r.config.parametrization === "mup");
    assert.equal(mup.length, sp.size);
    for (const r of mup) assert.equal(r.final?.trainLoss, sp.get(key(r)), key(r));
    // At width 32 they differ (the multipliers are not 1 there).
    const wide = runs.filter((r) => r.config.hidden[0] === 32 && r.config.optimizer === "adam");
    assert.notEqual(
      wide[0].final?.trainLoss,
      wide.find((r) => r.config.parametrization !== wide[0].config.parametrization && key(r) === key(wide[0]))
        ?.final?.trainLoss,
    );
    const report = transferReport(
      runs.map((r) => ({ config: r.config, status: r.status, trainLoss: r.final?.trainLoss })),
      { quick: true, backend: "ts", startedAt: new Date().toISOString(), seconds: 0 },
    );
    assert.deepEqual(report.seeds, [5, 6]);
    assert.equal(report.result.verdict.checks.length, 4);
    for (const c of report.result.verdict.checks) assert.equal(c.perSeed?.length, 2, c.label);
    const curves = report.result.charts.filter((c) => c.id.startsWith("loss-vs-lr-"));
    assert.equal(curves.length, 4);
  } finally {
    store.close();
  }
  // The CLI's analysis of the same store: the report folder and the verdict as JSON.
  const io = bufferIO();
  const out = join(dir, "reports");
  const code = await run(
    ["param", "transfer", "--sweep", "mup-transfer-tiny", "--home", home, "--out", out, "--json", "--no-png"],
    io,
  );
  assert.equal(code, 0, io.err);
  const doc = JSON.parse(io.out);
  assert.deepEqual(doc.seeds, [5, 6]);
  assert.equal(doc.checks.length, 4);
  assert.ok(["confirmed", "refuted", "inconclusive"].includes(doc.verdict));
  assert.ok(existsSync(join(out, "mup-transfer", "index.html")));
  // A sweep that is not in the store: exit 2, naming it and the sweeps there are.
  const bad = bufferIO();
  assert.equal(await run(["param", "transfer", "--sweep", "nope", "--home", home], bad), 2);
  assert.match(bad.err, /no sweep "nope" in .*; valid: mup-transfer-tiny/);
});
