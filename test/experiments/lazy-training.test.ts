import assert from "node:assert/strict";
import { test } from "node:test";
import {
  LAZY_THRESHOLD,
  type LazyExponents,
  type LazyPoint,
  lazyChecks,
  lazyResult,
  widthExponent,
} from "../../src/experiments/catalogue/lazy-training.js";
import { datasetFor } from "../../src/experiments/harness/train-run.js";
import { getExperiment } from "../../src/experiments/registry.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { Rng } from "../../src/tensor/rng.js";
import { resolveConfig } from "../../src/train/config.js";
import { featureChange, spectralNorm } from "../../src/train/feature-change.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

test("spectralNorm: the closed form of a 2 x 2 matrix, a rank-one matrix and a diagonal one", () => {
  const rng = Rng.derive(1, "test");
  // sigma_max^2 of [[a, b], [c, d]] = (S + sqrt(S^2 - 4 det^2)) / 2 with S = a^2 + b^2 + c^2 + d^2.
  const [a, b, c, d] = [0.3, -1.2, 2.5, 0.7];
  const S = a * a + b * b + c * c + d * d;
  const det = a * d - b * c;
  const exact = Math.sqrt((S + Math.sqrt(S * S - 4 * det * det)) / 2);
  assert.ok(Math.abs(spectralNorm([a, b, c, d], 2, 2, rng) - exact) < 1e-12);
  // u v^T has the single singular value |u| |v| (3 x 4, row-major).
  const u = [1, -2, 2];
  const v = [0.5, 0.5, -0.5, 0.5];
  const M = u.flatMap((x) => v.map((y) => x * y));
  assert.ok(Math.abs(spectralNorm(M, 3, 4, rng) - 3 * 1) < 1e-12);
  assert.ok(Math.abs(spectralNorm([4, 0, 0, 0, -7, 0], 2, 3, rng) - 7) < 1e-12);
});

/** Synthetic changes: feature and spectral change c0 (n / 64)^e per parametrization. */
function synthetic(e: { ntk: number; mup: number }): LazyPoint[] {
  return (["ntk", "mup"] as const).flatMap((parametrization) =>
    [64, 128, 256, 512].map((width) => {
      const c = 0.8 * (width / 64) ** e[parametrization];
      return {
        parametrization,
        width,
        change: { feature: [c, c], weightSpectral: [c, c, c], weightFrobenius: [c, c / 2, c] },
      };
    }),
  );
}

test("lazyResult: the theories' slopes confirm; an NTK run that is not lazy refutes", () => {
  const good = synthetic({ ntk: -0.5, mup: 0 });
  assert.ok(Math.abs(widthExponent(good, "ntk", "feature") - -0.5) < 1e-12);
  assert.ok(Math.abs(widthExponent(good, "mup", "spectral")) < 1e-12);
  const r = lazyResult(good, 10);
  assert.equal(r.verdict.status, "confirmed", r.verdict.summary);
  assert.equal(r.verdict.checks.length, 4);
  // Both at -0.2: muP passes (above the midpoint), NTK fails its two checks.
  const bad = lazyResult(synthetic({ ntk: -0.2, mup: -0.2 }), 10);
  assert.equal(bad.verdict.status, "refuted");
  assert.deepEqual(
    bad.verdict.checks.filter((c) => !c.pass).map((c) => c.label.slice(0, 3)),
    ["NTK", "NTK"],
  );
  assert.ok(bad.verdict.checks.every((c) => c.threshold === LAZY_THRESHOLD));
  // The charts draw the theory through the base-width point.
  const chart = r.charts.find((c) => c.id === "feature-change");
  assert.ok(chart && chart.kind === "line");
  const theory = chart.series.find((s) => s.name.startsWith("NTK theory"))!;
  assert.ok(Math.abs((theory.points[3][1] as number) - 0.8 * 8 ** -0.5) < 1e-12);
  assert.ok(getExperiment("lazy-training"));
});

test("lazy-training: each check fails on an input made for it", () => {
  // Quick seed 1: NTK's exponents -0.48 (features) and -0.57 (spectral), muP's -0.03 and -0.07.
  const ok: LazyExponents = {
    ntk: { feature: -0.476, spectral: -0.569 },
    mup: { feature: -0.033, spectral: -0.073 },
  };
  assertEachCheckCanFail("lazy-training", lazyChecks, ok, [
    // NTK's features still learned at width 1024 (exponent -0.2: closer to muP's 0).
    [0, { ...ok, ntk: { ...ok.ntk, feature: -0.2 } }],
    [1, { ...ok, ntk: { ...ok.ntk, spectral: -0.1 } }],
    // muP lazy like NTK: its features stop moving as width grows.
    [2, { ...ok, mup: { ...ok.mup, feature: -0.45 } }],
    // The Frobenius-like fall of a low-rank update (about -1/2) read as the spectral change.
    [3, { ...ok, mup: { ...ok.mup, spectral: -0.52 } }],
  ]);
  // The midpoint itself belongs to neither theory; a NaN exponent (a change of 0) fails.
  assert.ok(
    lazyChecks({ ntk: { feature: -0.25, spectral: -0.25 }, mup: { feature: -0.25, spectral: -0.25 } }).every(
      (c) => !c.pass,
    ),
  );
  assert.equal(lazyChecks({ ...ok, mup: { ...ok.mup, feature: Number.NaN } })[2].pass, false);
});

test("featureChange on MNIST: no step, no change; NTK = muP at the base width; wider NTK moves less than muP", async () => {
  const backend = new TsBackend();
  const cfg = (parametrization: "ntk" | "mup", width: number) =>
    resolveConfig({
      data: "mnist",
      trainLimit: 1000,
      testLimit: 10,
      hidden: [width, width],
      optimizer: "sgd",
      lr: 0.1,
      momentum: 0,
      batchSize: 32,
      parametrization,
      baseWidth: 16,
      probeBatch: 64,
      seed: 3,
      backend: "ts",
    });
  const dataset = await datasetFor(cfg("ntk", 16));
  const none = featureChange(cfg("mup", 16), dataset, backend, 0);
  assert.ok([...none.feature, ...none.weightSpectral, ...none.weightFrobenius].every((x) => x === 0));
  const base = [
    featureChange(cfg("ntk", 16), dataset, backend, 20),
    featureChange(cfg("mup", 16), dataset, backend, 20),
  ];
  assert.deepEqual(base[0], base[1]);
  assert.ok(base[0].feature[1] > 0);
  const ntk = featureChange(cfg("ntk", 128), dataset, backend, 20);
  const mup = featureChange(cfg("mup", 128), dataset, backend, 20);
  // Width 128 = 8 base widths: theory says NTK's feature change is about 1/sqrt(8) of muP's.
  assert.ok(ntk.feature[1] < 0.7 * mup.feature[1], `${ntk.feature[1]} vs ${mup.feature[1]}`);
  assert.ok(
    ntk.weightSpectral[1] < 0.7 * mup.weightSpectral[1],
    `${ntk.weightSpectral[1]} vs ${mup.weightSpectral[1]}`,
  );
});
