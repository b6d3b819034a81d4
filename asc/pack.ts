// Packing for the GotoBLAS-style gemm in gemm.ts (AssemblyScript, WebAssembly SIMD).
//
// op(A) (m x k) is copied into panels of MR rows: panel p holds, for each q of the k-block,
// the MR values op(A)(i0 + p + r, k0 + q), r = 0..MR-1, contiguously (dst[p][q][r]).
// op(B) (k x n) is copied into panels of NR columns: dst[p][q][c] = op(B)(k0 + q, j0 + p + c).
// Rows/columns past the edge of the matrix are zero-filled, so the micro-kernel is the same for
// every tile and every transposition case: the pack routines absorb the transposes.
// All pointers are byte offsets into linear memory; leading dimensions are in elements.

/** Register tile: 4 x 8 with mul + add; 6 x 8 with the fused multiply-add of relaxed SIMD (the
 * 6 x 8 tile needs 12 accumulators + 3 operands = 15 of the 16 registers V8 gives wasm on x64,
 * which only fits when the product needs no temporary). */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
export const NR: i32 = 8;

/**
 * Packs op(A)(i0 .. i0+mc, k0 .. k0+kc) into MR-row panels at dst.
 * trans = false: A is stored m x k (op(A)(i, q) = a[i * lda + q]);
 * trans = true:  A is stored k x m (op(A)(i, q) = a[q * lda + i]).
 */
export function packA(a: usize, lda: i32, trans: bool, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  if (MR != 4) {
    packAScalar(a, lda, trans, i0, mc, k0, kc, dst);
    return;
  }
  const ldaB = <usize>lda << 2;
  for (let p = 0; p < mc; p += MR) {
    const h = min(MR, mc - p);
    const d = dst + (<usize>(p * kc) << 2);
    if (trans) {
      // The MR values of one q are contiguous in memory: one vector copy per q.
      let src = a + ((<usize>k0 * <usize>lda + <usize>(i0 + p)) << 2);
      if (h == MR) {
        for (let q = 0; q < kc; q++) {
          v128.store(d + (<usize>q << 4), v128.load(src));
          src += ldaB;
        }
      } else {
        for (let q = 0; q < kc; q++) {
          const o = d + (<usize>q << 4);
          v128.store(o, f32x4.splat(0));
          for (let r = 0; r < h; r++) store<f32>(o + (<usize>r << 2), load<f32>(src + (<usize>r << 2)));
          src += ldaB;
        }
      }
      continue;
    }
    // Rows are contiguous along q: transpose 4x4 blocks in registers.
    const r0 = a + ((<usize>(i0 + p) * <usize>lda + <usize>k0) << 2);
    if (h == MR) {
      const r1 = r0 + ldaB;
      const r2 = r1 + ldaB;
      const r3 = r2 + ldaB;
      let q = 0;
      for (; q + 4 <= kc; q += 4) {
        const s = <usize>q << 2;
        const x0 = v128.load(r0 + s);
        const x1 = v128.load(r1 + s);
        const x2 = v128.load(r2 + s);
        const x3 = v128.load(r3 + s);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const o = d + (<usize>q << 4);
        v128.store(o, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(o, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
        v128.store(o, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
        v128.store(o, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
      }
      for (; q < kc; q++) {
        const s = <usize>q << 2;
        const o = d + (<usize>q << 4);
        store<f32>(o, load<f32>(r0 + s));
        store<f32>(o, load<f32>(r1 + s), 4);
        store<f32>(o, load<f32>(r2 + s), 8);
        store<f32>(o, load<f32>(r3 + s), 12);
      }
    } else {
      for (let q = 0; q < kc; q++) {
        const o = d + (<usize>q << 4);
        v128.store(o, f32x4.splat(0));
        for (let r = 0; r < h; r++) store<f32>(o + (<usize>r << 2), load<f32>(r0 + <usize>r * ldaB + (<usize>q << 2)));
      }
    }
  }
}

/** packA for any MR, one element at a time. */
function packAScalar(a: usize, lda: i32, trans: bool, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  const ldaB = <usize>lda << 2;
  // step between consecutive q and consecutive rows of op(A), in bytes
  const dq: usize = trans ? ldaB : 4;
  const dr: usize = trans ? 4 : ldaB;
  for (let p = 0; p < mc; p += MR) {
    const h = min(MR, mc - p);
    const d = dst + (<usize>(p * kc) << 2);
    const s0 = a + <usize>(i0 + p) * dr + <usize>k0 * dq;
    for (let r = 0; r < MR; r++) {
      let s = s0 + <usize>r * dr;
      let o = d + (<usize>r << 2);
      const step = <usize>MR << 2;
      if (r < h) {
        for (let q = 0; q < kc; q++) {
          store<f32>(o, load<f32>(s));
          s += dq;
          o += step;
        }
      } else {
        for (let q = 0; q < kc; q++) {
          store<f32>(o, 0);
          o += step;
        }
      }
    }
  }
}

/**
 * Packs op(B)(k0 .. k0+kc, j0 .. j0+nc) into NR-column panels at dst.
 * trans = false: B is stored k x n (op(B)(q, j) = b[q * ldb + j]);
 * trans = true:  B is stored n x k (op(B)(q, j) = b[j * ldb + q]).
 */
export function packB(b: usize, ldb: i32, trans: bool, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const ldbB = <usize>ldb << 2;
  if (!trans) {
    // Row by row: b is read sequentially (one page at a time) and each row scattered to the
    // panels; walking a panel down the rows instead touches a new page per row (a TLB miss each).
    const full = nc - (nc % NR);
    for (let q = 0; q < kc; q++) {
      const src = b + ((<usize>(k0 + q) * <usize>ldb + <usize>j0) << 2);
      const row = dst + (<usize>q << 5);
      let p = 0;
      for (; p < full; p += NR) {
        const o = row + (<usize>(p * kc) << 2);
        const s = src + (<usize>p << 2);
        v128.store(o, v128.load(s));
        v128.store(o, v128.load(s, 16), 16);
      }
      if (p < nc) {
        const o = row + (<usize>(p * kc) << 2);
        v128.store(o, f32x4.splat(0));
        v128.store(o, f32x4.splat(0), 16);
        for (let c = 0; c < nc - p; c++) store<f32>(o + (<usize>c << 2), load<f32>(src + (<usize>(p + c) << 2)));
      }
    }
    return;
  }
  for (let p = 0; p < nc; p += NR) {
    const w = min(NR, nc - p);
    const d = dst + (<usize>(p * kc) << 2);
    // Columns of op(B) are rows of b, contiguous along q: two 4x4 transposes per 4 values of q.
    const r0 = b + ((<usize>(j0 + p) * <usize>ldb + <usize>k0) << 2);
    if (w == NR) {
      let q = 0;
      for (; q + 4 <= kc; q += 4) {
        const o = d + (<usize>q << 5);
        for (let g = 0; g < 2; g++) {
          const s = r0 + <usize>(g * 4) * ldbB + (<usize>q << 2);
          const x0 = v128.load(s);
          const x1 = v128.load(s + ldbB);
          const x2 = v128.load(s + 2 * ldbB);
          const x3 = v128.load(s + 3 * ldbB);
          const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
          const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
          const og = o + (<usize>g << 4);
          v128.store(og, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
          v128.store(og, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 32);
          v128.store(og, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 64);
          v128.store(og, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 96);
        }
      }
      for (; q < kc; q++) {
        const o = d + (<usize>q << 5);
        const s = r0 + (<usize>q << 2);
        for (let c = 0; c < NR; c++) store<f32>(o + (<usize>c << 2), load<f32>(s + <usize>c * ldbB));
      }
    } else {
      for (let q = 0; q < kc; q++) {
        const o = d + (<usize>q << 5);
        v128.store(o, f32x4.splat(0));
        v128.store(o, f32x4.splat(0), 16);
        const s = r0 + (<usize>q << 2);
        for (let c = 0; c < w; c++) store<f32>(o + (<usize>c << 2), load<f32>(s + <usize>c * ldbB));
      }
    }
  }
}
