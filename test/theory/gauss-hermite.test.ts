import assert from "node:assert/strict";
import { test } from "node:test";
import { closedForms } from "../../src/theory/closed-forms.js";
import { gaussianExpectation, hermiteRule } from "../../src/theory/gauss-hermite.js";
import { legendreRule } from "../../src/theory/gauss-legendre.js";
import { relu } from "./activations.js";

/** (k-1)!! for even k, 0 for odd k: E[Z^k], Z ~ N(0, 1). */
function normalMoment(k: number): number {
  if (k % 2 === 1) return 0;
  let p = 1;
  for (let j = k - 1; j > 1; j -= 2) p *= j;
  return p;
}

test("Gauss-Hermite (probabilists') integrates E[Z^k] = (k-1)!! exactly for k <= 2n - 1", () => {
  for (const n of [1, 2, 3, 5, 8, 13, 20]) {
    const { nodes, weights } = hermiteRule(n);
    for (let k = 0; k <= 2 * n - 1; k++) {
      let s = 0;
      let abs = 0; // sum of |terms|: the scale of the rounding error (odd k cancel to 0)
      for (let i = 0; i < n; i++) {
        s += weights[i] * nodes[i] ** k;
        abs += weights[i] * Math.abs(nodes[i]) ** k;
      }
      const exact = normalMoment(k);
      assert.ok(Math.abs(s - exact) <= 1e-14 * Math.max(1, abs), `n=${n} k=${k}: ${s} vs ${exact}`);
    }
    // degree 2n is NOT integrated exactly (the rule has exactly that degree of exactness)
    let s = 0;
    for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * n);
    assert.ok(Math.abs(s - normalMoment(2 * n)) > 1e-6 * normalMoment(2 * n));
  }
});

test("Gauss-Hermite: weights sum to 1, nodes symmetric and sorted, weights positive (n up to 500)", () => {
  for (const n of [1, 2, 7, 64, 200, 500]) {
    const { nodes, weights } = hermiteRule(n);
    assert.equal(nodes.length, n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += weights[i];
      assert.ok(nodes[i] === -nodes[n - 1 - i] && weights[i] === weights[n - 1 - i]);
      assert.equal(weights[i] >= 0, true);
      if (i > 0) assert.ok(nodes[i] > nodes[i - 1]);
    }
    assert.ok(Math.abs(sum - 1) < 1e-14, `n=${n}: weights sum to ${sum}`);
  }
  // known nodes: He_2 = x^2 - 1 -> +-1; He_3 = x^3 - 3x -> 0, +-sqrt(3) with weights 2/3, 1/6
  assert.deepEqual(Array.from(hermiteRule(2).nodes), [-1, 1]);
  const r3 = hermiteRule(3);
  assert.ok(Math.abs(r3.nodes[2] - Math.sqrt(3)) < 1e-15);
  assert.ok(Math.abs(r3.weights[1] - 2 / 3) < 1e-15 && Math.abs(r3.weights[0] - 1 / 6) < 1e-15);
});

test("Gauss-Hermite (physicists'): weights sum to sqrt(pi), int x^2 exp(-x^2) = sqrt(pi)/2", () => {
  const { nodes, weights } = hermiteRule(10, "physicists");
  let s0 = 0;
  let s2 = 0;
  for (let i = 0; i < 10; i++) {
    s0 += weights[i];
    s2 += weights[i] * nodes[i] ** 2;
  }
  assert.ok(Math.abs(s0 - Math.sqrt(Math.PI)) < 1e-14);
  assert.ok(Math.abs(s2 - Math.sqrt(Math.PI) / 2) < 1e-14);
});

test("gaussianExpectation: E[exp(tX)] = exp(t mu + t^2 q/2) (entire function) to 1e-14", () => {
  for (const [mu, q, t] of [
    [0, 1, 1],
    [0.5, 2, -0.7],
    [-1, 0.3, 2],
  ]) {
    const exact = Math.exp(t * mu + (t * t * q) / 2);
    const got = gaussianExpectation((x) => Math.exp(t * x), mu, q);
    assert.ok(Math.abs(got / exact - 1) < 1e-14, `${got} vs ${exact}`);
  }
  assert.equal(
    gaussianExpectation((x) => x * 3, 2, 0),
    6,
  );
});

test("gaussianExpectation on relu converges only algebraically (documented rates hold)", () => {
  // E[relu(X)^2] with X ~ N(mu, 1): closed form (mu^2 + 1) Phi(mu) + mu phi(mu); error ~ n^-1.5
  const maxErr = (n: number) => {
    let w = 0;
    for (let k = 0; k <= 40; k++) {
      const mu = -1 + 0.05 * k;
      const got = gaussianExpectation((x) => relu.f(x) ** 2, mu, 1, n);
      w = Math.max(w, Math.abs(got - closedForms.relu(mu, 1).second));
    }
    return w;
  };
  const e16 = maxErr(16);
  const e64 = maxErr(64);
  const e256 = maxErr(256);
  assert.ok(e16 > 1e-3 && e16 < 5e-3, `n=16: ${e16}`);
  assert.ok(e64 > 1e-4 && e64 < 1e-3, `n=64: ${e64}`);
  assert.ok(e256 > 1e-5 && e256 < 1e-4, `n=256: ${e256}`);
});

test("Gauss-Legendre integrates polynomials up to degree 2n - 1 on [-1, 1]", () => {
  for (const n of [1, 2, 5, 10, 20]) {
    const { nodes, weights } = legendreRule(n);
    for (let k = 0; k <= 2 * n - 1; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** k;
      const exact = k % 2 === 1 ? 0 : 2 / (k + 1);
      assert.ok(Math.abs(s - exact) < 1e-14, `n=${n} k=${k}: ${s} vs ${exact}`);
    }
  }
});

test("orders out of range throw a RangeError naming the value", () => {
  assert.throws(() => hermiteRule(0), /got 0/);
  assert.throws(() => hermiteRule(2.5), /got 2.5/);
  assert.throws(() => gaussianExpectation((x) => x, 0, -1), /got -1/);
});
