import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configurations,
  isometryChecks,
  runIsometry,
  type SpectrumPoint,
  scaleRows,
} from "../../src/experiments/catalogue/dynamical-isometry.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

const point = (name: string, depth: number, variance: number, meanSquare = 1): SpectrumPoint => ({
  name,
  depth,
  meanSquare,
  variance,
  theoryMeanSquare: 1,
  theoryVariance: variance,
  max: 2,
  min: 0.5,
});

function shape(o: {
  orthVar: number;
  gaussDeep: number;
  gaussShallow: number;
  reluVar: number;
  orthM1: number;
}) {
  return [
    point("tanh, orthogonal", 8, 0.01),
    point("tanh, orthogonal", 64, o.orthVar, o.orthM1),
    point("tanh, Gaussian", 8, o.gaussShallow),
    point("tanh, Gaussian", 64, o.gaussDeep),
    point("relu, orthogonal", 8, 8),
    point("relu, orthogonal", 64, o.reluVar),
  ];
}

test("dynamical-isometry: the claim's shape passes every check; each check fails on an input made for it", () => {
  const good = { orthVar: 1, gaussDeep: 60, gaussShallow: 8, reluVar: 64, orthM1: 1.05 };
  const ok = isometryChecks(shape(good), { orth: 0.3, gauss: 0.6 });
  assert.deepEqual(
    ok.map((c) => c.status),
    ["pass", "pass", "pass", "pass", "pass"],
  );
  const fails = (o: Partial<typeof good>, loss = { orth: 0.3, gauss: 0.6 }) =>
    isometryChecks(shape({ ...good, ...o }), loss)
      .map((c, i) => (c.status === "fail" ? i : -1))
      .filter((i) => i >= 0);
  assert.deepEqual(fails({ orthVar: 30 }), [0]); // orthogonal as spread as Gaussian
  assert.deepEqual(fails({ gaussShallow: 50 }), [1]); // no growth with depth
  assert.deepEqual(fails({ orthM1: 1.5 }), [2]); // mean s^2 off the theory
  assert.deepEqual(fails({ reluVar: 2 }), [3]); // relu isometric
  assert.deepEqual(fails({}, { orth: 0.6, gauss: 0.3 }), [4]); // Gaussian trains faster
  // a diverged run is +Infinity, compared (orthogonal diverging fails the training check)
  assert.deepEqual(fails({}, { orth: Number.POSITIVE_INFINITY, gauss: 0.6 }), [4]);
  // The same inputs through the shared assertion (each fails its check and no other).
  const loss = { orth: 0.3, gauss: 0.6 };
  const checksOf = (m: { o: typeof good; loss: typeof loss }) => isometryChecks(shape(m.o), m.loss);
  const claim = { o: good, loss };
  assertEachCheckCanFail("dynamical-isometry", checksOf, claim, [
    [0, { ...claim, o: { ...good, orthVar: 30 } }],
    [1, { ...claim, o: { ...good, gaussShallow: 50 } }],
    [2, { ...claim, o: { ...good, orthM1: 1.5 } }],
    [3, { ...claim, o: { ...good, reluVar: 2 } }],
    [4, { ...claim, loss: { orth: 0.6, gauss: 0.3 } }],
  ]);
});

test("dynamical-isometry: configurations sit at the critical point; probe rows rescaled to the mean square asked", () => {
  const cs = configurations();
  assert.deepEqual(
    cs.map((c) => c.name),
    ["tanh, orthogonal", "tanh, Gaussian", "relu, orthogonal"],
  );
  assert.ok(cs[0].inputSecond! > 0 && cs[2].inputSecond === null);
  const x = Float32Array.from([1, 2, 3, 0, 0, 4]);
  const y = scaleRows(x, 2, 3, 2);
  for (let r = 0; r < 2; r++) {
    const ms = (y[r * 3] ** 2 + y[r * 3 + 1] ** 2 + y[r * 3 + 2] ** 2) / 3;
    assert.ok(Math.abs(ms - 2) < 1e-6);
  }
  assert.equal(getExperiment("dynamical-isometry").name, "dynamical-isometry");
});

test("dynamical-isometry: a tiny run end to end gives spectra, losses and a verdict", async () => {
  const backend = new TsBackend();
  const result = await runIsometry(
    {
      quick: true,
      seed: 3,
      backend,
      progress: { run() {}, step() {}, log() {} },
    },
    {
      width: 16,
      depths: [2, 6],
      inputs: 2,
      instances: 2,
      trainDepth: 3,
      trainWidth: 16,
      steps: 8,
      rates: [0.01],
      trainLimit: 300,
    },
  );
  assert.equal(result.tables[0].rows.length, 6);
  for (const row of result.tables[0].rows) {
    assert.ok(Number.isFinite(row[2] as number) && (row[2] as number) > 0, `mean s^2 ${row[2]}`);
  }
  assert.equal(result.verdict.checks.length, 5);
  assert.ok(["confirmed", "refuted", "inconclusive"].includes(result.verdict.status));
  assert.equal(result.configurations.length, 3);
});
