// The normalization kernels of every backend against the TypeScript reference, bit for bit
// (docs/speed.md: the sums run in double in the reference's order, each float32 store rounds
// once): both axes, computed and given statistics, shapes whose rows and columns leave every
// vector tail (1..3 columns after blocks of 4 and 16, 1..3 rows after blocks of 4), one row or one
// column, y aliasing x, dx aliasing dy, NaN in one group, the same bits at 1 and 2 threads, and
// Float64Arrays or arrays outside a backend's memory going to the reference.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Backend, NormAxis } from "../../src/kernels/backend.js";
import { normBackward, normForward } from "../../src/kernels/elementwise.js";
import { candidates, onBackend, randomArray } from "./backends.js";

/** rows x cols: vector blocks and every tail length, one row, one column, a training batch. */
const SHAPES: [number, number][] = [
  [1, 1],
  [1, 37],
  [6, 1],
  [5, 3],
  [7, 21],
  [13, 38],
  [4, 16],
  [9, 35],
  [128, 256],
];
const AXES: NormAxis[] = ["batch", "features"];

/** Index of the first element where a and b differ (NaN equals NaN, else the bits must match), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    if (ua[i] !== ub[i]) return i;
  }
  return -1;
}

function assertSame(got: Float32Array, want: Float32Array, what: string): void {
  const i = firstDifference(got, want);
  assert.equal(i, -1, `${what}[${i}]: ${got[i]} vs reference ${want[i]}`);
}

interface Inputs {
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  dy: Float32Array;
  mean: Float32Array;
  invStd: Float32Array;
}

/** Inputs with non-zero means and spreads (x = 3 u + 1.5), gamma around 1, given statistics. */
function inputs(rows: number, cols: number, axis: NormAxis, tag: string): Inputs {
  const groups = axis === "batch" ? cols : rows;
  const x = randomArray(rows * cols, `norm x ${tag}`).map((v) => 3 * v + 1.5);
  const gamma = randomArray(cols, `norm g ${tag}`).map((v) => 1 + 0.5 * v);
  const beta = randomArray(cols, `norm b ${tag}`);
  const dy = randomArray(rows * cols, `norm dy ${tag}`);
  const mean = randomArray(groups, `norm m ${tag}`);
  const invStd = randomArray(groups, `norm s ${tag}`).map((v) => 1.2 + v);
  return { x, gamma, beta, dy, mean, invStd };
}

interface Outputs {
  y: Float32Array;
  xhat: Float32Array;
  mean: Float32Array;
  invStd: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
}

/**
 * Forward (computed statistics, or the given ones) then backward on `be` with arrays from `put`
 * (the backend's memory or plain arrays); `alias` runs y in x's buffer and dx in dy's.
 */
function run(
  be: Backend,
  inp: Inputs,
  rows: number,
  cols: number,
  axis: NormAxis,
  given: boolean,
  alias: boolean,
  put: (x: Float32Array) => Float32Array,
): Outputs {
  const n = rows * cols;
  const x = put(inp.x);
  const y = alias ? x : put(new Float32Array(n));
  const xhat = put(new Float32Array(n));
  const mean = put(given ? inp.mean : new Float32Array(inp.mean.length));
  const invStd = put(given ? inp.invStd : new Float32Array(inp.invStd.length));
  const gamma = put(inp.gamma);
  const beta = put(inp.beta);
  be.normForward(x, y, xhat, gamma, beta, rows, cols, axis, 1e-5, mean, invStd, given);
  const dy = put(inp.dy);
  const dx = alias ? dy : put(new Float32Array(n));
  const dGamma = put(new Float32Array(cols).fill(7));
  const dBeta = put(new Float32Array(cols).fill(7));
  be.normBackward(dy, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
  const c = Float32Array.from.bind(Float32Array) as (a: Float32Array) => Float32Array;
  return {
    y: c(y),
    xhat: c(xhat),
    mean: c(mean),
    invStd: c(invStd),
    dx: c(dx),
    dGamma: c(dGamma),
    dBeta: c(dBeta),
  };
}

/** The reference on plain Float32Arrays (no aliasing). */
function reference(inp: Inputs, rows: number, cols: number, axis: NormAxis, given: boolean): Outputs {
  const n = rows * cols;
  const y = new Float32Array(n);
  const xhat = new Float32Array(n);
  const mean = given ? inp.mean.slice() : new Float32Array(inp.mean.length);
  const invStd = given ? inp.invStd.slice() : new Float32Array(inp.invStd.length);
  normForward(inp.x, y, xhat, inp.gamma, inp.beta, rows, cols, axis, 1e-5, mean, invStd, given);
  const dx = new Float32Array(n);
  const dGamma = new Float32Array(cols);
  const dBeta = new Float32Array(cols);
  normBackward(inp.dy, xhat, inp.gamma, invStd, dx, dGamma, dBeta, rows, cols, axis);
  return { y, xhat, mean, invStd, dx, dGamma, dBeta };
}

function assertOutputs(got: Outputs, want: Outputs, what: string): void {
  for (const k of Object.keys(want) as (keyof Outputs)[]) assertSame(got[k], want[k], `${what}: ${k}`);
}

/** Bits of every output of every case, per backend family, to compare across thread counts. */
const byFamily = new Map<string, Map<string, Outputs>>();

for (const cand of candidates()) {
  describe(`normalization kernels on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    test("forward and backward equal the reference bit for bit (both axes, given or computed statistics, aliasing)", async () => {
      const be = await cand.create();
      const family = cand.label.replace(/ t=\d+$/, "");
      const seen = byFamily.get(family) ?? new Map<string, Outputs>();
      byFamily.set(family, seen);
      try {
        for (const [rows, cols] of SHAPES)
          for (const axis of AXES)
            for (const given of [false, true])
              for (const alias of [false, true]) {
                const what = `${rows}x${cols} ${axis} given=${given} alias=${alias}`;
                const inp = inputs(rows, cols, axis, `${rows}x${cols}${axis}`);
                const got = run(be, inp, rows, cols, axis, given, alias, (a) => onBackend(be, a));
                assertOutputs(got, reference(inp, rows, cols, axis, given), what);
                const earlier = seen.get(what);
                if (earlier) assertOutputs(got, earlier, `${what}, other thread count`);
                else seen.set(what, got);
              }
      } finally {
        be.dispose();
      }
    });

    test("a NaN spreads to its own group only, as in the reference", async () => {
      const be = await cand.create();
      try {
        for (const axis of AXES) {
          const [rows, cols] = [9, 35];
          const inp = inputs(rows, cols, axis, `nan ${axis}`);
          inp.x[2 * cols + 5] = Number.NaN; // row 2, column 5
          const got = run(be, inp, rows, cols, axis, false, false, (a) => onBackend(be, a));
          assertOutputs(got, reference(inp, rows, cols, axis, false), `NaN ${axis}`);
          const g = axis === "batch" ? 5 : 2;
          assert.ok(Number.isNaN(got.mean[g]) && Number.isNaN(got.invStd[g]));
          const groups = axis === "batch" ? cols : rows;
          for (let h = 0; h < groups; h++) if (h !== g) assert.ok(Number.isFinite(got.mean[h]), `group ${h}`);
          const inGroup = (i: number) => (axis === "batch" ? i % cols === 5 : Math.floor(i / cols) === 2);
          for (let i = 0; i < rows * cols; i++)
            assert.equal(Number.isNaN(got.y[i]), inGroup(i), `y[${i}] ${got.y[i]}`);
        }
      } finally {
        be.dispose();
      }
    });

    test("Float64Arrays and arrays outside the backend's memory give the reference's results", async () => {
      const be = await cand.create();
      try {
        const [rows, cols] = [7, 21];
        for (const axis of AXES) {
          const inp = inputs(rows, cols, axis, `fallback ${axis}`);
          const want = reference(inp, rows, cols, axis, false);
          // plain Float32Arrays (outside wasm memory; the native addon works on them in place)
          assertOutputs(
            run(be, inp, rows, cols, axis, false, false, (a) => a.slice()),
            want,
            `plain ${axis}`,
          );
          // Float64Arrays: the reference in double, the same function the TypeScript backend runs
          const f64 = (a: Float32Array) => Float64Array.from(a);
          const [x, y, xhat] = [f64(inp.x), new Float64Array(rows * cols), new Float64Array(rows * cols)];
          const groups = axis === "batch" ? cols : rows;
          const [mean, invStd] = [new Float64Array(groups), new Float64Array(groups)];
          be.normForward(
            x,
            y,
            xhat,
            f64(inp.gamma),
            f64(inp.beta),
            rows,
            cols,
            axis,
            1e-5,
            mean,
            invStd,
            false,
          );
          const [y0, xhat0] = [new Float64Array(rows * cols), new Float64Array(rows * cols)];
          const [mean0, invStd0] = [new Float64Array(groups), new Float64Array(groups)];
          normForward(
            x,
            y0,
            xhat0,
            f64(inp.gamma),
            f64(inp.beta),
            rows,
            cols,
            axis,
            1e-5,
            mean0,
            invStd0,
            false,
          );
          assert.deepEqual([y, xhat, mean, invStd], [y0, xhat0, mean0, invStd0]);
          const [dx, dg, db] = [
            new Float64Array(rows * cols),
            new Float64Array(cols),
            new Float64Array(cols),
          ];
          const [dx0, dg0, db0] = [
            new Float64Array(rows * cols),
            new Float64Array(cols),
            new Float64Array(cols),
          ];
          be.normBackward(f64(inp.dy), xhat, f64(inp.gamma), invStd, dx, dg, db, rows, cols, axis);
          normBackward(f64(inp.dy), xhat0, f64(inp.gamma), invStd0, dx0, dg0, db0, rows, cols, axis);
          assert.deepEqual([dx, dg, db], [dx0, dg0, db0]);
        }
      } finally {
        be.dispose();
      }
    });
  });
}
