/*
 * Packing for the sgemm (pack.c): copies blocks of op(A) and op(B) into the panel layout the
 * micro-kernels read, absorbing the transposes (8 x 8 AVX2 register transposes for the strided
 * cases) and zero-padding the edges.
 */
#ifndef INITLAB_PACK_H
#define INITLAB_PACK_H

#include <stddef.h>

#include "arch.h"

#define PACK_SLACK 8 /* floats past the end of the packed-A buffer that pack_a may scribble on */

/* op(A)(i0.., k0..) (mc x kc) -> MR-row panels: dst[p][q][r]; zero rows past the edge.
 * trans = 0: A stored m x k (op(A)(i,q) = a[i*lda + q]); trans = 1: stored k x m.
 * dst needs PACK_SLACK spare floats at the end. */
INITLAB_INTERNAL void pack_a(const float *a, size_t lda, int trans, int i0, int mc, int k0, int kc, int mr,
                             float *dst);

/* op(B)(k0.., j0..) (kc x nc) -> NR-column panels: dst[p][q][c]; zero columns past the edge.
 * trans = 0: B stored k x n (op(B)(q,j) = b[q*ldb + j]); trans = 1: stored n x k. */
INITLAB_INTERNAL void pack_b(const float *b, size_t ldb, int trans, int k0, int kc, int j0, int nc, int nr,
                             float *dst);

#endif
