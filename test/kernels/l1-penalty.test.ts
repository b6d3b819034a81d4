// The L1 term of the optimizer kernels: g = grad + wd w + l1 sign(w), sign(0) = 0 (torch.sign),
// written out here by hand for SGD and Adam, on every backend (bit for bit: the same double
// operations and one rounding to float32); then every backend against the reference on weights
// with +0, -0 and NaN and a length that leaves the vector tails.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as ew from "../../src/kernels/elementwise.js";
import { candidates, onBackend, randomArray } from "./backends.js";

const f = Math.fround;

for (const c of candidates()) {
  test(`${c.label}: SGD and Adam add l1 sign(w) to the gradient`, { skip: c.reason ?? false }, async () => {
    const b = await c.create();
    try {
      const w = b.alloc(4);
      w.set([1, -2, 0, 0.5]);
      const g = b.alloc(4);
      g.set([0.25, 0.25, 0.25, -0.5]);
      const sq = b.sgdStep(w, g, null, 4, {
        lr: 0.5,
        momentum: 0,
        weightDecay: 0,
        nesterov: false,
        first: true,
        l1: 0.1,
      });
      const want = [
        1 - 0.5 * (0.25 + 0.1),
        -2 - 0.5 * (0.25 - 0.1),
        0 - 0.5 * 0.25,
        0.5 - 0.5 * (-0.5 + 0.1),
      ];
      assert.deepEqual(Array.from(w), want.map(f));
      assert.ok(sq > 0);
      const w2 = b.alloc(2);
      w2.set([1, -1]);
      const g2 = b.alloc(2);
      const m = b.alloc(2);
      const v = b.alloc(2);
      b.adamStep(w2, g2, m, v, 2, {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        c1: 0.1,
        c2: 0.001,
        l1: 0.2,
      });
      // g = +-0.2: m = +-0.02, v = 4e-5; the step is lr (m / c1) / (sqrt(v / c2) + eps) = +-0.01 (1 / (1 + 5e-8)).
      const u = (0.01 * (f(0.1 * 0.2) / 0.1)) / (Math.sqrt(f(0.001 * 0.2 * 0.2) / 0.001) + 1e-8);
      assert.deepEqual(Array.from(w2), [f(1 - u), f(-1 + u)]);
    } finally {
      b.dispose();
    }
  });
}

/** w with zeros of both signs, a NaN and the vector tails (n = 11: blocks of 4 or 2, then 3 or 1). */
function l1Weights(): Float32Array {
  const w = randomArray(11, "l1 w");
  w[1] = 0;
  w[4] = -0;
  w[6] = Number.NaN;
  return w;
}

/** Index of the first element whose bits differ (NaN equals NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++)
    if (!(Number.isNaN(a[i]) && Number.isNaN(b[i])) && ua[i] !== ub[i]) return i;
  return -1;
}

for (const c of candidates()) {
  test(`${c.label}: the L1 term is bit for bit the reference's (sign of +-0 and NaN, vector tails, momentum, Adam)`, {
    skip: c.reason ?? false,
  }, async () => {
    const b = await c.create();
    try {
      const n = 11;
      const grad = randomArray(n, "l1 g");
      for (const l1 of [0.01, -0.5]) {
        for (const nesterov of [false, true]) {
          const o = { lr: 0.1, momentum: 0.9, weightDecay: 0.001, nesterov, first: false, l1 };
          const [w, v] = [onBackend(b, l1Weights()), onBackend(b, randomArray(n, "l1 v"))];
          const [w0, v0] = [l1Weights(), randomArray(n, "l1 v")];
          const sq = b.sgdStep(w, onBackend(b, grad), v, n, o);
          const sq0 = ew.sgdStep(w0, grad, v0, n, o);
          assert.equal(firstDifference(w, w0), -1, `sgd w, l1 ${l1}`);
          assert.equal(firstDifference(v, v0), -1, `sgd v, l1 ${l1}`);
          assert.ok(Number.isNaN(sq) && Number.isNaN(sq0));
        }
        const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, c1: 0.19, c2: 0.002, l1 };
        const [w, m, v] = [l1Weights(), randomArray(n, "l1 m"), randomArray(n, "l1 v").map(Math.abs)];
        const [w0, m0, v0] = [w.slice(), m.slice(), v.slice()];
        const [bw, bm, bv] = [onBackend(b, w), onBackend(b, m), onBackend(b, v)];
        b.adamStep(bw, onBackend(b, grad), bm, bv, n, o);
        ew.adamStep(w0, grad, m0, v0, n, o);
        for (const [got, want, what] of [
          [bw, w0, "w"],
          [bm, m0, "m"],
          [bv, v0, "v"],
        ] as const)
          assert.equal(firstDifference(got, want), -1, `adam ${what}, l1 ${l1}`);
        // sign(+-0) = 0 adds nothing: the zero weights moved by the gradient alone
        assert.equal(Math.sign(bw[1]), -Math.sign(grad[1]));
      }
    } finally {
      b.dispose();
    }
  });
}
