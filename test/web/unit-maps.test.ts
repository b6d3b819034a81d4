import assert from "node:assert/strict";
import { test } from "node:test";
import { Network } from "../../src/nn/network.js";
import { NEURON_VIEW, neuronViewFits } from "../../web/src/protocol.js";
import { boundaryGrid } from "../../web/src/worker/boundary-grid.js";
import { unitMaps } from "../../web/src/worker/unit-maps.js";

// The neuron-level view's numbers: what each unit computes over the plane, read from the caches
// of the decision boundary's forward pass, against the network written out by hand at the same
// points (z = W x + b, a = tanh z, softmax), and the threshold between the two network views.

test("unit maps: the inputs' coordinates, each hidden unit's tanh(W x + b), the outputs' 2p - 1", () => {
  const net = new Network(
    { sizes: [2, 3, 2, 2], activation: "tanh", init: "normal(std=0.9)", biasInit: "normal(std=0.3)" },
    { dtype: "float32" },
  ).initialize(7);
  const box: [number, number, number, number] = [-2, 2, -1, 3];
  const n = 64;
  boundaryGrid(net, box, n);
  const u = unitMaps(net, n, 5, 16);
  assert.equal(u.step, 5);
  assert.equal(u.m, 16);
  assert.deepEqual(
    u.maps.map((m) => m.length),
    [2, 3, 2, 2].map((k) => k * 16 * 16),
  );
  const [W0, W1, W2] = net.layers.map((l) => Array.from(l.W));
  const [b0, b1, b2] = net.layers.map((l) => Array.from(l.b));
  const dense = (W: number[], b: number[], x: number[], out: number) =>
    Array.from({ length: out }, (_, j) => b[j] + x.reduce((s, xi, i) => s + W[j * x.length + i] * xi, 0));
  let worst = 0;
  for (const [r, c] of [
    [0, 0],
    [0, 15],
    [15, 0],
    [7, 9],
    [15, 15],
  ]) {
    // map cell (r, c) is grid cell (4r + 2, 4c + 2): its centre
    const x = box[0] + ((4 * c + 2 + 0.5) / n) * (box[1] - box[0]);
    const y = box[2] + ((4 * r + 2 + 0.5) / n) * (box[3] - box[2]);
    const a1 = dense(W0, b0, [x, y], 3).map(Math.tanh);
    const a2 = dense(W1, b1, a1, 2).map(Math.tanh);
    const z = dense(W2, b2, a2, 2);
    const p1 = 1 / (1 + Math.exp(z[0] - z[1]));
    const at = (col: number, unit: number) => u.maps[col][unit * 256 + r * 16 + c];
    const want = [[x, y], a1, a2, [2 * (1 - p1) - 1, 2 * p1 - 1]];
    want.forEach((vals, col) => {
      vals.forEach((v, unit) => {
        worst = Math.max(worst, Math.abs(at(col, unit) - v));
      });
    });
  }
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
  // the colour scales: the largest |value| of each column, 1 for the probabilities
  for (let col = 0; col < 3; col++) {
    const max = u.maps[col].reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    assert.equal(u.scales[col], max);
  }
  assert.equal(u.scales[3], 1);
  // the weights and biases are copies in PyTorch's [out][in] layout
  assert.deepEqual(Array.from(u.weights[1]), W1);
  assert.deepEqual(Array.from(u.biases[2]), b2);
  assert.notEqual(u.weights[0].buffer, net.layers[0].W.buffer);
});

test("the neuron view: up to 8 units in each of up to 6 hidden layers, 2-D inputs; else the per-layer view", () => {
  assert.deepEqual(NEURON_VIEW, { maxUnits: 8, maxLayers: 6, maxInputs: 8 });
  assert.equal(neuronViewFits([2, 8, 8, 8, 8, 8, 8, 2]), true);
  assert.equal(neuronViewFits([2, 2]), true, "no hidden layer");
  assert.equal(neuronViewFits([2, 8, 8, 8, 8, 8, 8, 8, 2]), false, "7 hidden layers");
  assert.equal(neuronViewFits([2, 9, 2]), false, "9 units");
  assert.equal(neuronViewFits([2, 16, 16, 16, 16, 2]), false, "the lab's default network");
  assert.equal(neuronViewFits([784, 8, 10]), false, "image data");
});
