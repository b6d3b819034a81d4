import assert from "node:assert/strict";
import { test } from "node:test";
import { parseActivation } from "../../src/nn/activations.js";
import {
  BOUNDED_BINS,
  deadUnits,
  GRAD_BINS,
  histogram,
  niceCeil,
  saturatedFraction,
  symmetricBins,
  tensorStats,
} from "../../src/probe/index.js";
import { saturationThreshold } from "../../src/probe/units.js";
import { Rng } from "../../src/tensor/rng.js";

/** Two-pass float64 mean and population variance: the textbook definition. */
function twoPass(x: ArrayLike<number>): { mean: number; var: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - mean) ** 2;
  return { mean, var: v / x.length };
}

test("tensorStats: mean and population variance as the two-pass definition, also when the mean dominates", () => {
  const rng = new Rng(11);
  const plain = new Float32Array(10007).map(() => 3 * rng.normal() - 1);
  // Sigmoid outputs of a collapsed layer: mean 1/2, variance 1e-8 (the cancellation case).
  const shifted = new Float32Array(10007).map(() => 0.5 + 1e-4 * rng.normal());
  for (const x of [plain, shifted]) {
    const s = tensorStats(x, x.length);
    const ref = twoPass(x);
    assert.ok(Math.abs(s.mean - ref.mean) <= 1e-12 * Math.max(1, Math.abs(ref.mean)));
    // float64 sums of n = 1e4 float32 values: relative error ~ n * 2^-53 ~ 1e-12.
    assert.ok(Math.abs(s.var / ref.var - 1) < 1e-9, `var ${s.var} vs ${ref.var}`);
    assert.equal(s.nonFinite, 0);
  }
  const bad = Float32Array.of(1, Number.NaN, 2, Number.POSITIVE_INFINITY, 3);
  const s = tensorStats(bad, bad.length);
  assert.equal(s.nonFinite, 2);
  assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.var));
});

test("log10|g| histogram: quarter-decade bins, same counts as log10 by brute force (float32 fast path and float64)", () => {
  const rng = new Rng(5);
  const x = new Float32Array(20000).map((_, i) => rng.normal() * 10 ** -(i % 13));
  x[1] = 0;
  x[2] = -0;
  x[3] = Number.NaN;
  x[4] = Number.NEGATIVE_INFINITY;
  x[5] = 1e-40; // subnormal: below 10^-10.125
  x[6] = 3; // above 10^0.125
  const expected = new Array<number>(41).fill(0);
  let under = 0;
  let over = 0;
  for (const v of x) {
    if (!Number.isFinite(v) || v === 0) continue;
    const k = Math.floor((Math.log10(Math.abs(v)) + 10.125) / 0.25);
    if (k < 0) under++;
    else if (k >= 41) over++;
    else expected[k]++;
  }
  for (const arr of [x, Float64Array.from(x)]) {
    const h = histogram(arr, arr.length, GRAD_BINS);
    assert.deepEqual(h.counts, expected);
    assert.equal(h.under, under);
    assert.equal(h.over, over);
    assert.equal(h.zeros, 2);
    assert.equal(h.nonFinite, 2);
    assert.equal(h.edges.length, 42);
    assert.equal(h.edges[0], -10.125);
    assert.equal(h.edges[40], 9.875 - 10); // edges centred on 10^-10, ..., 10^0: bin 40 starts at 10^-0.125
  }
});

test("linear histograms: bounded bins centred on -1..1, symmetric nice range from the rms", () => {
  assert.equal(niceCeil(3.7), 5);
  assert.equal(niceCeil(0.0123), 0.02);
  assert.equal(niceCeil(50), 50);
  const b = symmetricBins(1.1); // 4 rms = 4.4 -> R = 5
  assert.equal(b.lo, -5);
  const x = Float64Array.of(-1, -0.98, 0, 0.024, 0.026, 1, 1.03, Number.POSITIVE_INFINITY, Number.NaN);
  const h = histogram(x, x.length, BOUNDED_BINS);
  assert.equal(h.counts[0], 2); // -1, -0.98 in [-1.025, -0.975)
  assert.equal(h.counts[20], 2); // 0 and 0.024 in [-0.025, 0.025)
  assert.equal(h.counts[21], 1); // 0.026
  assert.equal(h.counts[40], 1); // 1
  assert.equal(h.over, 1); // 1.03
  assert.equal(h.nonFinite, 2);
  assert.equal(h.counts.reduce((a, c) => a + c, 0) + h.under + h.over + h.nonFinite, x.length);
});

test("saturation thresholds: |phi'(z)| = 5% of its maximum at the closed-form |z|", () => {
  // sigmoid' = s(1 - s) = 0.05 / 4 -> s = (1 - sqrt(1 - 0.05)) / 2, z = ln(s / (1 - s));
  // tanh' = 1 - t^2 = 0.05 -> z = atanh(sqrt(0.95)); softsign' = 1 / (1 + z)^2 = 0.05 -> z = sqrt(20) - 1.
  const s = (1 - Math.sqrt(0.95)) / 2;
  const cases: [string, number][] = [
    ["sigmoid", -Math.log(s / (1 - s))],
    ["tanh", Math.atanh(Math.sqrt(0.95))],
    ["softsign", Math.sqrt(20) - 1],
    ["hard_tanh", 1],
  ];
  for (const [name, z] of cases) {
    const t = saturationThreshold(parseActivation(name));
    assert.ok(Math.abs(t - z) < 1e-9, `${name}: ${t} vs ${z}`);
  }
  const Z = Float32Array.of(0, 2, -2.2, 4.4, Number.NaN);
  assert.equal(saturatedFraction(Z, Z.length, parseActivation("tanh")), 3 / 5); // -2.2, 4.4, NaN
});

test("dead and inactive units: relu dies, leaky relu never does, a PReLU unit dies only at slope 0", () => {
  // 3 examples x 4 units; unit 0 positive once, units 1-3 never positive.
  const Z = Float32Array.of(1, -1, 0, -2, -3, -1, -5, -2, -1, 0, -1, -2);
  const relu = deadUnits(Z, 3, 4, parseActivation("relu"), null);
  assert.deepEqual(relu, { dead: 0.75, inactive: 0.75 });
  const leaky = deadUnits(Z, 3, 4, parseActivation("leaky_relu(0.1)"), null);
  assert.deepEqual(leaky, { dead: 0, inactive: 0.75 });
  const prelu = deadUnits(Z, 3, 4, parseActivation("prelu"), Float32Array.of(0.25, 0, 0.1, 0));
  assert.deepEqual(prelu, { dead: 0.5, inactive: 0.75 });
});
