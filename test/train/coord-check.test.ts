import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { createBackend } from "../../src/kernels/registry.js";
import { type CoordCheckResult, coordCheck, coordVerdicts, slope } from "../../src/train/coord-check.js";

test("slope: least squares on exact power laws", () => {
  const x = [6, 7, 8, 9, 10];
  assert.ok(
    Math.abs(
      slope(
        x,
        x.map((v) => 0.5 * v + 3),
      ) - 0.5,
    ) < 1e-12,
  );
  assert.ok(
    Math.abs(
      slope(
        x,
        x.map(() => 2),
      ),
    ) < 1e-12,
  );
});

test("coordinate check, quick size: muP's coordinates are flat in width, SP's logits grow", async () => {
  const dataset = await loadDataset({
    data: "mnist",
    preprocess: "standardize",
    trainLimit: 1000,
    testLimit: 10,
    seed: 1,
  });
  const backend = await createBackend(undefined, { threads: 1 });
  try {
    const r = coordCheck({
      base: {
        data: "mnist",
        optimizer: "sgd",
        lr: 0.05,
        momentum: 0,
        batchSize: 64,
        baseWidth: 64,
        readoutZero: true,
      },
      widths: [64, 128, 256, 512],
      depth: 2,
      steps: 5,
      seeds: [11, 12, 13],
      parametrizations: ["sp", "mup"],
      dataset,
      backend,
    });
    const act = (p: string, layer: number) =>
      r.exponents.find((e) => e.parametrization === p && e.what === "activation" && e.layer === layer)!;
    for (const layer of [0, 1, 2]) {
      const e = act("mup", layer);
      assert.ok(Math.abs(e.mean) <= 0.1, `muP layer ${layer}: exponent ${e.mean}`);
    }
    assert.ok(act("sp", 2).mean >= 0.3, `SP logits: exponent ${act("sp", 2).mean}`);
    // every series: step 0 plus 5 steps, one size per layer, finite
    for (const s of r.series) {
      assert.equal(s.activation.length, 6);
      assert.ok(s.activation.flat().every(Number.isFinite));
    }
  } finally {
    backend.dispose();
  }
});

test("the coordinate-check verdicts can come out each way", () => {
  const make = (mup: [number, number, number], sp: [number, number, number]): CoordCheckResult => ({
    options: { widths: [64, 128], depth: 1, steps: 1, seeds: [1, 2], lr: 0.1, optimizer: "sgd" },
    series: [],
    exponents: [
      ...[0, 1].map((layer) => ({
        parametrization: "mup" as const,
        layer,
        what: "activation" as const,
        perSeed: [],
        mean: mup[0],
        low: mup[1],
        high: mup[2],
      })),
      {
        parametrization: "sp",
        layer: 1,
        what: "activation",
        perSeed: [],
        mean: sp[0],
        low: sp[1],
        high: sp[2],
      },
    ],
  });
  const v = (r: CoordCheckResult) => coordVerdicts(r).map((x) => x.verdict);
  assert.deepEqual(v(make([0, -0.05, 0.05], [0.8, 0.5, 1.1])), ["confirmed", "confirmed"]);
  assert.deepEqual(v(make([0.3, 0.2, 0.4], [0.1, 0, 0.2])), ["refuted", "refuted"]);
  assert.deepEqual(v(make([0.05, -0.1, 0.2], [0.4, 0.2, 0.6])), ["inconclusive", "inconclusive"]);
});
