/*
 * The normalization kernels of the native backend (norm.c): BatchNorm ("batch" axis: a group is a
 * column, normalized over the rows) and LayerNorm ("features" axis: a group is a row, normalized
 * over its columns), forward and backward, with per-column gamma and beta. Contracts:
 * Backend.normForward / normBackward in src/kernels/backend.ts; reference:
 * src/kernels/elementwise.ts, which these kernels reproduce bit for bit.
 */
#ifndef INITLAB_NORM_H
#define INITLAB_NORM_H

#include <stddef.h>

#include "arch.h"

/* The NormAxis codes of the bindings. */
enum { NORM_BATCH = 0, NORM_FEATURES = 1 };

/* y = gamma xhat + beta with xhat = (x - mean_g) invStd_g; given = 0 computes and writes mean and
 * invStd (one per group), given = 1 reads them. y may be x. */
INITLAB_INTERNAL void norm_forward(const float *x, float *y, float *xhat, const float *gamma, const float *beta,
                                   size_t rows, size_t cols, int axis, double eps, float *mean, float *inv_std,
                                   int given);
/* norm_forward, then h = phi(y) (ew_activation_span: act is an ACT_* code, param the leaky slope);
 * h must not be x, y or xhat. */
INITLAB_INTERNAL void norm_activation_forward(const float *x, float *y, float *xhat, const float *gamma,
                                              const float *beta, size_t rows, size_t cols, int axis, double eps,
                                              float *mean, float *inv_std, int given, float *h, int act,
                                              double param);
/* dx, dGamma, dBeta from dy and the saved xhat and invStd; dx may be dy. */
INITLAB_INTERNAL void norm_backward(const float *dy, const float *xhat, const float *gamma, const float *inv_std,
                                    float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols, int axis);

/* du = dh phi'(u, h) (ew_activation_backward), then norm_backward(du, ..., dx), then dx += skip in
 * float32 when skip is not NULL (the gradient arriving through a residual skip). du, dx, dh, skip
 * distinct. */
INITLAB_INTERNAL void norm_activation_backward(const float *dh, const float *u, const float *h, int act, double param,
                                               float *du, const float *xhat, const float *gamma,
                                               const float *inv_std, float *dx, float *dgamma, float *dbeta,
                                               size_t rows, size_t cols, int axis, const float *skip);

#endif
