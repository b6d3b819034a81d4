// Special functions against mpmath at 60 digits (fixtures/gen_special.py), published tables and exact identities.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { erf, erfc, erfinv, normalCdf, normalPdf, normalQuantile, normalSf } from "../../src/math/special.js";

interface SpecialFixture {
  erf: [number, number][];
  erfc: [number, number][];
  normal_cdf: [number, number][];
  normal_quantile: [number, number][];
  erfinv: [number, number][];
}

const fx = JSON.parse(
  readFileSync(new URL("./fixtures/special-functions.json", import.meta.url), "utf8"),
) as SpecialFixture;

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
  ["normalSf", fx.normal_cdf, (x) => normalSf(-x)],
  ["normalQuantile", fx.normal_quantile, normalQuantile],
  ["erfinv", fx.erfinv, erfinv],
];
for (const [name, table, f] of cases) {
  test(`${name} matches mpmath to 1e-12 relative over ${table.length} points`, () => {
    const { err, at } = worst(table, f);
    assert.ok(err < 1e-12, `${name}: relative error ${err} at ${at}`);
  });
}

// Abramowitz & Stegun (1964) table 7.1 digits, extended with mpmath at 30 digits.
const ERF: [number, number][] = [
  [0.1, 0.1124629160182849],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [3, 0.9999779095030014],
];
const ERFC: [number, number][] = [
  [2, 4.677734981047266e-3],
  [3, 2.209049699858544e-5],
  [5, 1.5374597944280349e-12],
  [10, 2.088487583762545e-45],
  [20, 5.395865611607901e-176],
];

test("erf matches tabulated values to 1e-15 (relative)", () => {
  for (const [x, v] of ERF) {
    assert.ok(Math.abs(erf(x) - v) <= 1e-15 * v, `erf(${x}) = ${erf(x)}, expected ${v}`);
    assert.equal(erf(-x), -erf(x));
  }
});

test("erfc keeps relative accuracy in the far tail", () => {
  for (const [x, v] of ERFC) {
    assert.ok(Math.abs(erfc(x) - v) <= 2e-15 * v, `erfc(${x}) = ${erfc(x)}, expected ${v}`);
    assert.ok(Math.abs(erfc(-x) - (2 - v)) <= 1e-15);
  }
  assert.equal(erfc(30), 0);
  assert.equal(erf(8), 1);
});

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
  assert.ok(
    Number.isNaN(erf(Number.NaN)) && Number.isNaN(erfc(Number.NaN)) && Number.isNaN(normalCdf(Number.NaN)),
  );
});

test("normalCdf and normalPdf: symmetry, Phi(0) = 1/2, published tail value", () => {
  assert.equal(normalCdf(0), 0.5);
  for (const t of [0.3, 1, 2.5, 4]) assert.ok(Math.abs(normalCdf(t) + normalCdf(-t) - 1) < 1e-15);
  // Phi(-5) = 2.866515718791939e-7 (mpmath)
  assert.ok(Math.abs(normalCdf(-5) / 2.866515718791939e-7 - 1) < 1e-14);
  assert.equal(normalPdf(0), 1 / Math.sqrt(2 * Math.PI));
});
