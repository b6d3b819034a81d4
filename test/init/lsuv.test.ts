import assert from "node:assert/strict";
import { test } from "node:test";
import { lsuvInitialize } from "../../src/init/lsuv.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { Network } from "../../src/nn/network.js";
import { Rng } from "../../src/tensor/rng.js";
import { populationVariance } from "./helpers.js";

test("LSUV: every layer's output variance on the batch ends within the tolerance, by rescaling W only", () => {
  const backend = new TsBackend();
  const sizes = [20, 32, 32, 32, 5];
  const net = new Network({ sizes, activation: "tanh", init: "orthogonal" }, { backend }).initialize(4);
  const before = net.layers.map((l) => Float64Array.from(l.W));
  const rng = new Rng(9);
  const B = 200;
  const x = new Float32Array(B * 20);
  for (let i = 0; i < x.length; i++) x[i] = 3 * rng.normal();
  const res = lsuvInitialize(net, x, B, { tol: 0.05, maxIter: 20 });
  assert.equal(res.length, 4);
  net.forward(x, B);
  net.layers.forEach((l, k) => {
    const v = populationVariance(l.Z, B * l.outDim);
    assert.ok(Math.abs(v - 1) < 0.05, `layer ${k}: Var(z) = ${v}`);
    assert.ok(Math.abs(res[k].after - v) < 1e-6);
    // W_after = c W_before with one positive c per layer (Algorithm 1 only rescales).
    const c = l.W[0] / before[k][0];
    assert.ok(c > 0);
    for (let i = 0; i < l.W.length; i++)
      assert.ok(Math.abs(l.W[i] - c * before[k][i]) <= 1e-6 * Math.abs(before[k][i]) + 1e-7);
  });
  // Inputs of std 3 make the first layer's Var(z) about 9 before LSUV (orthogonal rows keep norms).
  assert.ok(res[0].before > 4 && res[0].before < 20, `before ${res[0].before}`);
});
