/* The thread pool: see pool.h. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* ---- thread pool -------------------------------------------------------------------------- */

/* C is cut into `parts` chunks of whole tiles along its longer side. Every thread, the calling
 * one included, claims chunks with a compare-and-swap on `next` (job generation in the high 32
 * bits, chunk index in the low 32) and reads the job only after a successful claim, so a worker
 * that wakes late either helps with the current job or finds nothing left; it never blocks the
 * caller, which does any chunk nobody has claimed (on a busy machine it may do them all). */

#define SPIN_ITERS 4000

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


void ctx_free(ctx_t *x) {
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
    for (int t = 0; t < x->threads; t++) workspace_free(&x->ws[t]);
  free(x->ws);
  free(x->tid);
  free(x->args);
  pthread_mutex_destroy(&x->mu);
  pthread_cond_destroy(&x->cv_job);
  pthread_cond_destroy(&x->cv_done);
  free(x);
}

ctx_t *ctx_new(const isa_t *isa, int threads) {
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
  for (int t = 0; t < threads; t++)
    if (!workspace_init(&x->ws[t])) goto fail;
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

void ctx_gemm(ctx_t *x, const gemm_args *g) {
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
