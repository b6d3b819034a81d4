// Same inputs, same bits: on every backend, twice in a row and at 1 vs 2 threads (threads split
// C into whole tiles and never the k-sum, so every element is summed in the same order).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Backend } from "../../src/kernels/backend.js";
import { candidates, onBackend, randomArray } from "./backends.js";

/** m x k x n, transA, transB: large enough that two threads take part (>= 4 Mflop). */
const SHAPES: [number, number, number, boolean, boolean][] = [
  [128, 784, 256, false, true],
  [784, 128, 256, true, false],
  [129, 257, 65, false, false],
  [30, 300, 301, true, true],
  [32, 300, 301, false, true], // the native dot-product path, split by columns at 2 threads
];

function bits(be: Backend, [m, k, n, ta, tb]: (typeof SHAPES)[number]): Uint32Array {
  const a = onBackend(be, randomArray(m * k, `det a ${m}`));
  const b = onBackend(be, randomArray(k * n, `det b ${m}`));
  const c = onBackend(be, randomArray(m * n, `det c ${m}`));
  be.gemm(ta, tb, m, n, k, 0.75, a, b, 1.25, c);
  return new Uint32Array(Float32Array.from(c).buffer);
}

const byFamily = new Map<string, Map<string, Uint32Array>>();

for (const cand of candidates()) {
  describe(`determinism on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    test("the same call twice gives the same bits", async () => {
      const be = await cand.create();
      try {
        for (const s of SHAPES) assert.deepEqual(bits(be, s), bits(be, s), `shape ${s.join("x")}`);
      } finally {
        be.dispose();
      }
    });

    test("1 and 2 threads give the same bits", async () => {
      const be = await cand.create();
      try {
        const family = cand.label.replace(/ t=\d+$/, "");
        const seen = byFamily.get(family) ?? new Map<string, Uint32Array>();
        byFamily.set(family, seen);
        for (const s of SHAPES) {
          const got = bits(be, s);
          const key = s.join("x");
          const earlier = seen.get(key);
          if (earlier) assert.deepEqual(got, earlier, `shape ${key}`);
          else seen.set(key, got);
        }
      } finally {
        be.dispose();
      }
    });
  });
}
