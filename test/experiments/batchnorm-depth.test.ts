import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import {
  type BatchnormMeasures,
  BN_LEARNS,
  BN_MIN_GAIN,
  BN_STALLS,
  batchnormChecks,
  FACTOR_TOLERANCE,
  RESIDUAL_MAX_FRACTION,
} from "../../src/experiments/catalogue/batchnorm-depth.js";
import { combineCheck } from "../../src/experiments/harness/statistics.js";
import { verdict } from "../../src/experiments/harness/verdict.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

/** The claim's shape: BN learns, none stalls, x1.46 per layer, residual growth 3% of plain. */
const ok: BatchnormMeasures = {
  bnAccuracy: 0.86,
  noneAccuracy: 0.1,
  factor: 1.46,
  plainTotal: 290,
  residualTotal: 9,
};

test("batchnorm-depth: the thresholds are the rule's; each check fails on an input made for it", () => {
  assert.deepEqual(
    [BN_LEARNS, BN_STALLS, BN_MIN_GAIN, FACTOR_TOLERANCE, RESIDUAL_MAX_FRACTION],
    [0.5, 0.3, 0.3, 0.1, 0.1],
  );
  assertEachCheckCanFail("batchnorm-depth", batchnormChecks, ok, [
    [0, { ...ok, bnAccuracy: 0.45 }], // BN does not learn (gain 35 points still)
    [1, { ...ok, noneAccuracy: 0.32 }], // the bad init trains without BN
    [2, { ...ok, bnAccuracy: 0.55, noneAccuracy: 0.28 }], // both on their side, gain 27 points
    [3, { ...ok, factor: 1.2 }], // growth well below pi/(pi-1)
    [4, { ...ok, factor: 1.7 }], // well above
    [5, { ...ok, residualTotal: 100 }], // residual blocks keep a third of the explosion
  ]);
  // pi/(pi-1) = 1.4669: the band is (1.320, 1.614)
  assert.equal(batchnormChecks({ ...ok, factor: 1.33 })[3].pass, true);
  assert.equal(batchnormChecks({ ...ok, factor: 1.31 })[3].pass, false);
  assert.equal(batchnormChecks({ ...ok, factor: 1.6 })[4].pass, true);
  assert.equal(batchnormChecks({ ...ok, factor: 1.62 })[4].pass, false);
});

/** The verdict over seeds from per-seed measures, as the harness combines them. */
function overSeeds(seeds: BatchnormMeasures[]) {
  const perSeed = seeds.map(batchnormChecks);
  return verdict(
    perSeed[0].map((_, j) => combineCheck(perSeed.map((c) => c[j]))),
    "",
  );
}

test("batchnorm-depth: over three seeds the verdict is confirmed, refuted or inconclusive by the intervals", () => {
  const seeds = [ok, { ...ok, factor: 1.45, bnAccuracy: 0.85 }, { ...ok, factor: 1.47, noneAccuracy: 0.11 }];
  assert.equal(overSeeds(seeds).status, "confirmed");
  // every seed's factor far below the band: refuted by check (b)
  const low = overSeeds(seeds.map((m) => ({ ...m, factor: 1.2 + m.factor / 100 })));
  assert.equal(low.status, "refuted");
  assert.deepEqual(
    low.checks.filter((c) => c.status !== "pass").map((c) => c.label.slice(0, 3)),
    ["(b)"],
  );
  // factors straddling the lower edge 1.320: that check is undecided, nothing fails
  const straddle = overSeeds(seeds.map((m, i) => ({ ...m, factor: [1.25, 1.4, 1.36][i] })));
  assert.equal(straddle.status, "inconclusive");
  assert.deepEqual(
    straddle.checks.map((c) => c.status),
    ["pass", "pass", "pass", "undecided", "pass", "pass"],
  );
});

test("experiment run batchnorm-depth --quick --seeds 1 --json: a report with the six checks and the measured factor", async () => {
  assert.equal(getExperiment("batchnorm-depth").order, 24);
  const dir = mkdtempSync(join(tmpdir(), "initlab-bn-"));
  try {
    const io = bufferIO();
    const code = await run(
      [
        "experiment",
        "run",
        "batchnorm-depth",
        "--quick",
        "--seed",
        "5",
        "--seeds",
        "1",
        "--jobs",
        "1",
        "--out",
        dir,
        "--json",
        "--no-png",
        "--quiet",
      ],
      io,
    );
    assert.equal(code, 0, io.err);
    const doc = JSON.parse(io.out);
    const e = doc.experiments[0];
    assert.equal(e.name, "batchnorm-depth");
    assert.deepEqual(e.seeds, [5]);
    assert.equal(e.checks.length, 6);
    assert.ok(["confirmed", "refuted", "inconclusive"].includes(e.verdict));
    const result = JSON.parse(readFileSync(join(dir, "batchnorm-depth", "result.json"), "utf8")).result;
    const factor = result.numbers.find((n: { label: string }) =>
      n.label.startsWith("(b) measured per-layer"),
    );
    assert.ok(factor.value > 1.2 && factor.value < 1.8, `factor ${factor.value}`);
    const chart = result.charts.find((c: { id: string }) => c.id === "grad-per-layer");
    assert.equal(chart.y.log, true);
    assert.equal(chart.series.length, 4, "plain BN, residual BN, no normalization, and the theory line");
    assert.equal(result.tables.find((t: { id: string }) => t.id === "factor-vs-batch").rows.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
