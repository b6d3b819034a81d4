import assert from "node:assert/strict";
import { test } from "node:test";
import { ACTIVATION_NAMES } from "../../src/nn/activations.js";
import { getLoss, LOSS_NAMES } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { Rng } from "../../src/tensor/rng.js";

/**
 * Float64 central-difference gradient checks of the whole network (every layer, activation and
 * loss): analytic dL/dtheta from backward() against (L(theta + h) - L(theta - h)) / 2h.
 */
function check(activation: string, lossName: string, seed: number): number {
  const B = 5;
  const sizes = [4, 6, 5, 3];
  const net = new Network(
    { sizes, activation, init: "normal(std=0.7)", biasInit: "normal(std=0.3)" },
    { dtype: "float64" },
  );
  net.initialize(seed);
  const rng = new Rng(seed + 100);
  const x = Float64Array.from({ length: B * sizes[0] }, () => rng.normal());
  const t = Int32Array.from({ length: B }, () => rng.int(3));
  const loss = getLoss(lossName);
  const C = 3;
  const dLogits = new Float64Array(B * C);
  const lossAt = () => loss.forward(net.forward(x, B), t, B, C, null);
  loss.forward(net.forward(x, B), t, B, C, dLogits);
  net.backward(dLogits);
  let worst = 0;
  const h = 1e-6;
  for (const p of net.params()) {
    const analytic = Float64Array.from(p.grad);
    for (let i = 0; i < p.value.length; i++) {
      const v = p.value[i];
      p.value[i] = v + h;
      const up = lossAt();
      p.value[i] = v - h;
      const down = lossAt();
      p.value[i] = v;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]));
      if (err > worst) worst = err;
      assert.ok(
        err < 1e-5,
        `${activation}/${lossName} ${p.name}[${i}]: analytic ${analytic[i]} numeric ${numeric}`,
      );
    }
  }
  return worst;
}

test("gradient check: every activation with cross-entropy", () => {
  for (const name of ACTIVATION_NAMES) check(name, "cross_entropy", 3);
});

test("gradient check: every loss", () => {
  for (const l of LOSS_NAMES) check("tanh", l, 7);
});

test("gradient check: PReLU slopes, per unit and shared", () => {
  check("prelu", "cross_entropy", 11);
  const net = new Network(
    { sizes: [3, 4, 2], activation: "prelu", init: "normal", preluShared: true },
    { dtype: "float64" },
  );
  assert.equal(net.layers[0].slopes?.length, 1);
  assert.equal(net.layers[0].slopes?.[0], 0.25);
});

test("gradient check: per-layer activations and a network without hidden layers", () => {
  check("relu,tanh", "cross_entropy", 5);
  const net = new Network(
    { sizes: [3, 2], activation: "relu", init: "normal" },
    { dtype: "float64" },
  ).initialize(1);
  const x = Float64Array.from([1, 2, 3]);
  const y = net.forward(x, 1);
  const W = net.layers[0].W;
  assert.ok(Math.abs(y[0] - (W[0] + 2 * W[1] + 3 * W[2])) < 1e-12);
});
