/*
 * initlab native normalization kernels (see norm.h).
 *
 * Exactness: bit for bit the TypeScript reference (src/kernels/elementwise.ts normForward and
 * normBackward). Every sum is accumulated in double in the reference's order (element 0, 1, ...
 * of its group, sequentially, from 0); the vector code runs several groups side by side, one
 * group per lane, never one group across lanes, so no sum is reassociated. The other operations
 * are the reference's IEEE double operations in the same order (sqrt and division are correctly
 * rounded in both; no fused multiply-add: the file is compiled with -ffp-contract=off and the
 * intrinsics are separate mul and add), and each float32 store rounds once: xhat = f32((x - mean)
 * invStd), y = f32(gamma xhat + beta) from the rounded xhat, as the reference reads it back.
 *
 * Vectors (AVX2, 4 doubles): the "batch" axis runs 4 columns per lane group over the rows, 4
 * such vectors at once; the "features" axis gathers 4 rows with a 4x4 transpose so that lane r
 * sums row r (8 rows at a time: two independent chains), and writes each row's outputs 4 columns
 * at a time; its backward is one pass over blocks of 8 rows, each row's dx computed as dGamma and
 * dBeta's column sums are accumulated in double arrays row by row (the reference's order for each
 * column). norm_activation_forward / _backward add the activation (and the skip gradient's add) row
 * by row inside the same passes. Tails (columns or rows that do not fill a vector) run the scalar
 * code, which is the reference's loop. The kernels run on the
 * calling thread, like the other element-wise kernels: the result never depends on threads.
 */
#include "norm.h"

#include "elementwise.h"

#include <math.h>

/* ---- scalar code: the reference's loops, for tails and non-x86 builds ------------------------- */

/* Statistics of one group: n elements at x[k * ks], k < n; mean and 1 / sqrt(var + eps) in double. */
static void group_stats(const float *x, size_t n, size_t ks, double eps, double *mu, double *inv) {
  double s = 0;
  for (size_t k = 0; k < n; k++) s += (double)x[k * ks];
  double m = s / (double)n;
  double ss = 0;
  for (size_t k = 0; k < n; k++) {
    double d = (double)x[k * ks] - m;
    ss += d * d;
  }
  *mu = m;
  *inv = 1 / sqrt(ss / (double)n + eps);
}

/* Outputs of one group: element k at offset k * ks uses gamma/beta[k * cs] (cs = 0: one column). */
static void group_out(const float *x, float *y, float *xhat, const float *gamma, const float *beta, size_t n,
                      size_t ks, size_t cs, double mu, double inv) {
  for (size_t k = 0; k < n; k++) {
    size_t i = k * ks;
    float h = (float)(((double)x[i] - mu) * inv);
    xhat[i] = h;
    y[i] = (float)((double)gamma[k * cs] * (double)h + (double)beta[k * cs]);
  }
}

/* The forward pass of one group g (statistics computed or read, then the outputs). */
static void group_forward(const float *x, float *y, float *xhat, const float *gamma, const float *beta, size_t n,
                          size_t ks, size_t cs, double eps, float *mean, float *inv_std, size_t g, int given) {
  double mu, inv;
  if (given) {
    mu = mean[g];
    inv = inv_std[g];
  } else {
    group_stats(x, n, ks, eps, &mu, &inv);
    mean[g] = (float)mu;
    inv_std[g] = (float)inv;
  }
  group_out(x, y, xhat, gamma, beta, n, ks, cs, mu, inv);
}

/* dGamma[j] = sum_i dy xhat, dBeta[j] = sum_i dy for the columns j in [j0, j1). */
static void column_grads(const float *dy, const float *xhat, float *dgamma, float *dbeta, size_t rows, size_t cols,
                         size_t j0, size_t j1) {
  for (size_t j = j0; j < j1; j++) {
    double sg = 0, sb = 0;
    for (size_t i = 0; i < rows; i++) {
      double d = dy[i * cols + j];
      sg += d * (double)xhat[i * cols + j];
      sb += d;
    }
    dgamma[j] = (float)sg;
    dbeta[j] = (float)sb;
  }
}

/* dx of one group: dxhat = dy gamma; dx = invStd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)). */
static void group_backward(const float *dy, const float *xhat, const float *gamma, double inv, float *dx, size_t n,
                           size_t ks, size_t cs) {
  double s1 = 0, s2 = 0;
  for (size_t k = 0; k < n; k++) {
    double dh = (double)dy[k * ks] * (double)gamma[k * cs];
    s1 += dh;
    s2 += dh * (double)xhat[k * ks];
  }
  double m1 = s1 / (double)n, m2 = s2 / (double)n;
  for (size_t k = 0; k < n; k++) {
    double dh = (double)dy[k * ks] * (double)gamma[k * cs];
    dx[k * ks] = (float)(inv * (dh - m1 - (double)xhat[k * ks] * m2));
  }
}

#if INITLAB_X86

/* The widest row the "features" kernels stage gamma (and beta, and the column sums) for in double on
 * the stack (48 KiB at most); wider rows run the scalar code. */
#define NORM_ROW_MAX 1024

#define LD4(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define ST4(p, v) _mm_storeu_ps((p), _mm256_cvtpd_ps(v))

/* ---- batch axis: V vectors of 4 columns each, every lane a column summed over the rows -------- */

/* Columns j .. j + 4V of the forward pass (V = 1 or 4; inlined with a constant V). */
TARGET_AVX2 static inline __attribute__((always_inline)) void batch_forward_block(
    const float *x, float *y, float *xhat, const float *gamma, const float *beta, size_t rows, size_t cols,
    size_t j, double eps, float *mean, float *inv_std, int given, const int V) {
  __m256d mu[4], inv[4];
  const __m256d n = _mm256_set1_pd((double)rows);
  if (given) {
    for (int v = 0; v < V; v++) {
      mu[v] = LD4(mean + j + 4 * v);
      inv[v] = LD4(inv_std + j + 4 * v);
    }
  } else {
    __m256d s[4], ss[4];
    for (int v = 0; v < V; v++) s[v] = ss[v] = _mm256_setzero_pd();
    for (size_t i = 0; i < rows; i++)
      for (int v = 0; v < V; v++) s[v] = _mm256_add_pd(s[v], LD4(x + i * cols + j + 4 * v));
    for (int v = 0; v < V; v++) mu[v] = _mm256_div_pd(s[v], n);
    for (size_t i = 0; i < rows; i++)
      for (int v = 0; v < V; v++) {
        __m256d d = _mm256_sub_pd(LD4(x + i * cols + j + 4 * v), mu[v]);
        ss[v] = _mm256_add_pd(ss[v], _mm256_mul_pd(d, d));
      }
    for (int v = 0; v < V; v++) {
      __m256d var = _mm256_add_pd(_mm256_div_pd(ss[v], n), _mm256_set1_pd(eps));
      inv[v] = _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_sqrt_pd(var));
      ST4(mean + j + 4 * v, mu[v]);
      ST4(inv_std + j + 4 * v, inv[v]);
    }
  }
  __m256d g[4], b[4];
  for (int v = 0; v < V; v++) {
    g[v] = LD4(gamma + j + 4 * v);
    b[v] = LD4(beta + j + 4 * v);
  }
  for (size_t i = 0; i < rows; i++)
    for (int v = 0; v < V; v++) {
      size_t o = i * cols + j + 4 * v;
      __m128 h = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_sub_pd(LD4(x + o), mu[v]), inv[v]));
      _mm_storeu_ps(xhat + o, h);
      ST4(y + o, _mm256_add_pd(_mm256_mul_pd(g[v], _mm256_cvtps_pd(h)), b[v]));
    }
}

/* Columns j .. j + 4V of the backward pass: dGamma, dBeta, the group sums, then dx. */
TARGET_AVX2 static inline __attribute__((always_inline)) void batch_backward_block(
    const float *dy, const float *xhat, const float *gamma, const float *inv_std, float *dx, float *dgamma,
    float *dbeta, size_t rows, size_t cols, size_t j, const int V) {
  __m256d g[4], sg[4], sb[4], s1[4], s2[4];
  for (int v = 0; v < V; v++) {
    g[v] = LD4(gamma + j + 4 * v);
    sg[v] = sb[v] = s1[v] = s2[v] = _mm256_setzero_pd();
  }
  for (size_t i = 0; i < rows; i++)
    for (int v = 0; v < V; v++) {
      size_t o = i * cols + j + 4 * v;
      __m256d d = LD4(dy + o), h = LD4(xhat + o);
      __m256d dh = _mm256_mul_pd(d, g[v]);
      sg[v] = _mm256_add_pd(sg[v], _mm256_mul_pd(d, h));
      sb[v] = _mm256_add_pd(sb[v], d);
      s1[v] = _mm256_add_pd(s1[v], dh);
      s2[v] = _mm256_add_pd(s2[v], _mm256_mul_pd(dh, h));
    }
  const __m256d n = _mm256_set1_pd((double)rows);
  __m256d m1[4], m2[4], inv[4];
  for (int v = 0; v < V; v++) {
    ST4(dgamma + j + 4 * v, sg[v]);
    ST4(dbeta + j + 4 * v, sb[v]);
    m1[v] = _mm256_div_pd(s1[v], n);
    m2[v] = _mm256_div_pd(s2[v], n);
    inv[v] = LD4(inv_std + j + 4 * v);
  }
  for (size_t i = 0; i < rows; i++)
    for (int v = 0; v < V; v++) {
      size_t o = i * cols + j + 4 * v;
      __m256d dh = _mm256_mul_pd(LD4(dy + o), g[v]);
      __m256d t = _mm256_sub_pd(_mm256_sub_pd(dh, m1[v]), _mm256_mul_pd(LD4(xhat + o), m2[v]));
      ST4(dx + o, _mm256_mul_pd(inv[v], t));
    }
}

/* ---- features axis: 4 rows side by side, lane r = row r ------------------------------------- */

/* The k-th elements of rows p[0..3] for k in [k, k + 4): out[q] = {p0[k+q], p1[k+q], p2[k+q], p3[k+q]}. */
TARGET_AVX2 static inline void gather4x4(const float *const p[4], size_t k, __m256d out[4]) {
  __m128 a0 = _mm_loadu_ps(p[0] + k), a1 = _mm_loadu_ps(p[1] + k), a2 = _mm_loadu_ps(p[2] + k),
         a3 = _mm_loadu_ps(p[3] + k);
  _MM_TRANSPOSE4_PS(a0, a1, a2, a3);
  out[0] = _mm256_cvtps_pd(a0);
  out[1] = _mm256_cvtps_pd(a1);
  out[2] = _mm256_cvtps_pd(a2);
  out[3] = _mm256_cvtps_pd(a3);
}

TARGET_AVX2 static inline __m256d column4(const float *const p[4], size_t k) {
  return _mm256_set_pd(p[3][k], p[2][k], p[1][k], p[0][k]);
}

TARGET_AVX2 static void row_out(const float *x, float *y, float *xhat, const double *gd, const double *bd, size_t n,
                                double mu, double inv, float *relu);

/* Mean and 1 / sqrt(var + eps) of the rows p[0 .. 4B) (n columns each), lane r of vector b for row
 * 4b + r; B = 1 or 2 independent chains (inlined with a constant B). */
TARGET_AVX2 static inline __attribute__((always_inline)) void rows_stats(const float *const p[8], size_t n, double eps,
                                                                        __m256d mu[2], __m256d inv[2], const int B) {
  /* The first pass keeps the rows' values, widened and transposed, for the second (n <= NORM_ROW_MAX). */
  __m256d sc[2][NORM_ROW_MAX];
  __m256d s[2], ss[2], t[4];
  for (int b = 0; b < B; b++) s[b] = ss[b] = _mm256_setzero_pd();
  size_t k = 0;
  for (; k + 4 <= n; k += 4)
    for (int b = 0; b < B; b++) {
      gather4x4(p + 4 * b, k, t);
      for (int q = 0; q < 4; q++) {
        sc[b][k + q] = t[q];
        s[b] = _mm256_add_pd(s[b], t[q]);
      }
    }
  for (; k < n; k++)
    for (int b = 0; b < B; b++) {
      sc[b][k] = column4(p + 4 * b, k);
      s[b] = _mm256_add_pd(s[b], sc[b][k]);
    }
  const __m256d nn = _mm256_set1_pd((double)n);
  for (int b = 0; b < B; b++) mu[b] = _mm256_div_pd(s[b], nn);
  for (k = 0; k < n; k++)
    for (int b = 0; b < B; b++) {
      __m256d d = _mm256_sub_pd(sc[b][k], mu[b]);
      ss[b] = _mm256_add_pd(ss[b], _mm256_mul_pd(d, d));
    }
  for (int b = 0; b < B; b++)
    inv[b] = _mm256_div_pd(_mm256_set1_pd(1.0),
                           _mm256_sqrt_pd(_mm256_add_pd(_mm256_div_pd(ss[b], nn), _mm256_set1_pd(eps))));
}

/* Forward of the 4B rows from r (statistics computed or read, then each row's outputs). */
TARGET_AVX2 static inline __attribute__((always_inline)) void rows_forward(
    const float *x, float *y, float *xhat, const double *gd, const double *bd, size_t cols, size_t r, double eps,
    float *mean, float *inv_std, int given, float *h, int act, double param, const int B) {
  double mu[8], inv[8];
  if (given) {
    for (int q = 0; q < 4 * B; q++) {
      mu[q] = mean[r + q];
      inv[q] = inv_std[r + q];
    }
  } else {
    const float *p[8];
    for (int q = 0; q < 4 * B; q++) p[q] = x + (r + q) * cols;
    __m256d vm[2], vi[2];
    rows_stats(p, cols, eps, vm, vi, B);
    for (int b = 0; b < B; b++) {
      _mm256_storeu_pd(mu + 4 * b, vm[b]);
      _mm256_storeu_pd(inv + 4 * b, vi[b]);
      ST4(mean + r + 4 * b, vm[b]);
      ST4(inv_std + r + 4 * b, vi[b]);
    }
  }
  for (int q = 0; q < 4 * B; q++) {
    size_t o = (r + q) * cols;
    row_out(x + o, y + o, xhat + o, gd, bd, cols, mu[q], inv[q], h && act == ACT_RELU ? h + o : NULL);
    if (h && act != ACT_RELU) ew_activation_span(y + o, h + o, cols, act, param);
  }
}

/* The outputs of one row (n columns) with its statistics, 4 columns at a time; gd and bd are gamma
 * and beta as doubles (the same values: float -> double is exact). */
TARGET_AVX2 static void row_out(const float *x, float *y, float *xhat, const double *gd, const double *bd, size_t n,
                                double mu, double inv, float *relu) {
  const __m256d vm = _mm256_set1_pd(mu), vi = _mm256_set1_pd(inv);
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    __m128 h = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_sub_pd(LD4(x + k), vm), vi));
    _mm_storeu_ps(xhat + k, h);
    __m128 v = _mm256_cvtpd_ps(
        _mm256_add_pd(_mm256_mul_pd(_mm256_loadu_pd(gd + k), _mm256_cvtps_pd(h)), _mm256_loadu_pd(bd + k)));
    _mm_storeu_ps(y + k, v);
    /* relu as the reference: v > 0 ? v : 0 (NaN and -0 give +0) */
    if (relu) _mm_storeu_ps(relu + k, _mm_and_ps(v, _mm_cmpgt_ps(v, _mm_setzero_ps())));
  }
  for (; k < n; k++) {
    float h = (float)(((double)x[k] - mu) * inv);
    xhat[k] = h;
    float v = (float)(gd[k] * (double)h + bd[k]);
    y[k] = v;
    if (relu) relu[k] = v > 0 ? v : 0.0f;
  }
}

/* Sums of dxhat = dy gamma and of dxhat xhat over the rows pd[0 .. 4B) / ph[0 .. 4B), lane r of
 * vector b for row 4b + r (B = 1 or 2, inlined with a constant B); gd is gamma in double. */
TARGET_AVX2 static inline __attribute__((always_inline)) void rows_grad_sums(const float *const pd[8],
                                                                            const float *const ph[8],
                                                                            const double *gd, size_t n,
                                                                            __m256d s1[2], __m256d s2[2],
                                                                            const int B) {
  __m256d d[4], h[4];
  for (int b = 0; b < B; b++) s1[b] = s2[b] = _mm256_setzero_pd();
  size_t k = 0;
  for (; k + 4 <= n; k += 4)
    for (int b = 0; b < B; b++) {
      gather4x4(pd + 4 * b, k, d);
      gather4x4(ph + 4 * b, k, h);
      for (int q = 0; q < 4; q++) {
        __m256d dh = _mm256_mul_pd(d[q], _mm256_broadcast_sd(gd + k + q));
        s1[b] = _mm256_add_pd(s1[b], dh);
        s2[b] = _mm256_add_pd(s2[b], _mm256_mul_pd(dh, h[q]));
      }
    }
  for (; k < n; k++)
    for (int b = 0; b < B; b++) {
      __m256d dh = _mm256_mul_pd(column4(pd + 4 * b, k), _mm256_broadcast_sd(gd + k));
      s1[b] = _mm256_add_pd(s1[b], dh);
      s2[b] = _mm256_add_pd(s2[b], _mm256_mul_pd(dh, column4(ph + 4 * b, k)));
    }
}

/*
 * dx of one row (n columns) from its means m1, m2 and invStd, 4 columns at a time, and the column
 * sums of the same row added to sg (dy xhat) and sb (dy): the rows arrive in order, so every column
 * sum runs over the rows in the reference's order. Each dy element is read before the dx element
 * at its place is written (dx may be dy). skip (may be NULL) is added to dx in float32 (the
 * correctly rounded sum, as residualForward(dx, skip, 1, dx)).
 */
TARGET_AVX2 static void row_dx(const float *dy, const float *xhat, const double *gd, float *dx, double *sg, double *sb,
                               const float *skip, size_t n, double m1, double m2, double inv) {
  const __m256d v1 = _mm256_set1_pd(m1), v2 = _mm256_set1_pd(m2), vi = _mm256_set1_pd(inv);
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    __m256d d = LD4(dy + k), h = LD4(xhat + k);
    _mm256_storeu_pd(sg + k, _mm256_add_pd(_mm256_loadu_pd(sg + k), _mm256_mul_pd(d, h)));
    _mm256_storeu_pd(sb + k, _mm256_add_pd(_mm256_loadu_pd(sb + k), d));
    __m256d dh = _mm256_mul_pd(d, _mm256_loadu_pd(gd + k));
    __m256d t = _mm256_sub_pd(_mm256_sub_pd(dh, v1), _mm256_mul_pd(h, v2));
    __m128 r = _mm256_cvtpd_ps(_mm256_mul_pd(vi, t));
    if (skip) r = _mm_add_ps(r, _mm_loadu_ps(skip + k));
    _mm_storeu_ps(dx + k, r);
  }
  for (; k < n; k++) {
    double d = dy[k], h = xhat[k];
    sg[k] += d * h;
    sb[k] += d;
    float r = (float)(inv * (d * gd[k] - m1 - h * m2));
    dx[k] = skip ? r + skip[k] : r;
  }
}

/* Backward (dx and the column sums) of the 4B rows from r. */
TARGET_AVX2 static inline __attribute__((always_inline)) void rows_backward(const float *dy, const float *xhat,
                                                                           const double *gd, const float *inv_std,
                                                                           float *dx, double *sg, double *sb,
                                                                           const float *skip, size_t cols, size_t r,
                                                                           const int B) {
  const float *pd[8], *ph[8];
  for (int q = 0; q < 4 * B; q++) {
    pd[q] = dy + (r + q) * cols;
    ph[q] = xhat + (r + q) * cols;
  }
  __m256d s1[2], s2[2];
  rows_grad_sums(pd, ph, gd, cols, s1, s2, B);
  const __m256d nn = _mm256_set1_pd((double)cols);
  double m1[8], m2[8];
  for (int b = 0; b < B; b++) {
    _mm256_storeu_pd(m1 + 4 * b, _mm256_div_pd(s1[b], nn));
    _mm256_storeu_pd(m2 + 4 * b, _mm256_div_pd(s2[b], nn));
  }
  for (int q = 0; q < 4 * B; q++) {
    size_t o = (r + q) * cols;
    row_dx(dy + o, xhat + o, gd, dx + o, sg, sb, skip ? skip + o : NULL, cols, m1[q], m2[q],
           (double)inv_std[r + q]);
  }
}

/*
 * The "features" axis of the backward in one pass over blocks of 8 rows (each block's rows stay in
 * L1 between its steps): with du, first du = dh phi' (ew_activation_backward, row by row) and dy =
 * du, else dy = dh; then the rows' sums, dx (+ skip) and the column sums. cols <= NORM_ROW_MAX.
 */
TARGET_AVX2 static void features_backward(const float *dh, const float *u, const float *h, int act, double param,
                                          float *du, const float *xhat, const float *gamma, const float *inv_std,
                                          float *dx, float *dgamma, float *dbeta, const float *skip, size_t rows,
                                          size_t cols) {
  double gd[NORM_ROW_MAX], sg[NORM_ROW_MAX], sb[NORM_ROW_MAX];
  for (size_t k = 0; k < cols; k++) {
    gd[k] = gamma[k];
    sg[k] = sb[k] = 0;
  }
  const float *dy = du ? du : dh;
  size_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    if (du) ew_activation_backward(u + r * cols, h + r * cols, dh + r * cols, du + r * cols, 8 * cols, act, param);
    rows_backward(dy, xhat, gd, inv_std, dx, sg, sb, skip, cols, r, 2);
  }
  for (; r + 4 <= rows; r += 4) {
    if (du) ew_activation_backward(u + r * cols, h + r * cols, dh + r * cols, du + r * cols, 4 * cols, act, param);
    rows_backward(dy, xhat, gd, inv_std, dx, sg, sb, skip, cols, r, 1);
  }
  for (; r < rows; r++) {
    size_t o = r * cols;
    if (du) ew_activation_backward(u + o, h + o, dh + o, du + o, cols, act, param);
    double s1 = 0, s2 = 0;
    for (size_t k = 0; k < cols; k++) {
      double d = (double)dy[o + k] * gd[k];
      s1 += d;
      s2 += d * (double)xhat[o + k];
    }
    row_dx(dy + o, xhat + o, gd, dx + o, sg, sb, skip ? skip + o : NULL, cols, s1 / (double)cols, s2 / (double)cols,
           (double)inv_std[r]);
  }
  for (size_t k = 0; k < cols; k++) {
    dgamma[k] = (float)sg[k];
    dbeta[k] = (float)sb[k];
  }
}

/* The "features" axis of norm_forward, and h = phi(y) row by row when h is not NULL (each row's
 * outputs are still in L1). */
TARGET_AVX2 static void features_forward(const float *x, float *y, float *xhat, const float *gamma,
                                         const float *beta, size_t rows, size_t cols, double eps, float *mean,
                                         float *inv_std, int given, float *h, int act, double param) {
  double gd[NORM_ROW_MAX], bd[NORM_ROW_MAX];
  for (size_t k = 0; k < cols; k++) {
    gd[k] = gamma[k];
    bd[k] = beta[k];
  }
  size_t r = 0;
  for (; r + 8 <= rows; r += 8)
    rows_forward(x, y, xhat, gd, bd, cols, r, eps, mean, inv_std, given, h, act, param, 2);
  for (; r + 4 <= rows; r += 4)
    rows_forward(x, y, xhat, gd, bd, cols, r, eps, mean, inv_std, given, h, act, param, 1);
  for (; r < rows; r++) {
    size_t o = r * cols;
    double mu, inv;
    if (given) {
      mu = mean[r];
      inv = inv_std[r];
    } else {
      group_stats(x + o, cols, 1, eps, &mu, &inv);
      mean[r] = (float)mu;
      inv_std[r] = (float)inv;
    }
    row_out(x + o, y + o, xhat + o, gd, bd, cols, mu, inv, h && act == ACT_RELU ? h + o : NULL);
    if (h && act != ACT_RELU) ew_activation_span(y + o, h + o, cols, act, param);
  }
}

TARGET_AVX2 void norm_forward(const float *x, float *y, float *xhat, const float *gamma, const float *beta,
                              size_t rows, size_t cols, int axis, double eps, float *mean, float *inv_std,
                              int given) {
  if (axis == NORM_BATCH) {
    size_t j = 0;
    for (; j + 16 <= cols; j += 16)
      batch_forward_block(x, y, xhat, gamma, beta, rows, cols, j, eps, mean, inv_std, given, 4);
    for (; j + 4 <= cols; j += 4)
      batch_forward_block(x, y, xhat, gamma, beta, rows, cols, j, eps, mean, inv_std, given, 1);
    for (; j < cols; j++)
      group_forward(x + j, y + j, xhat + j, gamma + j, beta + j, rows, cols, 0, eps, mean, inv_std, j, given);
    return;
  }
  if (cols > NORM_ROW_MAX) {
    for (size_t r = 0; r < rows; r++) {
      size_t o = r * cols;
      group_forward(x + o, y + o, xhat + o, gamma, beta, cols, 1, 1, eps, mean, inv_std, r, given);
    }
    return;
  }
  features_forward(x, y, xhat, gamma, beta, rows, cols, eps, mean, inv_std, given, NULL, 0, 0);
}

TARGET_AVX2 void norm_activation_forward(const float *x, float *y, float *xhat, const float *gamma,
                                         const float *beta, size_t rows, size_t cols, int axis, double eps,
                                         float *mean, float *inv_std, int given, float *h, int act, double param) {
  if (axis == NORM_BATCH || cols > NORM_ROW_MAX) {
    norm_forward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, inv_std, given);
    ew_activation_span(y, h, rows * cols, act, param);
    return;
  }
  features_forward(x, y, xhat, gamma, beta, rows, cols, eps, mean, inv_std, given, h, act, param);
}

TARGET_AVX2 void norm_backward(const float *dy, const float *xhat, const float *gamma, const float *inv_std,
                               float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols, int axis) {
  if (axis == NORM_BATCH) {
    size_t j = 0;
    for (; j + 16 <= cols; j += 16)
      batch_backward_block(dy, xhat, gamma, inv_std, dx, dgamma, dbeta, rows, cols, j, 4);
    for (; j + 4 <= cols; j += 4)
      batch_backward_block(dy, xhat, gamma, inv_std, dx, dgamma, dbeta, rows, cols, j, 1);
    for (; j < cols; j++) {
      column_grads(dy, xhat, dgamma, dbeta, rows, cols, j, j + 1);
      group_backward(dy + j, xhat + j, gamma + j, (double)inv_std[j], dx + j, rows, cols, 0);
    }
    return;
  }
  if (cols > NORM_ROW_MAX) {
    /* dGamma and dBeta read every row of dy before dx (which may be dy) is written. */
    column_grads(dy, xhat, dgamma, dbeta, rows, cols, 0, cols);
    for (size_t r = 0; r < rows; r++) {
      size_t o = r * cols;
      group_backward(dy + o, xhat + o, gamma, (double)inv_std[r], dx + o, cols, 1, 1);
    }
    return;
  }
  features_backward(dy, NULL, NULL, 0, 0, NULL, xhat, gamma, inv_std, dx, dgamma, dbeta, NULL, rows, cols);
}

/* skip added to dx in float32 (residualForward(dx, skip, 1, dx)). */
static void add_skip(float *dx, const float *skip, size_t n) {
  for (size_t i = 0; i < n; i++) dx[i] += skip[i];
}

TARGET_AVX2 void norm_activation_backward(const float *dh, const float *u, const float *h, int act, double param,
                                          float *du, const float *xhat, const float *gamma, const float *inv_std,
                                          float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols, int axis,
                                          const float *skip) {
  if (axis == NORM_BATCH || cols > NORM_ROW_MAX) {
    ew_activation_backward(u, h, dh, du, rows * cols, act, param);
    norm_backward(du, xhat, gamma, inv_std, dx, dgamma, dbeta, rows, cols, axis);
    if (skip) add_skip(dx, skip, rows * cols);
    return;
  }
  features_backward(dh, u, h, act, param, du, xhat, gamma, inv_std, dx, dgamma, dbeta, skip, rows, cols);
}

#else

void norm_activation_backward(const float *dh, const float *u, const float *h, int act, double param, float *du,
                              const float *xhat, const float *gamma, const float *inv_std, float *dx, float *dgamma,
                              float *dbeta, size_t rows, size_t cols, int axis, const float *skip) {
  ew_activation_backward(u, h, dh, du, rows * cols, act, param);
  norm_backward(du, xhat, gamma, inv_std, dx, dgamma, dbeta, rows, cols, axis);
  if (skip)
    for (size_t i = 0; i < rows * cols; i++) dx[i] += skip[i];
}

void norm_activation_forward(const float *x, float *y, float *xhat, const float *gamma, const float *beta,
                             size_t rows, size_t cols, int axis, double eps, float *mean, float *inv_std, int given,
                             float *h, int act, double param) {
  norm_forward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, inv_std, given);
  ew_activation_span(y, h, rows * cols, act, param);
}

void norm_forward(const float *x, float *y, float *xhat, const float *gamma, const float *beta, size_t rows,
                  size_t cols, int axis, double eps, float *mean, float *inv_std, int given) {
  if (axis == NORM_BATCH) {
    for (size_t j = 0; j < cols; j++)
      group_forward(x + j, y + j, xhat + j, gamma + j, beta + j, rows, cols, 0, eps, mean, inv_std, j, given);
  } else {
    for (size_t r = 0; r < rows; r++) {
      size_t o = r * cols;
      group_forward(x + o, y + o, xhat + o, gamma, beta, cols, 1, 1, eps, mean, inv_std, r, given);
    }
  }
}

void norm_backward(const float *dy, const float *xhat, const float *gamma, const float *inv_std, float *dx,
                   float *dgamma, float *dbeta, size_t rows, size_t cols, int axis) {
  column_grads(dy, xhat, dgamma, dbeta, rows, cols, 0, cols);
  if (axis == NORM_BATCH) {
    for (size_t j = 0; j < cols; j++)
      group_backward(dy + j, xhat + j, gamma + j, (double)inv_std[j], dx + j, rows, cols, 0);
  } else {
    for (size_t r = 0; r < rows; r++) {
      size_t o = r * cols;
      group_backward(dy + o, xhat + o, gamma, (double)inv_std[r], dx + o, cols, 1, 1);
    }
  }
}

#endif
