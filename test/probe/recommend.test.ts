import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDataDependentInit, parseInit } from "../../src/init/index.js";
import { parseActivation } from "../../src/nn/activations.js";
import { Network } from "../../src/nn/network.js";
import { depthSweep, networkPhase, recommend } from "../../src/probe/index.js";
import { Rng } from "../../src/tensor/rng.js";

/** E[h(z)], z ~ N(0, q), by the trapezoid rule on [-12 sd, 12 sd] with 24001 points (error << 1e-9 here). */
function gauss(h: (x: number) => number, q = 1): number {
  const s = Math.sqrt(q);
  const N = 24000;
  const a = -12;
  const dz = 24 / N;
  let acc = 0;
  for (let i = 0; i <= N; i++) {
    const z = a + i * dz;
    const w = i === 0 || i === N ? 0.5 : 1;
    acc += w * h(s * z) * Math.exp(-0.5 * z * z);
  }
  return (acc * dz) / Math.sqrt(2 * Math.PI);
}

/** Parsed activations, one per comma-separated name (the specs here have no parentheses with commas). */
const act = (names: string) => names.split(",").map(parseActivation);

const variance = (spec: string, fanIn: number, fanOut: number) =>
  parseInit(spec).describe(fanIn, fanOut).variance;

test("recommendations per activation, with the variances the papers give", () => {
  const sizes = [784, 300, 300, 10];
  const he = recommend(act("relu"), sizes);
  assert.equal(he.init, "he_normal");
  assert.ok(Math.abs(variance(he.init, 300, 300) - 2 / 300) < 1e-15); // He et al. 2015, eq. 10
  assert.match(he.reason, /He et al\. 2015/);
  const leaky = recommend(act("leaky_relu(0.2)"), sizes);
  assert.ok(Math.abs(variance(leaky.init, 300, 300) - 2 / (1.04 * 300)) < 1e-15); // He et al. 2015, eq. 15
  const prelu = recommend(act("prelu"), sizes); // initial slope 0.25
  assert.ok(Math.abs(variance(prelu.init, 300, 300) - 2 / (1.0625 * 300)) < 1e-15);
  assert.equal(recommend(act("tanh"), sizes).init, "xavier_uniform");
  assert.match(recommend(act("tanh"), sizes).reason, /5\/3/);
  const sig = recommend(act("sigmoid"), sizes);
  assert.equal(sig.init, "xavier_sigmoid_uniform");
  assert.ok(Math.abs(variance(sig.init, 300, 300) - 16 * (2 / 600)) < 1e-15); // the notes: 16x Glorot
  assert.equal(recommend(act("selu"), sizes).init, "lecun_normal");
  assert.ok(Math.abs(variance("lecun_normal", 300, 300) - 1 / 300) < 1e-12);
  assert.equal(recommend(act("relu"), [784, 10]).init, "orthogonal"); // no hidden layer: a linear map
  assert.equal(recommend(act("softsign"), sizes).init, "xavier_uniform");
  // elu has no textbook init: Var(W) = g^2 / fan_in with g^2 E[elu(z)^2] = 1 at z ~ N(0, 1).
  const elu = recommend(act("elu"), sizes);
  const e2 = gauss((x) => (x > 0 ? x : Math.expm1(x)) ** 2);
  assert.ok(Math.abs(variance(elu.init, 300, 300) * 300 * e2 - 1) < 1e-5, elu.init);
  // One activation per layer: one init per layer (the read-out takes the last hidden layer's).
  const mixed = recommend(act("relu,tanh"), sizes);
  assert.equal(mixed.init, "he_normal,xavier_uniform,xavier_uniform");
  assert.doesNotThrow(() => new Network({ sizes, activation: "relu,tanh", init: mixed.init }));
  for (const r of [he, leaky, prelu, sig, elu]) assert.equal(r.criticalSigmaW2, null);
});

test("with nonzero biases: the edge-of-chaos sigma_w^2 where chi_1 = 1 (tanh, sigma_b^2 = 0.05: ~1.76)", () => {
  const r = recommend(act("tanh"), [784, 256, 256, 10], { biasVar: 0.05 });
  const w = r.criticalSigmaW2 ?? Number.NaN;
  // Schoenholz et al. 2017 (Fig. 1): the tanh order-to-chaos line passes sigma_w^2 ~ 1.76 at sigma_b^2 = 0.05.
  assert.ok(Math.abs(w - 1.76) < 0.01, `critical sigma_w^2 ${w}`);
  // Independently: iterate the length map q -> w E[tanh(z)^2] + 0.05 to its fixed point, then
  // chi_1 = w E[tanh'(z)^2] at q* must be 1 (Poole et al. 2016).
  let q = 1;
  for (let i = 0; i < 2000; i++) q = w * gauss((x) => Math.tanh(x) ** 2, q) + 0.05;
  const chi1 = w * gauss((x) => (1 - Math.tanh(x) ** 2) ** 2, q);
  assert.ok(Math.abs(chi1 - 1) < 1e-3, `chi_1 at the critical point = ${chi1} (q* = ${q})`);
  assert.match(r.reason, /edge of chaos/);
});

test("depth sweep: the first k hidden layers of the deep network are the network of depth k", () => {
  const rng = new Rng(9);
  const d = 20;
  const B = 64;
  const x = new Float32Array(B * d).map(() => rng.normal());
  const opts = {
    activation: parseActivation("tanh"),
    init: parseInit("xavier_normal"),
    width: 48,
    maxDepth: 6,
    outputs: 3,
    seed: 7,
  };
  const sweep = depthSweep(x, B, d, opts);
  assert.equal(sweep.rows.length, 6);
  // Initialization draws layer by layer from one stream, so a network of depth 3 with the same seed has
  // the same first 3 layers: its last hidden Var(z) is row 3 exactly.
  const net = new Network({
    sizes: [d, 48, 48, 48, 3],
    activation: "tanh",
    init: "xavier_normal",
  }).initialize(7);
  net.forward(x, B);
  const Z = net.layers[2].Z;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < B * 48; i++) {
    s += Z[i];
    s2 += Z[i] * Z[i];
  }
  const v = s2 / (B * 48) - (s / (B * 48)) ** 2;
  assert.ok(Math.abs(sweep.rows[2].measured / v - 1) < 1e-9, `${sweep.rows[2].measured} vs ${v}`);
  // xavier_normal on 48 x 48: sigma_w^2 = 48 * 2 / 96 = 1, no bias: tanh at the edge of chaos with q* = 0.
  assert.ok(Math.abs(sweep.meanField.sigmaW2 - 1) < 1e-12);
  assert.equal(sweep.meanField.qStar, 0);
  // The signal of tanh at sigma_w^2 = 1 decays with depth (q_l ~ 1 / (2 l) for small q).
  assert.ok(sweep.rows[5].predicted < sweep.rows[1].predicted);
  assert.ok(sweep.rows[5].measured < sweep.rows[1].measured);
});

test("depth sweep and phase with LSUV: the data-dependent step runs (Var(z) ~ 1 at every depth) and the phase uses the rescaled weights", () => {
  const rng = new Rng(21);
  const d = 30;
  const n = 300;
  const trainX = new Float32Array(n * d).map(() => 3 * rng.normal());
  const opts = {
    activation: parseActivation("tanh"),
    init: parseInit("lsuv"),
    width: 64,
    maxDepth: 8,
    outputs: 3,
    seed: 5,
  };
  assert.throws(() => depthSweep(trainX, 64, d, opts), /needs the training data/);
  const sweep = depthSweep(trainX, 64, d, { ...opts, data: { trainX, nTrain: n, inputDim: d } });
  // LSUV's tolerance is 0.1 on its own 256 rows; the sweep measures the first 64 of them.
  for (const r of sweep.rows)
    assert.ok(Math.abs(r.measured - 1) < 0.2, `depth ${r.depth}: Var(z) ${r.measured}`);
  // Without the data step the base orthogonal draws shrink tanh's signal layer by layer.
  const base = depthSweep(trainX, 64, d, { ...opts, init: parseInit("orthogonal") });
  assert.ok(base.rows[7].measured < 0.5, `orthogonal, depth 8: ${base.rows[7].measured}`);
  // The phase of an LSUV tanh network: its weights' fan_in E[W^2] (~2.5-3), chi_1 > 1 (Mishkin & Matas's
  // unit variance is on the chaotic side for tanh), not the base orthogonal's sigma_w^2 = 1.
  const net = new Network({ sizes: [d, 64, 64, 64, 3], activation: "tanh", init: "lsuv" }).initialize(5);
  net.dataInit = applyDataDependentInit(net, { trainX, nTrain: n, inputDim: d }, 5);
  const phase = networkPhase(net);
  assert.ok(phase && phase.sigmaW2 > 2 && phase.sigmaW2 < 4, `sigma_w^2 ${phase?.sigmaW2}`);
  assert.equal(phase?.phase, "chaotic");
});
