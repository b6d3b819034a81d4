// The number formats: ordinary values as before, and the edge cases (0, NaN, infinities, missing) that
// the old copies printed as "x10^-Infinity", "NaN" for +Infinity or "Infinity%".
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatFixed,
  formatPercent,
  formatPowerOfTen,
  formatScientific,
  formatSignificant,
} from "../../src/math/format-number.js";

const EDGES: [number | null | undefined, string][] = [
  [null, "-"],
  [undefined, "-"],
  [Number.NaN, "NaN"],
  [Number.POSITIVE_INFINITY, "Inf"],
  [Number.NEGATIVE_INFINITY, "-Inf"],
];

test("every format prints missing, NaN and infinite values the same way", () => {
  const formats: [string, (x: number | null | undefined) => string][] = [
    ["significant", (x) => formatSignificant(x)],
    ["scientific", (x) => formatScientific(x)],
    ["fixed", (x) => formatFixed(x, 3)],
    ["percent", (x) => formatPercent(x)],
    ["power of ten", (x) => formatPowerOfTen(x)],
  ];
  for (const [name, f] of formats) for (const [x, want] of EDGES) assert.equal(f(x), want, `${name}(${x})`);
});

test("significant digits: plain in [1e-3, 1e5), e-notation outside, whole numbers grouped", () => {
  const cases: [number, number, string][] = [
    [0, 4, "0"],
    [123456, 4, "123,456"],
    [-42, 4, "-42"],
    [0.000123, 4, "1.230e-4"],
    [123456.7, 4, "1.235e5"],
    [0.012345678, 4, "0.01235"],
    [1.5, 3, "1.5"],
    [2.0004, 3, "2"],
    [-0.5, 4, "-0.5"],
    [1e12, 4, "1.000e12"],
  ];
  for (const [x, d, want] of cases) assert.equal(formatSignificant(x, d), want, `${x} to ${d}`);
});

test("scientific, fixed and percent", () => {
  assert.equal(formatScientific(0.000123456), "1.23e-4");
  assert.equal(formatScientific(1), "1.00e0");
  assert.equal(formatScientific(-2.5e7, 1), "-2.5e7");
  assert.equal(formatScientific(0), "0");
  assert.equal(formatFixed(0.08124, 3), "0.081");
  assert.equal(formatPercent(0.9734), "97.3%");
  assert.equal(formatPercent(0.97345, 2), "97.34%"); // toFixed rounds the binary value 97.3449...
  assert.equal(formatPercent(0.5, 0), "50%");
});

test("power of ten: log10 with one decimal; 0, negative, NaN and infinite factors never print 10^-Infinity", () => {
  assert.equal(formatPowerOfTen(1e-4), "10^-4.0");
  assert.equal(formatPowerOfTen(2.5e6), "10^6.4");
  assert.equal(formatPowerOfTen(1), "10^0.0");
  assert.equal(formatPowerOfTen(0), "0");
  assert.equal(formatPowerOfTen(-3), "NaN");
  assert.equal(formatPowerOfTen(Number.POSITIVE_INFINITY), "Inf");
  assert.equal(formatPowerOfTen(5e-324), "10^-323.3");
});
