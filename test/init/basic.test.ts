// zeros / ones / constant / uniform / normal / trunc_normal: exact describe() and sample moments.
import assert from "node:assert/strict";
import { test } from "node:test";
import { constant, normal, ones, parseInit, truncNormal, uniform, zeros } from "../../src/init/index.js";
import { Rng } from "../../src/tensor/rng.js";
import {
  assertClose,
  assertMean,
  assertVariance,
  drawColumn,
  KURTOSIS,
  moments,
  truncatedByQuadrature,
} from "./helpers.js";

const N = 200_000;

test("zeros, ones, constant fill exactly and describe a point mass", () => {
  const out = new Float32Array(12).fill(7);
  const shape = { rows: 3, cols: 4, fanIn: 4, fanOut: 3 };
  zeros().fill(out, shape, new Rng(1));
  assert.ok(out.every((v) => v === 0));
  ones().fill(out, shape, new Rng(1));
  assert.ok(out.every((v) => v === 1));
  constant(-0.25).fill(out, shape, new Rng(1));
  assert.ok(out.every((v) => v === -0.25));
  const d = constant(-0.25).describe(4, 3);
  assert.deepEqual(
    { distribution: d.distribution, mean: d.mean, std: d.std, variance: d.variance, bound: d.bound },
    { distribution: "constant", mean: -0.25, std: 0, variance: 0, bound: null },
  );
});

test("fill writes exactly rows*cols values and leaves the rest of the buffer alone", () => {
  const out = new Float64Array(10).fill(9);
  ones().fill(out, { rows: 2, cols: 3, fanIn: 3, fanOut: 2 }, new Rng(1));
  assert.deepEqual(Array.from(out), [1, 1, 1, 1, 1, 1, 9, 9, 9, 9]);
  assert.throws(
    () => ones().fill(new Float64Array(5), { rows: 2, cols: 3, fanIn: 3, fanOut: 2 }, new Rng(1)),
    /shorter/,
  );
});

test("uniform(a, b): mean (a+b)/2, std (b-a)/sqrt(12), bound = half-width; samples agree", () => {
  const init = uniform(-1, 3);
  const d = init.describe(10, 10);
  assert.equal(d.mean, 1);
  assertClose(d.std, 4 / Math.sqrt(12), 1e-15, "std");
  assert.equal(d.bound, 2);
  assert.deepEqual(d.support, [-1, 3]);
  const m = moments(drawColumn(init, 10, 10, N, 11));
  assertMean(m, 1, d.std, "uniform mean");
  assertVariance(m, 16 / 12, KURTOSIS.uniform, "uniform variance");
  assert.ok(m.min >= -1 && m.min < -1 + 4 * (20 / N), `min ${m.min}`);
  assert.ok(m.max < 3 && m.max > 3 - 4 * (20 / N), `max ${m.max}`);
  assert.equal(uniform().describe(1, 1).mean, 0.5);
});

test("normal(mean, std): exact describe and sample moments", () => {
  const init = normal(1, 2);
  const d = init.describe(3, 3);
  assert.deepEqual([d.mean, d.std, d.variance, d.bound], [1, 2, 4, null]);
  const m = moments(drawColumn(init, 3, 3, N, 12));
  assertMean(m, 1, 2, "normal mean");
  assertVariance(m, 4, KURTOSIS.normal, "normal variance");
});

test("trunc_normal: describe() equals the moments by quadrature; samples agree; values inside [a, b]", () => {
  for (const [mean, std, a, b] of [
    [0, 1, -2, 2],
    [0.5, 2, -1, 3],
    [0, 1, 0.5, 6],
    [0, 1, -9, -7],
    [3, 0.5, -1, 3.1],
  ]) {
    const init = truncNormal(mean, std, a, b);
    const q = truncatedByQuadrature((a - mean) / std, (b - mean) / std);
    const d = init.describe(1, 1);
    const label = `trunc_normal(${mean}, ${std}, ${a}, ${b})`;
    assert.ok(Math.abs(d.mean - (mean + std * q.mean)) < 1e-10 * std, `${label} mean ${d.mean}`);
    assertClose(d.std, std * q.std, 1e-10, `${label} std`);
    const x = drawColumn(init, 1, 1, N, 13);
    const m = moments(x);
    assertMean(m, d.mean, d.std, label);
    assertVariance(m, d.variance, q.kurtosis, label);
    assert.ok(m.min >= a && m.max <= b, `${label}: range [${m.min}, ${m.max}]`);
  }
});

test("trunc_normal default is PyTorch's: N(0,1) cut at the absolute points -2 and 2", () => {
  const d = parseInit("trunc_normal").describe(5, 5);
  assertClose(d.std, 0.87962566103423978, 1e-15, "std");
  assert.deepEqual(d.support, [-2, 2]);
  // cut points are absolute, not multiples of std: std=10 with a=-2, b=2 is nearly uniform on [-2, 2]
  assertClose(truncNormal(0, 10, -2, 2).describe(1, 1).std, 4 / Math.sqrt(12), 1e-2, "wide std");
});

test("float32 output stays within the float32-rounded bound", () => {
  const out = new Float32Array(N);
  const init = uniform(-0.1, 0.1);
  init.fill(out, { rows: N, cols: 1, fanIn: 1, fanOut: 1 }, new Rng(3));
  const lim = Math.fround(0.1);
  assert.ok(out.every((v) => v >= -lim && v <= lim));
});
