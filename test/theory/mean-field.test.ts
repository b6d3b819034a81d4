import assert from "node:assert/strict";
import { test } from "node:test";
import { gaussianExpectation } from "../../src/theory/gauss-hermite.js";
import {
  cFixedPoint,
  chi1,
  classifyPhase,
  criticalSigmaW2,
  meanField,
  qFixedPoint,
  trainableDepth,
} from "../../src/theory/mean-field.js";
import { erfAct, relu, tanh } from "./activations.js";

test("relu: q* = sigma_b^2 / (1 - sigma_w^2/2), chi_1 = sigma_w^2/2, xi_q = -1/ln(sigma_w^2/2) exactly (1e-9)", () => {
  for (const w of [0.5, 1, 1.5, 1.9]) {
    for (const b of [0.1, 0.3]) {
      const m = meanField(relu, w, b);
      const q = b / (1 - w / 2);
      assert.ok(Math.abs(m.qStar / q - 1) < 1e-9, `w=${w} b=${b}: q* ${m.qStar} vs ${q}`);
      assert.equal(m.qStatus, "finite");
      assert.ok(Math.abs(m.chi1 - w / 2) < 1e-9);
      // the length map q -> w q/2 + b is linear: its slope w/2 sets xi_q
      assert.ok(Math.abs(m.xiQ - -1 / Math.log(w / 2)) < 1e-9 * m.xiQ);
      assert.equal(m.phase, "ordered");
      assert.equal(m.cStar, 1);
      assert.ok(Math.abs(m.xiC - -1 / Math.log(w / 2)) < 1e-9 * m.xiC);
    }
  }
});

test("relu edge cases: divergence (q* = Infinity), collapse (q* = 0), marginal (sigma_w^2 = 2, no bias)", () => {
  const up = qFixedPoint(relu, 2.5, 0.3);
  assert.equal(up.qStar, Number.POSITIVE_INFINITY);
  assert.equal(up.status, "infinite");
  assert.equal(qFixedPoint(relu, 2, 0.1).status, "infinite");
  const down = qFixedPoint(relu, 1.5, 0);
  assert.equal(down.qStar, 0);
  assert.equal(down.status, "zero");
  const flat = qFixedPoint(relu, 2, 0, { q0: 3.7 });
  assert.equal(flat.status, "marginal");
  assert.equal(flat.qStar, 3.7);
  assert.ok(Math.abs(chi1(relu, Number.POSITIVE_INFINITY, 2.5) - 1.25) < 1e-12);
  assert.ok(Math.abs(chi1(relu, 0, 1.5) - 0.75) < 1e-12);
  assert.equal(meanField(relu, 2, 0).phase, "critical");
  assert.ok(Math.abs(criticalSigmaW2(relu, 0.2) - 2) < 1e-9);
});

test("tanh: q* agrees with plain iteration of the length map under Gauss-Hermite (an independent integrator)", () => {
  for (const [w, b] of [
    [1.5, 0.05],
    [3, 0.2],
  ]) {
    let q = 1;
    for (let i = 0; i < 300; i++) q = w * gaussianExpectation((x) => Math.tanh(x) ** 2, 0, q, 160) + b;
    const fp = qFixedPoint(tanh, w, b);
    assert.ok(Math.abs(fp.qStar / q - 1) < 1e-10, `w=${w}: ${fp.qStar} vs ${q}`);
    assert.ok(fp.slope > 0 && fp.slope < 1);
  }
});

test("tanh critical line: sigma_w^2 = 1.76 +- 0.03 at sigma_b^2 = 0.05 (Schoenholz et al. 2017), 1 at sigma_b^2 = 0", () => {
  const w05 = criticalSigmaW2(tanh, 0.05);
  assert.ok(Math.abs(w05 - 1.76) < 0.03, `critical sigma_w^2 ${w05}`);
  const fp = qFixedPoint(tanh, w05, 0.05);
  // chi_1 = sigma_w^2 E[sech^4(sqrt(q*) z)], evaluated with Gauss-Hermite: 1 at the critical point
  const x = w05 * gaussianExpectation((u) => 1 / Math.cosh(u) ** 4, 0, fp.qStar, 160);
  assert.ok(Math.abs(x - 1) < 1e-9, `chi_1 at the critical point: ${x}`);
  const w0 = criticalSigmaW2(tanh, 0);
  assert.ok(Math.abs(w0 - 1) < 1e-6, `critical sigma_w^2 at sigma_b = 0: ${w0}`);
});

test("phase classification: tanh ordered at sigma_w^2 = 1, chaotic at 3 (sigma_b^2 = 0.05)", () => {
  assert.equal(meanField(tanh, 1, 0.05).phase, "ordered");
  const chaotic = meanField(tanh, 3, 0.05);
  assert.equal(chaotic.phase, "chaotic");
  assert.ok(chaotic.cStar > 0 && chaotic.cStar < 1);
  assert.ok(chaotic.chiC < 1);
  assert.equal(classifyPhase(0.99), "ordered");
  assert.equal(classifyPhase(1.0005), "critical");
  assert.equal(classifyPhase(1.0005, 1e-4), "chaotic");
});

test("relu has no chaotic phase: above sigma_w^2 = 2 it is 'exploding' (q* = Infinity), at 2 critical, below ordered", () => {
  for (const b of [0, 0.05]) {
    const up = meanField(relu, 4, b);
    assert.equal(up.qStatus, "infinite");
    assert.ok(Math.abs(up.chi1 - 2) < 1e-9, `chi_1 = sigma_w^2 / 2: ${up.chi1}`);
    assert.equal(up.phase, "exploding");
    assert.equal(meanField(relu, 2, b).phase, "critical");
    assert.equal(meanField(relu, 1, b).phase, "ordered");
  }
  // A finite q* with chi_1 > 1 stays chaotic (tanh at 3 above; hard tanh is bounded too).
  assert.equal(meanField(tanh, 16, 0.05).phase, "chaotic");
});

test("xi_c diverges at the order-to-chaos transition, from both sides, like 1/|distance|", () => {
  const wc = criticalSigmaW2(tanh, 0.05);
  const xi = (f: number) => meanField(tanh, wc * f, 0.05).xiC;
  const below = [xi(0.9), xi(0.99), xi(0.999)];
  const above = [xi(1.1), xi(1.01)];
  assert.ok(below[0] < below[1] && below[1] < below[2], `below: ${below}`);
  assert.ok(below[2] > 1000, `xi_c at 0.999 of critical: ${below[2]}`);
  assert.ok(above[0] < above[1] && above[1] > 100, `above: ${above}`);
  // each factor 10 closer multiplies xi_c by ~10
  assert.ok(below[2] / below[1] > 8 && below[2] / below[1] < 12);
  assert.ok(xi(0.5) < 5);
  assert.equal(trainableDepth(5), 30);
});

test("erf network: q*, c*, chi_c and xi_c agree with the closed-form maps (Williams kernel) to 1e-9", () => {
  const [w, b] = [4, 0.1];
  // q* of q -> w (2/pi) asin(2q/(1+2q)) + b, by bisection
  const L = (q: number) => w * (2 / Math.PI) * Math.asin((2 * q) / (1 + 2 * q)) + b;
  let lo = 1e-3;
  let hi = 100;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (L(mid) > mid) lo = mid;
    else hi = mid;
  }
  const q = 0.5 * (lo + hi);
  const C = (c: number) => (w * (2 / Math.PI) * Math.asin((2 * q * c) / (1 + 2 * q)) + b) / q;
  lo = 0;
  hi = 1 - 1e-6;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (C(mid) > mid) lo = mid;
    else hi = mid;
  }
  const c = 0.5 * (lo + hi);
  const chiCExact = (w * 4) / Math.PI / Math.sqrt((1 + 2 * q) ** 2 - (2 * q * c) ** 2);
  const m = meanField(erfAct(1), w, b);
  assert.ok(Math.abs(m.qStar / q - 1) < 1e-9, `q* ${m.qStar} vs ${q}`);
  assert.ok(Math.abs(m.chi1 - (w * 4) / Math.PI / Math.sqrt(1 + 4 * q)) < 1e-9);
  assert.equal(m.phase, "chaotic");
  assert.ok(Math.abs(m.cStar - c) < 1e-9, `c* ${m.cStar} vs ${c}`);
  assert.ok(Math.abs(m.chiC - chiCExact) < 1e-9);
  assert.ok(Math.abs(m.xiC - -1 / Math.log(chiCExact)) < 1e-8 * m.xiC);
  assert.ok(Math.abs(m.trainableDepth - 6 * m.xiC) < 1e-12 * m.xiC);
  assert.equal(cFixedPoint(erfAct(1), q, 0.5, b).cStar, 1); // chi_1 < 1: c* = 1
});

test("xi_q uses Stein's lemma: equals -1/ln(chi_1 + sigma_w^2 E[phi'' phi]) with tanh'' written out", () => {
  const [w, b] = [1.5, 0.05];
  const m = meanField(tanh, w, b);
  const d2 = (x: number) => (-2 * Math.tanh(x)) / Math.cosh(x) ** 2; // tanh''
  const extra = w * gaussianExpectation((x) => d2(x) * Math.tanh(x), 0, m.qStar, 160);
  const expected = -1 / Math.log(m.chi1 + extra);
  assert.ok(Math.abs(m.xiQ / expected - 1) < 1e-9, `${m.xiQ} vs ${expected}`);
});
