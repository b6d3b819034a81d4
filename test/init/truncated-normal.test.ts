// Truncated normal moments against mpmath quadrature (fixtures/gen_truncated.py) and Keras' published constant.
import assert from "node:assert/strict";
import { test } from "node:test";
import { erf, KERAS_TRUNCATION_STD, truncatedNormalMoments } from "../../src/init/index.js";
import { readFixture, truncatedByQuadrature } from "./helpers.js";

interface TruncatedFixture {
  truncated: { mean: number; std: number; a: number; b: number; t_mean: number; t_std: number }[];
}

const fx = readFixture<TruncatedFixture>("truncated-normal.json");
if (!fx) throw new Error("test/init/fixtures/truncated-normal.json is missing: run gen_truncated.py");

test("Keras' 0.87962566103423978 is the std of N(0,1) truncated to [-2, 2], from erf", () => {
  // Var = 1 - 2 c phi(c) / (Phi(c) - Phi(-c)) with c = 2 and Phi(c) - Phi(-c) = erf(c / sqrt 2)
  const c = 2;
  const variance = 1 - (2 * c * Math.exp((-c * c) / 2)) / Math.sqrt(2 * Math.PI) / erf(c / Math.SQRT2);
  assert.ok(Math.abs(Math.sqrt(variance) - KERAS_TRUNCATION_STD) < 2e-16, `${Math.sqrt(variance)}`);
  assert.ok(Math.abs(truncatedByQuadrature(-2, 2).std - KERAS_TRUNCATION_STD) < 1e-14);
});

test("truncatedNormalMoments matches mpmath quadrature", () => {
  for (const t of fx.truncated) {
    const m = truncatedNormalMoments(t.mean, t.std, t.a, t.b);
    // the closed form loses ~1e-16 sigma^2 absolutely in the variance (cancellation on narrow intervals)
    const tolStd = 1e-12 * t.t_std + (1e-15 * t.std * t.std) / t.t_std;
    const label = `N(${t.mean}, ${t.std}^2) on [${t.a}, ${t.b}]`;
    assert.ok(
      Math.abs(m.mean - t.t_mean) < 1e-12 * Math.max(Math.abs(t.t_mean), t.std),
      `${label}: mean ${m.mean}`,
    );
    assert.ok(Math.abs(m.std - t.t_std) < tolStd, `${label}: std ${m.std} vs ${t.t_std}`);
  }
});
