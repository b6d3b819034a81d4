// Backend.gemm on every available backend against the TypeScript reference, within the float32
// bound of backends.ts (2 gamma_{k+4} (|alpha| sum |a||b| + |beta||c0|) per element).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Backend } from "../../src/kernels/backend.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { candidates, firstViolation, gemmBound, onBackend, randomArray } from "./backends.js";

/** m x k x n */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [10, 2, 8],
  [64, 100, 100],
  [129, 257, 65],
  [128, 784, 256],
  // m <= 64, k >= 256: the native dot-product path for A B^T (odd m, n and k reach its edges)
  [31, 259, 66],
  [64, 1001, 37],
];
const TRANS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
/** alpha, beta pairs (exact in float32); the large shape runs the first two only. */
const SCALES: [number, number][] = [
  [1, 0],
  [-0.75, 0.5],
  [1, 1],
  [2.5, -1],
  [0, 0.5],
];

interface Case {
  name: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  a: Float32Array;
  b: Float32Array;
  c0: Float32Array;
  want: Float32Array;
  bound: Float64Array;
}

const ref = new TsBackend();
const cases: Case[] = [];
for (const [m, k, n] of SHAPES) {
  for (const [transA, transB] of TRANS) {
    const scales = m * n * k > 1e6 ? SCALES.slice(0, 2) : SCALES;
    for (const [alpha, beta] of scales) {
      const name = `${m}x${k}x${n} ${transA ? "T" : "N"}${transB ? "T" : "N"} alpha=${alpha} beta=${beta}`;
      cases.push({ name, transA, transB, m, n, k, alpha, beta } as Case);
    }
  }
}

/** Inputs, reference result and bound, made on first use and shared by all backends. */
function prepared(c: Case): Case {
  if (c.want) return c;
  c.a = randomArray(c.m * c.k, `a ${c.name}`);
  c.b = randomArray(c.k * c.n, `b ${c.name}`);
  c.c0 = randomArray(c.m * c.n, `c ${c.name}`);
  c.want = Float32Array.from(c.c0);
  ref.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.a, c.b, c.beta, c.want);
  c.bound = gemmBound(c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.a, c.b, c.beta, c.c0);
  return c;
}

function run(be: Backend, c: Case, inputs: (x: Float32Array) => Float32Array): Float32Array {
  const out = inputs(c.c0);
  be.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, inputs(c.a), inputs(c.b), c.beta, out);
  return out;
}

for (const cand of candidates()) {
  describe(`gemm on ${cand.label}`, { skip: cand.reason ?? false }, () => {
    let be: Backend;
    before(async () => {
      be = await cand.create();
    });
    after(() => be?.dispose());

    test("matches the reference within the float32 bound: all shapes, transpositions, alpha/beta", () => {
      for (const c of cases) {
        prepared(c);
        const got = run(be, c, (x) => onBackend(be, x));
        const bad = firstViolation(got, c.want, c.bound);
        assert.equal(bad, null, `${c.name}: ${JSON.stringify(bad)}`);
      }
    });

    test("beta = 0 overwrites C, NaN and Inf included", () => {
      const [m, k, n] = [33, 47, 29];
      for (const [transA, transB] of TRANS) {
        const a = onBackend(be, randomArray(m * k, "nan a"));
        const b = onBackend(be, randomArray(k * n, "nan b"));
        const c = be.alloc(m * n).fill(Number.NaN);
        c[5] = Number.POSITIVE_INFINITY;
        be.gemm(transA, transB, m, n, k, 1.5, a, b, 0, c);
        const want = new Float32Array(m * n);
        ref.gemm(transA, transB, m, n, k, 1.5, Float32Array.from(a), Float32Array.from(b), 0, want);
        const zeros = new Float32Array(m * n);
        const bound = gemmBound(transA, transB, m, n, k, 1.5, a, b, 0, zeros);
        assert.equal(firstViolation(c, want, bound), null);
      }
    });

    test("Float32Arrays not from alloc give the same result as allocated ones", () => {
      const c = prepared(cases.find((x) => x.m === 64 && x.transB && !x.transA && x.alpha === -0.75)!);
      const own = run(be, c, (x) => onBackend(be, x));
      const foreign = run(be, c, (x) => Float32Array.from(x));
      assert.deepEqual(foreign, own);
      // one foreign operand among allocated ones
      const mixed = onBackend(be, c.c0);
      be.gemm(
        c.transA,
        c.transB,
        c.m,
        c.n,
        c.k,
        c.alpha,
        onBackend(be, c.a),
        Float32Array.from(c.b),
        c.beta,
        mixed,
      );
      assert.deepEqual(mixed, own);
    });

    test("Float64Arrays give exactly the reference result", () => {
      const c = prepared(cases.find((x) => x.m === 7 && x.transA && x.alpha === 2.5)!);
      const a = Float64Array.from(c.a);
      const b = Float64Array.from(c.b);
      const got = Float64Array.from(c.c0);
      const want = Float64Array.from(c.c0);
      be.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, b, c.beta, got);
      ref.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, b, c.beta, want);
      assert.deepEqual(got, want);
    });

    test("subarray views of allocated buffers work in place", () => {
      const c = prepared(
        cases.find((x) => x.m === 10 && !x.transA && !x.transB && x.alpha === 1 && x.beta === 1)!,
      );
      const pool = be.alloc(c.a.length + c.b.length + c.c0.length + 3);
      const a = pool.subarray(1, 1 + c.a.length);
      const b = pool.subarray(2 + c.a.length, 2 + c.a.length + c.b.length);
      const out = pool.subarray(3 + c.a.length + c.b.length);
      a.set(c.a);
      b.set(c.b);
      out.set(c.c0);
      be.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, b, c.beta, out);
      assert.equal(firstViolation(out, c.want, c.bound), null);
    });

    test("too-short arrays are rejected", {
      skip: cand.family === "ts" && "the reference does not check",
    }, () => {
      const a = be.alloc(12);
      const b = be.alloc(12);
      assert.throws(() => be.gemm(false, false, 3, 4, 4, 1, a, b, 0, be.alloc(11)), RangeError);
      assert.throws(() => be.gemm(false, false, 4, 3, 4, 1, be.alloc(15), b, 0, be.alloc(12)), RangeError);
    });
  });
}
