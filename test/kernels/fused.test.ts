// The fused kernels of a residual + normalization layer (docs/speed.md) on every backend:
// - biasResidualForward: z += b, s = src + alpha z in one pass, bit for bit the reference, which is
//   bit for bit addRowVector then residualForward (shapes that leave every vector tail, s aliasing
//   src, NaN);
// - normActivationForward: normForward and h = phi(y) in one call: y, xhat and the statistics bit for
//   bit the reference, h bit for bit the same backend's biasActivation of y with a zero bias (relu
//   and leaky_relu also bit for bit the reference; sigmoid and tanh within 2.5 float32 ulps of it:
//   elementwise.test.ts's 2 ulps from the exact function plus the reference's own rounding), both
//   axes, given statistics, y left as normForward wrote it;
// - normActivationBackward: phi', the normalization's backward and the add of a skip's gradient in
//   one call: du, dx, dGamma and dBeta bit for bit the reference (activationBackward, normBackward,
//   residualForward(dx, skip, 1, dx)), with and without a skip gradient, both axes, every activation.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KernelActivation, NormAxis } from "../../src/kernels/backend.js";
import {
  activationBackward,
  activationForward,
  biasResidualForward,
  normActivationBackward,
  normActivationForward,
  normBackward,
  normForward,
  residualForward,
} from "../../src/kernels/elementwise.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { candidates, onBackend, randomArray } from "./backends.js";

const SHAPES: [number, number][] = [
  [1, 1],
  [1, 3],
  [3, 5],
  [5, 7],
  [2, 9],
  [7, 17],
  [9, 35],
  [13, 38],
  [128, 256],
];
const ACTIVATIONS: [KernelActivation, number][] = [
  ["identity", 0],
  ["relu", 0],
  ["leaky_relu", 0.1],
  ["sigmoid", 0],
  ["tanh", 0],
];

/** Index of the first element whose bits differ (NaN equals NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++)
    if (!(Number.isNaN(a[i]) && Number.isNaN(b[i])) && ua[i] !== ub[i]) return i;
  return -1;
}

function assertSame(got: Float32Array, want: Float32Array, what: string): void {
  const i = firstDifference(got, want);
  assert.equal(i, -1, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

/** The distance in float32 ulps (of the larger magnitude) between a and b. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const m = Math.max(Math.abs(a), Math.abs(b));
  const e = Math.max(Math.floor(Math.log2(m)), -126);
  return Math.abs(a - b) / 2 ** (e - 23);
}

test("the references: biasResidualForward is addRowVector then residualForward, normActivationForward is normForward then phi", () => {
  const [rows, cols] = [3, 5];
  const n = rows * cols;
  const src = randomArray(n, "fused ref src");
  const z = randomArray(n, "fused ref z");
  const b = randomArray(cols, "fused ref b");
  const [z1, s1] = [z.slice(), new Float32Array(n)];
  biasResidualForward(src, z1, b, 0.3, s1, rows, cols);
  const ts = new TsBackend();
  const [z2, s2] = [z.slice(), new Float32Array(n)];
  ts.addRowVector(z2, b, rows, cols);
  residualForward(src, z2, 0.3, s2, n);
  assertSame(z1, z2, "z");
  assertSame(s1, s2, "s");
  assert.equal(s1[7], Math.fround(src[7] + 0.3 * Math.fround(z[7] + b[2])));

  const x = randomArray(n, "fused ref x").map((v) => 2 * v + 1);
  const gamma = randomArray(cols, "fused ref g").map((v) => 1 + 0.5 * v);
  const mk = () => [new Float32Array(n), new Float32Array(n), new Float32Array(rows), new Float32Array(rows)];
  const [y1, h1, m1, i1] = mk();
  const [y2, xh, m2, i2] = mk();
  const h = new Float32Array(n);
  normActivationForward(x, y1, h1, gamma, b, rows, cols, "features", 1e-5, m1, i1, false, h, "relu", 0);
  normForward(x, y2, xh, gamma, b, rows, cols, "features", 1e-5, m2, i2, false);
  assertSame(y1, y2, "y");
  const want = new Float32Array(n);
  activationForward(y2, want, n, "relu", 0);
  assertSame(h, want, "h");
  assert.ok(h.some((v) => v === 0) && h.some((v) => v > 0), "relu clipped some and kept some");

  const dh = randomArray(n, "fused ref dh");
  const skip = randomArray(n, "fused ref skip");
  const [du, dx, dg, db] = [
    new Float32Array(n),
    new Float32Array(n),
    new Float32Array(cols),
    new Float32Array(cols),
  ];
  normActivationBackward(dh, y1, h, "relu", 0, du, h1, gamma, i1, dx, dg, db, rows, cols, "features", skip);
  const [du2, dx2, dg2, db2] = [
    new Float32Array(n),
    new Float32Array(n),
    new Float32Array(cols),
    new Float32Array(cols),
  ];
  activationBackward(y1, h, dh, du2, n, "relu", 0);
  normBackward(du2, h1, gamma, i1, dx2, dg2, db2, rows, cols, "features");
  for (const [i, v] of dx2.entries())
    assert.equal(dx[i], Math.fround(v + skip[i]), `dx[${i}] = norm dx + skip`);
  assertSame(du, du2, "du");
  assertSame(dg, dg2, "dGamma");
  assertSame(db, db2, "dBeta");
  assert.ok(
    du.some((v, i) => v === 0 && dh[i] !== 0),
    "phi' = 0 where relu clipped",
  );
});

for (const cand of candidates()) {
  describe(`fused residual and normalization kernels on ${cand.label}`, {
    skip: cand.reason ?? false,
  }, () => {
    test("biasResidualForward equals the reference bit for bit (tails, s aliasing src, NaN)", async () => {
      const be = await cand.create();
      try {
        for (const [rows, cols] of SHAPES)
          for (const alpha of [1, 0.125, -0.3, 0])
            for (const alias of [false, true]) {
              const what = `${rows}x${cols} alpha=${alpha} alias=${alias}`;
              const n = rows * cols;
              const src = randomArray(n, `fr src ${n}`);
              const z = randomArray(n, `fr z ${n}`);
              const b = randomArray(cols, `fr b ${cols}`);
              if (n > 4) z[3] = Number.NaN;
              const [z0, s0] = [z.slice(), new Float32Array(n)];
              biasResidualForward(src, z0, b, alpha, s0, rows, cols);
              const bsrc = onBackend(be, src);
              const bz = onBackend(be, z);
              const out = alias ? bsrc : be.alloc(n);
              be.biasResidualForward(bsrc, bz, onBackend(be, b), alpha, out, rows, cols);
              assertSame(bz, z0, `z ${what}`);
              assertSame(out, s0, `s ${what}`);
            }
      } finally {
        be.dispose();
      }
    });

    test("normActivationForward: y, xhat and statistics bit for bit, h as the backend's own activation", async () => {
      const be = await cand.create();
      try {
        for (const [rows, cols] of SHAPES)
          for (const axis of ["batch", "features"] as NormAxis[])
            for (const given of [false, true])
              for (const [act, param] of ACTIVATIONS) {
                const what = `${rows}x${cols} ${axis} given=${given} ${act}`;
                const n = rows * cols;
                const groups = axis === "batch" ? cols : rows;
                const x = randomArray(n, `fn x ${n}`).map((v) => 3 * v + 1.5);
                const gamma = randomArray(cols, `fn g ${cols}`).map((v) => 1 + 0.5 * v);
                const beta = randomArray(cols, `fn b ${cols}`);
                const mean0 = randomArray(groups, `fn m ${groups}`);
                const inv0 = randomArray(groups, `fn s ${groups}`).map((v) => 1.2 + v);
                const want = {
                  y: new Float32Array(n),
                  xhat: new Float32Array(n),
                  h: new Float32Array(n),
                  mean: mean0.slice(),
                  inv: inv0.slice(),
                };
                normActivationForward(
                  x,
                  want.y,
                  want.xhat,
                  gamma,
                  beta,
                  rows,
                  cols,
                  axis,
                  1e-5,
                  want.mean,
                  want.inv,
                  given,
                  want.h,
                  act,
                  param,
                );
                const [y, xhat, h] = [be.alloc(n), be.alloc(n), be.alloc(n)];
                const [mean, inv] = [onBackend(be, mean0), onBackend(be, inv0)];
                const [g, bt] = [onBackend(be, gamma), onBackend(be, beta)];
                be.normActivationForward(
                  onBackend(be, x),
                  y,
                  xhat,
                  g,
                  bt,
                  rows,
                  cols,
                  axis,
                  1e-5,
                  mean,
                  inv,
                  given,
                  h,
                  act,
                  param,
                );
                assertSame(y, want.y, `y ${what}`);
                assertSame(xhat, want.xhat, `xhat ${what}`);
                assertSame(mean, want.mean, `mean ${what}`);
                assertSame(inv, want.inv, `invStd ${what}`);
                // the backend's own activation of the same y (biasActivation rewrites its input: a copy)
                const [yc, own] = [onBackend(be, y), be.alloc(n)];
                be.biasActivation(yc, be.alloc(cols), own, rows, cols, act, param);
                assertSame(h, own, `h vs biasActivation ${what}`);
                if (act === "sigmoid" || act === "tanh") {
                  let worst = 0;
                  for (let i = 0; i < n; i++) worst = Math.max(worst, ulps(h[i], want.h[i]));
                  assert.ok(worst <= 2.5, `h ${what}: ${worst} ulps from the reference`);
                } else assertSame(h, want.h, `h ${what}`);
              }
      } finally {
        be.dispose();
      }
    });

    test("normActivationBackward equals the reference bit for bit (skip gradient or none, both axes)", async () => {
      const be = await cand.create();
      try {
        for (const [rows, cols] of SHAPES)
          for (const axis of ["batch", "features"] as NormAxis[])
            for (const withSkip of [false, true])
              for (const [act, param] of ACTIVATIONS) {
                const what = `${rows}x${cols} ${axis} skip=${withSkip} ${act}`;
                const n = rows * cols;
                const groups = axis === "batch" ? cols : rows;
                const u = randomArray(n, `fb u ${n}`);
                const h = new Float32Array(n);
                activationForward(u, h, n, act, param);
                const dh = randomArray(n, `fb dh ${n}`);
                const xhat = randomArray(n, `fb xhat ${n}`).map((v) => 2 * v);
                const gamma = randomArray(cols, `fb g ${cols}`).map((v) => 1 + 0.5 * v);
                const inv = randomArray(groups, `fb s ${groups}`).map((v) => 1.2 + v);
                const skip = withSkip ? randomArray(n, `fb skip ${n}`) : null;
                if (n > 4) dh[2] = Number.NaN;
                const want = {
                  du: new Float32Array(n),
                  dx: new Float32Array(n),
                  dg: new Float32Array(cols),
                  db: new Float32Array(cols),
                };
                normActivationBackward(
                  dh,
                  u,
                  h,
                  act,
                  param,
                  want.du,
                  xhat,
                  gamma,
                  inv,
                  want.dx,
                  want.dg,
                  want.db,
                  rows,
                  cols,
                  axis,
                  skip,
                );
                const [du, dx, dg, db] = [be.alloc(n), be.alloc(n), be.alloc(cols), be.alloc(cols)];
                const on = (x: Float32Array) => onBackend(be, x);
                be.normActivationBackward(
                  on(dh),
                  on(u),
                  on(h),
                  act,
                  param,
                  du,
                  on(xhat),
                  on(gamma),
                  on(inv),
                  dx,
                  dg,
                  db,
                  rows,
                  cols,
                  axis,
                  skip && on(skip),
                );
                assertSame(du, want.du, `du ${what}`);
                assertSame(dx, want.dx, `dx ${what}`);
                assertSame(dg, want.dg, `dGamma ${what}`);
                assertSame(db, want.db, `dBeta ${what}`);
              }
      } finally {
        be.dispose();
      }
    });
  });
}
