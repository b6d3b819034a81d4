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
 * sums row r, and writes each row's outputs 4 columns at a time. Tails (columns or rows that do
 * not fill a vector) run the scalar code, which is the reference's loop. The kernels run on the
 * calling thread, like the other element-wise kernels: the result never depends on threads.
 */
#include "norm.h"

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

/* Mean and 1 / sqrt(var + eps) of the rows p[0..3] (n columns each), lane r for row r. */
TARGET_AVX2 static void rows4_stats(const float *const p[4], size_t n, double eps, __m256d *mu, __m256d *inv) {
  __m256d s = _mm256_setzero_pd(), t[4];
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    gather4x4(p, k, t);
    for (int q = 0; q < 4; q++) s = _mm256_add_pd(s, t[q]);
  }
  for (; k < n; k++) s = _mm256_add_pd(s, column4(p, k));
  const __m256d nn = _mm256_set1_pd((double)n);
  __m256d m = _mm256_div_pd(s, nn), ss = _mm256_setzero_pd();
  for (k = 0; k + 4 <= n; k += 4) {
    gather4x4(p, k, t);
    for (int q = 0; q < 4; q++) {
      __m256d d = _mm256_sub_pd(t[q], m);
      ss = _mm256_add_pd(ss, _mm256_mul_pd(d, d));
    }
  }
  for (; k < n; k++) {
    __m256d d = _mm256_sub_pd(column4(p, k), m);
    ss = _mm256_add_pd(ss, _mm256_mul_pd(d, d));
  }
  *mu = m;
  *inv = _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_sqrt_pd(_mm256_add_pd(_mm256_div_pd(ss, nn), _mm256_set1_pd(eps))));
}

/* The outputs of one row (n columns) with its statistics, 4 columns at a time. */
TARGET_AVX2 static void row_out(const float *x, float *y, float *xhat, const float *gamma, const float *beta, size_t n,
                                double mu, double inv) {
  const __m256d vm = _mm256_set1_pd(mu), vi = _mm256_set1_pd(inv);
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    __m128 h = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_sub_pd(LD4(x + k), vm), vi));
    _mm_storeu_ps(xhat + k, h);
    ST4(y + k, _mm256_add_pd(_mm256_mul_pd(LD4(gamma + k), _mm256_cvtps_pd(h)), LD4(beta + k)));
  }
  group_out(x + k, y + k, xhat + k, gamma + k, beta + k, n - k, 1, 1, mu, inv);
}

/* Sums of dxhat = dy gamma and of dxhat xhat over the rows pd[0..3] / ph[0..3], lane r for row r. */
TARGET_AVX2 static void rows4_grad_sums(const float *const pd[4], const float *const ph[4], const float *gamma,
                                        size_t n, __m256d *s1, __m256d *s2) {
  __m256d a = _mm256_setzero_pd(), b = _mm256_setzero_pd(), d[4], h[4];
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    gather4x4(pd, k, d);
    gather4x4(ph, k, h);
    for (int q = 0; q < 4; q++) {
      __m256d dh = _mm256_mul_pd(d[q], _mm256_set1_pd((double)gamma[k + q]));
      a = _mm256_add_pd(a, dh);
      b = _mm256_add_pd(b, _mm256_mul_pd(dh, h[q]));
    }
  }
  for (; k < n; k++) {
    __m256d dh = _mm256_mul_pd(column4(pd, k), _mm256_set1_pd((double)gamma[k]));
    a = _mm256_add_pd(a, dh);
    b = _mm256_add_pd(b, _mm256_mul_pd(dh, column4(ph, k)));
  }
  *s1 = a;
  *s2 = b;
}

/* dx of one row (n columns) from its means m1, m2 and invStd, 4 columns at a time. */
TARGET_AVX2 static void row_dx(const float *dy, const float *xhat, const float *gamma, float *dx, size_t n, double m1,
                               double m2, double inv) {
  const __m256d v1 = _mm256_set1_pd(m1), v2 = _mm256_set1_pd(m2), vi = _mm256_set1_pd(inv);
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    __m256d dh = _mm256_mul_pd(LD4(dy + k), LD4(gamma + k));
    __m256d t = _mm256_sub_pd(_mm256_sub_pd(dh, v1), _mm256_mul_pd(LD4(xhat + k), v2));
    ST4(dx + k, _mm256_mul_pd(vi, t));
  }
  for (; k < n; k++) {
    double dh = (double)dy[k] * (double)gamma[k];
    dx[k] = (float)(inv * (dh - m1 - (double)xhat[k] * m2));
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
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    double mu[4], inv[4];
    if (given) {
      for (int q = 0; q < 4; q++) {
        mu[q] = mean[r + q];
        inv[q] = inv_std[r + q];
      }
    } else {
      const float *p[4] = {x + r * cols, x + (r + 1) * cols, x + (r + 2) * cols, x + (r + 3) * cols};
      __m256d vm, vi;
      rows4_stats(p, cols, eps, &vm, &vi);
      _mm256_storeu_pd(mu, vm);
      _mm256_storeu_pd(inv, vi);
      ST4(mean + r, vm);
      ST4(inv_std + r, vi);
    }
    for (int q = 0; q < 4; q++) {
      size_t o = (r + q) * cols;
      row_out(x + o, y + o, xhat + o, gamma, beta, cols, mu[q], inv[q]);
    }
  }
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
    row_out(x + o, y + o, xhat + o, gamma, beta, cols, mu, inv);
  }
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
  /* dGamma and dBeta read every row of dy before dx (which may be dy) is written. */
  {
    size_t j = 0;
    for (; j + 4 <= cols; j += 4) {
      __m256d sg = _mm256_setzero_pd(), sb = _mm256_setzero_pd();
      for (size_t i = 0; i < rows; i++) {
        __m256d d = LD4(dy + i * cols + j);
        sg = _mm256_add_pd(sg, _mm256_mul_pd(d, LD4(xhat + i * cols + j)));
        sb = _mm256_add_pd(sb, d);
      }
      ST4(dgamma + j, sg);
      ST4(dbeta + j, sb);
    }
    column_grads(dy, xhat, dgamma, dbeta, rows, cols, j, cols);
  }
  const __m256d nn = _mm256_set1_pd((double)cols);
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const float *pd[4], *ph[4];
    for (int q = 0; q < 4; q++) {
      pd[q] = dy + (r + q) * cols;
      ph[q] = xhat + (r + q) * cols;
    }
    __m256d s1, s2;
    rows4_grad_sums(pd, ph, gamma, cols, &s1, &s2);
    double m1[4], m2[4];
    _mm256_storeu_pd(m1, _mm256_div_pd(s1, nn));
    _mm256_storeu_pd(m2, _mm256_div_pd(s2, nn));
    for (int q = 0; q < 4; q++) {
      size_t o = (r + q) * cols;
      row_dx(dy + o, xhat + o, gamma, dx + o, cols, m1[q], m2[q], (double)inv_std[r + q]);
    }
  }
  for (; r < rows; r++) {
    size_t o = r * cols;
    group_backward(dy + o, xhat + o, gamma, (double)inv_std[r], dx + o, cols, 1, 1);
  }
}

#else

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
