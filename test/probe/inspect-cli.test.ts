import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

// The notes' 8-layer sigmoid network with a small normal init, on a slice of MNIST.
const SIGMOID8 = [
  "--hidden",
  "256x7",
  "--activation",
  "sigmoid",
  "--init",
  "normal(std=0.05)",
  "--train-limit",
  "2000",
  "--batch",
  "128",
];

const LAYER_KEYS = [
  "index",
  "fanIn",
  "fanOut",
  "activation",
  "weightStd",
  "preact",
  "act",
  "grad",
  "weightGradNorm",
  "weightNorm",
  "deadFraction",
  "saturatedFraction",
  "predicted",
];

test("inspect --json: the issue's schema, and the diagnosis of the 8-layer sigmoid net says the gradient vanishes", async () => {
  const r = await cli("inspect", ...SIGMOID8, "--json");
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  for (const k of ["config", "layers", "diagnosis", "recommendation"]) assert.ok(k in doc, k);
  assert.equal(doc.config.activation, "sigmoid");
  assert.equal(doc.layers.length, 8);
  for (const l of doc.layers) {
    for (const k of LAYER_KEYS) assert.ok(k in l, `layer ${l.index}: ${k}`);
    for (const k of ["preact", "act", "grad"]) assert.deepEqual(Object.keys(l[k]).sort(), ["mean", "var"]);
    assert.deepEqual(Object.keys(l.predicted).sort(), ["actVar", "gradVar", "preactVar"]);
    assert.equal(typeof l.predicted.preactVar, "number");
  }
  assert.deepEqual([doc.layers[0].fanIn, doc.layers[0].fanOut, doc.layers[7].fanOut], [784, 256, 10]);
  assert.equal(doc.layers[7].activation, "identity");
  const v = doc.diagnosis.find((f: { kind: string }) => f.kind === "vanishing_gradient");
  assert.ok(v, JSON.stringify(doc.diagnosis));
  assert.match(
    v.message,
    /gradient vanishes: \|\|dL\/dW\|\| falls by 10\^-\d\.\d from layer 7 \(output\) to layer 0/,
  );
  assert.match(v.message, /at most|<= 1\/4/);
  assert.deepEqual(Object.keys(v).sort(), ["kind", "layers", "message", "value"]);
  assert.equal(doc.recommendation.init, "xavier_sigmoid_uniform");
  assert.equal(typeof doc.recommendation.reason, "string");
});

test("inspect prints the table, the diagnosis and the recommendation; --depth-sweep adds the sweep", async () => {
  const r = await cli("inspect", ...SIGMOID8, "--depth-sweep", "5");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /layer +activation +fan-in +fan-out +w std +Var\(z\) meas \/ pred/);
  assert.match(r.out, /diagnosis:\n {2}- gradient vanishes/);
  assert.match(r.out, /recommended init: xavier_sigmoid_uniform\n {2}because sigmoid/);
  assert.match(r.out, /depth sweep: Var\(z\) at the last hidden layer of sigmoid networks of width 256/);
  assert.match(r.out, /mean field \(sigma_w\^2 = /);
  const json = await cli("inspect", ...SIGMOID8, "--depth-sweep", "5", "--json");
  assert.equal(JSON.parse(json.out).depthSweep.rows.length, 5);
});

test("inspect: bad values name the flag", async () => {
  const r = await cli("inspect", "--batch", "0", "--data", "xor");
  assert.equal(r.code, 2);
  assert.match(r.err, /--batch: expected an integer >= 1, got "0"/);
});

test("train --probe-every: probes in the record and in --json, a compact line per layer at each epoch", async () => {
  const r = await cli(
    "train",
    "--data",
    "spiral",
    "--hidden",
    "16,16",
    "--activation",
    "tanh",
    "--init",
    "xavier_uniform",
    "--epochs",
    "2",
    "--batch-size",
    "50",
    "--probe-every",
    "4",
    "--probe-batch",
    "100",
    "--json",
  );
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.ok(doc.probes.length >= 3);
  assert.equal(doc.probes[0].step, 0);
  assert.ok(doc.probes.every((p: { step: number }) => p.step % 4 === 0));
  for (const l of doc.probes[1].layers)
    for (const k of [...LAYER_KEYS, "updateRatio", "hist"]) assert.ok(k in l, k);
  assert.ok(Array.isArray(doc.findings));
  // one line per layer after each epoch, from the latest probe
  const lines = r.err.split("\n").filter((s) => /^ {2}probe step \d+ layer \d /.test(s));
  assert.equal(lines.length, 2 * 3, r.err);
  assert.match(
    lines[0],
    /layer 0 tanh: Var\(z\) \S+ Var\(dL\/dz\) \S+ \|\|dW\|\| \S+ update\/W \S+ sat \S+%/,
  );
});
