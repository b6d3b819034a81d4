// Bar of issue 18: `initlab train --init lsuv` and `initlab inspect --init lsuv` give every layer an
// output variance of 1 within the tolerance on MNIST, for tanh, ReLU and SELU networks of depth 20.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadDataset } from "../../src/data/index.js";
import { lsuvBatch } from "../../src/init/lsuv.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { dataOptionsOf, resolveConfig } from "../../src/train/config.js";
import { buildNetwork } from "../../src/train/trainer.js";
import { populationVariance } from "../init/helpers.js";
import { cli } from "./helpers.js";

const TOL = 0.1;
const DEPTH = 20;
const common = [
  "--data",
  "mnist",
  "--preprocess",
  "standardize",
  "--hidden",
  `48x${DEPTH}`,
  "--train-limit",
  "2000",
];
const common2 = [...common, "--seed", "3"];

interface Report {
  method: string;
  batch: number;
  tol: number;
  layers: { layer: number; scale: number; before: number; after: number }[];
}

function checkReport(r: Report, what: string) {
  assert.equal(r.method, "lsuv");
  assert.equal(r.tol, TOL);
  assert.equal(r.layers.length, DEPTH + 1, `${what}: every layer, the output layer included`);
  for (const l of r.layers) {
    assert.ok(Math.abs(l.after - 1) < TOL, `${what}: layer ${l.layer}: Var(z) ${l.after}`);
    assert.ok(l.scale > 0 && Number.isFinite(l.scale));
  }
}

for (const activation of ["tanh", "relu", "selu"]) {
  test(`--init lsuv on MNIST, ${activation}, depth ${DEPTH}: Var(z) = 1 within ${TOL} in every layer`, async () => {
    const ins = await cli("inspect", ...common2, "--activation", activation, "--init", "lsuv", "--json");
    assert.equal(ins.code, 0, ins.err);
    const doc = JSON.parse(ins.out);
    checkReport(doc.dataInit, `inspect ${activation}`);
    // the probe batch is 256 other training rows: the variance LSUV set holds there too (looser: a new sample)
    for (const l of doc.layers.slice(0, -1)) {
      assert.ok(
        l.preact.var > 0.5 && l.preact.var < 2,
        `inspect ${activation}: layer ${l.index}: ${l.preact.var}`,
      );
    }
    const tr = await cli(
      "train",
      ...common2,
      "--activation",
      activation,
      "--init",
      "lsuv",
      "--max-steps",
      "1",
      "--json",
    );
    assert.equal(tr.code, 0, tr.err);
    const record = JSON.parse(tr.out);
    checkReport(record.dataInit, `train ${activation}`);
    assert.deepEqual(record.dataInit, doc.dataInit, "train and inspect build the same network");

    // Independent check: rebuild through the library and measure Var(z) on the LSUV batch here.
    const config = resolveConfig({
      data: "mnist",
      preprocess: "standardize",
      hidden: Array.from({ length: DEPTH }, () => 48),
      activation,
      init: "lsuv",
      trainLimit: 2000,
      testLimit: 200,
      seed: 3,
    });
    const dataset = await loadDataset(dataOptionsOf(config));
    const backend = new TsBackend();
    const net = buildNetwork(config, dataset, backend);
    const x = lsuvBatch(dataset, 256, 3);
    net.forward(x, 256);
    for (const layer of net.layers) {
      const v = populationVariance(layer.Z, 256 * layer.outDim);
      assert.ok(Math.abs(v - 1) < TOL, `library ${activation}: layer ${layer.index}: Var(z) = ${v}`);
    }
  });
}

test("lsuv spec: arguments, errors, and no data-dependent step for other initializers", async () => {
  const d = await cli(
    "init",
    "describe",
    "lsuv(tol=0.05, base=he_normal)",
    "--fan-in",
    "100",
    "--fan-out",
    "10",
    "--json",
  );
  assert.equal(d.code, 0, d.err);
  const doc = JSON.parse(d.out);
  assert.equal(doc.spec, "lsuv(tol=0.05, max_iter=10, base=he_normal, batch=256)");
  assert.ok(Math.abs(doc.std - Math.sqrt(2 / 100)) < 1e-12); // before rescaling: the base's law
  for (const bad of ["lsuv(tol=2)", "lsuv(base=zeros)", "lsuv(max_iter=0.5)", "lsuv(batch=0)"]) {
    const r = await cli("init", "describe", bad, "--fan-in", "10", "--fan-out", "10");
    assert.equal(r.code, 2, bad);
  }
  const plain = await cli("inspect", ...common2, "--hidden", "16", "--json");
  assert.equal(JSON.parse(plain.out).dataInit, undefined);
});
