/* Packing for the sgemm: see pack.h. */
#include "pack.h"

#include <string.h>

#if INITLAB_X86
/* In-register transpose of the 8 x 8 block r[0..8) (row i becomes column i). */
#define TRANSPOSE8(r)                                                                                \
  do {                                                                                               \
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);                 \
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);                 \
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);                 \
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);                 \
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);               \
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);               \
    __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);               \
    __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);               \
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);                                                     \
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);                                                     \
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);                                                     \
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);                                                     \
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);                                                     \
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);                                                     \
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);                                                     \
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);                                                     \
  } while (0)

/* Rows src[0..rows) (row stride ld, rows <= 8, the others read as zero), columns q..q+8 ->
 * out[i] = the 8 row values of column q + i. */
__attribute__((target("avx2"))) static inline void load_transposed8(const float *src, size_t ld, int rows, int q,
                                                                    __m256 *out) {
  for (int r = 0; r < 8; r++) out[r] = r < rows ? _mm256_loadu_ps(src + (size_t)r * ld + q) : _mm256_setzero_ps();
  TRANSPOSE8(out);
}
#endif

TARGET_AVX2 void pack_a(const float *a, size_t lda, int trans, int i0, int mc, int k0,
                                                   int kc, int mr, float *dst) {
  for (int p = 0; p < mc; p += mr) {
    int h = mc - p < mr ? mc - p : mr;
    float *d = dst + (size_t)p * kc;
    if (trans) {
      const float *s = a + (size_t)k0 * lda + i0 + p;
      for (int q = 0; q < kc; q++, s += lda, d += mr) {
        int r = 0;
        for (; r < h; r++) d[r] = s[r];
        for (; r < mr; r++) d[r] = 0.0f;
      }
      continue;
    }
    const float *s = a + (size_t)(i0 + p) * lda + k0;
    int q = 0;
#if INITLAB_X86
    /* 8 x 8 transposes; the 8-wide store of column q spills into the slot of q + 1 (or the next
     * panel), which is written afterwards. */
    for (; q + 8 <= kc; q += 8) {
      __m256 g[2][8];
      int groups = (mr + 7) / 8;
      for (int gi = 0; gi < groups; gi++) {
        int rows = h - gi * 8;
        load_transposed8(s + (size_t)gi * 8 * lda, lda, rows < 0 ? 0 : rows, q, g[gi]);
      }
      for (int i = 0; i < 8; i++)
        for (int gi = 0; gi < groups; gi++) _mm256_storeu_ps(d + (size_t)(q + i) * mr + gi * 8, g[gi][i]);
    }
#endif
    for (; q < kc; q++)
      for (int r = 0; r < mr; r++) d[(size_t)q * mr + r] = r < h ? s[(size_t)r * lda + q] : 0.0f;
  }
}

TARGET_AVX2 void pack_b(const float *b, size_t ldb, int trans, int k0, int kc, int j0,
                                                   int nc, int nr, float *dst) {
  if (!trans) {
    /* row by row: B is read sequentially (one page at a time), each row scattered to the panels */
    for (int q = 0; q < kc; q++) {
      const float *s = b + (size_t)(k0 + q) * ldb + j0;
      for (int p = 0; p < nc; p += nr) {
        int w = nc - p < nr ? nc - p : nr;
        float *d = dst + (size_t)p * kc + (size_t)q * nr;
        memcpy(d, s + p, sizeof(float) * (size_t)w);
        if (w < nr) memset(d + w, 0, sizeof(float) * (size_t)(nr - w));
      }
    }
    return;
  }
  for (int p = 0; p < nc; p += nr) {
    int w = nc - p < nr ? nc - p : nr;
    float *d = dst + (size_t)p * kc;
    const float *s = b + (size_t)(j0 + p) * ldb + k0;
    int q = 0;
#if INITLAB_X86
    for (; q + 8 <= kc; q += 8) {
      for (int g = 0; g < nr; g += 8) {
        __m256 t[8];
        int cols = w - g;
        load_transposed8(s + (size_t)g * ldb, ldb, cols < 0 ? 0 : cols, q, t);
        for (int i = 0; i < 8; i++) _mm256_storeu_ps(d + (size_t)(q + i) * nr + g, t[i]);
      }
    }
#endif
    for (; q < kc; q++)
      for (int col = 0; col < nr; col++) d[(size_t)q * nr + col] = col < w ? s[(size_t)col * ldb + q] : 0.0f;
  }
}
