import assert from "node:assert/strict";
import { test } from "node:test";
import { gaussianExpectation } from "../../src/theory/gauss-hermite.js";
import { explainGain, fixedPointGain, numericGain, settledVariance } from "../../src/theory/numeric-gain.js";
import { identity, leakyRelu, relu, selu, sigmoid, tanh } from "./activations.js";

test("numeric gain of homogeneous activations matches He et al. (2015) at every input scale", () => {
  for (const q of [1e-3, 1, 250]) {
    assert.ok(Math.abs(numericGain(relu, q) - Math.SQRT2) < 1e-9);
    assert.ok(Math.abs(numericGain(identity, q) - 1) < 1e-12);
    for (const a of [0.01, 0.2, 0.5]) {
      assert.ok(Math.abs(numericGain(leakyRelu(a), q) - Math.sqrt(2 / (1 + a * a))) < 1e-9, `a=${a} q=${q}`);
    }
  }
});

test("tanh: 1 / sqrt(E[tanh(z)^2]) at q = 1 is 1.5925 (Gauss-Hermite check), ~1 at small q", () => {
  const gh = 1 / Math.sqrt(gaussianExpectation((x) => Math.tanh(x) ** 2, 0, 1, 200));
  assert.ok(Math.abs(numericGain(tanh) - gh) < 1e-12);
  assert.ok(Math.abs(gh - 1.5925) < 1e-4);
  assert.ok(Math.abs(numericGain(tanh, 1e-4) - 1) < 2e-4); // E[tanh^2] = q - 2q^2 + ...: g ~ 1 + q
  assert.ok(Math.abs(numericGain(selu) - 1) < 1e-12); // Klambauer et al. 2017: (0, 1) is a fixed point
});

test("fixed-point gain equals the one-layer gain at q*, and the fixed point is stable for tanh and sigmoid", () => {
  for (const act of [tanh, sigmoid, selu]) {
    for (const qs of [0.5, 1, 2]) {
      const fp = fixedPointGain(act, qs);
      assert.ok(Math.abs(fp.gain - numericGain(act, qs)) < 1e-15);
      // the length map with sigma_w^2 = gain^2, sigma_b = 0 really has q* as its fixed point
      const settled = settledVariance(act, fp.gain, 0, 3 * qs);
      assert.ok(Math.abs(settled.qStar / qs - 1) < 1e-10, `${act.name} q*=${qs}: ${settled.qStar}`);
      assert.equal(fp.stable, fp.lengthMapSlope < 1);
    }
  }
  assert.equal(fixedPointGain(tanh).stable, true);
  // relu: every q is a fixed point of the length map at g = sqrt(2): slope exactly 1, not stable
  const r = fixedPointGain(relu, 1);
  assert.ok(Math.abs(r.lengthMapSlope - 1) < 1e-12 && Math.abs(r.chi1 - 1) < 1e-12);
});

test("the numbers quoted by explainGain: tanh at 5/3 settles at q* = 1.178 (std 0.651), selu at 3/4 at q* = 0.023", () => {
  let q = 1;
  const g2 = 25 / 9;
  for (let i = 0; i < 200; i++) q = g2 * gaussianExpectation((x) => Math.tanh(x) ** 2, 0, q, 160);
  const t = settledVariance(tanh, 5 / 3);
  assert.ok(Math.abs(t.qStar - q) < 1e-9 && Math.abs(q - 1.178) < 5e-4);
  const ea2 = gaussianExpectation((x) => Math.tanh(x) ** 2, 0, q, 160);
  assert.ok(Math.abs(Math.sqrt(ea2) - 0.651) < 5e-4);
  const chi = g2 * gaussianExpectation((x) => 1 / Math.cosh(x) ** 4, 0, q, 160);
  assert.ok(Math.abs(chi - 1.21) < 5e-3);
  const s = settledVariance(selu, 0.75);
  assert.ok(Math.abs(s.qStar - 0.023) < 5e-4, `selu q* ${s.qStar}`);
  assert.ok(Math.abs(fixedPointGain(selu, 1).chi1 - 1.07) < 5e-3);
  const sg = settledVariance(sigmoid, 1);
  assert.ok(Math.abs(sg.qStar - 0.265) < 5e-4);
});

test("explainGain names the ratio and the source of the table value", () => {
  const relText = explainGain("relu", Math.SQRT2, Math.SQRT2);
  assert.match(relText, /= table value 1\.4142/);
  assert.match(relText, /He et al\. 2015/);
  const tanhText = explainGain("tanh", numericGain(tanh), 5 / 3);
  assert.match(tanhText, /1\.5925 vs table value 1\.6667/);
  assert.match(tanhText, /q\* = 1\.178/);
  const seluText = explainGain("SELU", 1, 0.75);
  assert.match(seluText, /nonlinearity='linear'/);
  assert.match(seluText, /#50664/);
  assert.match(explainGain("Leaky-ReLU", 1.4, 1.4), /sqrt\(2 \/ \(1 \+ a\^2\)\)/);
  assert.doesNotMatch(explainGain("mystery", 1.2, 1), /undefined/);
  assert.throws(() => numericGain(tanh, 0), /got 0/);
});
