/*
 * The thread pool of the native backend (pool.c): one context per backend holds `threads - 1`
 * pthread workers and one packing workspace per thread, and runs each gemm on all of them.
 */
#ifndef INITLAB_POOL_H
#define INITLAB_POOL_H

#include "gemm.h"

typedef struct ctx ctx_t;

/* A context for `threads` threads (the caller included) running `isa`; NULL when out of memory or threads. */
INITLAB_INTERNAL ctx_t *ctx_new(const isa_t *isa, int threads);
/* Stops the workers and frees everything (NULL is ignored). */
INITLAB_INTERNAL void ctx_free(ctx_t *x);
/* C = alpha op(A) op(B) + beta C: on the calling thread below PARALLEL_MIN_FLOPS, else split. */
INITLAB_INTERNAL void ctx_gemm(ctx_t *x, const gemm_args *g);

#endif
