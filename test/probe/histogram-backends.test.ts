// The probes' histograms count in the backend's kernels (Backend.countLinearBins, countCellBins).
// On every backend the counts must equal independent references:
// - log10|x| bins: the float64 path of histogram(), a binary search of |x| among the edge values
//   10^(lo + k width) (no tables, no bit tricks), on data that includes every edge value rounded
//   to float32 and its two neighbours, zeros, subnormals, NaN and infinities;
// - linear bins: the contract's formula, t = (x - lo) * (1 / width) in double and bin floor(t),
//   written out here, on data that includes the exact edges.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Backend } from "../../src/kernels/backend.js";
import { BOUNDED_BINS, GRAD_BINS, histogram, symmetricBins } from "../../src/probe/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { candidates, onBackend } from "../kernels/backends.js";

/** The float32 neighbours of v (next below, next above); v must be a positive float32. */
function neighbours(v: number): [number, number] {
  const f = new Float32Array([v]);
  const u = new Int32Array(f.buffer);
  u[0]--;
  const down = f[0];
  u[0] += 2;
  return [down, f[0]];
}

function logData(): Float32Array {
  const rng = new Rng(21);
  const xs: number[] = [];
  for (let i = 0; i < 5000; i++) xs.push(rng.normal() * 10 ** -(i % 13));
  for (let k = 0; k <= GRAD_BINS.bins; k++) {
    const e = Math.fround(10 ** (GRAD_BINS.lo + k * GRAD_BINS.width));
    xs.push(e, -e, ...neighbours(e));
  }
  xs.push(0, -0, 1e-40, -1e-42, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4e38);
  return Float32Array.from(xs);
}

function linearData(lo: number, width: number, bins: number): Float32Array {
  const rng = new Rng(22);
  const xs: number[] = [];
  for (let i = 0; i < 3001; i++) xs.push(rng.normal() * (bins * width) * 0.4);
  for (let k = 0; k <= bins; k++) xs.push(lo + k * width);
  xs.push(
    lo - 1e-3,
    lo + bins * width + 1e-3,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  );
  return Float32Array.from(xs);
}

for (const cand of candidates()) {
  describe(`histogram kernels on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    let be: Backend;
    before(async () => {
      be = await cand.create();
    });
    after(() => be?.dispose());

    test("log10|x| bins equal a binary search among the edge values", () => {
      const x = logData();
      const want = histogram(Float64Array.from(x), x.length, GRAD_BINS);
      for (const arr of [onBackend(be, x), x]) {
        const got = histogram(arr, arr.length, GRAD_BINS, be);
        assert.deepEqual(got, want);
      }
      assert.ok(want.zeros === 2 && want.nonFinite === 3 && want.under > 0 && want.over > 0);
    });

    test("linear bins equal floor((x - lo) * (1 / width)), with under, over and non-finite", () => {
      for (const spec of [BOUNDED_BINS, symmetricBins(0.7)]) {
        const x = linearData(spec.lo, spec.width, spec.bins);
        const inv = 1 / spec.width;
        const counts = new Array<number>(spec.bins).fill(0);
        let under = 0;
        let over = 0;
        let bad = 0;
        for (const v of x) {
          const t = (v - spec.lo) * inv;
          if (!Number.isFinite(v)) bad++;
          else if (t < 0) under++;
          else if (t >= spec.bins) over++;
          else counts[Math.floor(t)]++;
        }
        const got = histogram(onBackend(be, x), x.length, spec, be);
        assert.deepEqual(got.counts, counts);
        assert.deepEqual([got.under, got.over, got.nonFinite, got.zeros], [under, over, bad, 0]);
      }
    });
  });
}
