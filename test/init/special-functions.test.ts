// Special functions against mpmath at 60 digits (fixtures/gen_special.py) and exact identities.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  erf,
  erfc,
  erfinv,
  KERAS_TRUNCATION_STD,
  normalCdf,
  normalPdf,
  normalQuantile,
  truncatedNormalMoments,
} from "../../src/init/index.js";
import { readFixture, truncatedByQuadrature } from "./helpers.js";

interface SpecialFixture {
  erf: [number, number][];
  erfc: [number, number][];
  normal_cdf: [number, number][];
  normal_quantile: [number, number][];
  erfinv: [number, number][];
  truncated: { mean: number; std: number; a: number; b: number; t_mean: number; t_std: number }[];
}

const fx = readFixture<SpecialFixture>("special-functions.json");
if (!fx) throw new Error("test/init/fixtures/special-functions.json is missing: run gen_special.py");

/** Worst relative error over a table; values below 1e-300 (subnormal) are compared absolutely. */
function worst(table: [number, number][], f: (x: number) => number): { err: number; at: number } {
  let err = 0;
  let at = Number.NaN;
  for (const [x, v] of table) {
    const e = Math.abs(v) < 1e-300 ? Math.abs(f(x) - v) : Math.abs(f(x) - v) / Math.abs(v);
    if (e > err) {
      err = e;
      at = x;
    }
  }
  return { err, at };
}

const cases: [string, [number, number][], (x: number) => number][] = [
  ["erf", fx.erf, erf],
  ["erfc", fx.erfc, erfc],
  ["normalCdf", fx.normal_cdf, normalCdf],
  ["normalQuantile", fx.normal_quantile, normalQuantile],
  ["erfinv", fx.erfinv, erfinv],
];
for (const [name, table, f] of cases) {
  test(`${name} matches mpmath to 1e-12 relative over ${table.length} points`, () => {
    const { err, at } = worst(table, f);
    assert.ok(err < 1e-12, `${name}: relative error ${err} at ${at}`);
  });
}

test("identities: erf odd, erf + erfc = 1, round trips of the inverses", () => {
  for (let x = -6; x <= 6; x += 0.37) {
    assert.equal(erf(-x), -erf(x));
    assert.ok(Math.abs(erf(x) + erfc(x) - 1) < 2e-16);
  }
  for (let p = 0.0005; p < 1; p += 0.0101) {
    assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-15 * Math.max(1, p / (1 - p)), `p=${p}`);
  }
  for (let y = -0.999; y < 1; y += 0.0123) assert.ok(Math.abs(erf(erfinv(y)) - y) < 1e-15, `y=${y}`);
  assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
  assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
  assert.equal(erfinv(1), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
  assert.equal(normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
});

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
