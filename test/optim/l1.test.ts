// The L1 setting: one SGD step on a tiny network against the update written out by hand (the
// gradient of softmax cross-entropy in closed form), weights only (biases untouched by L1, decayed
// by L2 as PyTorch does), the same through Adam, and many steps driving small weights to zero.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Param } from "../../src/nn/dense.js";
import { crossEntropy } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { Adam, Sgd } from "../../src/optim/optimizer.js";
import { resolveConfig } from "../../src/train/config.js";
import { makeOptimizer } from "../../src/train/trainer.js";

/** Every value of `got` within 1e-15 of `want`'s. */
function near(got: ArrayLike<number>, want: number[], what: string): void {
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) < 1e-15, `${what}[${i}] ${got[i]} vs ${want[i]}`);
  }
}

/** A 2 -> 2 network (no hidden layer: z = W x + b) in float64 with W and b set. */
function tinyNetwork(): Network {
  const net = new Network({ sizes: [2, 2], activation: "relu", init: "zeros" }, { dtype: "float64" });
  net.layers[0].W.set([0.5, -0.25, 0, 0.125]);
  net.layers[0].b.set([0.1, -0.2]);
  return net;
}

test("one SGD step with l1 and weight decay: w -= lr (dL/dw + wd w + l1 sign w), b -= lr (dL/db + wd b)", () => {
  const net = tinyNetwork();
  const x = Float64Array.from([1, -2]);
  const label = Int32Array.from([1]);
  // closed form: z = W x + b, p = softmax(z), dL/dz = p - e_label, dL/dW = dL/dz x^T, dL/db = dL/dz
  const W = [0.5, -0.25, 0, 0.125];
  const b = [0.1, -0.2];
  const z = [W[0] * 1 + W[1] * -2 + b[0], W[2] * 1 + W[3] * -2 + b[1]];
  const e = z.map(Math.exp);
  const p = e.map((v) => v / (e[0] + e[1]));
  const dz = [p[0], p[1] - 1];
  const dW = [dz[0] * 1, dz[0] * -2, dz[1] * 1, dz[1] * -2];

  net.inputBuffer(1).set(x);
  const dLogits = new Float64Array(2);
  crossEntropy.forward(net.forwardInput(1), label, 1, 2, dLogits);
  net.backward(dLogits);

  const [lr, wd, l1] = [0.5, 0.01, 0.03];
  const config = resolveConfig({ data: "circle", hidden: [], momentum: 0, weightDecay: wd, l1 });
  makeOptimizer(config, net).step(lr);

  const expectW = W.map((w, i) => w - lr * (dW[i] + wd * w + l1 * Math.sign(w)));
  const expectB = b.map((v, i) => v - lr * (dz[i] + wd * v));
  near(net.layers[0].W, expectW, "W");
  near(net.layers[0].b, expectB, "b");
  // the weight at exactly 0 gets no L1 push (sign(0) = 0, as torch.sign)
  assert.ok(Math.abs(net.layers[0].W[2] - (0 - lr * dW[2])) < 1e-15);
});

const param = (kind: Param["kind"], values: number[]): Param => ({
  name: kind,
  kind,
  layer: 0,
  value: Float64Array.from(values),
  grad: new Float64Array(values.length),
});

test("Adam with l1: the weights' gradient gets l1 sign(w), the biases' does not", () => {
  const w = param("weight", [0.2, -0.3]);
  const b = param("bias", [0.2, -0.3]);
  w.grad.set([0.01, 0.01]);
  b.grad.set([0.01, 0.01]);
  new Adam([w, b], { l1: 0.1, eps: 0 }).step(0.01);
  // first Adam step: -lr sign(g); g_w = 0.01 + 0.1 sign(w) = [0.11, -0.09], g_b = 0.01
  near(w.value, [0.2 - 0.01, -0.3 + 0.01], "w");
  near(b.value, [0.2 - 0.01, -0.3 - 0.01], "b");
});

test("L1 alone drives small weights to zero: within lr l1 of 0 after |w0| / (lr l1) steps, biases kept", () => {
  const w0 = [0.05, -0.037, 0.0123, -0.0009, 0.02];
  const w = param("weight", w0);
  const b = param("bias", w0);
  const slope = param("slope", [0.25]);
  const gain = param("norm_scale", [1.5]);
  const [lr, l1] = [0.1, 0.01];
  const sgd = new Sgd([w, b, slope, gain], { l1 });
  const band = lr * l1;
  const steps = Math.ceil(Math.max(...w0.map(Math.abs)) / band) + 1;
  const history: number[][] = [];
  for (let k = 0; k < 3 * steps; k++) {
    sgd.step(lr); // no data gradient: the only force is the L1 term
    history.push(Array.from(w.value));
  }
  // each |w| shrinks by exactly lr l1 a step until it is inside the band, then stays inside
  w0.forEach((v, i) => {
    const reach = Math.floor(Math.abs(v) / band);
    for (let k = 0; k < reach; k++) {
      const expected = Math.abs(v) - (k + 1) * band;
      assert.ok(Math.abs(Math.abs(history[k][i]) - expected) < 1e-12, `w${i} step ${k}`);
    }
    for (let k = reach; k < history.length; k++) assert.ok(Math.abs(history[k][i]) <= band + 1e-15);
  });
  const sumAbs = history[history.length - 1].reduce((a, v) => a + Math.abs(v), 0);
  assert.ok(sumAbs <= w0.length * band, `sum |w| ${sumAbs}`);
  assert.deepEqual(Array.from(b.value), w0, "biases are not regularized by L1");
  assert.deepEqual(Array.from(slope.value), [0.25], "PReLU slopes are not regularized by L1");
  assert.deepEqual(Array.from(gain.value), [1.5], "normalization scales are not regularized by L1");
});

test("L1 against a constant data gradient: a weight settles where the pull balances (|g| > l1 keeps it moving)", () => {
  // g_data = +0.005 on a weight: with l1 = 0.01 > |g_data| the weight is still driven to the band around 0;
  // with g_data = -0.02 (|g| > l1) it keeps growing at lr (0.02 - 0.01) per step
  const small = param("weight", [0.03]);
  const big = param("weight", [0.03]);
  const sgd = new Sgd([small, big], { l1: 0.01 });
  for (let k = 0; k < 200; k++) {
    small.grad[0] = 0.005;
    big.grad[0] = -0.02;
    sgd.step(0.1);
  }
  assert.ok(Math.abs(small.value[0]) <= 0.1 * (0.01 + 0.005) + 1e-12, `small ${small.value[0]}`);
  assert.ok(Math.abs(big.value[0] - (0.03 + 200 * 0.1 * 0.01)) < 1e-9, `big ${big.value[0]}`);
});
