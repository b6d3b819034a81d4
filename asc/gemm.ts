// Single-precision gemm for WebAssembly SIMD (AssemblyScript), GotoBLAS style:
//   for each NC-column block of C, for each KC-deep block of k:  pack op(B) into NR-column panels;
//   for each MC-row block: pack op(A) into MR-row panels; a register tile of f32x4 accumulators
//   (the micro-kernel: 4x8 with mul + add, 6x8 with relaxed-SIMD FMA) runs over every tile.
// C = alpha * op(A) op(B) + beta * C, row-major, ldc = n. Each output element is summed in one
// fixed order (q = 0..k-1 within a k-block, k-blocks in order, independent of the tile position
// and of the row/column range a thread is given), so results are reproducible bit for bit.
// No allocation: the caller passes a per-thread workspace of workBytes() bytes, so several
// threads can share one memory. With --enable relaxed-simd the multiply-add becomes
// f32x4.relaxed_madd (a fused multiply-add on x86 with FMA3).

import { MR, NR, packA, packB } from "./pack";

const MC: i32 = MR == 6 ? 96 : 128;
const KC: i32 = 256;
const NC: i32 = 512;

/** Bytes of scratch one gemm call needs (packed A block, packed B block, an edge tile). */
export function workBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4 + 64;
}

/** First free byte after the module's static data (the host allocates from here up). */
export function heapBase(): usize {
  return __heap_base;
}

/** Rows of the register tile (4, or 6 in relaxed-SIMD builds): the host splits rows in these. */
export function tileRows(): i32 {
  return MR;
}

/** 1 when compiled with relaxed SIMD (fused multiply-add), else 0. */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// C[row] = alpha * acc (beta = 0: C is not read) or beta * C[row] + alpha * acc.
// @ts-ignore: decorator
@inline function put(p: usize, acc: v128, va: v128, vb: v128, overwrite: bool): void {
  if (overwrite) v128.store(p, f32x4.mul(va, acc));
  else v128.store(p, f32x4.add(f32x4.mul(vb, v128.load(p)), f32x4.mul(va, acc)));
}

// Writes the h x w corner of a 4x8 tile kept in scratch (same formula as put, lane by lane).
function putEdge(scr: usize, c: usize, ldcB: usize, h: i32, w: i32, alpha: f32, beta: f32): void {
  for (let r = 0; r < h; r++) {
    for (let j = 0; j < w; j++) {
      const p = c + <usize>r * ldcB + (<usize>j << 2);
      const acc = load<f32>(scr + (<usize>(r * NR + j) << 2));
      store<f32>(p, beta == 0 ? alpha * acc : beta * load<f32>(p) + alpha * acc);
    }
  }
}

// One MR x NR = 4 x 8 tile: acc = sum_q a[q][0..4) (outer) b[q][0..8), then stored into C.
function kernel4x8(
  kc: i32, a: usize, b: usize, c: usize, ldcB: usize, h: i32, w: i32, alpha: f32, beta: f32, scr: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let q = 0; q < kc; q++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a += 16;
    b += 32;
  }
  if (h == MR && w == NR) {
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(beta);
    const ow = beta == 0;
    put(c, c00, va, vb, ow);
    put(c + 16, c01, va, vb, ow);
    c += ldcB;
    put(c, c10, va, vb, ow);
    put(c + 16, c11, va, vb, ow);
    c += ldcB;
    put(c, c20, va, vb, ow);
    put(c + 16, c21, va, vb, ow);
    c += ldcB;
    put(c, c30, va, vb, ow);
    put(c + 16, c31, va, vb, ow);
    return;
  }
  v128.store(scr, c00);
  v128.store(scr, c01, 16);
  v128.store(scr, c10, 32);
  v128.store(scr, c11, 48);
  v128.store(scr, c20, 64);
  v128.store(scr, c21, 80);
  v128.store(scr, c30, 96);
  v128.store(scr, c31, 112);
  putEdge(scr, c, ldcB, h, w, alpha, beta);
}

// One 6 x 8 tile (relaxed-SIMD builds only: see MR in pack.ts).
function kernel6x8(
  kc: i32, a: usize, b: usize, c: usize, ldcB: usize, h: i32, w: i32, alpha: f32, beta: f32, scr: usize,
): void {
  let c00 = f32x4.splat(0);
  let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (let q = 0; q < kc; q++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    x = v128.load32_splat(a, 16);
    c40 = madd(x, b0, c40);
    c41 = madd(x, b1, c41);
    x = v128.load32_splat(a, 20);
    c50 = madd(x, b0, c50);
    c51 = madd(x, b1, c51);
    a += 24;
    b += 32;
  }
  if (h == 6 && w == NR) {
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(beta);
    const ow = beta == 0;
    put(c, c00, va, vb, ow);
    put(c + 16, c01, va, vb, ow);
    c += ldcB;
    put(c, c10, va, vb, ow);
    put(c + 16, c11, va, vb, ow);
    c += ldcB;
    put(c, c20, va, vb, ow);
    put(c + 16, c21, va, vb, ow);
    c += ldcB;
    put(c, c30, va, vb, ow);
    put(c + 16, c31, va, vb, ow);
    c += ldcB;
    put(c, c40, va, vb, ow);
    put(c + 16, c41, va, vb, ow);
    c += ldcB;
    put(c, c50, va, vb, ow);
    put(c + 16, c51, va, vb, ow);
    return;
  }
  v128.store(scr, c00);
  v128.store(scr, c01, 16);
  v128.store(scr, c10, 32);
  v128.store(scr, c11, 48);
  v128.store(scr, c20, 64);
  v128.store(scr, c21, 80);
  v128.store(scr, c30, 96);
  v128.store(scr, c31, 112);
  v128.store(scr, c40, 128);
  v128.store(scr, c41, 144);
  v128.store(scr, c50, 160);
  v128.store(scr, c51, 176);
  putEdge(scr, c, ldcB, h, w, alpha, beta);
}

/**
 * C[i0..i1, j0..j1] = alpha * op(A) op(B) + beta * C over that block of rows and columns.
 * op(A) is m x k (A stored k x m when transA), op(B) is k x n (B stored n x k when transB),
 * C is m x n. k must be >= 1 (the host handles k = 0). `work` holds workBytes() bytes.
 */
export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize,
): void {
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const ldcB = <usize>n << 2;
  const pa = (work + 63) & ~(<usize>63);
  const pb = pa + (<usize>(MC * KC) << 2);
  const scr = pb + (<usize>(KC * NC) << 2);
  // k-blocks of (nearly) equal depth, fixed by k alone so every thread sums in the same order.
  const nkb = (k + KC - 1) / KC;
  const kcb = (k + nkb - 1) / nkb;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += kcb) {
      const kc = min(kcb, k - pc);
      const bet: f32 = pc == 0 ? beta : 1;
      packB(b, ldb, transB, pc, kc, jc, nc, pb);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(a, lda, transA, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = min(NR, nc - jr);
          const bp = pb + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const h = min(MR, mc - ir);
            const ap = pa + (<usize>(ir * kc) << 2);
            const cp = c + <usize>(ic + ir) * ldcB + (<usize>(jc + jr) << 2);
            if (MR == 6) kernel6x8(kc, ap, bp, cp, ldcB, h, w, alpha, bet, scr);
            else kernel4x8(kc, ap, bp, cp, ldcB, h, w, alpha, bet, scr);
          }
        }
      }
    }
  }
}
