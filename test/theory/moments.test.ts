import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/tensor/rng.js";
import { closedForms, SELU_ALPHA, SELU_LAMBDA } from "../../src/theory/closed-forms.js";
import { activationMoments } from "../../src/theory/moments.js";
import type { ActivationMoments, ScalarActivation } from "../../src/theory/types.js";
import { erfAct, identity, leakyRelu, relu, selu, sigmoid, tanh } from "./activations.js";

function close(a: ActivationMoments, b: ActivationMoments, tol: number, what: string) {
  for (const k of ["mean", "second", "variance", "derivMean", "derivSecond"] as const) {
    if (Number.isNaN(b[k])) continue;
    assert.ok(Math.abs(a[k] - b[k]) <= tol * Math.max(1, Math.abs(b[k])), `${what} ${k}: ${a[k]} vs ${b[k]}`);
  }
}

test("relu: E[relu^2] = q/2, E[relu] = sqrt(q/(2 pi)), E[relu'^2] = 1/2 at mu = 0", () => {
  for (const q of [1e-4, 0.5, 1, 7, 300]) {
    const m = activationMoments(relu, 0, q);
    assert.ok(Math.abs(m.second / q - 0.5) < 1e-14);
    assert.ok(Math.abs(m.mean / Math.sqrt(q / (2 * Math.PI)) - 1) < 1e-14);
    assert.ok(Math.abs(m.derivSecond - 0.5) < 1e-14);
    assert.ok(Math.abs(m.variance / (q * (0.5 - 1 / (2 * Math.PI))) - 1) < 1e-13);
  }
});

test("relu and leaky relu with mu != 0: closed forms with Phi and phi", () => {
  for (const [mu, q] of [
    [0.7, 1],
    [-2, 0.5],
    [3, 4],
    [-0.1, 0.01],
  ]) {
    close(activationMoments(relu, mu, q), closedForms.relu(mu, q), 1e-13, `relu mu=${mu} q=${q}`);
    close(activationMoments(leakyRelu(0.2), mu, q), closedForms.leakyRelu(0.2, mu, q), 1e-13, "leaky");
  }
});

test("identity: E = mu, E[phi^2] = mu^2 + q, E[phi'^2] = 1", () => {
  close(
    activationMoments(identity, 1.5, 2),
    { mean: 1.5, second: 4.25, variance: 2, derivMean: 1, derivSecond: 1 },
    1e-14,
    "id",
  );
});

test("erf(a x): E[phi] = 0, E[phi^2] = (2/pi) asin(2a^2 q/(1+2a^2 q)), E[phi'^2] = (4a^2/pi)/sqrt(1+4a^2 q)", () => {
  for (const a of [0.5, 1, Math.sqrt(Math.PI) / 2, 3]) {
    for (const q of [0.01, 1, 10]) {
      const m = activationMoments(erfAct(a), 0, q);
      assert.ok(Math.abs(m.mean) < 1e-15);
      assert.ok(
        Math.abs(m.second - (2 / Math.PI) * Math.asin((2 * a * a * q) / (1 + 2 * a * a * q))) < 1e-14,
      );
      assert.ok(Math.abs(m.derivSecond / ((4 * a * a) / Math.PI / Math.sqrt(1 + 4 * a * a * q)) - 1) < 1e-13);
      close(m, closedForms.erf(a, 0, q), 1e-13, `erf a=${a} q=${q}`);
    }
  }
});

test("selu: N(0, 1) in gives mean 0 and variance 1 (Klambauer et al. 2017 fixed point)", () => {
  const m = activationMoments(selu, 0, 1);
  assert.ok(Math.abs(m.mean) < 1e-12, `mean ${m.mean}`);
  assert.ok(Math.abs(m.second - 1) < 1e-12, `second ${m.second}`);
  assert.ok(SELU_ALPHA > 1.6732 && SELU_LAMBDA > 1.0507);
});

/**
 * Monte Carlo estimates of E[h_k(z)], z ~ N(0, q), from one stream of n draws, each with its standard
 * error from the sample variance (Welford).
 */
function monteCarlo(hs: ((x: number) => number)[], q: number, n: number, seed: number) {
  const rng = new Rng(seed);
  const s = Math.sqrt(q);
  const m = new Float64Array(hs.length);
  const m2 = new Float64Array(hs.length);
  for (let i = 1; i <= n; i++) {
    const x = s * rng.normal();
    for (let k = 0; k < hs.length; k++) {
      const v = hs[k](x);
      const d = v - m[k];
      m[k] += d / i;
      m2[k] += d * (v - m[k]);
    }
  }
  return hs.map((_, k) => ({ mean: m[k], se: Math.sqrt(m2[k] / (n - 1) / n) }));
}

test("sigmoid and tanh (no closed form): E[phi], E[phi^2], E[phi'^2] within 5 standard errors of Monte Carlo, n = 1e6", () => {
  const n = 1_000_000;
  let seed = 11;
  const cases: [ScalarActivation, number][] = [
    [tanh, 1],
    [tanh, 4],
    [sigmoid, 1],
    [sigmoid, 9],
  ];
  for (const [act, q] of cases) {
    const m = activationMoments(act, 0, q);
    const keys = ["mean", "second", "derivSecond"] as const;
    const mc = monteCarlo([act.f, (x) => act.f(x) ** 2, (x) => act.df(x) ** 2], q, n, seed++);
    keys.forEach((key, k) => {
      const z = Math.abs(m[key] - mc[k].mean) / mc[k].se;
      assert.ok(
        z < 5,
        `${act.name} q=${q} ${key}: quadrature ${m[key]}, MC ${mc[k].mean} +- ${mc[k].se} (${z.toFixed(2)} se)`,
      );
    });
  }
});

test("the probit approximation of the sigmoid (MacKay 1992): E[phi^2] within 2%, Var within 7%, E[phi] within 0.006", () => {
  // an approximation, not a check: it shows how far the popular shortcut is from the quadrature
  // (measured worst case, q in [0.01, 100]: 1.7% for E[phi^2] and 6.1% for Var at q = 4)
  for (const q of [0.01, 0.1, 1, 4, 25, 100]) {
    const exact = activationMoments(sigmoid, 0, q);
    const approx = closedForms.probitSigmoid(0, q);
    assert.ok(Math.abs(approx.mean - 0.5) < 1e-15);
    assert.ok(
      Math.abs(approx.second / exact.second - 1) < 0.02,
      `q=${q}: ${approx.second} vs ${exact.second}`,
    );
    assert.ok(Math.abs((approx.second - 0.25) / exact.variance - 1) < 0.07);
    assert.ok(Math.abs(closedForms.probitSigmoid(1, q).mean - activationMoments(sigmoid, 1, q).mean) < 0.006);
  }
});

test("q = 0 gives the values at mu; bad moments throw", () => {
  const m = activationMoments(sigmoid, 0, 0);
  assert.equal(m.mean, 0.5);
  assert.equal(m.variance, 0);
  assert.throws(() => activationMoments(relu, Number.NaN, 1), /mean mu must be finite, got NaN/);
  assert.throws(() => activationMoments(relu, 0, -2), /got -2/);
});
