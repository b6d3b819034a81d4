import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { canonicalJson, runId } from "../../src/sweep/run-id.js";
import type { TrainConfig } from "../../src/train/config.js";

// A complete resolved config written out by hand, and its canonical JSON written out by hand
// (keys sorted by UTF-16 code units, no spaces, threads left out, and the keys added in 0.2.0 left
// out at their defaults: warmupSteps, parametrization, baseWidth, readoutZero): the hash definition of docs/sweeps.md, computed without the
// code under test. The id of a run stored before warmupSteps existed stays the same (likewise the
// keys of 0.3.0 at their defaults: features, l1).
const config: TrainConfig = {
  data: "circle",
  preprocess: "standardize",
  trainLimit: null,
  testLimit: 50,
  target: null,
  noise: 0.1,
  features: "x1,x2",
  hidden: [16, 8],
  activation: "tanh",
  init: "xavier_uniform",
  biasInit: "zeros",
  preluShared: false,
  parametrization: "sp",
  baseWidth: null,
  readoutZero: false,
  residual: 0,
  branchScale: "one",
  branchConst: 1,
  branchInit: "standard",
  norm: "none",
  normPlace: "pre",
  loss: "cross_entropy",
  optimizer: "sgd",
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  l1: 0,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  clipNorm: null,
  schedule: "constant",
  stepEpochs: 1,
  gamma: 0.1,
  minLr: 0,
  warmupSteps: 0,
  batchSize: 32,
  epochs: 2,
  maxSteps: null,
  seed: 7,
  backend: "ts",
  threads: 1,
  probeEvery: 0,
  probeBatch: 256,
  evalBatchSize: 1000,
  lossEvery: 10,
};
const canonical =
  '{"activation":"tanh","backend":"ts","batchSize":32,"beta1":0.9,"beta2":0.999,"biasInit":"zeros","clipNorm":null,' +
  '"data":"circle","epochs":2,"eps":1e-8,"evalBatchSize":1000,"gamma":0.1,"hidden":[16,8],"init":"xavier_uniform",' +
  '"loss":"cross_entropy","lossEvery":10,"lr":0.05,"maxSteps":null,"minLr":0,"momentum":0.9,"nesterov":false,' +
  '"noise":0.1,"optimizer":"sgd","preluShared":false,"preprocess":"standardize","probeBatch":256,"probeEvery":0,' +
  '"schedule":"constant","seed":7,"stepEpochs":1,"target":null,"testLimit":50,"trainLimit":null,"weightDecay":0}';

test("the run id is sha256 of the canonical JSON of the config without threads", () => {
  const expected = createHash("sha256").update(canonical).digest("hex");
  assert.equal(runId(config), expected);
  assert.match(runId(config), /^[0-9a-f]{64}$/);
});

test("the id does not depend on key order or on threads, and changes with every other key", () => {
  const reversed = Object.fromEntries(Object.entries(config).reverse()) as TrainConfig;
  assert.equal(runId(reversed), runId(config));
  assert.equal(runId({ ...config, threads: 8 }), runId(config));
  assert.equal(runId({ ...config, threads: null }), runId(config));
  const changes: Partial<TrainConfig>[] = [
    { seed: 8 },
    { backend: "wasm" },
    { hidden: [8, 16] },
    { lr: 0.05000000000000001 },
    { testLimit: null },
    { lossEvery: 5 },
    { evalBatchSize: 999 },
    { warmupSteps: 10 },
    { parametrization: "mup" },
    { baseWidth: 8 },
    { readoutZero: true },
    { features: "x1,x2,x1x2" },
    { l1: 0.001 },
  ];
  const ids = new Set([runId(config), ...changes.map((c) => runId({ ...config, ...c }))]);
  assert.equal(ids.size, changes.length + 1);
});

test("canonical JSON sorts keys recursively, keeps array order and refuses non-finite numbers", () => {
  assert.equal(
    canonicalJson({ b: [3, { z: 1, a: -0 }], a: "x", c: undefined }),
    '{"a":"x","b":[3,{"a":0,"z":1}]}',
  );
  assert.throws(() => canonicalJson({ lr: Number.NaN }), /NaN has no JSON form/);
  assert.throws(() => canonicalJson({ lr: Number.POSITIVE_INFINITY }), /Infinity has no JSON form/);
});
