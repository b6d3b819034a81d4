/*
 * The sgemm driver (see gemm.h): the GotoBLAS loops over blocks of C and of k around the packing
 * routines (pack.c) and the micro-kernels (microkernels.c), on one thread; pool.c splits a large
 * product between threads, each with its own workspace.
 */
#include "gemm.h"

#include <stdlib.h>

#include "microkernels.h"
#include "pack.h"

static void *aligned(size_t bytes) {
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes) != 0) return NULL;
  return p;
}

int workspace_init(workspace *ws) {
  ws->pa = (float *)aligned(sizeof(float) * (MAX_MC * MAX_KC + PACK_SLACK));
  ws->pb = (float *)aligned(sizeof(float) * MAX_KC * MAX_NC);
  return ws->pa && ws->pb;
}

void workspace_free(workspace *ws) {
  free(ws->pa);
  free(ws->pb);
}

/* C[i0..i1, j0..j1] of C = alpha op(A) op(B) + beta C. */
void gemm_block(const isa_t *isa, const gemm_args *g, int i0, int i1, int j0, int j1, workspace *ws) {
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
