import assert from "node:assert/strict";
import { test } from "node:test";
import { erf, erfc, normalCdf, normalPdf } from "../../src/theory/special.js";

// Reference values: Abramowitz & Stegun (1964) table 7.1 digits, extended with mpmath at 30 digits.
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

test("normalCdf and normalPdf: symmetry, Phi(0) = 1/2, published tail value", () => {
  assert.equal(normalCdf(0), 0.5);
  for (const t of [0.3, 1, 2.5, 4]) assert.ok(Math.abs(normalCdf(t) + normalCdf(-t) - 1) < 1e-15);
  // Phi(-5) = 2.866515718791939e-7 (mpmath)
  assert.ok(Math.abs(normalCdf(-5) / 2.866515718791939e-7 - 1) < 1e-14);
  assert.ok(Math.abs(normalPdf(0) - 1 / Math.sqrt(2 * Math.PI)) < 1e-16);
});
