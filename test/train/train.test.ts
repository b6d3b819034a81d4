import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { getLoss } from "../../src/nn/losses.js";
import { networkFromJSON, networkToJSON } from "../../src/nn/serialize.js";
import { resolveConfig } from "../../src/train/config.js";
import { buildNetwork, evaluate, train } from "../../src/train/trainer.js";

const backend = new TsBackend();

test("same seed, same bits; another seed, other bits", async () => {
  const dataset = await loadDataset({ data: "spiral", preprocess: "standardize", seed: 3 });
  const config = resolveConfig({
    data: "spiral",
    hidden: [16, 16],
    activation: "tanh",
    init: "xavier_uniform",
    epochs: 3,
    batchSize: 25,
    lr: 0.1,
    seed: 3,
  });
  const a = train(config, { dataset, backend });
  const b = train(config, { dataset, backend });
  assert.deepEqual(a.lossCurve, b.lossCurve);
  assert.equal(a.final.testLoss, b.final.testLoss);
  const c = train({ ...config, seed: 4 }, { dataset, backend });
  assert.notEqual(c.final.testLoss, a.final.testLoss);
});

test("a small network learns the circle data set", async () => {
  const dataset = await loadDataset({ data: "circle", preprocess: "standardize", seed: 1 });
  const config = resolveConfig({
    data: "circle",
    hidden: [8, 8],
    activation: "tanh",
    init: "xavier_uniform",
    epochs: 30,
    batchSize: 10,
    lr: 0.05,
    seed: 1,
  });
  const r = train(config, { dataset, backend });
  assert.ok(r.final.testAccuracy > 0.95, `accuracy ${r.final.testAccuracy}`);
  assert.ok(r.epochs[r.epochs.length - 1].trainLoss! < r.epochs[0].trainLoss!);
});

test("divergence is a result: huge weights and a huge rate stop with diverged and the step", async () => {
  const dataset = await loadDataset({ data: "xor", preprocess: "raw", seed: 1 });
  const config = resolveConfig({
    data: "xor",
    preprocess: "raw",
    hidden: [32, 32, 32],
    activation: "relu",
    init: "normal(std=30)",
    lr: 10,
    momentum: 0.9,
    epochs: 20,
    seed: 1,
  });
  const r = train(config, { dataset, backend });
  assert.equal(r.final.diverged, true);
  assert.ok(r.final.divergedAtStep !== null && r.final.divergedAtStep >= 1);
  assert.equal(r.final.steps, r.final.divergedAtStep);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
});

test("save and load round-trip the weights exactly and give the same predictions", async () => {
  const dataset = await loadDataset({ data: "gauss", preprocess: "standardize", seed: 2 });
  const config = resolveConfig({
    data: "gauss",
    hidden: [5],
    activation: "prelu",
    init: "he_uniform",
    epochs: 2,
    seed: 2,
  });
  const net = buildNetwork(config, dataset, backend);
  train(config, { dataset, backend, network: net });
  const doc = JSON.parse(JSON.stringify(networkToJSON(net)));
  assert.equal(doc.layers[0].weight.length, 5);
  assert.equal(doc.layers[0].weight[0].length, 2);
  const copy = networkFromJSON(doc, "mem.json", backend);
  assert.deepEqual(Array.from(copy.layers[0].W), Array.from(net.layers[0].W));
  assert.deepEqual(Array.from(copy.layers[0].slopes!), Array.from(net.layers[0].slopes!));
  const loss = getLoss("cross_entropy");
  const a = evaluate(net, loss, dataset.testX, dataset.testY, dataset.nTest, 100);
  const b = evaluate(copy, loss, dataset.testX, dataset.testY, dataset.nTest, 100);
  assert.equal(a.loss, b.loss);
  assert.throws(() => networkFromJSON({ ...doc, version: 2 }, "bad.json"), /bad\.json: version: expected 1/);
  doc.layers[0].weight[1] = [1];
  assert.throws(
    () => networkFromJSON(doc, "bad.json"),
    /bad\.json: layers\[0\]\.weight\[1\]: expected 2 numbers, found 1/,
  );
});

test("config validation names the bad key and the allowed values", () => {
  assert.throws(
    () => resolveConfig({ optimizer: "rmsprop" as "sgd" }),
    /optimizer: unknown value "rmsprop"; valid: sgd, adam/,
  );
  assert.throws(() => resolveConfig({ batchSize: 0 }), /batchSize/);
  assert.throws(
    () => resolveConfig({ lerningRate: 1 } as Record<string, unknown>),
    /unknown key "lerningRate"; valid keys: data, preprocess/,
  );
  // a key set to undefined is absent: its default, not an error
  assert.deepEqual(resolveConfig({ maxSteps: undefined, lr: undefined }), resolveConfig({}));
  assert.equal(resolveConfig({ maxSteps: undefined }).maxSteps, null);
});
