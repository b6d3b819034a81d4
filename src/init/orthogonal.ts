/**
 * Orthogonal initialization: W = gain * Q, with Q a Haar-distributed (uniformly random)
 * orthogonal matrix, or semi-orthogonal for a non-square W (orthonormal columns when tall,
 * orthonormal rows when wide). All singular values of W equal gain, so a deep linear network
 * keeps the norm of every input and its learning dynamics are depth-independent.
 * Saxe, McClelland & Ganguli 2014, arXiv:1312.6120; PyTorch `orthogonal_`.
 *
 * Method (PyTorch's, Mezzadri 2007, arXiv:math-ph/0609050): QR of a matrix of iid N(0, 1)
 * (the transpose when rows < cols), then Q's columns multiplied by sign(diag(R)); without that
 * correction Q is not Haar-uniform. Entries have mean 0 and E[W_ij^2] = gain^2 / max(rows, cols).
 */

import { formQ, householderQr } from "./householder-qr.js";
import { defineInitializer } from "./initializer.js";
import type { Initializer } from "./types.js";
import { checkNumber, isPositive } from "./validate.js";

export function orthogonal(gain = 1): Initializer {
  checkNumber("orthogonal", "gain", gain, isPositive, "a finite number > 0");
  return defineInitializer(
    "orthogonal",
    { gain },
    {
      describe(fanIn, fanOut) {
        const big = Math.max(fanIn, fanOut, 1);
        const std = gain / Math.sqrt(big);
        return {
          distribution: "orthogonal",
          mean: 0,
          std,
          bound: null,
          variance: std * std,
          support: [-gain, gain],
        };
      },
      fill(out, shape, _n, rng) {
        const { rows, cols } = shape;
        const m = Math.max(rows, cols);
        const k = Math.min(rows, cols);
        const a = new Float64Array(m * k);
        for (let i = 0; i < a.length; i++) a[i] = rng.normal();
        const tau = new Float64Array(k);
        const q = new Float64Array(m * k);
        householderQr(a, m, k, tau);
        formQ(a, m, k, tau, q);
        for (let j = 0; j < k; j++) {
          const s = a[j * m + j] < 0 ? -gain : gain; // sign(R_jj) * gain
          for (let i = 0; i < m; i++) q[j * m + i] *= s;
        }
        writeQ(out, q, rows, cols);
      },
    },
  );
}

/** out (rows x cols, row-major) = Q if rows >= cols, else Q^T; q is max x min, column-major. */
function writeQ(out: Float64Array | Float32Array, q: Float64Array, rows: number, cols: number): void {
  if (rows >= cols) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = q[j * rows + i];
  } else {
    out.set(q.subarray(0, rows * cols));
  }
}
