import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Dataset, loadDataset } from "../../src/data/index.js";
import type { Backend } from "../../src/kernels/backend.js";
import { createBackend } from "../../src/kernels/registry.js";
import { getLoss } from "../../src/nn/losses.js";
import { Network, type NetworkSpec } from "../../src/nn/network.js";
import {
  CRITICAL_TOLERANCE,
  decades,
  diagnose,
  type Inspection,
  inspect,
  networkPhase,
  type ProbeBatch,
  phaseText,
  probeBatch,
  recommendationText,
  TrainingProbe,
} from "../../src/probe/index.js";
import { forwardVarianceFlow, normalCdf, normalPdf } from "../../src/theory/index.js";

const loss = getLoss("cross_entropy");
let backend: Backend;
let mnist: Dataset;
let batch: ProbeBatch;

before(async () => {
  backend = await createBackend(undefined, { threads: 2 });
  mnist = await loadDataset({
    data: "mnist",
    preprocess: "standardize",
    trainLimit: 2000,
    testLimit: 10,
    seed: 1,
  });
  batch = probeBatch(mnist, 256, 1);
});
after(() => backend.dispose());

const deep = (width: number, depth: number) => [784, ...Array.from({ length: depth }, () => width), 10];
function look(spec: Omit<NetworkSpec, "sizes"> & { sizes?: number[] }, seed = 1): Inspection {
  const net = new Network({ sizes: deep(256, 10), ...spec }, { backend }).initialize(seed);
  return inspect(net, batch, loss);
}
const messages = (r: Inspection) => r.diagnosis.map((f) => f.message).join("\n");

test("one inspect: the trainer's probe at step 0 is inspect() on the same network and batch", () => {
  const spec = { sizes: deep(64, 4), activation: "sigmoid", init: "normal(std=0.05)" };
  const a = new Network(spec, { backend }).initialize(3);
  const b = new Network(spec, { backend }).initialize(3);
  const direct = inspect(a, probeBatch(mnist, 128, 3), loss);
  const viaTrainer = new TrainingProbe(b, loss, mnist, { size: 128, seed: 3 }).probe(0, null).inspection;
  assert.deepEqual(viaTrainer.diagnosis, direct.diagnosis);
  assert.deepEqual(viaTrainer.recommendation, direct.recommendation);
  assert.deepEqual(viaTrainer.phase, direct.phase);
  assert.equal(viaTrainer.snapshot.loss, direct.snapshot.loss);
  assert.ok(direct.diagnosis.some((f) => f.kind === "vanishing_gradient"));
  // the recommendation differs from the init in use, so the flow finding says what to try
  assert.equal(direct.recommendation?.inUse, false);
  assert.match(messages(direct), /try --init xavier_sigmoid_uniform/);
});

test("(a) a fresh He/ReLU 10 x 256 network: inactive units are named input correlation, not dying ReLU", () => {
  const r = look({ activation: "relu", init: "he_normal" });
  const worst = Math.max(...r.snapshot.layers.slice(0, -1).map((l) => l.inactiveFraction ?? 0));
  assert.ok(worst > 0.1, `the effect is there to be named: worst inactive fraction ${worst}`);
  assert.ok(!r.diagnosis.some((f) => f.kind === "dead_units"), messages(r));
  assert.doesNotMatch(messages(r), /dying ReLU|never recover|\bdead\b/i);
  const f = r.diagnosis.find((x) => x.kind === "inactive_units");
  assert.ok(f, messages(r));
  assert.match(f.message, /input correlation/);
  assert.match(f.message, /13%.*19%/);
});

test("(b) never recommends the initializer the network already has (also under another spelling)", () => {
  const sig = look({ sizes: deep(256, 16), activation: "sigmoid", init: "xavier_sigmoid_uniform" });
  assert.equal(sig.recommendation?.inUse, true);
  assert.ok(
    sig.diagnosis.some((f) => f.kind === "vanishing_gradient"),
    messages(sig),
  );
  assert.doesNotMatch(messages(sig), /try --init/);
  assert.match(
    recommendationText(sig.recommendation!),
    /^init: keep xavier_sigmoid_uniform \(already in use\)/,
  );
  const he = look({ activation: "relu", init: "kaiming_normal(mode=fan_in, nonlinearity=relu)" });
  assert.equal(he.recommendation?.init, "he_normal");
  assert.equal(he.recommendation?.inUse, true, "kaiming_normal(nonlinearity=relu) is he_normal");
  // a different init is still recommended against
  const small = look({ activation: "relu", init: "normal(std=0.01)" });
  assert.equal(small.recommendation?.inUse, false);
  assert.match(messages(small), /try --init he_normal/);
});

test("(c) tanh at the critical point (sigma_w^2 = 1.76, sigma_b^2 = 0.05) is critical and kept, not sent to xavier_uniform", () => {
  const std = Math.sqrt(1.76 / 256).toPrecision(4);
  const r = look({
    activation: "tanh",
    init: `normal(std=${std})`,
    biasInit: `normal(std=${Math.sqrt(0.05)})`,
  });
  const p = r.phase!;
  assert.ok(Math.abs(p.sigmaW2 - 1.76) < 1e-3 && Math.abs(p.sigmaB2 - 0.05) < 1e-9, JSON.stringify(p));
  assert.ok(Math.abs(p.chi1 - 1) <= CRITICAL_TOLERANCE, `chi_1 ${p.chi1}`);
  assert.equal(p.phase, "critical");
  assert.equal(r.recommendation?.inUse, true);
  assert.notEqual(r.recommendation?.init, "xavier_uniform");
  assert.match(r.recommendation!.reason, /edge of chaos/);
  assert.doesNotMatch(messages(r), /try --init/);
  // xavier_uniform with the same biases is ordered (chi_1 ~ 0.76): the tolerance does separate them
  const x = look({ activation: "tanh", init: "xavier_uniform", biasInit: `normal(std=${Math.sqrt(0.05)})` });
  assert.equal(x.phase?.phase, "ordered");
  assert.ok(x.phase!.chi1 < 0.8);
  // ... and the advice for it is the critical variance, not the xavier_uniform it already has
  assert.equal(x.recommendation?.inUse, false);
  assert.match(x.recommendation!.init, /^variance_scaling\(scale=1\.76\d?, mode=fan_in/);
});

test("(d) a constant bias is a shift, not noise: the prediction follows the measurement, and all-dead is not critical", () => {
  const r = look({ activation: "relu", init: "he_normal", biasInit: "constant(-1)" });
  // Var(z) decays from 1.6 towards 0 with depth; the theory with sigma_b^2 = 1 of noise predicted growth
  for (const l of [1, 2, 3]) {
    const m = r.snapshot.layers[l].preact.var;
    const p = r.snapshot.layers[l].predicted!.preactVar;
    assert.ok(Math.abs(p / m - 1) < 0.25, `layer ${l}: predicted ${p} vs measured ${m}`);
    assert.ok(Math.abs(r.snapshot.layers[l].preact.mean + 1) < 0.1, "z has mean -1");
  }
  assert.equal(r.phase?.biasMean, -1);
  assert.equal(r.phase?.sigmaB2, 0);
  assert.equal(r.phase?.phase, "ordered");
  assert.ok(r.snapshot.layers.slice(0, -1).some((l) => l.deadFraction === 1));
  assert.match(messages(r), /constant bias -1/);
  const dead = look({ activation: "relu", init: "he_normal", biasInit: "constant(-30)" }); // every unit dead
  assert.notEqual(dead.phase?.phase, "critical");
  assert.equal(dead.deadLayer, 0);
  assert.match(phaseText(dead.phase!, dead.deadLayer), /^phase: dead - every unit of layer 0 is dead/);
  // a network critical at initialization whose units all died (a trained or loaded one) is not called critical
  const he = look({ activation: "relu", init: "he_normal" });
  assert.equal(he.phase?.phase, "critical");
  assert.equal(he.deadLayer, null);
  assert.doesNotMatch(phaseText(he.phase!, 3), /critical \(/);
  assert.notEqual(
    networkPhase(
      new Network({ sizes: deep(64, 3), activation: "relu", init: "he_normal", biasInit: "constant(-1)" }),
    )?.phase,
    "critical",
  );
});

test("(d) the forward recursion with a bias mean against the closed form of ReLU's Gaussian moments", () => {
  // z ~ N(mu, q): E[relu(z)^2] = (mu^2 + q) Phi(mu / s) + mu s phi(mu / s), s = sqrt(q)
  const relu2 = (mu: number, q: number) => {
    const s = Math.sqrt(q);
    return (mu * mu + q) * normalCdf(mu / s) + mu * s * normalPdf(mu / s);
  };
  const act = { f: (z: number) => Math.max(0, z), df: (z: number) => (z > 0 ? 1 : 0), kinks: [0] };
  const layers = [
    { fanIn: 100, fanOut: 50, weightVar: 2 / 100, biasMean: -1, biasVar: 0.1, activation: act },
    { fanIn: 50, fanOut: 50, weightVar: 2 / 50, biasMean: -1, biasVar: 0.1, activation: act },
  ];
  const f = forwardVarianceFlow(layers, 1.5);
  const q1 = 2 * 1.5 + 0.1;
  const q2 = 2 * relu2(-1, q1) + 0.1;
  assert.ok(Math.abs(f.layers[0].preactVar - q1) < 1e-12);
  assert.ok(Math.abs(f.layers[1].preactVar / q2 - 1) < 1e-9, `${f.layers[1].preactVar} vs ${q2}`);
  assert.equal(f.layers[1].preactMean, -1);
  assert.ok(Math.abs(f.layers[1].actSecond / relu2(-1, q2) - 1) < 1e-9);
});

test("(e) extreme values are named correctly: no 10^-Infinity, and Var(z) = 7.8e21 is an explosion", () => {
  assert.equal(decades(1e-3), "10^-3.0");
  assert.doesNotMatch(decades(0), /Infinity/);
  assert.doesNotMatch(decades(Number.POSITIVE_INFINITY), /10\^/);
  const r = look({ activation: "relu", init: "he_normal", biasInit: "constant(-1)" });
  assert.ok(r.diagnosis.some((f) => f.kind === "vanishing_signal"));
  assert.doesNotMatch(messages(r), /Infinity|NaN/);
  // a huge signal that is smaller at the last hidden layer than at layer 0 has not vanished
  const s = structuredClone(r.snapshot);
  s.layers.forEach((l) => {
    l.preact.var = 7.8e21;
  });
  s.layers[0].preact.var = 1e24;
  const kinds = diagnose(s).map((f) => f.kind);
  assert.ok(kinds.includes("exploding_signal"), kinds.join());
  assert.ok(!kinds.includes("vanishing_signal"), kinds.join());
  assert.match(diagnose(s).find((f) => f.kind === "exploding_signal")!.message, /7\.80e\+21/);
});

test("a zero read-out blocks the gradient at step 0: the finding says so instead of blaming the weight variance", () => {
  const net = new Network(
    { sizes: deep(64, 3), activation: "relu", init: ["he_normal", "he_normal", "he_normal", "zeros"] },
    { backend },
  ).initialize(1);
  const r = inspect(net, batch, loss);
  const f = r.diagnosis.find((x) => x.kind === "vanishing_gradient");
  assert.ok(f, messages(r));
  assert.match(f.message, /read-out weights \(layer 3\) are all zero/);
  assert.doesNotMatch(f.message, /weight variance below/);
});

test("the phase of a residual or normalized network says what the one-layer mean field leaves out", () => {
  const sizes = [20, 16, 16, 16, 16, 3];
  const plain = networkPhase(new Network({ sizes, activation: "relu", init: "he_normal" }));
  assert.equal(plain?.scope, null, "a plain MLP: chi_1^depth is the whole story");
  assert.doesNotMatch(phaseText(plain!), /not a plain MLP/);
  const residual = networkPhase(
    new Network({ sizes, activation: "relu", init: "he_normal", architecture: { residual: 1 } }),
  );
  // The same layer's mean field (He ReLU: critical), with the residual stream named.
  assert.equal(residual?.phase, "critical");
  assert.match(residual?.scope ?? "", /residual branch.*q_\{b\+1\} = q_b \+ alpha\^2 V_F/);
  assert.match(phaseText(residual!), /\n {2}\(not a plain MLP: it describes one dense layer/);
  const bn = networkPhase(
    new Network({ sizes, activation: "relu", init: "he_normal", architecture: { norm: "batch" } }),
  );
  assert.match(bn?.scope ?? "", /BatchNorm.*pi\/\(pi-1\)/);
  assert.doesNotMatch(bn?.scope ?? "", /residual/);
  const both = networkPhase(
    new Network({
      sizes,
      activation: "relu",
      init: "he_normal",
      architecture: { residual: 1, norm: "layer" },
    }),
  );
  assert.match(both?.scope ?? "", /residual branch.*; every hidden layer is normalized \(LayerNorm\)/);
});
