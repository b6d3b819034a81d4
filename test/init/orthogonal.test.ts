// orthogonal: W^T W = gain^2 I (tall/square) or W W^T = gain^2 I (wide), and Haar-uniform Q.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formQ, householderQr } from "../../src/init/householder-qr.js";
import { orthogonal, parseInit } from "../../src/init/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { assertClose, assertMean } from "./helpers.js";

/** max |G - gain^2 I| / gain^2 for the Gram matrix of W's columns (tall) or rows (wide), in float64. */
function gramError(w: Float32Array, rows: number, cols: number, gain: number): number {
  const wide = rows < cols;
  const k = Math.min(rows, cols);
  const len = Math.max(rows, cols);
  const at = (v: number, i: number) => (wide ? w[v * cols + i] : w[i * cols + v]); // i-th entry of vector v
  let worst = 0;
  for (let p = 0; p < k; p++) {
    for (let q = p; q < k; q++) {
      let s = 0;
      for (let i = 0; i < len; i++) s += at(p, i) * at(q, i);
      worst = Math.max(worst, Math.abs(s / (gain * gain) - (p === q ? 1 : 0)));
    }
  }
  return worst;
}

test("orthogonality of float32 output for square, tall and wide shapes (||G - I|| < 1e-5)", () => {
  const shapes: [number, number][] = [
    [64, 64],
    [100, 30],
    [30, 100],
    [1, 5],
    [5, 1],
    [1, 1],
    [257, 256],
  ];
  for (const [rows, cols] of shapes) {
    for (const gain of [1, 2.5]) {
      const out = new Float32Array(rows * cols);
      orthogonal(gain).fill(out, { rows, cols, fanIn: cols, fanOut: rows }, new Rng(rows * 1000 + cols));
      const err = gramError(out, rows, cols, gain);
      assert.ok(err < 1e-5, `${rows}x${cols} gain ${gain}: max |G - I| = ${err}`);
    }
  }
});

test("describe(): mean 0, E[w^2] = gain^2 min(r,c)/(r c); the sum of squares is exactly that", () => {
  const [rows, cols, gain] = [20, 50, 2];
  const desc = parseInit("orthogonal(2)").describe(cols, rows);
  assertClose(desc.variance, (gain * gain * Math.min(rows, cols)) / (rows * cols), 1e-15, "variance");
  const out = new Float64Array(rows * cols);
  orthogonal(gain).fill(out, { rows, cols, fanIn: cols, fanOut: rows }, new Rng(5));
  let ss = 0;
  for (const v of out) ss += v * v;
  assertClose(ss / out.length, desc.variance, 1e-12, "mean square of one draw");
});

/** Q[0][0] of many n x n orthogonal draws, and the mean of the diagonal. */
function firstEntries(n: number, draws: number, seed: number): { q00: Float64Array; diagMean: number } {
  const rng = new Rng(seed);
  const init = orthogonal();
  const w = new Float64Array(n * n);
  const q00 = new Float64Array(draws);
  let diag = 0;
  for (let t = 0; t < draws; t++) {
    init.fill(w, { rows: n, cols: n, fanIn: n, fanOut: n }, rng);
    q00[t] = w[0];
    for (let i = 0; i < n; i++) diag += w[i * n + i];
  }
  return { q00, diagMean: diag / (draws * n) };
}

test("Haar: for n = 3, Q[0][0] is uniform on [-1, 1] (mean 0, E[x^2] = 1/3, quartiles at +-1/2)", () => {
  const draws = 20_000;
  const { q00, diagMean } = firstEntries(3, draws, 7);
  // a column of a Haar orthogonal 3x3 is uniform on the sphere S^2: each coordinate is U(-1, 1) (Archimedes)
  assertMean(
    { n: draws * 3, mean: diagMean, variance: 1 / 3, min: -1, max: 1 },
    0,
    Math.sqrt(1 / 3),
    "diag mean",
  );
  let s1 = 0;
  let s2 = 0;
  let below = 0;
  for (const x of q00) {
    s1 += x;
    s2 += x * x;
    if (x < -0.5) below++;
  }
  assert.ok(Math.abs(s1 / draws) < 5 * Math.sqrt(1 / 3 / draws), `mean ${s1 / draws}`);
  // Var(x^2) = E[x^4] - 1/9 = 1/5 - 1/9 = 4/45 for x ~ U(-1, 1)
  assert.ok(Math.abs(s2 / draws - 1 / 3) < 5 * Math.sqrt(4 / 45 / draws), `E[x^2] ${s2 / draws}`);
  assert.ok(
    Math.abs(below / draws - 0.25) < 5 * Math.sqrt((0.25 * 0.75) / draws),
    `P(x < -1/2) ${below / draws}`,
  );
});

test("Haar: for n = 2 the diagonal has mean 0; without the sign correction it would not", () => {
  const draws = 20_000;
  const { diagMean } = firstEntries(2, draws, 8);
  // each diagonal entry of a Haar 2x2 orthogonal matrix is cos(theta), E = 0, Var = 1/2
  assert.ok(Math.abs(diagMean) < 5 * Math.sqrt(0.5 / (2 * draws)), `diag mean ${diagMean}`);
  // the raw Householder Q (no sign fix) has Q[0][0] = -|a00| / ||a0|| < 0 always: the check has power
  const rng = new Rng(9);
  const a = new Float64Array(9);
  const q = new Float64Array(9);
  const tau = new Float64Array(3);
  let raw = 0;
  for (let t = 0; t < 2000; t++) {
    for (let i = 0; i < 9; i++) a[i] = rng.normal();
    householderQr(a, 3, 3, tau);
    formQ(a, 3, 3, tau, q);
    raw += q[0];
  }
  assert.ok(raw / 2000 < -0.45, `raw mean of Q[0][0] ${raw / 2000} (expected -1/2)`);
});

test("householderQr + formQ reconstruct A = Q R", () => {
  const [m, n] = [7, 4];
  const rng = new Rng(10);
  const a0 = new Float64Array(m * n).map(() => rng.normal());
  const a = a0.slice();
  const tau = new Float64Array(n);
  const q = new Float64Array(m * n);
  householderQr(a, m, n, tau);
  formQ(a, m, n, tau, q);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += q[k * m + i] * a[j * m + k]; // R(k, j) = a[j*m + k] for k <= j
      assert.ok(Math.abs(s - a0[j * m + i]) < 1e-13, `A(${i},${j})`);
    }
  }
});
