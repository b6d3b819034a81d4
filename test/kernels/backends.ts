// Shared by the kernel tests: every backend configuration available on this machine, the
// TypeScript reference, and the error bound a float32 gemm must meet.
import type { Backend } from "../../src/kernels/backend.js";
import {
  createNativeBackend,
  nativeIsas,
  nativeUnavailableReason,
} from "../../src/kernels/native-backend.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { createWasmBackend, wasmUnavailableReason } from "../../src/kernels/wasm-backend.js";
import { Rng } from "../../src/tensor/rng.js";

export interface Candidate {
  /** e.g. "wasm t=2" or "native avx2 t=1" */
  label: string;
  family: "ts" | "wasm" | "native";
  threads: number;
  /** null when it can run here, else why not (the test is skipped with this reason). */
  reason: string | null;
  create(): Promise<Backend>;
}

/** ts; wasm at 1 and 2 threads; native for each instruction set of this CPU at 1 and 2 threads. */
export function candidates(): Candidate[] {
  const list: Candidate[] = [
    { label: "ts", family: "ts", threads: 1, reason: null, create: async () => new TsBackend() },
  ];
  const wasmReason = wasmUnavailableReason();
  for (const threads of [1, 2]) {
    list.push({
      label: `wasm t=${threads}`,
      family: "wasm",
      threads,
      reason: wasmReason,
      create: () => createWasmBackend({ threads }),
    });
  }
  const nativeReason = nativeUnavailableReason();
  // emul512: the AVX-512 tile shape and blocking with a scalar kernel, testable without AVX-512
  const isas = nativeReason ? (["avx2"] as const) : [...nativeIsas(), "emul512" as const];
  for (const isa of isas) {
    for (const threads of [1, 2]) {
      list.push({
        label: `native ${isa} t=${threads}`,
        family: "native",
        threads,
        reason: nativeReason,
        create: () => createNativeBackend({ threads, isa }),
      });
    }
  }
  return list;
}

/** Uniform values in [-1, 1) from a seeded generator. */
export function randomArray(n: number, seed: string): Float32Array {
  const rng = Rng.derive(7, seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 2 * rng.uniform() - 1;
  return x;
}

/** Unit roundoff of float32 (round to nearest): u = 2^-24. */
export const U32 = 2 ** -24;

/** gamma_n = n u / (1 - n u) (Higham, Accuracy and Stability of Numerical Algorithms, 3.1). */
export function gamma(n: number): number {
  return (n * U32) / (1 - n * U32);
}

/**
 * Per-element error bound between two float32 evaluations of C = alpha op(A) op(B) + beta C0.
 * Each evaluation forms k products and sums them (in any order, blocked or not, fused or not),
 * scales by alpha, adds beta C0 (up to k + 3 roundings on any path from a term to the result; one
 * more for alpha/beta rounded to float32), so by Higham's Lemma 3.1 / eq. (3.5) its error is at most
 * gamma_{k+4} (|alpha| sum_p |A(i,p)||B(p,j)| + |beta| |C0(i,j)|). Two evaluations (backend and
 * reference) differ by at most twice that.
 */
export function gemmBound(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  b: Float32Array,
  beta: number,
  c0: Float32Array,
): Float64Array {
  const g = 2 * gamma(k + 4);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i] : a[i * k + p];
        const y = transB ? b[j * k + p] : b[p * n + j];
        s += Math.abs(x * y);
      }
      bound[i * n + j] = g * (Math.abs(alpha) * s + Math.abs(beta) * Math.abs(c0[i * n + j])) + 1e-37;
    }
  }
  return bound;
}

/** Index and size of the worst violation of |got - want| <= bound, or null when all hold. */
export function firstViolation(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: ArrayLike<number>,
): { index: number; got: number; want: number; bound: number } | null {
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= bound[i])) return { index: i, got: got[i], want: want[i], bound: bound[i] };
  }
  return null;
}

/** Copies x into a buffer allocated by the backend (so the fast path runs without copies). */
export function onBackend(be: Backend, x: Float32Array): Float32Array {
  const y = be.alloc(x.length);
  y.set(x);
  return y;
}
