import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { parametrizationRules } from "../../src/nn/parametrization.js";
import { resolveConfig, type TrainConfig } from "../../src/train/config.js";
import { buildNetwork, makeOptimizer, train } from "../../src/train/trainer.js";

const backend = new TsBackend();

/**
 * Tensor Programs V (Yang et al. 2022, arXiv:2203.03466), Table 3, muP with every multiplier 1,
 * written by hand as functions of a layer's fans: init variance and learning rates for SGD and Adam
 * (the "input weights & all biases" column, the output weights, the hidden weights). The SP values
 * (the gray ones of the table) are init variance 1/fan_in and every learning rate 1.
 */
const TABLE3 = {
  initVar: {
    input: (fi: number) => 1 / fi,
    hidden: (fi: number) => 1 / fi,
    output: (fi: number) => 1 / fi ** 2,
  },
  sgdLr: { input: (_fi: number, fo: number) => fo, hidden: () => 1, output: (fi: number) => 1 / fi },
  adamLr: { input: () => 1, hidden: (fi: number) => 1 / fi, output: (fi: number) => 1 / fi },
  sgdBiasLr: (fo: number) => fo,
  adamBiasLr: () => 1,
};

test("muP multipliers are Tensor Programs V's Table 3 relative to the base width (3-layer net, two widths)", () => {
  const d = 784;
  const k = 10;
  const base = 64;
  for (const n of [64, 512]) {
    const sizes = [d, n, n, k];
    const baseSizes = [d, base, base, k];
    for (const optimizer of ["sgd", "adam"] as const) {
      const rules = parametrizationRules(sizes, {
        parametrization: "mup",
        baseWidth: base,
        optimizer,
        readoutZero: false,
      });
      const roles = ["input", "hidden", "output"] as const;
      rules.forEach((r, l) => {
        const role = roles[l];
        assert.equal(r.role, role);
        const fi = sizes[l];
        const fo = sizes[l + 1];
        const fi0 = baseSizes[l];
        const fo0 = baseSizes[l + 1];
        // init: muP's variance over SP's (1/fan_in), relative to the same ratio at the base width
        const relVar = TABLE3.initVar[role](fi) / (1 / fi) / (TABLE3.initVar[role](fi0) / (1 / fi0));
        assert.ok(
          Math.abs(r.initStd ** 2 - relVar) < 1e-12,
          `${role} n=${n}: init var x ${r.initStd ** 2} vs ${relVar}`,
        );
        const lr =
          optimizer === "sgd"
            ? TABLE3.sgdLr[role](fi, fo) / TABLE3.sgdLr[role](fi0, fo0)
            : TABLE3.adamLr[role](fi) / TABLE3.adamLr[role](fi0);
        assert.ok(
          Math.abs(r.weightLr - lr) < 1e-12,
          `${optimizer} ${role} n=${n}: lr x ${r.weightLr} vs ${lr}`,
        );
        const blr = optimizer === "sgd" ? TABLE3.sgdBiasLr(fo) / TABLE3.sgdBiasLr(fo0) : 1;
        assert.ok(
          Math.abs(r.biasLr - blr) < 1e-12,
          `${optimizer} ${role} bias n=${n}: ${r.biasLr} vs ${blr}`,
        );
        assert.equal(r.forward, 1);
      });
    }
  }
});

test("the network and the optimizer apply the rules: readout weights scaled, per-layer rates in the kernels", async () => {
  const dataset = await loadDataset({ data: "circle", preprocess: "standardize", seed: 1 });
  const base: Partial<TrainConfig> = {
    data: "circle",
    hidden: [256, 256],
    activation: "relu",
    init: "he_normal",
    seed: 5,
    momentum: 0,
  };
  const sp = buildNetwork(resolveConfig(base), dataset, backend);
  const mupConfig = resolveConfig({ ...base, parametrization: "mup", baseWidth: 16 });
  const mup = buildNetwork(mupConfig, dataset, backend);
  // same random draws; only the readout is rescaled, by 1/sqrt(m) = 1/4
  assert.deepEqual(mup.layers[0].W, sp.layers[0].W);
  assert.deepEqual(mup.layers[1].W, sp.layers[1].W);
  for (let i = 0; i < sp.layers[2].W.length; i++)
    assert.equal(mup.layers[2].W[i], Math.fround(sp.layers[2].W[i] * 0.25));
  // one SGD step with the same gradients: each parameter's update is the SP update times its multiplier
  for (const net of [sp, mup]) for (const p of net.params()) p.grad.fill(1e-3);
  const spOpt = makeOptimizer(resolveConfig(base), sp);
  const mupOpt = makeOptimizer(mupConfig, mup);
  spOpt.step(0.1);
  mupOpt.step(0.1);
  const expected = [16, 16, 1, 16, 1 / 16, 1]; // W0, b0, W1, b1, W2 (readout), b2 (fixed size: 1)
  expected.forEach((m, k) => {
    const ratio = mupOpt.lastUpdateNorms[k] / spOpt.lastUpdateNorms[k];
    assert.ok(Math.abs(ratio / m - 1) < 1e-6, `param ${k}: update ratio ${ratio}, expected ${m}`);
  });
});

test("muP at its base width and NTK at its base width train bit for bit as SP", async () => {
  const dataset = await loadDataset({ data: "spiral", preprocess: "standardize", seed: 2 });
  const base: Partial<TrainConfig> = {
    data: "spiral",
    hidden: [32, 32],
    activation: "tanh",
    init: "xavier_uniform",
    maxSteps: 30,
    batchSize: 25,
    lr: 0.1,
    seed: 2,
  };
  const sp = train(resolveConfig(base), { dataset, backend });
  for (const parametrization of ["mup", "ntk"] as const) {
    const other = train(resolveConfig({ ...base, parametrization, baseWidth: 32 }), { dataset, backend });
    assert.deepEqual(other.lossCurve, sp.lossCurve, parametrization);
  }
  const wider = train(resolveConfig({ ...base, parametrization: "mup", baseWidth: 8 }), { dataset, backend });
  assert.notDeepEqual(wider.lossCurve, sp.lossCurve, "at 4x the base width muP differs from SP");
});

test("NTK: rates of width-sized fans divided by m (SGD) or sqrt(m) (Adam); zero readout on request", () => {
  const sgd = parametrizationRules([2, 400, 400, 2], {
    parametrization: "ntk",
    baseWidth: 100,
    optimizer: "sgd",
    readoutZero: false,
  });
  assert.deepEqual(
    sgd.map((r) => r.weightLr),
    [1, 0.25, 0.25],
  );
  const adam = parametrizationRules([2, 400, 400, 2], {
    parametrization: "ntk",
    baseWidth: 100,
    optimizer: "adam",
    readoutZero: true,
  });
  assert.deepEqual(
    adam.map((r) => r.weightLr),
    [1, 0.5, 0.5],
  );
  assert.deepEqual(
    adam.map((r) => r.zero),
    [false, false, true],
  );
});
