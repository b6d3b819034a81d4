import assert from "node:assert/strict";
import { test } from "node:test";
import { listActivations } from "../../src/nn/activations.js";
import { cli } from "./helpers.js";

test("initlab gain NAME --json returns a gain for every activation initlab has (and its aliases)", async () => {
  for (const a of listActivations()) {
    for (const name of [a.name, ...a.aliases]) {
      const r = await cli("gain", name, "--json");
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      const doc = JSON.parse(r.out);
      assert.ok(doc.gain > 0 && Number.isFinite(doc.gain), name);
      assert.ok(doc.fixedPoint.gain > 0 && doc.smallSignal > 0, name);
      assert.equal(typeof doc.definition, "string");
    }
  }
});

test("initlab gain: the parameter, PyTorch's value beside the computed ones, the table of all", async () => {
  const leaky = JSON.parse((await cli("gain", "leaky_relu", "0.2", "--json")).out);
  assert.equal(leaky.gain, Math.sqrt(2 / 1.04)); // PyTorch's table, unchanged
  assert.equal(leaky.param, 0.2);
  const elu = JSON.parse((await cli("gain", "elu", "0.5", "--json")).out);
  assert.equal(elu.param, 0.5);
  assert.equal(elu.torch, null);
  const tanh = await cli("gain", "tanh");
  assert.equal(tanh.code, 0);
  assert.match(tanh.out, /1\.6667/); // PyTorch's 5/3
  assert.match(tanh.out, /1\.5925/); // the fixed-point value
  assert.match(tanh.out, /empirical/);
  const all = await cli("gain");
  for (const a of listActivations()) assert.match(all.out, new RegExp(`^${a.name}`, "m"));
  assert.doesNotMatch(all.out, /-0\.000\b/);
  const bad = await cli("gain", "nope");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown nonlinearity "nope".*softsign/);
  assert.equal((await cli("gain", "elu", "abc")).code, 2);
});
