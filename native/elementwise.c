/*
 * initlab native element-wise kernels (see elementwise.h). AVX2 + FMA on x86-64 (the addon
 * refuses to run without it), plain C elsewhere so that the file always compiles.
 *
 * Exactness against the TypeScript reference (src/kernels/elementwise.ts):
 * - identity, relu, leaky_relu (forward and backward), sigmoid and tanh backward, and the SGD
 *   and Adam updates (with their L1 term l1 sign(w), Math.sign's +-0 and NaN included) are
 *   bit-identical: the same IEEE operations in the same order, in double
 *   precision where the reference computes in double, rounded to float32 once at the store.
 * - sigmoid and tanh forward use vector float32 approximations: exp by Cephes' expf (range
 *   reduction x = n ln2 + r, degree-6 polynomial, peak relative error ~1.5e-7 on [-87, 88]);
 *   tanh by Cephes' tanhf (odd polynomial for |x| < 0.625, 1 - 2 / (e^{2|x|} + 1) above).
 *   Both stay within a few float32 ulps (the tests state the tolerance); NaN stays NaN.
 * - The residual add and its backward (dS, dZ) are bit-identical; dL/dalpha, like the sums of
 *   squares, is accumulated in double in lanes.
 * - The sums of squares are accumulated in double in four lanes, so their last bits differ from
 *   the reference's sequential sum (not their use: they are norms for probes and clipping).
 * Every kernel is deterministic: the same inputs give the same bits.
 */
#include "elementwise.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EW_X86 1
#include <immintrin.h>
#define EW_TARGET __attribute__((target("avx2,fma")))
#else
#define EW_X86 0
#define EW_TARGET
#endif

#if EW_X86

/* e^x for 8 floats (Cephes expf). x is clamped to [-87, 88] so that 2^n stays a normal float;
 * min/max take x as the second operand, which they return when x is NaN. */
EW_TARGET static inline __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_set1_ps(88.0f), x);
  x = _mm256_max_ps(_mm256_set1_ps(-87.0f), x);
  __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
  __m256 y = _mm256_set1_ps(1.9875691500e-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
  y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
  __m256i n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(y, _mm256_castsi256_ps(n));
}

/* 1 / (1 + e^-z): e^-z clamps at e^88, so very negative z gives ~6e-39 instead of underflowing. */
EW_TARGET static inline __m256 sigmoid8(__m256 z) {
  __m256 e = exp8(_mm256_xor_ps(z, _mm256_set1_ps(-0.0f)));
  return _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

/* tanh (Cephes tanhf): x + x^3 P(x^2) for |x| < 0.625, else sign(x) (1 - 2 / (e^{2|x|} + 1)). */
EW_TARGET static inline __m256 tanh8(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 ax = _mm256_andnot_ps(sign, x);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
  __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  __m256 e = exp8(_mm256_add_ps(ax, ax));
  __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                             _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
  big = _mm256_or_ps(big, _mm256_and_ps(x, sign));
  return _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
}

/* (l0 + l1) + (l2 + l3): the one order in which every kernel reduces its four double lanes. */
EW_TARGET static inline double hsum4d(__m256d v) {
  double l[4];
  _mm256_storeu_pd(l, v);
  return (l[0] + l[1]) + (l[2] + l[3]);
}

/* Math.sign for 4 lanes: 1 where w > 0, -1 where w < 0, else w itself (+-0 and NaN). */
EW_TARGET static inline __m256d sign4(__m256d w) {
  const __m256d z = _mm256_setzero_pd();
  __m256d s = _mm256_blendv_pd(w, _mm256_set1_pd(1.0), _mm256_cmp_pd(w, z, _CMP_GT_OQ));
  return _mm256_blendv_pd(s, _mm256_set1_pd(-1.0), _mm256_cmp_pd(w, z, _CMP_LT_OQ));
}

/* a = phi(z) for 8 lanes (relu: z > 0 ? z : 0, so NaN gives 0 like the reference). */
EW_TARGET static inline __m256 act8(__m256 v, int act) {
  switch (act) {
    case ACT_RELU:
      return _mm256_and_ps(v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ));
    case ACT_SIGMOID:
      return sigmoid8(v);
    case ACT_TANH:
      return tanh8(v);
    default:
      return v;
  }
}

/* a[0..n) = phi(z[0..n)) for relu, sigmoid, tanh; the tail goes through a padded block so every
 * element sees the same vector code. */
EW_TARGET static void act_span(const float *z, float *a, size_t n, int act) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(a + i, act8(_mm256_loadu_ps(z + i), act));
  if (i < n) {
    float t[8] = {0};
    memcpy(t, z + i, sizeof(float) * (n - i));
    _mm256_storeu_ps(t, act8(_mm256_loadu_ps(t), act));
    memcpy(a + i, t, sizeof(float) * (n - i));
  }
}

#else

/* a[0..n) = phi(z[0..n)) for relu, sigmoid, tanh, in double (the reference's formulas). */
static void act_span(const float *z, float *a, size_t n, int act) {
  for (size_t i = 0; i < n; i++) {
    double v = z[i];
    double r = act == ACT_RELU ? (v > 0 ? v : 0)
               : act == ACT_SIGMOID ? (v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)))
               : act == ACT_TANH    ? tanh(v)
                                    : v;
    a[i] = (float)r;
  }
}

#endif

/* leaky_relu in double like the reference: a = z > 0 ? z : (float)(param * z). */
static void leaky_span(const float *z, float *a, size_t n, double param) {
  for (size_t i = 0; i < n; i++) {
    float v = z[i];
    a[i] = v > 0 ? v : (float)(param * (double)v);
  }
}

EW_TARGET void ew_bias_activation(float *z, const float *b, float *a, size_t rows, size_t cols, int act,
                                  double param) {
  for (size_t r = 0; r < rows; r++) {
    float *zr = z + r * cols;
    float *ar = a + r * cols;
    for (size_t j = 0; j < cols; j++) zr[j] += b[j];
    if (act == ACT_IDENTITY) {
      if (ar != zr) memcpy(ar, zr, sizeof(float) * cols);
    } else if (act == ACT_LEAKY_RELU) {
      leaky_span(zr, ar, cols, param);
    } else {
      act_span(zr, ar, cols, act);
    }
  }
}

EW_TARGET void ew_activation_span(const float *y, float *h, size_t n, int act, double param) {
  if (act == ACT_IDENTITY) {
    if (h != y) memmove(h, y, sizeof(float) * n);
  } else if (act == ACT_LEAKY_RELU) {
    leaky_span(y, h, n, param);
  } else {
    act_span(y, h, n, act);
  }
}

EW_TARGET void ew_activation_backward(const float *z, const float *a, const float *da, float *dz, size_t n,
                                      int act, double param) {
  switch (act) {
    case ACT_IDENTITY:
      if (dz != da) memmove(dz, da, sizeof(float) * n);
      return;
    case ACT_RELU:
      for (size_t i = 0; i < n; i++) dz[i] = z[i] > 0 ? da[i] : 0.0f;
      return;
    case ACT_LEAKY_RELU:
      for (size_t i = 0; i < n; i++) dz[i] = z[i] > 0 ? da[i] : (float)((double)da[i] * param);
      return;
    case ACT_SIGMOID:
      /* the reference: dA * (s (1 - s)) in double, rounded once */
      for (size_t i = 0; i < n; i++) {
        double s = a[i];
        dz[i] = (float)((double)da[i] * (s * (1 - s)));
      }
      return;
    case ACT_TANH:
      for (size_t i = 0; i < n; i++) {
        double t = a[i];
        dz[i] = (float)((double)da[i] * (1 - t * t));
      }
      return;
  }
}

EW_TARGET double ew_sum_squares(const float *x, size_t n) {
  size_t i = 0;
  double s = 0;
#if EW_X86
  __m256d acc = _mm256_setzero_pd(), acc2 = _mm256_setzero_pd();
  for (; i + 8 <= n; i += 8) {
    __m256d p = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
    __m256d q = _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4));
    acc = _mm256_add_pd(acc, _mm256_mul_pd(p, p));
    acc2 = _mm256_add_pd(acc2, _mm256_mul_pd(q, q));
  }
  s = hsum4d(_mm256_add_pd(acc, acc2));
#endif
  for (; i < n; i++) s += (double)x[i] * x[i];
  return s;
}

EW_TARGET void ew_shifted_sums(const float *x, size_t n, double shift, double out[2]) {
  size_t i = 0;
  double s1 = 0, s2 = 0;
#if EW_X86
  const __m256d k = _mm256_set1_pd(shift);
  __m256d a1 = _mm256_setzero_pd(), a2 = _mm256_setzero_pd();
  for (; i + 4 <= n; i += 4) {
    __m256d d = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), k);
    a1 = _mm256_add_pd(a1, d);
    a2 = _mm256_add_pd(a2, _mm256_mul_pd(d, d));
  }
  s1 = hsum4d(a1);
  s2 = hsum4d(a2);
#endif
  for (; i < n; i++) {
    double d = (double)x[i] - shift;
    s1 += d;
    s2 += d * d;
  }
  out[0] = s1;
  out[1] = s2;
}

/* The reference's arithmetic: t = (x - lo) * inv in double; bin floor(t) when 0 <= t < bins, else
 * counts[bins] (under), counts[bins + 1] (over), counts[bins + 2] (NaN, infinite). */
void ew_count_linear_bins(const float *x, size_t n, double lo, double inv_width, int bins, int32_t *counts) {
  memset(counts, 0, sizeof(int32_t) * (size_t)(bins + 3));
  const double b = (double)bins;
  for (size_t i = 0; i < n; i++) {
    double v = (double)x[i];
    double t = (v - lo) * inv_width;
    int k;
    if (t >= 0 && t < b) k = (int)t;
    else if (v - v != 0) k = bins + 2;
    else if (t < 0) k = bins;
    else k = bins + 1;
    counts[k]++;
  }
}

void ew_count_cell_bins(const float *x, size_t n, const int8_t *cell, const int32_t *edge_bits, int bins,
                        int32_t *counts) {
  memset(counts, 0, sizeof(int32_t) * (size_t)(bins + 4));
  const uint32_t *bits = (const uint32_t *)(const void *)x;
  for (size_t i = 0; i < n; i++) {
    int32_t a = (int32_t)(bits[i] & 0x7fffffffu);
    int c = cell[(uint32_t)a >> 17];
    if (c >= 0) {
      if (c <= bins && a >= edge_bits[c]) c++;
      counts[c]++;
    } else if (c == -2) counts[bins + 3]++;
    else if (a == 0) counts[bins + 2]++;
    else counts[0]++;
  }
}

/* One SGD element, exactly the reference's double-precision formula (see elementwise.ts). */
/* Math.sign: 1, -1, or w itself for +-0 and NaN. */
static inline double sign_of(double w) { return w > 0 ? 1.0 : w < 0 ? -1.0 : w; }

static inline double sgd_one(float *w, const float *g, float *v, size_t i, double lr, double mu, double wd,
                             double l1, int nesterov, int first) {
  double gi = (double)g[i] + wd * (double)w[i];
  if (l1 != 0) gi += l1 * sign_of(w[i]);
  if (v) {
    v[i] = (float)(first ? gi : mu * (double)v[i] + gi);
    gi = nesterov ? gi + mu * (double)v[i] : (double)v[i];
  }
  double u = lr * gi;
  w[i] = (float)((double)w[i] - u);
  return u * u;
}

EW_TARGET double ew_sgd_step(float *w, const float *g, float *v, size_t n, double lr, double mu, double wd,
                             double l1, int nesterov, int first) {
  size_t i = 0;
  double sq = 0;
#if EW_X86
  const __m256d vlr = _mm256_set1_pd(lr), vmu = _mm256_set1_pd(mu), vwd = _mm256_set1_pd(wd),
                vl1 = _mm256_set1_pd(l1);
  __m256d acc = _mm256_setzero_pd();
  for (; i + 4 <= n; i += 4) {
    __m256d wi = _mm256_cvtps_pd(_mm_loadu_ps(w + i));
    __m256d gi = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(g + i)), _mm256_mul_pd(vwd, wi));
    if (l1 != 0) gi = _mm256_add_pd(gi, _mm256_mul_pd(vl1, sign4(wi)));
    if (v) {
      __m256d vn = first ? gi : _mm256_add_pd(_mm256_mul_pd(vmu, _mm256_cvtps_pd(_mm_loadu_ps(v + i))), gi);
      __m128 vf = _mm256_cvtpd_ps(vn);
      _mm_storeu_ps(v + i, vf);
      __m256d vr = _mm256_cvtps_pd(vf);
      gi = nesterov ? _mm256_add_pd(gi, _mm256_mul_pd(vmu, vr)) : vr;
    }
    __m256d u = _mm256_mul_pd(vlr, gi);
    _mm_storeu_ps(w + i, _mm256_cvtpd_ps(_mm256_sub_pd(wi, u)));
    acc = _mm256_add_pd(acc, _mm256_mul_pd(u, u));
  }
  sq = hsum4d(acc);
#endif
  for (; i < n; i++) sq += sgd_one(w, g, v, i, lr, mu, wd, l1, nesterov, first);
  return sq;
}

static inline double adam_one(float *w, const float *g, float *m, float *v, size_t i, double lr, double b1,
                              double b2, double eps, double wd, double l1, double c1, double c2) {
  double gi = (double)g[i] + wd * (double)w[i];
  if (l1 != 0) gi += l1 * sign_of(w[i]);
  m[i] = (float)(b1 * (double)m[i] + (1 - b1) * gi);
  v[i] = (float)(b2 * (double)v[i] + (1 - b2) * gi * gi);
  double u = (lr * ((double)m[i] / c1)) / (sqrt((double)v[i] / c2) + eps);
  w[i] = (float)((double)w[i] - u);
  return u * u;
}

EW_TARGET double ew_adam_step(float *w, const float *g, float *m, float *v, size_t n, double lr, double b1,
                              double b2, double eps, double wd, double l1, double c1, double c2) {
  size_t i = 0;
  double sq = 0;
#if EW_X86
  const __m256d vb1 = _mm256_set1_pd(b1), vb2 = _mm256_set1_pd(b2), v1b1 = _mm256_set1_pd(1 - b1),
                v1b2 = _mm256_set1_pd(1 - b2), vlr = _mm256_set1_pd(lr), veps = _mm256_set1_pd(eps),
                vwd = _mm256_set1_pd(wd), vc1 = _mm256_set1_pd(c1), vc2 = _mm256_set1_pd(c2),
                vl1 = _mm256_set1_pd(l1);
  __m256d acc = _mm256_setzero_pd();
  for (; i + 4 <= n; i += 4) {
    __m256d wi = _mm256_cvtps_pd(_mm_loadu_ps(w + i));
    __m256d gi = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(g + i)), _mm256_mul_pd(vwd, wi));
    if (l1 != 0) gi = _mm256_add_pd(gi, _mm256_mul_pd(vl1, sign4(wi)));
    __m256d mn = _mm256_add_pd(_mm256_mul_pd(vb1, _mm256_cvtps_pd(_mm_loadu_ps(m + i))), _mm256_mul_pd(v1b1, gi));
    __m256d vn = _mm256_add_pd(_mm256_mul_pd(vb2, _mm256_cvtps_pd(_mm_loadu_ps(v + i))),
                               _mm256_mul_pd(_mm256_mul_pd(v1b2, gi), gi));
    __m128 mf = _mm256_cvtpd_ps(mn), vf = _mm256_cvtpd_ps(vn);
    _mm_storeu_ps(m + i, mf);
    _mm_storeu_ps(v + i, vf);
    __m256d num = _mm256_mul_pd(vlr, _mm256_div_pd(_mm256_cvtps_pd(mf), vc1));
    __m256d den = _mm256_add_pd(_mm256_sqrt_pd(_mm256_div_pd(_mm256_cvtps_pd(vf), vc2)), veps);
    __m256d u = _mm256_div_pd(num, den);
    _mm_storeu_ps(w + i, _mm256_cvtpd_ps(_mm256_sub_pd(wi, u)));
    acc = _mm256_add_pd(acc, _mm256_mul_pd(u, u));
  }
  sq = hsum4d(acc);
#endif
  for (; i < n; i++) sq += adam_one(w, g, m, v, i, lr, b1, b2, eps, wd, l1, c1, c2);
  return sq;
}

/* s = src + alpha z in double, one rounding (the reference's formula). */
EW_TARGET void ew_residual_forward(const float *src, const float *z, double alpha, float *s, size_t n) {
  size_t i = 0;
#if EW_X86
  const __m256d va = _mm256_set1_pd(alpha);
  for (; i + 4 <= n; i += 4) {
    __m256d r = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(src + i)),
                              _mm256_mul_pd(va, _mm256_cvtps_pd(_mm_loadu_ps(z + i))));
    _mm_storeu_ps(s + i, _mm256_cvtpd_ps(r));
  }
#endif
  for (; i < n; i++) s[i] = (float)((double)src[i] + alpha * (double)z[i]);
}

/* z[i, j] += b[j] (a float32 add, as ew_bias_activation), then s = src + alpha z in double, one
 * rounding: addRowVector and ew_residual_forward in one pass. */
EW_TARGET void ew_bias_residual(const float *src, float *z, const float *b, double alpha, float *s, size_t rows,
                                size_t cols) {
  for (size_t r = 0; r < rows; r++) {
    const float *sr = src + r * cols;
    float *zr = z + r * cols, *outr = s + r * cols;
    size_t j = 0;
#if EW_X86
    const __m256d va = _mm256_set1_pd(alpha);
    for (; j + 4 <= cols; j += 4) {
      __m128 zj = _mm_add_ps(_mm_loadu_ps(zr + j), _mm_loadu_ps(b + j));
      _mm_storeu_ps(zr + j, zj);
      __m256d v = _mm256_add_pd(_mm256_cvtps_pd(_mm_loadu_ps(sr + j)), _mm256_mul_pd(va, _mm256_cvtps_pd(zj)));
      _mm_storeu_ps(outr + j, _mm256_cvtpd_ps(v));
    }
#endif
    for (; j < cols; j++) {
      zr[j] += b[j];
      outr[j] = (float)((double)sr[j] + alpha * (double)zr[j]);
    }
  }
}

/* dS += t (a float32 add: the correctly rounded sum, as the reference's double add rounded once),
 * dZ = alpha dS in double rounded once, and sum dS z in double (eight lanes, then the tail). */
EW_TARGET double ew_residual_backward(float *ds, const float *t, const float *z, double alpha, float *dz,
                                      size_t n) {
  size_t i = 0;
  double g = 0;
#if EW_X86
  const __m256d va = _mm256_set1_pd(alpha);
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
  for (; i + 8 <= n; i += 8) {
    __m256 d = _mm256_loadu_ps(ds + i);
    if (t) {
      d = _mm256_add_ps(d, _mm256_loadu_ps(t + i));
      _mm256_storeu_ps(ds + i, d);
    }
    __m256 zz = _mm256_loadu_ps(z + i);
    __m256d dlo = _mm256_cvtps_pd(_mm256_castps256_ps128(d)), dhi = _mm256_cvtps_pd(_mm256_extractf128_ps(d, 1));
    a0 = _mm256_add_pd(a0, _mm256_mul_pd(dlo, _mm256_cvtps_pd(_mm256_castps256_ps128(zz))));
    a1 = _mm256_add_pd(a1, _mm256_mul_pd(dhi, _mm256_cvtps_pd(_mm256_extractf128_ps(zz, 1))));
    _mm_storeu_ps(dz + i, _mm256_cvtpd_ps(_mm256_mul_pd(va, dlo)));
    _mm_storeu_ps(dz + i + 4, _mm256_cvtpd_ps(_mm256_mul_pd(va, dhi)));
  }
  g = hsum4d(_mm256_add_pd(a0, a1));
#endif
  for (; i < n; i++) {
    float d = ds[i];
    if (t) {
      d = d + t[i];
      ds[i] = d;
    }
    g += (double)d * (double)z[i];
    dz[i] = (float)(alpha * (double)d);
  }
  return g;
}
