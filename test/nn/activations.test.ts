import assert from "node:assert/strict";
import { test } from "node:test";
import { SELU_ALPHA, SELU_LAMBDA } from "../../src/math/selu.js";
import { erf } from "../../src/math/special.js";
import { ACTIVATION_NAMES, parseActivation } from "../../src/nn/activations.js";

// Points away from the kinks of relu/leaky/hard_tanh (at 0 and +-1), where df is one-sided.
const POINTS = [-7.3, -3.1, -1.6, -0.73, -0.21, 0.037, 0.42, 0.88, 1.37, 2.9, 6.2];

test("every activation's derivative matches a float64 central difference", () => {
  for (const name of ACTIVATION_NAMES) {
    const act = parseActivation(name === "leaky_relu" ? "leaky_relu(0.2)" : name);
    for (const z of POINTS) {
      const h = 1e-6;
      const numeric = (act.f(z + h) - act.f(z - h)) / (2 * h);
      const err = Math.abs(numeric - act.df(z));
      assert.ok(
        err < 1e-7 * Math.max(1, Math.abs(numeric)),
        `${name} at ${z}: df=${act.df(z)} numeric=${numeric}`,
      );
    }
  }
});

test("batched forward/backward agree with the scalar forms", () => {
  for (const name of ACTIVATION_NAMES) {
    const act = parseActivation(name);
    const z = Float64Array.from(POINTS);
    const a = new Float64Array(z.length);
    const dA = Float64Array.from(POINTS, (_, i) => 0.5 + i);
    const dZ = new Float64Array(z.length);
    act.forward(z, a, z.length);
    act.backward(z, a, dA, dZ, z.length);
    for (let i = 0; i < z.length; i++) {
      assert.ok(Math.abs(a[i] - act.f(z[i])) < 1e-15, `${name} forward`);
      assert.ok(Math.abs(dZ[i] - dA[i] * act.df(z[i])) < 1e-12, `${name} backward at ${z[i]}`);
    }
  }
});

test("published constants and closed forms", () => {
  // SELU: lambda and alpha of Klambauer et al. 2017, eq. 14 (to the digits printed there).
  assert.ok(Math.abs(SELU_ALPHA - 1.6732632423543772) < 1e-15);
  assert.ok(Math.abs(SELU_LAMBDA - 1.0507009873554805) < 1e-15);
  const selu = parseActivation("selu");
  assert.equal(selu.f(1), SELU_LAMBDA);
  assert.ok(Math.abs(selu.f(-50) + SELU_LAMBDA * SELU_ALPHA) < 1e-15); // the lower bound -lambda alpha = -1.7581
  // erf against tabulated values (Abramowitz & Stegun table 7.1).
  for (const [x, v] of [
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
  ]) {
    assert.ok(Math.abs(erf(x) - v) < 1e-14, `erf(${x})`);
    assert.ok(Math.abs(erf(-x) + v) < 1e-14, `erf(-${x})`);
  }
  // sigmoid'(0) = 1/4 is the notes' bound; tanh'(0) = 1.
  assert.equal(parseActivation("sigmoid").df(0), 0.25);
  assert.equal(parseActivation("tanh").df(0), 1);
  // gelu(1) = Phi(1) = 0.8413447460685429.
  assert.ok(Math.abs(parseActivation("gelu").f(1) - 0.8413447460685429) < 1e-14);
  // softplus is stable for large |z|.
  assert.equal(parseActivation("softplus").f(1000), 1000);
  assert.equal(parseActivation("sigmoid").f(-1000), 0);
});

test("gains come from PyTorch's table", () => {
  assert.equal(parseActivation("tanh").torchGain, 5 / 3);
  assert.equal(parseActivation("relu").torchGain, Math.SQRT2);
  assert.ok(Math.abs(parseActivation("leaky_relu(0.2)").torchGain! - Math.sqrt(2 / 1.04)) < 1e-15);
  assert.equal(parseActivation("selu").torchGain, 0.75);
  assert.equal(parseActivation("softsign").torchGain, null);
});

test("activation specs parse, round-trip and reject bad input with the valid names", () => {
  assert.equal(parseActivation("leaky_relu(slope=0.3)").param, 0.3);
  assert.equal(parseActivation("LeakyReLU(0.3)").spec, "leaky_relu(0.3)");
  assert.equal(parseActivation("swish").name, "silu");
  for (const name of ACTIVATION_NAMES)
    assert.equal(parseActivation(parseActivation(name).spec).spec, parseActivation(name).spec);
  assert.throws(() => parseActivation("relu6"), /unknown activation "relu6"; valid: identity, sigmoid/);
  assert.throws(() => parseActivation("relu(2)"), /takes no parameter/);
  assert.throws(() => parseActivation("elu(beta=2)"), /no argument "beta"; valid: alpha/);
  assert.throws(() => parseActivation("elu(x)"), /must be a number, got "x"/);
});
