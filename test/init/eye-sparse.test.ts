// eye (PyTorch eye_) and sparse (PyTorch sparse_, Martens 2010).
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/errors.js";
import { eye, parseInit, sparse } from "../../src/init/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { assertClose, assertVariance, moments } from "./helpers.js";

test("eye: ones on the diagonal of rows x cols, zeros elsewhere", () => {
  for (const [rows, cols] of [
    [3, 5],
    [5, 3],
    [4, 4],
    [1, 1],
  ]) {
    const out = new Float32Array(rows * cols).fill(9);
    eye().fill(out, { rows, cols, fanIn: cols, fanOut: rows }, new Rng(1));
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) assert.equal(out[i * cols + j], i === j ? 1 : 0);
  }
  assert.equal(parseInit("identity").spec, "eye");
});

test("eye describe(): a random entry is 1 with probability 1/max(rows, cols)", () => {
  const desc = eye().describe(5, 3); // W is 3 x 5 with 3 ones among 15 entries
  assert.equal(desc.mean, 0.2);
  assertClose(desc.variance, 0.2 * 0.8, 1e-15, "variance");
  assert.equal(eye().describe(1, 1).std, 0);
});

test("sparse: exactly ceil(sparsity * rows) zeros in every column (PyTorch's count)", () => {
  const cases: [number, number, number, number][] = [
    [10, 4, 0.7, 7],
    [100, 5, 0.9, 90],
    [100, 3, 0.07, 8], // 0.07 * 100 = 7.000000000000001 in float64: PyTorch's ceil gives 8
    [7, 3, 0.5, 4],
    [5, 2, 0, 0],
    [4, 2, 1, 4],
  ];
  for (const [rows, cols, sparsity, zeros] of cases) {
    const out = new Float64Array(rows * cols);
    sparse(sparsity, 1).fill(out, { rows, cols, fanIn: cols, fanOut: rows }, new Rng(rows + cols));
    for (let c = 0; c < cols; c++) {
      let z = 0;
      for (let r = 0; r < rows; r++) if (out[r * cols + c] === 0) z++;
      assert.equal(z, zeros, `${rows}x${cols} sparsity ${sparsity} column ${c}`);
    }
  }
});

test("sparse: zeros are spread uniformly over rows; non-zeros are N(0, std^2)", () => {
  const [rows, cols, std] = [50, 4000, 0.01];
  const out = new Float64Array(rows * cols);
  sparse(0.2, std).fill(out, { rows, cols, fanIn: cols, fanOut: rows }, new Rng(4));
  const perRow = new Float64Array(rows);
  const nonzero: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = out[r * cols + c];
      if (v === 0) perRow[r]++;
      else nonzero.push(v);
    }
  }
  // each row is zeroed in a column with probability 10/50: binomial(4000, 0.2) per row
  const sd = Math.sqrt(cols * 0.2 * 0.8);
  for (let r = 0; r < rows; r++)
    assert.ok(Math.abs(perRow[r] - cols * 0.2) < 5 * sd, `row ${r}: ${perRow[r]}`);
  assertVariance(moments(nonzero), std * std, 3, "non-zero variance");
  const desc = sparse(0.2, std).describe(cols, rows);
  assertClose(desc.variance, 0.8 * std * std, 1e-15, "describe variance");
  assertVariance(moments(out), desc.variance, 3 / 0.8, "all entries");
});

test("sparse argument errors", () => {
  assert.throws(
    () => parseInit("sparse(2)"),
    (e: Error) => e instanceof UserError && /sparsity=2/.test(e.message),
  );
  assert.throws(() => parseInit("sparse(0.5, std=-1)"), /std=-1/);
  assert.throws(() => parseInit("sparse"), /needs argument "sparsity"/);
});
