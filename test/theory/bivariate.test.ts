import assert from "node:assert/strict";
import { test } from "node:test";
import { correlatedMoments, jumpPoints } from "../../src/theory/bivariate.js";
import { closedForms } from "../../src/theory/closed-forms.js";
import { activationMoments } from "../../src/theory/moments.js";
import { erfAct, hardTanh, leakyRelu, relu, sigmoid, tanh } from "./activations.js";

const CS = [-1, -0.7, 0, 0.3, 0.9, 0.999, 1 - 1e-6, 1 - 1e-10, 1];

test("relu pair: arc-cosine kernel (Cho & Saul 2009) to 1e-13, including c -> 1", () => {
  for (const q of [1e-4, 1, 300]) {
    for (const c of CS) {
      const m = correlatedMoments(relu, q, q, c);
      assert.ok(Math.abs(m.phiPhi - closedForms.reluCorrelation(q, c)) <= 1e-13 * q, `q=${q} c=${c} phiPhi`);
      assert.ok(
        Math.abs(m.dphiDphi - closedForms.reluDerivCorrelation(c)) <= 1e-13,
        `q=${q} c=${c} dphiDphi`,
      );
    }
  }
  // unequal variances: E[relu(u1) relu(u2)] scales with sqrt(q1 q2)
  const m = correlatedMoments(relu, 0.5, 8, 0.4);
  assert.ok(Math.abs(m.phiPhi - closedForms.reluCorrelation(Math.sqrt(0.5 * 8), 0.4)) < 1e-13);
});

test("erf pair: Williams (1997) kernels to 5e-12 (relative) for a up to 20", () => {
  for (const a of [0.5, 20]) {
    for (const q of [0.01, 1, 100]) {
      for (const c of CS) {
        const m = correlatedMoments(erfAct(a), q, q, c);
        assert.ok(Math.abs(m.phiPhi - closedForms.erfCorrelation(a, q, c)) <= 5e-12, `a=${a} q=${q} c=${c}`);
        const d = closedForms.erfDerivCorrelation(a, q, c);
        assert.ok(Math.abs(m.dphiDphi / d - 1) <= 5e-12, `a=${a} q=${q} c=${c}: ${m.dphiDphi} vs ${d}`);
      }
    }
  }
});

test("limits: c = 1 gives E[phi^2], c = 0 gives E[phi]^2, c = -1 for an odd phi gives -E[phi^2]", () => {
  for (const act of [tanh, sigmoid, hardTanh, leakyRelu(0.3)]) {
    const q = 1.7;
    const one = activationMoments(act, 0, q);
    const at1 = correlatedMoments(act, q, q, 1);
    const at0 = correlatedMoments(act, q, q, 0);
    assert.ok(Math.abs(at1.phiPhi - one.second) < 1e-13, `${act.name} c=1`);
    assert.ok(Math.abs(at1.dphiDphi - one.derivSecond) < 1e-13);
    assert.ok(Math.abs(at0.phiPhi - one.mean ** 2) < 1e-13, `${act.name} c=0`);
    assert.ok(Math.abs(at0.dphiDphi - one.derivMean ** 2) < 1e-13);
  }
  assert.ok(
    Math.abs(correlatedMoments(tanh, 2, 2, -1).phiPhi + activationMoments(tanh, 0, 2).second) < 1e-13,
  );
});

test("jumpPoints finds the kinks of relu (0), hard tanh (+-1) and none beyond 0 for tanh", () => {
  assert.deepEqual(jumpPoints(relu), [0]);
  assert.deepEqual(
    jumpPoints(hardTanh).sort((a, b) => a - b),
    [-1, 0, 1],
  );
  assert.deepEqual(jumpPoints(tanh), [0]);
  assert.throws(() => correlatedMoments(relu, 1, 1, 1.5), /got 1.5/);
});
