// addRowVector and sumRows on every backend. They do the same float32 additions in the same order
// as the reference (a product by beta in {0, 1, 0.5, -2} is exact or correctly rounded either way),
// so the results must be equal bit for bit, not merely close.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Backend } from "../../src/kernels/backend.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { candidates, onBackend, randomArray } from "./backends.js";

const ref = new TsBackend();
/** rows x cols, odd widths to reach the scalar tails of the vector loops */
const SHAPES: [number, number][] = [
  [1, 1],
  [3, 7],
  [128, 256],
  [64, 100],
  [5, 1001],
  [129, 10],
];

for (const cand of candidates()) {
  describe(`vector kernels on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    let be: Backend;
    before(async () => {
      be = await cand.create();
    });
    after(() => be?.dispose());

    test("addRowVector equals the reference exactly", () => {
      for (const [rows, cols] of SHAPES) {
        const y0 = randomArray(rows * cols, `y ${rows}x${cols}`);
        const v = randomArray(cols, `v ${cols}`);
        const want = Float32Array.from(y0);
        ref.addRowVector(want, v, rows, cols);
        for (const onIt of [true, false]) {
          const y = onIt ? onBackend(be, y0) : Float32Array.from(y0);
          be.addRowVector(y, onIt ? onBackend(be, v) : v, rows, cols);
          assert.deepEqual(y, want, `${rows}x${cols}`);
        }
      }
    });

    test("sumRows equals the reference exactly, beta = 0 overwriting NaN", () => {
      for (const [rows, cols] of SHAPES) {
        const x = randomArray(rows * cols, `x ${rows}x${cols}`);
        for (const beta of [0, 1, 0.5, -2]) {
          const out0 = randomArray(cols, `out ${cols}`);
          if (beta === 0) out0.fill(Number.NaN);
          const want = Float32Array.from(out0);
          ref.sumRows(x, rows, cols, want, beta);
          const out = onBackend(be, out0);
          be.sumRows(onBackend(be, x), rows, cols, out, beta);
          assert.deepEqual(out, want, `${rows}x${cols} beta=${beta}`);
        }
      }
    });

    test("Float64Arrays give exactly the reference result", () => {
      const y = Float64Array.from(randomArray(12, "y64"));
      const want = Float64Array.from(y);
      const v = Float64Array.from(randomArray(4, "v64"));
      be.addRowVector(y, v, 3, 4);
      ref.addRowVector(want, v, 3, 4);
      assert.deepEqual(y, want);
      const out = new Float64Array(4);
      const outRef = new Float64Array(4);
      be.sumRows(y, 3, 4, out, 0);
      ref.sumRows(want, 3, 4, outRef, 0);
      assert.deepEqual(out, outRef);
    });
  });
}
