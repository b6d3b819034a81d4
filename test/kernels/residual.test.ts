// The residual-stream kernels (Backend.residualForward / residualBackward) of every backend against
// the TypeScript reference: s = src + alpha z, dS += skipGrad and dZ = alpha dS bit for bit (the same
// double operations, one rounding), dL/dalpha = sum dS z within 1e-12 relative (accumulated in
// lanes, docs/speed.md); lengths that leave every vector tail, aliasing, no skip gradient, NaN, and
// Float64Arrays going to the reference. The reference itself is checked against the formula.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { residualBackward, residualForward } from "../../src/kernels/elementwise.js";
import { candidates, onBackend, randomArray } from "./backends.js";

const LENGTHS = [1, 2, 3, 5, 7, 8, 9, 15, 17, 1000, 32768];

/** Index of the first element whose bits differ (NaN equals NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++)
    if (!(Number.isNaN(a[i]) && Number.isNaN(b[i])) && ua[i] !== ub[i]) return i;
  return -1;
}

test("the reference computes s = src + alpha z and dZ = alpha (dS + t), dalpha = sum (dS + t) z", () => {
  const s = new Float64Array(3);
  residualForward(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6), 0.5, s, 3);
  assert.deepEqual([...s], [3, 4.5, 6]);
  const dS = Float64Array.of(1, -1, 2);
  const dZ = new Float64Array(3);
  const g = residualBackward(dS, Float64Array.of(0.5, 0.5, 0.5), Float64Array.of(2, 3, 4), 2, dZ, 3);
  assert.deepEqual([...dS], [1.5, -0.5, 2.5]);
  assert.deepEqual([...dZ], [3, -1, 5]);
  assert.equal(g, 1.5 * 2 - 0.5 * 3 + 2.5 * 4);
});

for (const cand of candidates()) {
  describe(`residual kernels on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    test("forward and backward equal the reference (dalpha within 1e-12 relative)", async () => {
      const be = await cand.create();
      try {
        for (const n of LENGTHS)
          for (const alpha of [1, 0.125, -0.3, 0])
            for (const withSkip of [false, true])
              for (const alias of [false, true]) {
                const what = `n=${n} alpha=${alpha} skip=${withSkip} alias=${alias}`;
                const src = randomArray(n, `res src ${n}`);
                const z = randomArray(n, `res z ${n}`);
                if (n > 4) src[3] = Number.NaN;
                const want = new Float32Array(n);
                residualForward(src, z, alpha, want, n);
                const bs = onBackend(be, src);
                const bz = onBackend(be, z);
                const out = alias ? bs : be.alloc(n);
                be.residualForward(bs, bz, alpha, out, n);
                assert.equal(firstDifference(out, want), -1, `forward ${what}`);

                const dS = randomArray(n, `res dS ${n}`);
                const t = withSkip ? randomArray(n, `res t ${n}`) : null;
                const [dS0, dZ0] = [dS.slice(), new Float32Array(n)];
                const g0 = residualBackward(dS0, t, z, alpha, alias ? dS0 : dZ0, n);
                const bdS = onBackend(be, dS);
                const bdZ = alias ? bdS : be.alloc(n);
                const g = be.residualBackward(bdS, t && onBackend(be, t), bz, alpha, bdZ, n);
                if (!alias) assert.equal(firstDifference(bdS, dS0), -1, `dS ${what}`);
                assert.equal(firstDifference(bdZ, alias ? dS0 : dZ0), -1, `dZ ${what}`);
                let scale = 0;
                for (let i = 0; i < n; i++) scale += Math.abs((alias ? dS : dS0)[i] * z[i]);
                assert.ok(Math.abs(g - g0) <= 1e-12 * scale, `dalpha ${what}: ${g} vs ${g0}`);
              }
      } finally {
        be.dispose();
      }
    });

    test("Float64Arrays give the reference's results", async () => {
      const be = await cand.create();
      try {
        const n = 37;
        const src = Float64Array.from(randomArray(n, "res64 src"));
        const z = Float64Array.from(randomArray(n, "res64 z"));
        const [s, s0] = [new Float64Array(n), new Float64Array(n)];
        be.residualForward(src, z, 0.7, s, n);
        residualForward(src, z, 0.7, s0, n);
        assert.deepEqual(s, s0);
        const [dS, dS0] = [src.slice(), src.slice()];
        const [dZ, dZ0] = [new Float64Array(n), new Float64Array(n)];
        assert.equal(be.residualBackward(dS, z, z, 0.7, dZ, n), residualBackward(dS0, z, z, 0.7, dZ0, n));
        assert.deepEqual([dS, dZ], [dS0, dZ0]);
      } finally {
        be.dispose();
      }
    });
  });
}
