import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { resolveConfig } from "../../src/train/config.js";
import { buildNetwork, train } from "../../src/train/trainer.js";

const backend = new TsBackend();

test("probing does not change training: same losses and same weights with probes every step", async () => {
  const dataset = await loadDataset({ data: "spiral", preprocess: "standardize", seed: 3 });
  for (const optimizer of ["sgd", "adam"] as const) {
    const config = resolveConfig({
      data: "spiral",
      hidden: [16, 16],
      activation: "tanh",
      init: "xavier_uniform",
      optimizer,
      lr: 0.05,
      epochs: 2,
      batchSize: 25,
      seed: 3,
      probeBatch: 300,
    });
    const netA = buildNetwork(config, dataset, backend);
    const netB = buildNetwork(config, dataset, backend);
    const a = train(config, { dataset, backend, network: netA });
    const b = train({ ...config, probeEvery: 1 }, { dataset, backend, network: netB });
    assert.deepEqual(b.lossCurve, a.lossCurve);
    assert.equal(b.final.testLoss, a.final.testLoss);
    netA.layers.forEach((l, i) => {
      assert.deepEqual(Array.from(netB.layers[i].W), Array.from(l.W));
    });
    assert.equal(a.probes.length, 0);
    assert.equal(b.probes.length, b.final.steps + 1);
  }
});

test("probe steps: 0 and every k-th step; the step-0 snapshot carries the predictions", async () => {
  const dataset = await loadDataset({ data: "xor", preprocess: "standardize", seed: 1 });
  const config = resolveConfig({
    data: "xor",
    hidden: [8],
    activation: "relu",
    init: "he_normal",
    maxSteps: 23,
    epochs: 100,
    seed: 1,
    probeEvery: 7,
    probeBatch: 64,
  });
  const r = train(config, { dataset, backend });
  const probes = r.probes;
  assert.deepEqual(
    probes.map((p) => p.step),
    [0, 7, 14, 21],
  );
  assert.ok(probes.every((p) => p.batch === 64));
  assert.ok(probes[0].layers.every((l) => l.predicted !== null && l.updateRatio === null));
  assert.ok(probes[1].layers.every((l) => l.predicted === null && l.updateRatio !== null));
});

test("update-to-weight ratio: Adam's first update is lr sign(g), so the ratio is lr sqrt(numel) / ||W||", async () => {
  // Kingma & Ba 2015, Algorithm 1: after one step m_hat = g, v_hat = g^2, so each entry moves by
  // lr g / (|g| + eps) = lr sign(g) (1 - eps/|g|): ||update|| = lr sqrt(out * in) up to eps/|g| ~ 1e-6.
  const dataset = await loadDataset({ data: "circle", preprocess: "standardize", seed: 4 });
  const lr = 1e-3;
  const config = resolveConfig({
    data: "circle",
    hidden: [12, 12],
    activation: "tanh",
    init: "xavier_uniform",
    optimizer: "adam",
    lr,
    eps: 1e-30,
    maxSteps: 1,
    seed: 4,
    probeEvery: 1,
  });
  const net = buildNetwork(config, dataset, backend);
  const r = train(config, { dataset, backend, network: net });
  const snap = r.probes[1];
  assert.equal(snap.step, 1);
  net.layers.forEach((layer, l) => {
    let sq = 0;
    for (const w of layer.W) sq += w * w;
    const expected = (lr * Math.sqrt(layer.W.length)) / Math.sqrt(sq);
    const got = snap.layers[l].updateRatio ?? Number.NaN;
    assert.ok(Math.abs(got / expected - 1) < 1e-4, `layer ${l}: ratio ${got} vs ${expected}`);
  });
});

test("findings go into the record with the step at which they appeared, once while they last", async () => {
  const dataset = await loadDataset({ data: "gauss", preprocess: "standardize", seed: 5 });
  // The notes' deep sigmoid net with a small init: the gradient vanishes from the start; plain SGD with a
  // small rate moves the first layers by tiny steps (the update ratio appears at the first probe after a step).
  const config = resolveConfig({
    data: "gauss",
    hidden: [32, 32, 32, 32, 32, 32, 32],
    activation: "sigmoid",
    init: "normal(std=0.05)",
    momentum: 0,
    lr: 0.01,
    epochs: 100,
    maxSteps: 20,
    seed: 5,
    probeEvery: 5,
  });
  const r = train(config, { dataset, backend });
  const findings = r.findings;
  const vanishing = findings.filter((f) => f.kind === "vanishing_gradient");
  assert.equal(vanishing.length, 1, JSON.stringify(findings.map((f) => [f.step, f.kind])));
  assert.equal(vanishing[0].step, 0);
  assert.match(
    vanishing[0].message,
    /gradient vanishes.*sigma'\(z\) <= 1\/4.*try --init xavier_sigmoid_uniform/,
  );
  const tiny = findings.find((f) => f.kind === "update_ratio");
  assert.ok(tiny && tiny.step === 5 && tiny.value < 10 ** -4.5, JSON.stringify(tiny));
  assert.ok(findings.every((f) => typeof f.step === "number" && f.step % 5 === 0));
});
