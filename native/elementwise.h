/*
 * initlab native element-wise kernels: fused bias + activation, activation derivatives, the
 * squared norm and the optimizer updates. The contract of each function is the one of the
 * Backend method of the same name in src/kernels/backend.ts; the reference is
 * src/kernels/elementwise.ts.
 */
#ifndef INITLAB_ELEMENTWISE_H
#define INITLAB_ELEMENTWISE_H

#include <stddef.h>
#include <stdint.h>

/* The activation codes of KERNEL_ACTIVATION_CODE in src/kernels/backend.ts. */
enum { ACT_IDENTITY = 0, ACT_RELU = 1, ACT_LEAKY_RELU = 2, ACT_SIGMOID = 3, ACT_TANH = 4, ACT_COUNT = 5 };

void ew_bias_activation(float *z, const float *b, float *a, size_t rows, size_t cols, int act, double param);
void ew_activation_backward(const float *z, const float *a, const float *da, float *dz, size_t n, int act,
                            double param);
double ew_sum_squares(const float *x, size_t n);
void ew_shifted_sums(const float *x, size_t n, double shift, double out[2]);
void ew_count_linear_bins(const float *x, size_t n, double lo, double inv_width, int bins, int32_t *counts);
void ew_count_cell_bins(const float *x, size_t n, const int8_t *cell, const int32_t *edge_bits, int bins,
                        int32_t *counts);
double ew_sgd_step(float *w, const float *g, float *v, size_t n, double lr, double mu, double wd, double l1,
                   int nesterov, int first);
double ew_adam_step(float *w, const float *g, float *m, float *v, size_t n, double lr, double b1, double b2,
                    double eps, double wd, double l1, double c1, double c2);

/* h[i] = phi(y[i]) for i < n, y unchanged (ew_bias_activation without the bias); h may be y. */
void ew_activation_span(const float *y, float *h, size_t n, int act, double param);
/* addRowVector(z, b) then ew_residual_forward(src, z, alpha, s) in one pass (s may be src, not z). */
void ew_bias_residual(const float *src, float *z, const float *b, double alpha, float *s, size_t rows, size_t cols);
void ew_residual_forward(const float *src, const float *z, double alpha, float *s, size_t n);
double ew_residual_backward(float *ds, const float *t, const float *z, double alpha, float *dz, size_t n);

#endif
