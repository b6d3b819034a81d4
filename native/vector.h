/*
 * The vector kernels of the native backend (vector.c): bias add and bias gradient. Exact: the
 * same float32 operations, in the same order, as the reference (src/kernels/ts-backend.ts).
 */
#ifndef INITLAB_VECTOR_H
#define INITLAB_VECTOR_H

#include <stddef.h>

#include "arch.h"

/* y[i, j] += v[j] over the rows x cols matrix y. */
INITLAB_INTERNAL void add_row_vector(float *y, const float *v, size_t rows, size_t cols);
/* out[j] = beta out[j] + sum_i x[i, j] (beta = 0 writes zeros first). */
INITLAB_INTERNAL void sum_rows(const float *x, size_t rows, size_t cols, float *out, float beta);

#endif
