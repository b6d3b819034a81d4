// The normalization kernels (Backend.normForward / normBackward) of the TypeScript reference,
// against independent truth in double precision:
// - forward: every group of y has mean beta and standard deviation |gamma| sqrt(var / (var + eps))
//   (a closed form of the definition), and given statistics reproduce the computed ones exactly;
// - backward: central finite differences of L = sum(w * y) with respect to x, gamma and beta
//   (step 1e-6, agreement within 1e-6 relative to the largest gradient), for both axes.
// The fast backends' kernels are checked against this reference in their own tests.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NormAxis } from "../../src/kernels/backend.js";
import { normBackward, normForward } from "../../src/kernels/elementwise.js";
import { Rng } from "../../src/tensor/rng.js";

function randoms(n: number, rng: Rng, scale = 1, shift = 0): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = shift + scale * rng.normal();
  return a;
}

/** L = sum w * y of the forward pass (batch statistics). */
function loss(
  x: Float64Array,
  gamma: Float64Array,
  beta: Float64Array,
  w: Float64Array,
  rows: number,
  cols: number,
  axis: NormAxis,
): number {
  const y = new Float64Array(rows * cols);
  const xhat = new Float64Array(rows * cols);
  const g = axis === "batch" ? cols : rows;
  normForward(
    x,
    y,
    xhat,
    gamma,
    beta,
    rows,
    cols,
    axis,
    1e-5,
    new Float64Array(g),
    new Float64Array(g),
    false,
  );
  let s = 0;
  for (let i = 0; i < y.length; i++) s += w[i] * y[i];
  return s;
}

for (const axis of ["batch", "features"] as const) {
  describe(`normalization kernels, axis ${axis}`, () => {
    const rows = 7;
    const cols = 5;
    const rng = Rng.derive(11, `norm-${axis}`);
    const x = randoms(rows * cols, rng, 3, 2);
    const gamma = randoms(cols, rng, 0.5, 1);
    const beta = randoms(cols, rng);
    const w = randoms(rows * cols, rng);
    const groups = axis === "batch" ? cols : rows;
    const n = axis === "batch" ? rows : cols;
    const at = (g: number, k: number) => (axis === "batch" ? k * cols + g : g * cols + k);

    test("each group of y has mean beta and sd |gamma| sqrt(var / (var + eps))", () => {
      const y = new Float64Array(rows * cols);
      const xhat = new Float64Array(rows * cols);
      const mean = new Float64Array(groups);
      const invStd = new Float64Array(groups);
      const eps = 1e-5;
      normForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, false);
      for (let g = 0; g < groups; g++) {
        let mx = 0;
        for (let k = 0; k < n; k++) mx += x[at(g, k)] / n;
        let vx = 0;
        for (let k = 0; k < n; k++) vx += (x[at(g, k)] - mx) ** 2 / n;
        assert.ok(Math.abs(mean[g] - mx) < 1e-12);
        assert.ok(Math.abs(invStd[g] - 1 / Math.sqrt(vx + eps)) < 1e-12);
        let mh = 0;
        let vh = 0;
        for (let k = 0; k < n; k++) mh += xhat[at(g, k)] / n;
        for (let k = 0; k < n; k++) vh += (xhat[at(g, k)] - mh) ** 2 / n;
        assert.ok(Math.abs(mh) < 1e-12, `group ${g}: mean of xhat ${mh}`);
        assert.ok(Math.abs(vh - vx / (vx + eps)) < 1e-12, `group ${g}: var of xhat ${vh}`);
      }
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          const k = i * cols + j;
          assert.ok(Math.abs(y[k] - (gamma[j] * xhat[k] + beta[j])) < 1e-12);
        }
      // Given statistics: the same output.
      const y2 = new Float64Array(rows * cols);
      normForward(
        x,
        y2,
        new Float64Array(rows * cols),
        gamma,
        beta,
        rows,
        cols,
        axis,
        eps,
        mean,
        invStd,
        true,
      );
      assert.deepEqual(Array.from(y2), Array.from(y));
    });

    test("backward agrees with central finite differences for x, gamma and beta", () => {
      const y = new Float64Array(rows * cols);
      const xhat = new Float64Array(rows * cols);
      const mean = new Float64Array(groups);
      const invStd = new Float64Array(groups);
      normForward(x, y, xhat, gamma, beta, rows, cols, axis, 1e-5, mean, invStd, false);
      const dx = new Float64Array(rows * cols);
      const dGamma = new Float64Array(cols);
      const dBeta = new Float64Array(cols);
      normBackward(w, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
      const h = 1e-6;
      const fd = (arr: Float64Array, i: number) => {
        const keep = arr[i];
        arr[i] = keep + h;
        const up = loss(x, gamma, beta, w, rows, cols, axis);
        arr[i] = keep - h;
        const down = loss(x, gamma, beta, w, rows, cols, axis);
        arr[i] = keep;
        return (up - down) / (2 * h);
      };
      const check = (name: string, arr: Float64Array, grad: Float64Array) => {
        const scale = Math.max(...Array.from(grad, Math.abs), 1e-3);
        for (let i = 0; i < arr.length; i++) {
          const want = fd(arr, i);
          assert.ok(
            Math.abs(grad[i] - want) <= 1e-6 * scale,
            `${name}[${i}]: ${grad[i]} vs finite difference ${want}`,
          );
        }
      };
      check("dx", x, dx);
      check("dGamma", gamma, dGamma);
      check("dBeta", beta, dBeta);
    });
  });
}
