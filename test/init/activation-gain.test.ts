// Computed gains for every activation (src/init/gain.ts, src/nn/gain-report.ts) against independent truth:
// closed forms, high-order Gauss-Hermite (not the piecewise rule the code uses), published constants.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/errors.js";
import { activationGain, calculateGain, computedGains, GAIN_NAMES, parseInit } from "../../src/init/index.js";
import { normalCdf, normalPdf } from "../../src/math/special.js";
import { listActivations } from "../../src/nn/activations.js";
import { GAIN_ACTIVATIONS, gainReport } from "../../src/nn/gain-report.js";
import { gaussianExpectation } from "../../src/theory/gauss-hermite.js";

const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** E[phi(z)^2], z ~ N(0, 1), written out independently of src/nn and src/theory's moments. */
const SECOND: Record<string, number> = {
  // closed forms: E[z^2 1{z>0}] = 1/2; E[(e^z - 1)^2 1{z<0}] = e^2 Phi(-2) - 2 e^{1/2} Phi(-1) + 1/2
  identity: 1,
  relu: 0.5,
  elu: 0.5 + Math.exp(2) * normalCdf(-2) - 2 * Math.exp(0.5) * normalCdf(-1) + 0.5,
  // Klambauer et al. 2017: SELU maps N(0, 1) to mean 0, variance 1
  selu: 1,
  // hard tanh: E[z^2 1{|z|<1}] + P(|z| > 1) = (2 Phi(1) - 1 - 2 phi(1)) + 2 Phi(-1)
  hard_tanh: 2 * normalCdf(1) - 1 - 2 * normalPdf(1) + 2 * normalCdf(-1),
  // smooth ones: Gauss-Hermite of order 300 (spectral for entire / analytic-near-axis integrands)
  tanh: gaussianExpectation((x) => Math.tanh(x) ** 2, 0, 1, 300),
  sigmoid: gaussianExpectation((x) => sigmoid(x) ** 2, 0, 1, 300),
  softplus: gaussianExpectation((x) => Math.log1p(Math.exp(x)) ** 2, 0, 1, 300),
  gelu: gaussianExpectation((x) => (x * normalCdf(x)) ** 2, 0, 1, 300),
  silu: gaussianExpectation((x) => (x * sigmoid(x)) ** 2, 0, 1, 300),
};

test("the fixed-point gain solves g^2 E[phi(z)^2] = 1 for z ~ N(0, 1), for every activation", () => {
  for (const [name, m2] of Object.entries(SECOND)) {
    const g = gainReport(name).fixedPoint.gain;
    assert.ok(Math.abs(g * g * m2 - 1) < 1e-7, `${name}: g = ${g}, g^2 E[phi^2] = ${g * g * m2}`);
  }
  // softsign |phi| < 1 has a kink at 0 in phi': checked against a plain Riemann sum on [-12, 12]
  let s = 0;
  const h = 1e-4;
  for (let x = -12 + h / 2; x < 12; x += h) s += (x / (1 + Math.abs(x))) ** 2 * normalPdf(x) * h;
  const g = gainReport("softsign").fixedPoint.gain;
  assert.ok(Math.abs(g * g * s - 1) < 1e-6, `softsign g^2 E = ${g * g * s}`);
  // leaky relu and prelu: E[phi^2] = (1 + a^2)/2 exactly
  for (const [n, a] of [
    ["leaky_relu", 0.2],
    ["prelu", 0.25],
    ["leaky_relu", 0.01],
  ] as const) {
    const gain = gainReport(n, n === "prelu" ? undefined : a).fixedPoint.gain;
    assert.ok(Math.abs(gain - Math.sqrt(2 / (1 + a * a))) < 1e-9, `${n}(${a}): ${gain}`);
  }
});

test("every activation has a gain; PyTorch's names keep PyTorch's value, the others the fixed-point value", () => {
  for (const name of GAIN_ACTIVATIONS) {
    const r = gainReport(name);
    assert.ok(Number.isFinite(r.gain) && r.gain > 0, name);
    if (r.torch === null) assert.ok(Math.abs(r.gain - r.fixedPoint.gain) < 1e-12, name);
    else {
      assert.equal(r.gain, r.torch, name);
      assert.ok(r.torchConvention, `${name}: the convention of PyTorch's value is stated`);
    }
  }
  assert.equal(gainReport("tanh").torch, 5 / 3);
  assert.equal(gainReport("selu").torch, 3 / 4);
  assert.equal(gainReport("selu").fixedPoint.gain.toFixed(9), "1.000000000"); // self-normalizing
  assert.equal(gainReport("gelu").torch, null);
  assert.equal(gainReport("swish").name, "silu");
  assert.equal(activationGain("tanh"), calculateGain("tanh"));
  assert.ok(Math.abs(activationGain("tanh", undefined, "auto") - 1 / Math.sqrt(SECOND.tanh)) < 1e-7);
});

test("small-signal gain: 1/|phi'(0)| where phi is smooth at 0, the rms slope at a kink", () => {
  const expected: Record<string, number> = {
    identity: 1,
    tanh: 1,
    softsign: 1,
    hard_tanh: 1,
    elu: 1,
    sigmoid: 4,
    gelu: 2,
    silu: 2,
    softplus: 2,
    relu: Math.SQRT2,
    selu: 1 / Math.sqrt((SELU_L ** 2 + (SELU_L * SELU_A) ** 2) / 2),
  };
  for (const [name, g0] of Object.entries(expected)) {
    const r = gainReport(name);
    assert.ok(Math.abs(r.smallSignal - g0) < 1e-6, `${name}: ${r.smallSignal} vs ${g0}`);
  }
});

test("stability of the fixed point: saturating activations attract, relu family marginal, gelu/silu unstable", () => {
  for (const n of ["tanh", "sigmoid", "softsign", "hard_tanh", "softplus", "elu", "selu"])
    assert.equal(gainReport(n).fixedPoint.stability, "stable", n);
  for (const n of ["relu", "leaky_relu", "prelu", "identity"])
    assert.equal(gainReport(n).fixedPoint.stability, "marginal", n);
  for (const n of ["gelu", "silu"]) {
    const r = gainReport(n);
    assert.equal(r.fixedPoint.stability, "unstable", n);
    // L(q)/q -> g^2/4 as q -> 0 (phi ~ z/2) and g^2/2 as q -> infinity (phi ~ relu): 1 lies between
    assert.ok(r.gain ** 2 / 4 < 1 && r.gain ** 2 / 2 > 1, `${n}: g^2 = ${r.gain ** 2}`);
  }
});

test("kaiming specs accept every activation; gain=auto|small_signal; PyTorch-style specs unchanged", () => {
  const std = (spec: string, fanIn = 400) => parseInit(spec).describe(fanIn, 10).std;
  assert.ok(Math.abs(std("kaiming_normal(nonlinearity=gelu)") - gainReport("gelu").gain / 20) < 1e-15);
  assert.ok(
    Math.abs(std("kaiming_uniform(nonlinearity=softsign)") - gainReport("softsign").gain / 20) < 1e-15,
  );
  assert.ok(Math.abs(std("kaiming_normal(nonlinearity=tanh)") - 5 / 3 / 20) < 1e-15);
  assert.ok(
    Math.abs(std("kaiming_normal(nonlinearity=tanh, gain=auto)") - 1 / Math.sqrt(SECOND.tanh) / 20) < 1e-9,
  );
  assert.ok(Math.abs(std("kaiming_normal(nonlinearity=sigmoid, gain=small_signal)") - 4 / 20) < 1e-9);
  assert.equal(parseInit("he_normal").spec, "kaiming_normal(a=0, mode=fan_in, nonlinearity=relu)");
  const auto = parseInit("kaiming_normal(nonlinearity=selu, gain=auto)");
  assert.equal(auto.spec, "kaiming_normal(a=0, mode=fan_in, nonlinearity=selu, gain=auto)");
  assert.equal(parseInit(auto.spec).describe(100, 10).std, auto.describe(100, 10).std);
  // a is elu's alpha and prelu's slope (0 = the activation's default), leaky_relu's slope as PyTorch
  assert.ok(
    Math.abs(std("kaiming_normal(a=0.5, nonlinearity=elu)") - gainReport("elu", 0.5).gain / 20) < 1e-15,
  );
  assert.ok(Math.abs(std("kaiming_normal(nonlinearity=prelu)") - Math.sqrt(2 / 1.0625) / 20) < 1e-12);
  assert.ok(Math.abs(std("kaiming_normal(a=0, nonlinearity=leaky_relu)") - Math.SQRT2 / 20) < 1e-15);
  assert.throws(
    () => parseInit("kaiming_normal(nonlinearity=gelu, gain=huge)"),
    (e: Error) => e instanceof UserError && /gain=huge/.test(e.message),
  );
  assert.throws(
    () => parseInit("kaiming_normal(nonlinearity=nope)"),
    (e: Error) => e instanceof UserError && /softsign/.test(e.message),
  );
  assert.throws(() => parseInit("kaiming_normal(a=0.3, nonlinearity=gelu)"), UserError);
});

test("init's gains (closed forms and a table, no quadrature) equal theory's quadrature for every activation", () => {
  const names = listActivations().flatMap((a) => [a.name, ...a.aliases]);
  for (const n of names) assert.ok(GAIN_NAMES.includes(n), `${n} has a gain in src/init/gain.ts`);
  const cases: [string, number | undefined][] = [
    ...GAIN_ACTIVATIONS.map((n) => [n, undefined] as [string, undefined]),
    ["leaky_relu", 0.3],
    ["prelu", 0.1],
    ["elu", 0.5],
    ["elu", 2],
  ];
  for (const [n, p] of cases) {
    const r = gainReport(n, p);
    const g = computedGains(n, p);
    assert.ok(g, n);
    assert.ok(
      Math.abs(g.fixedPoint - r.fixedPoint.gain) < 1e-12,
      `${n}(${p}): ${g.fixedPoint} vs ${r.fixedPoint.gain}`,
    );
    assert.ok(
      Math.abs(g.smallSignal - r.smallSignal) < 1e-9,
      `${n}(${p}): ${g.smallSignal} vs ${r.smallSignal}`,
    );
  }
});
