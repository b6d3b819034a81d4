import assert from "node:assert/strict";
import { test } from "node:test";
import { closedForms } from "../../src/theory/closed-forms.js";
import {
  gaussianExpectationPiecewise as E,
  gaussianPanelRule,
} from "../../src/theory/piecewise-quadrature.js";
import { elu, erfAct, hardTanh, leakyRelu, relu, selu } from "./activations.js";

const QS = [1e-6, 1e-3, 0.1, 1, 3, 10, 100, 1e4];
const KS = [0, 0.5, -1.3, 3]; // mu = k sqrt(q)

test("panel rule: weights sum to 1 - 2 Phi(-10) and integrate z^2 to 1 (any mu, q)", () => {
  for (const [mu, q] of [
    [0, 1],
    [3, 0.01],
    [-50, 1e4],
  ]) {
    const { nodes, weights } = gaussianPanelRule(mu, q);
    let s0 = 0;
    let s2 = 0;
    for (let j = 0; j < nodes.length; j++) {
      s0 += weights[j];
      s2 += weights[j] * nodes[j] ** 2;
    }
    assert.ok(Math.abs(s0 - 1) < 1e-14 && Math.abs(s2 - 1) < 1e-14, `${s0} ${s2}`);
  }
});

test("relu and leaky relu moments match closed forms to 1e-13 for q in [1e-6, 1e4], |mu| <= 3 sqrt(q)", () => {
  for (const q of QS) {
    for (const k of KS) {
      const mu = k * Math.sqrt(q);
      const scale = q + mu * mu;
      const r = closedForms.relu(mu, q);
      assert.ok(Math.abs(E(relu.f, mu, q) - r.mean) <= 1e-13 * Math.sqrt(scale));
      assert.ok(Math.abs(E((x) => relu.f(x) ** 2, mu, q) - r.second) <= 1e-13 * scale);
      assert.ok(Math.abs(E(relu.df, mu, q) - r.derivSecond) <= 1e-13);
      const a = 0.1;
      const l = closedForms.leakyRelu(a, mu, q);
      assert.ok(Math.abs(E((x) => leakyRelu(a).f(x) ** 2, mu, q) - l.second) <= 1e-13 * scale);
      assert.ok(Math.abs(E((x) => leakyRelu(a).df(x) ** 2, mu, q) - l.derivSecond) <= 1e-13);
    }
  }
});

test("hard tanh (kinks at +-1), elu and selu match closed forms to 1e-12", () => {
  for (const q of [1e-3, 0.1, 1, 3, 10, 100]) {
    for (const k of KS) {
      const mu = k * Math.sqrt(q);
      const h = closedForms.hardTanh(mu, q);
      assert.ok(
        Math.abs(E((x) => hardTanh.f(x) ** 2, mu, q) - h.second) <= 1e-12,
        `hardtanh q=${q} mu=${mu}`,
      );
      assert.ok(Math.abs(E(hardTanh.df, mu, q) - h.derivMean) <= 1e-12);
      const scale = Math.max(1, q + mu * mu);
      // the ELU closed form itself cancels terms of size 1 (e2 - 2 e1 + P): 1e-12 absolute
      const e = closedForms.elu(1.3, mu, q);
      assert.ok(
        Math.abs(E((x) => elu(1.3).f(x) ** 2, mu, q) - e.second) <= 1e-12 * scale,
        `elu q=${q} mu=${mu}`,
      );
      assert.ok(Math.abs(E((x) => elu(1.3).df(x) ** 2, mu, q) - e.derivSecond) <= 1e-12 * scale);
      const s = closedForms.selu(mu, q);
      assert.ok(Math.abs(E(selu.f, mu, q) - s.mean) <= 1e-12 * scale);
      assert.ok(Math.abs(E((x) => selu.f(x) ** 2, mu, q) - s.second) <= 1e-12 * scale);
    }
  }
});

test("steep smooth functions: erf(a x) moments to 1e-13 for a up to 20 and q up to 1e4", () => {
  for (const a of [0.3, 1, 5, 20]) {
    for (const q of QS) {
      const c = closedForms.erf(a, 0, q);
      assert.ok(Math.abs(E((x) => erfAct(a).f(x) ** 2, 0, q) - c.second) <= 1e-13, `a=${a} q=${q}`);
      assert.ok(Math.abs(E((x) => erfAct(a).df(x) ** 2, 0, q) / c.derivSecond - 1) <= 1e-13);
      const mu = 0.7 * Math.sqrt(q);
      const cm = closedForms.erf(a, mu, q);
      assert.ok(Math.abs(E(erfAct(a).f, mu, q) - cm.mean) <= 1e-13);
      assert.ok(Math.abs(E(erfAct(a).df, mu, q) / cm.derivMean - 1) <= 1e-12);
    }
  }
});

test("a kink off the default edges needs `breakpoints`; with it the error is back to rounding", () => {
  // g(x) = max(x - 2.5, 0)^2 has a kink at 2.5; E[g(X)], X ~ N(0, 1), is the relu closed form at mu = -2.5
  const g = (x: number) => Math.max(x - 2.5, 0) ** 2;
  const exact = closedForms.relu(-2.5, 1).second;
  const without = Math.abs(E(g, 0, 1) - exact);
  const withBp = Math.abs(E(g, 0, 1, [2.5]) - exact);
  assert.ok(withBp < 1e-15, `with breakpoint: ${withBp}`); // exact = 1.2e-3
  assert.ok(without > 1e-10, `without breakpoint: ${without}`); // measured 1.1e-8
});
