import assert from "node:assert/strict";
import { test } from "node:test";
import { printJson } from "../../src/cli/io.js";
import { loadDataset } from "../../src/data/index.js";
import { createBackend } from "../../src/kernels/registry.js";
import { getLoss } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { diagnose, probeBatch, probeNetwork } from "../../src/probe/index.js";
import { erf } from "../../src/theory/index.js";

const loss = getLoss("cross_entropy");
const meanSquare = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s / x.length;
};

test("a ReLU net with a large negative bias: every hidden unit is dead; leaky ReLU units are inactive, not dead", async () => {
  const backend = await createBackend(undefined, { threads: 2 });
  try {
    const dataset = await loadDataset({
      data: "mnist",
      preprocess: "standardize",
      trainLimit: 2000,
      testLimit: 10,
      seed: 1,
    });
    const { x, y, B } = probeBatch(dataset, 256, 1);
    // z = W x - 30 with Var(W x | example e) = 2 m_e <= 2 * 17 (He normal, m_e = mean_i x_ei^2 of
    // z-scored MNIST): z > 0 would need a 5-sigma draw on the most extreme example, and every later layer
    // gets a = 0, so z = -30 exactly.
    const spec = { sizes: [784, 64, 64, 10], init: "he_normal", biasInit: "constant(-30)" };
    const dead = probeNetwork(
      new Network({ ...spec, activation: "relu" }, { backend }).initialize(1),
      x,
      y,
      B,
      loss,
    );
    for (const l of dead.layers.slice(0, -1)) {
      assert.equal(l.deadFraction, 1, `layer ${l.index}`);
      assert.equal(l.weightGradNorm, 0, `layer ${l.index}: a dead layer gets no gradient`);
    }
    assert.equal(dead.layers[2].deadFraction, null); // the read-out is linear
    assert.ok(diagnose(dead).some((f) => f.kind === "dead_units" && f.value === 1));
    const leaky = probeNetwork(
      new Network({ ...spec, activation: "leaky_relu(0.1)" }, { backend }).initialize(1),
      x,
      y,
      B,
      loss,
    );
    for (const l of leaky.layers.slice(0, -1)) {
      assert.equal(l.deadFraction, 0);
      assert.equal(l.inactiveFraction, 1);
    }
    // With zero biases almost no unit is negative on all 256 examples.
    const alive = probeNetwork(
      new Network({ ...spec, biasInit: "zeros", activation: "relu" }, { backend }).initialize(1),
      x,
      y,
      B,
      loss,
    );
    for (const l of alive.layers.slice(0, -1))
      assert.ok((l.deadFraction ?? 1) < 0.05, `layer ${l.index}: ${l.deadFraction}`);
  } finally {
    backend.dispose();
  }
});

test("sigmoid on raw pixels: almost every unit of the first layer is saturated, as the Gaussian estimate says", async () => {
  const backend = await createBackend(undefined, { threads: 2 });
  try {
    const dataset = await loadDataset({
      data: "mnist",
      preprocess: "raw",
      trainLimit: 2000,
      testLimit: 10,
      seed: 1,
    });
    const { x, y, B } = probeBatch(dataset, 256, 1);
    const net = new Network(
      { sizes: [784, 256, 10], activation: "sigmoid", init: "xavier_uniform" },
      { backend },
    ).initialize(1);
    const s = probeNetwork(net, x, y, B, loss);
    const sat = s.layers[0].saturatedFraction ?? 0;
    assert.ok(sat > 0.9, `saturated fraction ${sat}`);
    // Given example e, z_j = w_j . x_e ~ N(0, q_e), q_e = 784 E[W^2] m_e (CLT over 784 inputs), and a unit
    // is saturated where |z| > t = 4.3565 (sigmoid' < 5% of 1/4): expected saturated fraction
    // 1 - mean_e erf(t / sqrt(2 q_e)). 256 x 256 entries, binomial std < 0.2%: 1% absolute tolerance.
    const w2 = meanSquare(net.layers[0].W);
    const t = 4.356544420602848;
    let unsat = 0;
    for (let e = 0; e < B; e++) {
      const q = 784 * w2 * meanSquare(x.subarray(e * 784, (e + 1) * 784));
      unsat += erf(t / Math.sqrt(2 * q)) / B;
    }
    assert.ok(Math.abs(sat - (1 - unsat)) < 0.01, `saturated ${sat} vs Gaussian estimate ${1 - unsat}`);
    const kinds = diagnose(s).map((f) => f.kind);
    assert.ok(kinds.includes("saturation") && kinds.includes("input_scale"), kinds.join(", "));
  } finally {
    backend.dispose();
  }
});

test("NaN flags: one NaN weight is counted where it lands, and the snapshot still prints as JSON", async () => {
  const dataset = await loadDataset({ data: "gauss", preprocess: "standardize", seed: 2 });
  const { x, y, B } = probeBatch(dataset, 50, 2);
  const net = new Network({ sizes: [2, 32, 32, 2], activation: "tanh", init: "xavier_uniform" }).initialize(
    2,
  );
  net.layers[0].W[0] = Number.NaN; // unit 0 of layer 0
  const s = probeNetwork(net, x, y, B, loss, { predict: true });
  assert.equal(s.nonFinite, true);
  assert.equal(s.layers[0].nonFinite.weight, 1);
  assert.equal(s.layers[0].nonFinite.preact, B); // column 0, every example
  assert.equal(s.layers[1].nonFinite.preact, B * 32); // every unit reads unit 0
  assert.equal(s.layers[0].predicted, null); // no prediction from NaN weights
  assert.deepEqual(
    diagnose(s).map((f) => f.kind),
    ["nonfinite"],
  );
  const io = { out: "", err: "", isTTY: false, stdout: (t: string) => void (io.out += t), stderr: () => {} };
  printJson(io, s);
  const doc = JSON.parse(io.out);
  assert.equal(doc.layers[0].preact.var, null);
  assert.equal(doc.layers[0].hist.preact.nonFinite, B);
});
