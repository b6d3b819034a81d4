/*
 * sgemm, GotoBLAS style (gemm.c): for each NC-column block of C and each KC-deep block of k, op(B)
 * is packed into NR-column panels (pack.c); for each MC-row block, op(A) is packed into MR-row
 * panels; a register-tiled MR x NR micro-kernel (microkernels.c) runs over the tiles. The pack
 * routines absorb the transposes, so one micro-kernel serves all four cases.
 *
 * Determinism: every element of C is summed in one order (q = 0..k-1 within a k-block with FMA,
 * k-blocks in order; the k-blocking depends on k only). Threads (pool.c) split C into blocks of
 * whole tiles, never the k-sum, so results do not depend on the thread count either.
 */
#ifndef INITLAB_GEMM_H
#define INITLAB_GEMM_H

#include <stddef.h>

#include "arch.h"

/* ---- blocking parameters ------------------------------------------------------------------ */

typedef void (*kernel_fn)(int kc, const float *a, const float *b, float *c, size_t ldc, int h, int w,
                          float alpha, float beta);

typedef struct {
  const char *name;
  int mr, nr, mc, kc, nc;
  kernel_fn kernel;
  /* C = A B^T (A not transposed, B transposed) with m <= dot_max_m and k >= DOT_MIN_K runs on the
   * dot-product kernel (no packing); 0 = never. */
  int dot_max_m;
} isa_t;

typedef struct {
  int trans_a, trans_b, m, n, k;
  float alpha, beta;
  const float *a, *b;
  float *c;
} gemm_args;

#define MAX_MR 12
#define MAX_NR 32
#define MAX_MC 144
#define MAX_KC 256
#define MAX_NC 3072

typedef struct {
  float *pa, *pb; /* packed A block (MC x KC), packed B block (KC x NC), 64-byte aligned */
} workspace;

/* Allocates the packing buffers of one thread (0 when out of memory; free with workspace_free). */
INITLAB_INTERNAL int workspace_init(workspace *ws);
INITLAB_INTERNAL void workspace_free(workspace *ws);

/* C[i0..i1, j0..j1] of C = alpha op(A) op(B) + beta C, on the calling thread. */
INITLAB_INTERNAL void gemm_block(const isa_t *isa, const gemm_args *g, int i0, int i1, int j0, int j1,
                                 workspace *ws);

#endif
