/*
 * initlab native kernels: a Node-API addon (plain C, node_api.h) with the Backend kernels of
 * src/kernels/backend.ts on float32, row-major, dense matrices.
 *
 * sgemm, GotoBLAS style: for each NC-column block of C and each KC-deep block of k, op(B) is
 * packed into NR-column panels; for each MC-row block, op(A) is packed into MR-row panels; a
 * register-tiled MR x NR micro-kernel runs over the tiles. The pack routines absorb the
 * transposes, so one micro-kernel serves all four cases. Two micro-kernels, chosen at run time by
 * CPU detection (__builtin_cpu_supports) and compiled with per-function target attributes so the
 * binary runs on any x86-64 CPU: AVX-512F 12x32 (24 zmm accumulators) and AVX2+FMA 6x16 (12 ymm).
 *
 * Determinism: every element of C is summed in one order (q = 0..k-1 within a k-block with FMA,
 * k-blocks in order; the k-blocking depends on k only). Threads split C into blocks of whole
 * tiles, never the k-sum, so results do not depend on the thread count either.
 * The file is compiled with -ffp-contract=off: only the explicit FMAs of the kernels are fused.
 *
 * Threads: a small pthread pool per context; all threads, the calling one included, claim chunks
 * of C from a shared counter, so a worker that is slow to wake never holds up the caller.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include "elementwise.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define INITLAB_X86 1
#include <immintrin.h>
#define TARGET_AVX2 __attribute__((target("avx2")))
#else
#define INITLAB_X86 0
#define TARGET_AVX2
#endif

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
#define DOT_MIN_K 256 /* below, the 8-lane reductions cost more than packing saves */

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
__attribute__((target("avx2,fma"))) static void dot_gemm(const gemm_args *g, int i0, int i1, int j0, int j1) {
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

static const isa_t ISA_AVX512 = {"avx512", 12, 32, 144, 256, 3072, kernel_avx512, 0};
static const isa_t ISA_EMUL512 = {"emul512", 12, 32, 144, 256, 3072, kernel_emul512, 0};
static const isa_t ISA_AVX2 = {"avx2", 6, 16, 144, 256, 3072, kernel_avx2, DOT_MAX_M};

static int cpu_avx2(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
static int cpu_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
#else
static int cpu_avx2(void) { return 0; }
static int cpu_avx512(void) { return 0; }
#endif

/* ---- packing ------------------------------------------------------------------------------ */

#define PACK_SLACK 8 /* floats past the end of the packed-A buffer that pack_a may scribble on */

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

/* op(A)(i0.., k0..) (mc x kc) -> MR-row panels: dst[p][q][r]; zero rows past the edge.
 * trans = 0: A stored m x k (op(A)(i,q) = a[i*lda + q]); trans = 1: stored k x m.
 * dst needs PACK_SLACK spare floats at the end. */
TARGET_AVX2 static void pack_a(const float *a, size_t lda, int trans, int i0, int mc, int k0,
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

/* op(B)(k0.., j0..) (kc x nc) -> NR-column panels: dst[p][q][c]; zero columns past the edge.
 * trans = 0: B stored k x n (op(B)(q,j) = b[q*ldb + j]); trans = 1: stored n x k. */
TARGET_AVX2 static void pack_b(const float *b, size_t ldb, int trans, int k0, int kc, int j0,
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

/* ---- gemm driver -------------------------------------------------------------------------- */


typedef struct {
  float *pa, *pb; /* packed A block (MC x KC), packed B block (KC x NC), 64-byte aligned */
} workspace;

/* C[i0..i1, j0..j1] of C = alpha op(A) op(B) + beta C. */
static void gemm_block(const isa_t *isa, const gemm_args *g, int i0, int i1, int j0, int j1, workspace *ws) {
  const int mr = isa->mr, nr = isa->nr;
  const size_t lda = g->trans_a ? (size_t)g->m : (size_t)g->k;
  const size_t ldb = g->trans_b ? (size_t)g->k : (size_t)g->n;
  const size_t ldc = (size_t)g->n;
  const int k = g->k;
#if INITLAB_X86
  /* decided by the whole product's shape: every part of a threaded product takes the same path */
  if (!g->trans_a && g->trans_b && g->m <= isa->dot_max_m && g->k >= DOT_MIN_K) {
    dot_gemm(g, i0, i1, j0, j1);
    return;
  }
#endif
  const int nkb = (k + isa->kc - 1) / isa->kc;
  const int kcb = (k + nkb - 1) / nkb; /* k-blocks of nearly equal depth, fixed by k alone */
  for (int jc = j0; jc < j1; jc += isa->nc) {
    int nc = j1 - jc < isa->nc ? j1 - jc : isa->nc;
    for (int pc = 0; pc < k; pc += kcb) {
      int kc = k - pc < kcb ? k - pc : kcb;
      float beta = pc == 0 ? g->beta : 1.0f;
      pack_b(g->b, ldb, g->trans_b, pc, kc, jc, nc, nr, ws->pb);
      for (int ic = i0; ic < i1; ic += isa->mc) {
        int mc = i1 - ic < isa->mc ? i1 - ic : isa->mc;
        pack_a(g->a, lda, g->trans_a, ic, mc, pc, kc, mr, ws->pa);
        for (int jr = 0; jr < nc; jr += nr) {
          int w = nc - jr < nr ? nc - jr : nr;
          const float *bp = ws->pb + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += mr) {
            int h = mc - ir < mr ? mc - ir : mr;
            float *cp = g->c + (size_t)(ic + ir) * ldc + jc + jr;
            isa->kernel(kc, ws->pa + (size_t)ir * kc, bp, cp, ldc, h, w, g->alpha, beta);
          }
        }
      }
    }
  }
}

/* ---- thread pool -------------------------------------------------------------------------- */

/* C is cut into `parts` chunks of whole tiles along its longer side. Every thread, the calling
 * one included, claims chunks with a compare-and-swap on `next` (job generation in the high 32
 * bits, chunk index in the low 32) and reads the job only after a successful claim, so a worker
 * that wakes late either helps with the current job or finds nothing left; it never blocks the
 * caller, which does any chunk nobody has claimed (on a busy machine it may do them all). */

#define SPIN_ITERS 4000

typedef struct ctx ctx_t;

typedef struct {
  ctx_t *ctx;
  int id;
} worker_arg;

struct ctx {
  const isa_t *isa;
  int threads;
  workspace *ws; /* one per thread */
  pthread_t *tid;
  worker_arg *args;
  pthread_mutex_t mu;
  pthread_cond_t cv_job, cv_done;
  atomic_uint gen;         /* job generation: workers sleep until it changes */
  atomic_ullong next;      /* (generation << 32) | next unclaimed chunk */
  atomic_int done;         /* chunks finished in the current job */
  int quit;
  /* the current job, written before `next` is published */
  gemm_args job;
  int parts, by_cols, units, unit, len;
};

static void run_part(ctx_t *x, int t, workspace *ws) {
  long u0 = (long)t * x->units / x->parts, u1 = (long)(t + 1) * x->units / x->parts;
  int lo = (int)(u0 * x->unit < x->len ? u0 * x->unit : x->len);
  int hi = (int)(u1 * x->unit < x->len ? u1 * x->unit : x->len);
  if (x->by_cols) gemm_block(x->isa, &x->job, 0, x->job.m, lo, hi, ws);
  else gemm_block(x->isa, &x->job, lo, hi, 0, x->job.n, ws);
}

/* Claims and runs chunks of job `gen` until none is left. */
static void run_chunks(ctx_t *x, unsigned gen, workspace *ws) {
  for (;;) {
    unsigned long long v = atomic_load_explicit(&x->next, memory_order_acquire);
    if ((unsigned)(v >> 32) != gen) return;
    int idx = (int)(v & 0xffffffffu);
    if (idx >= x->parts) return; /* a stale read of parts only ends the loop early */
    if (!atomic_compare_exchange_weak_explicit(&x->next, &v, v + 1, memory_order_acq_rel, memory_order_acquire))
      continue;
    int parts = x->parts; /* read before counting the chunk done: then the caller may move on */
    run_part(x, idx, ws);
    if (atomic_fetch_add_explicit(&x->done, 1, memory_order_acq_rel) + 1 == parts) {
      pthread_mutex_lock(&x->mu);
      pthread_cond_signal(&x->cv_done);
      pthread_mutex_unlock(&x->mu);
    }
  }
}

static inline void cpu_relax(void) {
#if INITLAB_X86
  _mm_pause();
#endif
}

static void *worker_main(void *p) {
  worker_arg *wa = (worker_arg *)p;
  ctx_t *x = wa->ctx;
  unsigned seen = 0;
  for (;;) {
    unsigned g;
    int spins = 0;
    while ((g = atomic_load_explicit(&x->gen, memory_order_acquire)) == seen) {
      if (++spins < SPIN_ITERS) {
        cpu_relax();
        continue;
      }
      pthread_mutex_lock(&x->mu);
      while ((g = atomic_load_explicit(&x->gen, memory_order_acquire)) == seen) pthread_cond_wait(&x->cv_job, &x->mu);
      pthread_mutex_unlock(&x->mu);
      break;
    }
    seen = g;
    if (x->quit) return NULL;
    run_chunks(x, g, &x->ws[wa->id]);
  }
}

static void *aligned(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes) != 0) return NULL;
  return p;
}

static void ctx_free(ctx_t *x) {
  if (!x) return;
  if (x->tid) {
    pthread_mutex_lock(&x->mu);
    x->quit = 1;
    atomic_fetch_add_explicit(&x->gen, 1, memory_order_release);
    pthread_cond_broadcast(&x->cv_job);
    pthread_mutex_unlock(&x->mu);
    for (int t = 1; t < x->threads; t++) pthread_join(x->tid[t], NULL);
  }
  if (x->ws)
    for (int t = 0; t < x->threads; t++) {
      free(x->ws[t].pa);
      free(x->ws[t].pb);
    }
  free(x->ws);
  free(x->tid);
  free(x->args);
  pthread_mutex_destroy(&x->mu);
  pthread_cond_destroy(&x->cv_job);
  pthread_cond_destroy(&x->cv_done);
  free(x);
}

static ctx_t *ctx_new(const isa_t *isa, int threads) {
  ctx_t *x = (ctx_t *)calloc(1, sizeof(ctx_t));
  if (!x) return NULL;
  x->isa = isa;
  x->threads = threads;
  pthread_mutex_init(&x->mu, NULL);
  pthread_cond_init(&x->cv_job, NULL);
  pthread_cond_init(&x->cv_done, NULL);
  atomic_init(&x->gen, 0);
  atomic_init(&x->next, 0);
  atomic_init(&x->done, 0);
  x->ws = (workspace *)calloc((size_t)threads, sizeof(workspace));
  if (!x->ws) goto fail;
  for (int t = 0; t < threads; t++) {
    x->ws[t].pa = (float *)aligned(sizeof(float) * (MAX_MC * MAX_KC + PACK_SLACK));
    x->ws[t].pb = (float *)aligned(sizeof(float) * MAX_KC * MAX_NC);
    if (!x->ws[t].pa || !x->ws[t].pb) goto fail;
  }
  if (threads > 1) {
    x->tid = (pthread_t *)calloc((size_t)threads, sizeof(pthread_t));
    x->args = (worker_arg *)calloc((size_t)threads, sizeof(worker_arg));
    if (!x->tid || !x->args) goto fail;
    for (int t = 1; t < threads; t++) {
      x->args[t].ctx = x;
      x->args[t].id = t;
      if (pthread_create(&x->tid[t], NULL, worker_main, &x->args[t]) != 0) {
        x->threads = t; /* join the ones started */
        goto fail;
      }
    }
  }
  return x;
fail:
  ctx_free(x);
  return NULL;
}

/* Below this many flops (2 m n k) a gemm runs on one thread: waking the others costs more. */
#define PARALLEL_MIN_FLOPS (1 << 22)

static void ctx_gemm(ctx_t *x, const gemm_args *g) {
  const isa_t *isa = x->isa;
  double flops = 2.0 * g->m * g->n * g->k;
  if (x->threads <= 1 || flops < PARALLEL_MIN_FLOPS) {
    gemm_block(isa, g, 0, g->m, 0, g->n, &x->ws[0]);
    return;
  }
  x->job = *g;
  x->by_cols = g->n >= g->m;
  x->unit = x->by_cols ? isa->nr : isa->mr;
  x->len = x->by_cols ? g->n : g->m;
  x->units = (x->len + x->unit - 1) / x->unit;
  x->parts = x->threads < x->units ? x->threads : x->units;
  if (x->parts <= 1) {
    gemm_block(isa, g, 0, g->m, 0, g->n, &x->ws[0]);
    return;
  }
  atomic_store_explicit(&x->done, 0, memory_order_relaxed);
  pthread_mutex_lock(&x->mu);
  unsigned gen = atomic_load_explicit(&x->gen, memory_order_relaxed) + 1;
  atomic_store_explicit(&x->next, (unsigned long long)gen << 32, memory_order_release);
  atomic_store_explicit(&x->gen, gen, memory_order_release);
  pthread_cond_broadcast(&x->cv_job);
  pthread_mutex_unlock(&x->mu);
  run_chunks(x, gen, &x->ws[0]);
  for (int spins = 0; atomic_load_explicit(&x->done, memory_order_acquire) < x->parts; spins++) {
    if (spins < SPIN_ITERS) {
      cpu_relax();
      continue;
    }
    pthread_mutex_lock(&x->mu);
    while (atomic_load_explicit(&x->done, memory_order_acquire) < x->parts) pthread_cond_wait(&x->cv_done, &x->mu);
    pthread_mutex_unlock(&x->mu);
    break;
  }
}

/* ---- vector kernels (exact: the same float32 operations, in the same order, as the reference) */

static void add_row_vector(float *y, const float *v, size_t rows, size_t cols) {
  for (size_t i = 0; i < rows; i++) {
    float *yi = y + i * cols;
    for (size_t j = 0; j < cols; j++) yi[j] += v[j];
  }
}

static void sum_rows(const float *x, size_t rows, size_t cols, float *out, float beta) {
  if (beta == 0.0f) memset(out, 0, sizeof(float) * cols);
  else if (beta != 1.0f)
    for (size_t j = 0; j < cols; j++) out[j] *= beta;
  for (size_t i = 0; i < rows; i++) {
    const float *xi = x + i * cols;
    for (size_t j = 0; j < cols; j++) out[j] += xi[j];
  }
}

/* ---- Node-API bindings -------------------------------------------------------------------- */

#define CHECK(call)                                                            \
  do {                                                                         \
    if ((call) != napi_ok) {                                                   \
      napi_throw_error(env, NULL, "initlab native kernels: " #call " failed"); \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

static int get_f32(napi_env env, napi_value v, size_t need, float **data, const char *what) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  napi_typedarray_type type;
  size_t length;
  void *ptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  if (length < need) {
    napi_throw_range_error(env, NULL, what);
    return 0;
  }
  *data = (float *)ptr;
  return 1;
}

/* The JS handle: dispose() frees the context at once, the finalizer frees whatever is left. */
typedef struct {
  ctx_t *ctx;
} handle_t;

static void handle_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  handle_t *hd = (handle_t *)data;
  ctx_free(hd->ctx);
  free(hd);
}

/* create(threads, isa) -> external context; isa = "avx512" | "avx2" | "emul512" (tests) */
static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t threads = 1;
  CHECK(napi_get_value_int32(env, argv[0], &threads));
  char isa_name[16] = {0};
  size_t len = 0;
  CHECK(napi_get_value_string_utf8(env, argv[1], isa_name, sizeof isa_name, &len));
  const isa_t *isa = NULL;
#if INITLAB_X86
  if (strcmp(isa_name, "avx512") == 0 && cpu_avx512() && cpu_avx2()) isa = &ISA_AVX512;
  else if (strcmp(isa_name, "avx2") == 0 && cpu_avx2()) isa = &ISA_AVX2;
  else if (strcmp(isa_name, "emul512") == 0 && cpu_avx2()) isa = &ISA_EMUL512;
#endif
  if (!isa) {
    napi_throw_error(env, NULL, "initlab native kernels: this CPU does not support the requested instruction set");
    return NULL;
  }
  if (threads < 1) threads = 1;
  if (threads > 256) threads = 256;
  ctx_t *x = ctx_new(isa, threads);
  if (!x) {
    napi_throw_error(env, NULL, "initlab native kernels: out of memory or threads");
    return NULL;
  }
  handle_t *hd = (handle_t *)malloc(sizeof(handle_t));
  napi_value ext;
  if (!hd || (hd->ctx = x, napi_create_external(env, hd, handle_finalize, NULL, &ext) != napi_ok)) {
    free(hd);
    ctx_free(x);
    napi_throw_error(env, NULL, "initlab native kernels: napi_create_external failed");
    return NULL;
  }
  return ext;
}

static handle_t *get_handle(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) {
    napi_throw_type_error(env, NULL, "initlab native kernels: not a context");
    return NULL;
  }
  return (handle_t *)p;
}

static ctx_t *get_ctx(napi_env env, napi_value v) {
  handle_t *hd = get_handle(env, v);
  if (!hd) return NULL;
  if (!hd->ctx) napi_throw_error(env, NULL, "initlab native kernels: the backend was disposed");
  return hd->ctx;
}

/* destroy(ctx): stops the threads and frees the buffers now (later calls throw) */
static napi_value js_destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  handle_t *hd = get_handle(env, argv[0]);
  if (!hd) return NULL;
  ctx_free(hd->ctx);
  hd->ctx = NULL;
  return NULL;
}

/* gemm(ctx, transA, transB, m, n, k, alpha, a, b, beta, c) */
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 11) {
    napi_throw_type_error(env, NULL, "gemm: 11 arguments expected");
    return NULL;
  }
  ctx_t *x = get_ctx(env, argv[0]);
  if (!x) return NULL;
  bool ta, tb;
  int32_t m, n, k;
  double alpha, beta;
  CHECK(napi_get_value_bool(env, argv[1], &ta));
  CHECK(napi_get_value_bool(env, argv[2], &tb));
  CHECK(napi_get_value_int32(env, argv[3], &m));
  CHECK(napi_get_value_int32(env, argv[4], &n));
  CHECK(napi_get_value_int32(env, argv[5], &k));
  CHECK(napi_get_value_double(env, argv[6], &alpha));
  CHECK(napi_get_value_double(env, argv[9], &beta));
  if (m <= 0 || n <= 0) return NULL;
  float *a = NULL, *b = NULL, *c = NULL;
  if (!get_f32(env, argv[10], (size_t)m * n, &c, "gemm: c must be a Float32Array of at least m*n elements"))
    return NULL;
  if (k <= 0 || alpha == 0.0) {
    size_t mn = (size_t)m * n;
    if (beta == 0.0) memset(c, 0, sizeof(float) * mn);
    else if (beta != 1.0)
      for (size_t i = 0; i < mn; i++) c[i] *= (float)beta;
    return NULL;
  }
  if (!get_f32(env, argv[7], (size_t)m * k, &a, "gemm: a must be a Float32Array of at least m*k elements")) return NULL;
  if (!get_f32(env, argv[8], (size_t)k * n, &b, "gemm: b must be a Float32Array of at least k*n elements")) return NULL;
  gemm_args g = {ta, tb, m, n, k, (float)alpha, (float)beta, a, b, c};
  ctx_gemm(x, &g);
  return NULL;
}

/* addRowVector(y, v, rows, cols) */
static napi_value js_add_row_vector(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t rows, cols;
  CHECK(napi_get_value_int32(env, argv[2], &rows));
  CHECK(napi_get_value_int32(env, argv[3], &cols));
  if (rows <= 0 || cols <= 0) return NULL;
  float *y, *v;
  if (!get_f32(env, argv[0], (size_t)rows * cols, &y, "addRowVector: y must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[1], (size_t)cols, &v, "addRowVector: v must be a Float32Array of cols")) return NULL;
  add_row_vector(y, v, (size_t)rows, (size_t)cols);
  return NULL;
}

/* sumRows(x, rows, cols, out, beta) */
static napi_value js_sum_rows(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t rows, cols;
  double beta;
  CHECK(napi_get_value_int32(env, argv[1], &rows));
  CHECK(napi_get_value_int32(env, argv[2], &cols));
  CHECK(napi_get_value_double(env, argv[4], &beta));
  if (cols <= 0) return NULL;
  if (rows < 0) rows = 0;
  float *x, *out;
  if (!get_f32(env, argv[0], (size_t)rows * cols, &x, "sumRows: x must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[3], (size_t)cols, &out, "sumRows: out must be a Float32Array of cols")) return NULL;
  sum_rows(x, (size_t)rows, (size_t)cols, out, (float)beta);
  return NULL;
}

/* Reads argv[i] as a double / int32 (the CHECK macro returns NULL on failure). */
#define ARG_F64(i, var) \
  double var;           \
  CHECK(napi_get_value_double(env, argv[i], &var))
#define ARG_I32(i, var) \
  int32_t var;          \
  CHECK(napi_get_value_int32(env, argv[i], &var))

static napi_value make_double(napi_env env, double x) {
  napi_value r;
  if (napi_create_double(env, x, &r) != napi_ok) return NULL;
  return r;
}

/* biasActivation(z, b, a, rows, cols, act, param) */
static napi_value js_bias_activation(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(3, rows);
  ARG_I32(4, cols);
  ARG_I32(5, act);
  ARG_F64(6, param);
  if (act < 0 || act >= ACT_COUNT) {
    napi_throw_range_error(env, NULL, "biasActivation: unknown activation code");
    return NULL;
  }
  if (rows <= 0 || cols <= 0) return NULL;
  size_t n = (size_t)rows * cols;
  float *z, *b, *a;
  if (!get_f32(env, argv[0], n, &z, "biasActivation: z must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[1], (size_t)cols, &b, "biasActivation: b must be a Float32Array of cols")) return NULL;
  if (!get_f32(env, argv[2], n, &a, "biasActivation: a must be a Float32Array of rows*cols")) return NULL;
  ew_bias_activation(z, b, a, (size_t)rows, (size_t)cols, act, param);
  return NULL;
}

/* activationBackward(z, a, dA, dZ, n, act, param) */
static napi_value js_activation_backward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(4, n);
  ARG_I32(5, act);
  ARG_F64(6, param);
  if (act < 0 || act >= ACT_COUNT) {
    napi_throw_range_error(env, NULL, "activationBackward: unknown activation code");
    return NULL;
  }
  if (n <= 0) return NULL;
  float *z, *a, *da, *dz;
  if (!get_f32(env, argv[0], (size_t)n, &z, "activationBackward: z must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[1], (size_t)n, &a, "activationBackward: a must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[2], (size_t)n, &da, "activationBackward: dA must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[3], (size_t)n, &dz, "activationBackward: dZ must be a Float32Array of n")) return NULL;
  ew_activation_backward(z, a, da, dz, (size_t)n, act, param);
  return NULL;
}

/* sumSquares(x, n) -> number */
static napi_value js_sum_squares(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(1, n);
  if (n <= 0) return make_double(env, 0);
  float *x;
  if (!get_f32(env, argv[0], (size_t)n, &x, "sumSquares: x must be a Float32Array of n")) return NULL;
  return make_double(env, ew_sum_squares(x, (size_t)n));
}

/* shiftedSums(x, n, shift, out: Float64Array(2)) */
static napi_value js_shifted_sums(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(1, n);
  ARG_F64(2, shift);
  bool is_ta = false;
  napi_typedarray_type type;
  size_t len = 0;
  void *out = NULL;
  if (napi_is_typedarray(env, argv[3], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[3], &type, &len, &out, NULL, NULL) != napi_ok ||
      type != napi_float64_array || len < 2) {
    napi_throw_type_error(env, NULL, "shiftedSums: out must be a Float64Array of 2");
    return NULL;
  }
  double r[2] = {0, 0};
  if (n > 0) {
    float *x;
    if (!get_f32(env, argv[0], (size_t)n, &x, "shiftedSums: x must be a Float32Array of n")) return NULL;
    ew_shifted_sums(x, (size_t)n, shift, r);
  }
  ((double *)out)[0] = r[0];
  ((double *)out)[1] = r[1];
  return NULL;
}

/* A typed array of the given type with at least `need` elements, or a thrown TypeError. */
static void *get_typed(napi_env env, napi_value v, napi_typedarray_type want, size_t need, const char *what) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &type, &len, &data, NULL, NULL) != napi_ok || type != want || len < need) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  static int32_t empty; /* an empty array: a non-NULL pointer that is never read */
  return data ? data : (void *)&empty;
}

/* countLinearBins(x, n, lo, invWidth, bins, counts: Int32Array(bins + 3)) */
static napi_value js_count_linear_bins(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(1, n);
  ARG_F64(2, lo);
  ARG_F64(3, inv);
  ARG_I32(4, bins);
  if (bins < 1 || n < 0) {
    napi_throw_range_error(env, NULL, "countLinearBins: bins must be >= 1 and n >= 0");
    return NULL;
  }
  int32_t *counts = get_typed(env, argv[5], napi_int32_array, (size_t)bins + 3, "countLinearBins: counts must be an Int32Array of bins + 3");
  if (!counts) return NULL;
  float *x = NULL;
  if (n > 0 && !get_f32(env, argv[0], (size_t)n, &x, "countLinearBins: x must be a Float32Array of n")) return NULL;
  ew_count_linear_bins(x, (size_t)n, lo, inv, bins, counts);
  return NULL;
}

/* countCellBins(x, n, cell: Int8Array(1 << 14), edgeBits: Int32Array(bins + 1), bins, counts: Int32Array(bins + 4)) */
static napi_value js_count_cell_bins(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(1, n);
  ARG_I32(4, bins);
  if (bins < 1 || bins > 126 || n < 0) {
    napi_throw_range_error(env, NULL, "countCellBins: bins must be in 1..126 and n >= 0");
    return NULL;
  }
  int8_t *cell = get_typed(env, argv[2], napi_int8_array, (size_t)1 << 14, "countCellBins: cell must be an Int8Array of 16384");
  if (!cell) return NULL;
  int32_t *edges = get_typed(env, argv[3], napi_int32_array, (size_t)bins + 1, "countCellBins: edgeBits must be an Int32Array of bins + 1");
  if (!edges) return NULL;
  int32_t *counts = get_typed(env, argv[5], napi_int32_array, (size_t)bins + 4, "countCellBins: counts must be an Int32Array of bins + 4");
  if (!counts) return NULL;
  /* the entries of cell must lie in -2..bins + 1: the loader (native-backend.ts) checks each table once */
  float *x = NULL;
  if (n > 0 && !get_f32(env, argv[0], (size_t)n, &x, "countCellBins: x must be a Float32Array of n")) return NULL;
  ew_count_cell_bins(x, (size_t)n, cell, edges, bins, counts);
  return NULL;
}

/* sgdStep(w, g, v | null, n, lr, momentum, weightDecay, nesterov, first) -> sum of squared updates */
static napi_value js_sgd_step(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(3, n);
  ARG_F64(4, lr);
  ARG_F64(5, mu);
  ARG_F64(6, wd);
  bool nesterov, first;
  CHECK(napi_get_value_bool(env, argv[7], &nesterov));
  CHECK(napi_get_value_bool(env, argv[8], &first));
  if (n <= 0) return make_double(env, 0);
  float *w, *g, *v = NULL;
  if (!get_f32(env, argv[0], (size_t)n, &w, "sgdStep: w must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[1], (size_t)n, &g, "sgdStep: grad must be a Float32Array of n")) return NULL;
  napi_valuetype vt;
  CHECK(napi_typeof(env, argv[2], &vt));
  if (vt != napi_null && !get_f32(env, argv[2], (size_t)n, &v, "sgdStep: v must be null or a Float32Array of n"))
    return NULL;
  return make_double(env, ew_sgd_step(w, g, v, (size_t)n, lr, mu, wd, nesterov, first));
}

/* adamStep(w, g, m, v, n, lr, beta1, beta2, eps, weightDecay, c1, c2) -> sum of squared updates */
static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  ARG_I32(4, n);
  ARG_F64(5, lr);
  ARG_F64(6, b1);
  ARG_F64(7, b2);
  ARG_F64(8, eps);
  ARG_F64(9, wd);
  ARG_F64(10, c1);
  ARG_F64(11, c2);
  if (n <= 0) return make_double(env, 0);
  float *w, *g, *m, *v;
  if (!get_f32(env, argv[0], (size_t)n, &w, "adamStep: w must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[1], (size_t)n, &g, "adamStep: grad must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[2], (size_t)n, &m, "adamStep: m must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[3], (size_t)n, &v, "adamStep: v must be a Float32Array of n")) return NULL;
  return make_double(env, ew_adam_step(w, g, m, v, (size_t)n, lr, b1, b2, eps, wd, c1, c2));
}

/* cpu() -> { avx2: boolean (with FMA), avx512f: boolean, x86: boolean } */
static napi_value js_cpu(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_get_boolean(env, cpu_avx2(), &v));
  CHECK(napi_set_named_property(env, obj, "avx2", v));
  CHECK(napi_get_boolean(env, cpu_avx512(), &v));
  CHECK(napi_set_named_property(env, obj, "avx512f", v));
  CHECK(napi_get_boolean(env, INITLAB_X86, &v));
  CHECK(napi_set_named_property(env, obj, "x86", v));
  return obj;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, js_create, NULL, NULL, NULL, napi_default, NULL},
      {"destroy", NULL, js_destroy, NULL, NULL, NULL, napi_default, NULL},
      {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_default, NULL},
      {"addRowVector", NULL, js_add_row_vector, NULL, NULL, NULL, napi_default, NULL},
      {"sumRows", NULL, js_sum_rows, NULL, NULL, NULL, napi_default, NULL},
      {"biasActivation", NULL, js_bias_activation, NULL, NULL, NULL, napi_default, NULL},
      {"activationBackward", NULL, js_activation_backward, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, js_sum_squares, NULL, NULL, NULL, napi_default, NULL},
      {"shiftedSums", NULL, js_shifted_sums, NULL, NULL, NULL, napi_default, NULL},
      {"countLinearBins", NULL, js_count_linear_bins, NULL, NULL, NULL, napi_default, NULL},
      {"countCellBins", NULL, js_count_cell_bins, NULL, NULL, NULL, napi_default, NULL},
      {"sgdStep", NULL, js_sgd_step, NULL, NULL, NULL, napi_default, NULL},
      {"adamStep", NULL, js_adam_step, NULL, NULL, NULL, napi_default, NULL},
      {"cpu", NULL, js_cpu, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
