import assert from "node:assert/strict";
import { test } from "node:test";
import { linearizationBreak, momentsExperiment } from "../../src/experiments/catalogue/moments.js";
import { silentProgress } from "../../src/experiments/console-progress.js";
import { sampleStats } from "../../src/experiments/harness/monte-carlo.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { Rng } from "../../src/tensor/rng.js";

test("moments (quick): every formula row agrees with its closed form, verdict confirmed", async () => {
  const r = await momentsExperiment.run({
    quick: true,
    seed: 1,
    progress: silentProgress,
    backend: new TsBackend(),
  });
  assert.equal(r.verdict.confirmed, true, r.verdict.summary);
  const table = r.tables.find((t) => t.id === "moments")!;
  const exact = new Map(table.rows.map((row) => [row[1] as string, row[2] as number]));
  const find = (prefix: string) => [...exact.entries()].find(([k]) => k.startsWith(prefix))?.[1];
  // The exact column, recomputed here from the textbook formulas.
  assert.equal(find("die: E[X]"), 3.5);
  assert.ok(Math.abs(find("die: Var(X)")! - 35 / 12) < 1e-15);
  assert.ok(Math.abs(find("U(-1, 3): Var(X)")! - 16 / 12) < 1e-15);
  assert.ok(Math.abs(find("U(-1, 3): E[X^2]")! - 7 / 3) < 1e-15);
  assert.ok(Math.abs(find("Var(XY) = E[X]^2")! - (1 * 9 + 4 * (4 / 3) + (4 / 3) * 9)) < 1e-12);
  assert.ok(Math.abs(find("xavier_uniform")! - 2 / (784 + 256)) < 1e-15);
  // Every row's "within tolerance" is |simulated - exact| <= 4 SE with the row's own numbers.
  for (const row of table.rows) {
    const [, , ex, sim, , se, , within] = row as [
      number,
      string,
      number,
      number,
      number,
      number,
      number,
      boolean,
    ];
    assert.equal(within, Math.abs(sim - ex) <= 4 * se, String(row[1]));
  }
  // The checks' pass flags follow from their numbers.
  for (const c of r.verdict.checks) {
    const expected =
      c.op === "<"
        ? c.measured! < c.threshold
        : c.op === ">"
          ? c.measured! > c.threshold
          : c.measured! >= c.threshold;
    assert.equal(c.pass, expected, c.label);
  }
});

test("sigmoid linearization breaks where x^3/48 = 0.01 predicts, to 3%", () => {
  // sigma(x) = 1/2 + x/4 - x^3/48 + x^5/480 - ...: the break point of a 0.01 error is near cbrt(0.48).
  const x = linearizationBreak(0.01);
  const sigma = 1 / (1 + Math.exp(-x));
  assert.ok(Math.abs(Math.abs(sigma - (0.5 + x / 4)) - 0.01) < 1e-12);
  assert.ok(Math.abs(x / Math.cbrt(0.48) - 1) < 0.03, `x = ${x}`);
});

test("sample standard errors match the known ones for N(0, 1)", () => {
  // For N(0, 1): SE(mean) = 1/sqrt(n), SE(var) = sqrt(2/n) (m4 = 3).
  const rng = new Rng(7);
  const n = 200000;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  const s = sampleStats(x);
  assert.ok(Math.abs(s.seMean * Math.sqrt(n) - 1) < 0.01);
  assert.ok(Math.abs(s.seVariance / Math.sqrt(2 / n) - 1) < 0.03);
  assert.ok(Math.abs(s.mean) < 5 / Math.sqrt(n));
});
