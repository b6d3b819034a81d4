/*
 * The micro-kernels of the sgemm (see gemm.h): AVX-512F 12x32 (24 zmm accumulators) and AVX2+FMA
 * 6x16 (12 ymm), chosen at run time by CPU detection (__builtin_cpu_supports), each compiled with
 * its own target attribute so the binary runs on any x86-64 CPU; a scalar stand-in with the
 * AVX-512 tile shape for tests; the dot-product kernel for forward products with a small batch.
 * Compiled with -ffp-contract=off: only the explicit FMAs are fused.
 */
#include "microkernels.h"

#include <math.h>
#include <string.h>

/* C[r][0..w) of an h x w tile from an accumulator tile t (row stride nr), same formula as the
 * vector stores: alpha * acc (beta = 0: C is not read) or beta * C + alpha * acc. */
static void store_edge(const float *t, int nr, float *c, size_t ldc, int h, int w, float alpha, float beta) {
  for (int r = 0; r < h; r++) {
    float *cr = c + (size_t)r * ldc;
    for (int j = 0; j < w; j++) {
      float v = alpha * t[r * nr + j];
      cr[j] = beta == 0.0f ? v : beta * cr[j] + v;
    }
  }
}

#if INITLAB_X86

/* The kernels keep every accumulator in a named local so that the compiler holds them in
 * registers (an array of vectors gets spilled to the stack on every iteration). */
#define ZERO2(V, r) V c##r##_0 = ZERO(), c##r##_1 = ZERO();
#define FMA2(r)                                   \
  {                                               \
    V x = BCAST(a + r);                           \
    c##r##_0 = FMADD(x, b0, c##r##_0);            \
    c##r##_1 = FMADD(x, b1, c##r##_1);            \
  }
#define PUT0(r)                                            \
  STOREU(c + (r) * ldc, MUL(va, c##r##_0));                \
  STOREU(c + (r) * ldc + W, MUL(va, c##r##_1));
#define PUTB(r)                                                                        \
  STOREU(c + (r) * ldc, ADD(MUL(vb, LOADU(c + (r) * ldc)), MUL(va, c##r##_0)));        \
  STOREU(c + (r) * ldc + W, ADD(MUL(vb, LOADU(c + (r) * ldc + W)), MUL(va, c##r##_1)));
#define SPILL(r)                    \
  STORE(t + (r) * 2 * W, c##r##_0); \
  STORE(t + (r) * 2 * W + W, c##r##_1);

/* AVX2 + FMA: 6 x 16 tile, 12 ymm accumulators, one broadcast of A per row and k. */
#define V __m256
#define W 8
#define ZERO _mm256_setzero_ps
#define BCAST _mm256_broadcast_ss
#define FMADD _mm256_fmadd_ps
#define MUL _mm256_mul_ps
#define ADD _mm256_add_ps
#define LOAD _mm256_load_ps
#define LOADU _mm256_loadu_ps
#define STORE _mm256_store_ps
#define STOREU _mm256_storeu_ps
#define SET1 _mm256_set1_ps
#define ROWS6(M) M(0) M(1) M(2) M(3) M(4) M(5)
#define ZROW(r) ZERO2(V, r)
__attribute__((target("avx2,fma"))) static void kernel_avx2(int kc, const float *a, const float *b, float *c,
                                                             size_t ldc, int h, int w, float alpha,
                                                             float beta) {
  ROWS6(ZROW)
  for (int q = 0; q < kc; q++) {
    V b0 = LOAD(b);
    V b1 = LOAD(b + W);
    ROWS6(FMA2)
    a += 6;
    b += 2 * W;
  }
  V va = SET1(alpha);
  if (h == 6 && w == 2 * W) {
    if (beta == 0.0f) {
      ROWS6(PUT0)
    } else {
      V vb = SET1(beta);
      ROWS6(PUTB)
    }
    return;
  }
  float t[6 * 2 * W] __attribute__((aligned(64)));
  ROWS6(SPILL)
  store_edge(t, 2 * W, c, ldc, h, w, alpha, beta);
}
#undef V
#undef W
#undef ZERO
#undef BCAST
#undef FMADD
#undef MUL
#undef ADD
#undef LOAD
#undef LOADU
#undef STORE
#undef STOREU
#undef SET1

/* AVX-512F: 12 x 32 tile, 24 zmm accumulators. */
#define V __m512
#define W 16
#define ZERO _mm512_setzero_ps
#define BCAST(p) _mm512_set1_ps(*(p))
#define FMADD _mm512_fmadd_ps
#define MUL _mm512_mul_ps
#define ADD _mm512_add_ps
#define LOAD _mm512_load_ps
#define LOADU _mm512_loadu_ps
#define STORE _mm512_store_ps
#define STOREU _mm512_storeu_ps
#define SET1 _mm512_set1_ps
#define ROWS12(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11)
__attribute__((target("avx512f"))) static void kernel_avx512(int kc, const float *a, const float *b, float *c,
                                                              size_t ldc, int h, int w, float alpha,
                                                              float beta) {
  ROWS12(ZROW)
  for (int q = 0; q < kc; q++) {
    V b0 = LOAD(b);
    V b1 = LOAD(b + W);
    ROWS12(FMA2)
    a += 12;
    b += 2 * W;
  }
  V va = SET1(alpha);
  if (h == 12 && w == 2 * W) {
    if (beta == 0.0f) {
      ROWS12(PUT0)
    } else {
      V vb = SET1(beta);
      ROWS12(PUTB)
    }
    return;
  }
  float t[12 * 2 * W] __attribute__((aligned(64)));
  ROWS12(SPILL)
  store_edge(t, 2 * W, c, ldc, h, w, alpha, beta);
}
#undef V
#undef W
#undef ZERO
#undef BCAST
#undef FMADD
#undef MUL
#undef ADD
#undef LOAD
#undef LOADU
#undef STORE
#undef STOREU
#undef SET1

/* Scalar stand-in with the AVX-512 tile shape (12 x 32) and the same per-element arithmetic
 * (one fused multiply-add per k, in order): lets a machine without AVX-512 test the packing,
 * blocking, edge and threading paths that the 12 x 32 tile takes. Slow; for tests only. */
__attribute__((target("avx2,fma"))) static void kernel_emul512(int kc, const float *a, const float *b, float *c,
                                                               size_t ldc, int h, int w, float alpha,
                                                               float beta) {
  float t[12 * 32];
  memset(t, 0, sizeof t);
  for (int q = 0; q < kc; q++, a += 12, b += 32)
    for (int r = 0; r < 12; r++)
      for (int j = 0; j < 32; j++) t[r * 32 + j] = fmaf(a[r], b[j], t[r * 32 + j]);
  store_edge(t, 32, c, ldc, h, w, alpha, beta);
}

/* ---- dot-product kernel for C = A B^T with few rows ------------------------------------------ */

/* Forward passes multiply a small batch X (m x k) by W^T with W stored n x k: both operands are
 * contiguous along k, so C[i][j] = dot(A[i,:], B[j,:]) needs no packing (packing W^T costs as much
 * as the product when m is small). A 3 x 4 block of dot products keeps 12 ymm accumulators; each
 * element sums lanes l = q mod 8 in q order with FMA (the k tail through a masked load), then
 * reduces its 8 lanes in one fixed pairwise order: the order depends on k only. */

#define DOT_MAX_M 64

__attribute__((target("avx2,fma"), always_inline)) static inline float hsum8(__m256 v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_shuffle_ps(x, x, 1));
  return _mm_cvtss_f32(x);
}

__attribute__((target("avx2,fma"), always_inline)) static inline void dot_tile(
    const int h, const int w, int k, const float *a, size_t lda, const float *b, size_t ldb, float *c,
    size_t ldc, float alpha, float beta, __m256i tail) {
  __m256 acc[3][4];
  for (int i = 0; i < h; i++)
    for (int j = 0; j < w; j++) acc[i][j] = _mm256_setzero_ps();
  int q = 0;
  for (; q + 8 <= k; q += 8) {
    __m256 bv[4];
    for (int j = 0; j < w; j++) bv[j] = _mm256_loadu_ps(b + (size_t)j * ldb + q);
    for (int i = 0; i < h; i++) {
      __m256 av = _mm256_loadu_ps(a + (size_t)i * lda + q);
      for (int j = 0; j < w; j++) acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
    }
  }
  if (q < k) {
    __m256 bv[4];
    for (int j = 0; j < w; j++) bv[j] = _mm256_maskload_ps(b + (size_t)j * ldb + q, tail);
    for (int i = 0; i < h; i++) {
      __m256 av = _mm256_maskload_ps(a + (size_t)i * lda + q, tail);
      for (int j = 0; j < w; j++) acc[i][j] = _mm256_fmadd_ps(av, bv[j], acc[i][j]);
    }
  }
  for (int i = 0; i < h; i++)
    for (int j = 0; j < w; j++) {
      float v = alpha * hsum8(acc[i][j]);
      float *cij = c + (size_t)i * ldc + j;
      *cij = beta == 0.0f ? v : beta * *cij + v;
    }
}

/* C[i0..i1, j0..j1] for trans_a = 0, trans_b = 1 with the dot-product kernel. */
__attribute__((target("avx2,fma"))) void dot_gemm(const gemm_args *g, int i0, int i1, int j0, int j1) {
  const int k = g->k;
  const size_t lda = (size_t)k, ldb = (size_t)k, ldc = (size_t)g->n;
  int rem = k & 7;
  __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  for (int j = j0; j < j1; j += 4) {
    int w = j1 - j < 4 ? j1 - j : 4;
    const float *bj = g->b + (size_t)j * ldb;
    for (int i = i0; i < i1; i += 3) {
      int h = i1 - i < 3 ? i1 - i : 3;
      const float *ai = g->a + (size_t)i * lda;
      float *cij = g->c + (size_t)i * ldc + j;
      if (h == 3 && w == 4) dot_tile(3, 4, k, ai, lda, bj, ldb, cij, ldc, g->alpha, g->beta, tail);
      else dot_tile(h, w, k, ai, lda, bj, ldb, cij, ldc, g->alpha, g->beta, tail);
    }
  }
}

/* ---- instruction sets ---------------------------------------------------------------------- */

const isa_t ISA_AVX512 = {"avx512", 12, 32, 144, 256, 3072, kernel_avx512, 0};
const isa_t ISA_EMUL512 = {"emul512", 12, 32, 144, 256, 3072, kernel_emul512, 0};
const isa_t ISA_AVX2 = {"avx2", 6, 16, 144, 256, 3072, kernel_avx2, DOT_MAX_M};

int cpu_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
int cpu_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
#else
int cpu_avx2(void) { return 0; }
int cpu_avx512(void) { return 0; }
#endif
