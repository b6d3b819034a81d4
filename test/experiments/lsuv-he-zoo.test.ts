import assert from "node:assert/strict";
import { test } from "node:test";
import { type HeDepthLosses, he2015Checks } from "../../src/experiments/catalogue/he2015-depth.js";
import { type ZooMeasures, zooChecks } from "../../src/experiments/catalogue/init-zoo.js";
import { type LsuvMeasures, lsuvChecks, networkChi } from "../../src/experiments/catalogue/lsuv.js";
import { combineCheck } from "../../src/experiments/harness/statistics.js";
import { Network } from "../../src/nn/network.js";
import { assertEachCheckCanFail } from "./check-inputs.js";

test("lsuv: each check fails on an input made for it", () => {
  const ok: LsuvMeasures = {
    worstOwn: 0.07,
    probeMin: 0.8,
    probeMax: 1.3,
    gap: { relu: 0.01, tanh: -0.005, selu: 0 },
  };
  assertEachCheckCanFail("lsuv", lsuvChecks, ok, [
    [0, { ...ok, worstOwn: 0.15 }],
    [1, { ...ok, probeMin: 0.3 }],
    [2, { ...ok, probeMax: 2.5 }],
    // LSUV + ReLU diverging (accuracy 0) against He at 0.9.
    [3, { ...ok, gap: { ...ok.gap, relu: -0.9 } }],
    [4, { ...ok, gap: { ...ok.gap, tanh: -0.03 } }],
    [5, { ...ok, gap: { ...ok.gap, selu: -0.1 } }],
  ]);
});

/** A fresh network with every weight set to +-s (so fan_in E[W^2] = width s^2, up to float32 rounding). */
function constantMagnitude(activation: string, width: number, s: number): Network {
  const net = new Network({ sizes: [width, width, width, width, 10], activation, init: "he_normal" });
  for (const l of net.layers) for (let k = 0; k < l.W.length; k++) l.W[k] = k % 2 ? s : -s;
  return net;
}

test("lsuv: chi_1 and the phase from the network's own weights (closed forms)", () => {
  // ReLU: chi_1 = sigma_w^2 / 2 for any q*: sigma_w^2 = 2 is critical, 1 ordered, 3 exploding
  // (q* = Infinity: ReLU has no chaotic phase).
  for (const [sw2, chi, phase] of [
    [2, 1, "critical"],
    [1, 0.5, "ordered"],
    [3, 1.5, "exploding"],
  ] as const) {
    const c = networkChi(constantMagnitude("relu", 50, Math.sqrt(sw2 / 50)));
    assert.ok(Math.abs(c.sigmaW2 - sw2) < 1e-6, `sigma_w^2 ${c.sigmaW2}`);
    assert.ok(Math.abs(c.chi1 - chi) < 1e-6, `chi_1 ${c.chi1} vs ${chi}`);
    assert.equal(c.phase, phase);
  }
  // tanh with zero bias below sigma_w^2 = 1: q* = 0 and chi_1 = sigma_w^2 (tanh'(0) = 1).
  const t = networkChi(constantMagnitude("tanh", 40, Math.sqrt(0.8 / 40)));
  assert.equal(t.qStar, 0);
  assert.ok(Math.abs(t.chi1 - 0.8) < 1e-6);
  assert.equal(t.phase, "ordered");
  // tanh with sigma_w^2 = 1 / E[tanh(z)^2] (what LSUV's Var(z) = 1 gives): q* = 1 and chi_1 =
  // sigma_w^2 E[sech^4(z)] ~ 1.18 > 1: chaotic (E[tanh^2] = 0.394294, E[sech^4] = 0.464164 for z ~ N(0, 1)).
  const lsuvTanh = networkChi(constantMagnitude("tanh", 40, Math.sqrt(1 / 0.394294 / 40)));
  assert.ok(Math.abs(lsuvTanh.qStar - 1) < 1e-3, `q* ${lsuvTanh.qStar}`);
  assert.ok(Math.abs(lsuvTanh.chi1 - 0.464164 / 0.394294) < 2e-3, `chi_1 ${lsuvTanh.chi1}`);
  assert.equal(lsuvTanh.phase, "chaotic");
});

test("he2015-depth: each check fails on an input made for it", () => {
  const ok: HeDepthLosses = { xavier22: 1.2, he22: 0.3, xavier30: 2.3, he30: 0.5 };
  assertEachCheckCanFail("he2015-depth", he2015Checks, ok, [
    [0, { ...ok, xavier30: 2.0 }],
    // He at 30 layers blowing up (the audit's seed 3: loss 482).
    [1, { ...ok, he30: 482, xavier30: 500 }],
    [2, { ...ok, he22: 1.9, xavier22: 2.0 }],
    [3, { ...ok, he22: 1.3 }],
  ]);
  // Diverged He run: +Infinity fails "converges" (not NaN, not dropped).
  assert.equal(he2015Checks({ ...ok, he30: Number.POSITIVE_INFINITY })[1].status, "fail");
});

test("init-zoo: each check fails; same-variance initializers are judged by an equivalence test", () => {
  const ok: ZooMeasures = {
    worstSymmetric: 0.11,
    matched: { tanh: 0.9, relu: 0.85, sigmoid: 0.8 },
    heNormalMinusUniform: 0.01,
  };
  assertEachCheckCanFail("init-zoo", zooChecks, ok, [
    [0, { ...ok, worstSymmetric: 0.4 }],
    [1, { ...ok, matched: { ...ok.matched, tanh: 0.2 } }],
    [2, { ...ok, matched: { ...ok.matched, relu: 0.2 } }],
    [3, { ...ok, matched: { ...ok.matched, sigmoid: 0.2 } }],
    // The audit's single run: kaiming_normal 76.7% vs kaiming_uniform 88.8%.
    [4, { ...ok, heNormalMinusUniform: 0.767 - 0.888 }],
    [5, { ...ok, heNormalMinusUniform: 0.12 }],
  ]);
  const over = (ds: number[]) =>
    [4, 5].map((k) => combineCheck(ds.map((d) => zooChecks({ ...ok, heNormalMinusUniform: d })[k])).status);
  // Paired differences close to 0 with little spread: the interval is inside (-5, +5) points.
  assert.deepEqual(over([0.01, -0.005, 0.012, 0.0]), ["pass", "pass"]);
  // One seed 12 points apart: the interval reaches beyond -5 points: undecided, not "equal".
  assert.deepEqual(over([0.01, -0.12, 0.02]), ["undecided", "undecided"]);
  // Always 10 points apart: distinguishable, the check fails.
  assert.deepEqual(over([-0.1, -0.11, -0.09]), ["fail", "pass"]);
});
