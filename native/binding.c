/*
 * initlab native kernels: a Node-API addon (plain C, node_api.h) with the Backend kernels of
 * src/kernels/backend.ts on float32, row-major, dense matrices. This file is the glue: argument
 * checks (TypeError, RangeError) and calls into gemm (pool.c, gemm.c, pack.c, microkernels.c), the
 * vector kernels (vector.c), the element-wise ones (elementwise.c) and normalization (norm.c). Loader:
 * src/kernels/native-backend.ts.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "elementwise.h"
#include "microkernels.h"
#include "norm.h"
#include "pool.h"
#include "vector.h"

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
  /* the entries of cell must lie in -2..bins + 1: the loader (fast-path-backend.ts) checks each table once */
  float *x = NULL;
  if (n > 0 && !get_f32(env, argv[0], (size_t)n, &x, "countCellBins: x must be a Float32Array of n")) return NULL;
  ew_count_cell_bins(x, (size_t)n, cell, edges, bins, counts);
  return NULL;
}

/* sgdStep(w, g, v | null, n, lr, momentum, weightDecay, nesterov, first, l1) -> sum of squared updates */
static napi_value js_sgd_step(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) {
    napi_throw_type_error(env, NULL, "sgdStep: 10 arguments expected");
    return NULL;
  }
  ARG_I32(3, n);
  ARG_F64(4, lr);
  ARG_F64(5, mu);
  ARG_F64(6, wd);
  ARG_F64(9, l1);
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
  return make_double(env, ew_sgd_step(w, g, v, (size_t)n, lr, mu, wd, l1, nesterov, first));
}

/* adamStep(w, g, m, v, n, lr, beta1, beta2, eps, weightDecay, c1, c2, l1) -> sum of squared updates */
static napi_value js_adam_step(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 13) {
    napi_throw_type_error(env, NULL, "adamStep: 13 arguments expected");
    return NULL;
  }
  ARG_I32(4, n);
  ARG_F64(5, lr);
  ARG_F64(6, b1);
  ARG_F64(7, b2);
  ARG_F64(8, eps);
  ARG_F64(9, wd);
  ARG_F64(10, c1);
  ARG_F64(11, c2);
  ARG_F64(12, l1);
  if (n <= 0) return make_double(env, 0);
  float *w, *g, *m, *v;
  if (!get_f32(env, argv[0], (size_t)n, &w, "adamStep: w must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[1], (size_t)n, &g, "adamStep: grad must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[2], (size_t)n, &m, "adamStep: m must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[3], (size_t)n, &v, "adamStep: v must be a Float32Array of n")) return NULL;
  return make_double(env, ew_adam_step(w, g, m, v, (size_t)n, lr, b1, b2, eps, wd, l1, c1, c2));
}

/* residualForward(src, z, alpha, s, n) */
static napi_value js_residual_forward(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "residualForward: 5 arguments expected");
    return NULL;
  }
  ARG_F64(2, alpha);
  ARG_I32(4, n);
  if (n <= 0) return NULL;
  float *src, *z, *s;
  if (!get_f32(env, argv[0], (size_t)n, &src, "residualForward: src must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[1], (size_t)n, &z, "residualForward: z must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[3], (size_t)n, &s, "residualForward: s must be a Float32Array of n")) return NULL;
  ew_residual_forward(src, z, alpha, s, (size_t)n);
  return NULL;
}

/* normActivationBackward(dh, u, h, act, param, du, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis, skip | null) */
static napi_value js_norm_activation_backward(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 16) {
    napi_throw_type_error(env, NULL, "normActivationBackward: 16 arguments expected");
    return NULL;
  }
  ARG_I32(3, act);
  ARG_F64(4, param);
  ARG_I32(12, rows);
  ARG_I32(13, cols);
  ARG_I32(14, axis);
  if (axis != NORM_BATCH && axis != NORM_FEATURES) {
    napi_throw_range_error(env, NULL, "normActivationBackward: unknown axis code");
    return NULL;
  }
  if (act < 0 || act >= ACT_COUNT) {
    napi_throw_range_error(env, NULL, "normActivationBackward: unknown activation code");
    return NULL;
  }
  if (rows <= 0 || cols <= 0) return NULL;
  size_t n = (size_t)rows * cols, groups = axis == NORM_BATCH ? (size_t)cols : (size_t)rows;
  float *dh, *u, *h, *du, *xhat, *gamma, *inv, *dx, *dgamma, *dbeta, *skip = NULL;
  const char *m = "normActivationBackward: dh, u, h, du, xhat, dx must be Float32Arrays of rows*cols";
  if (!get_f32(env, argv[0], n, &dh, m) || !get_f32(env, argv[1], n, &u, m) || !get_f32(env, argv[2], n, &h, m) ||
      !get_f32(env, argv[5], n, &du, m) || !get_f32(env, argv[6], n, &xhat, m) || !get_f32(env, argv[9], n, &dx, m))
    return NULL;
  if (!get_f32(env, argv[7], (size_t)cols, &gamma, "normActivationBackward: gamma must be a Float32Array of cols"))
    return NULL;
  if (!get_f32(env, argv[8], groups, &inv, "normActivationBackward: invStd must be a Float32Array of one per group"))
    return NULL;
  if (!get_f32(env, argv[10], (size_t)cols, &dgamma, "normActivationBackward: dGamma must be a Float32Array of cols"))
    return NULL;
  if (!get_f32(env, argv[11], (size_t)cols, &dbeta, "normActivationBackward: dBeta must be a Float32Array of cols"))
    return NULL;
  napi_valuetype vt;
  CHECK(napi_typeof(env, argv[15], &vt));
  if (vt != napi_null &&
      !get_f32(env, argv[15], n, &skip, "normActivationBackward: skip must be null or a Float32Array of rows*cols"))
    return NULL;
  norm_activation_backward(dh, u, h, act, param, du, xhat, gamma, inv, dx, dgamma, dbeta, (size_t)rows, (size_t)cols,
                           axis, skip);
  return NULL;
}

/* biasResidualForward(src, z, b, alpha, s, rows, cols) */
static napi_value js_bias_residual_forward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 7) {
    napi_throw_type_error(env, NULL, "biasResidualForward: 7 arguments expected");
    return NULL;
  }
  ARG_F64(3, alpha);
  ARG_I32(5, rows);
  ARG_I32(6, cols);
  if (rows <= 0 || cols <= 0) return NULL;
  size_t n = (size_t)rows * cols;
  float *src, *z, *b, *s;
  if (!get_f32(env, argv[0], n, &src, "biasResidualForward: src must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[1], n, &z, "biasResidualForward: z must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[2], (size_t)cols, &b, "biasResidualForward: b must be a Float32Array of cols")) return NULL;
  if (!get_f32(env, argv[4], n, &s, "biasResidualForward: s must be a Float32Array of rows*cols")) return NULL;
  ew_bias_residual(src, z, b, alpha, s, (size_t)rows, (size_t)cols);
  return NULL;
}

/* residualBackward(dS, skipGrad | null, z, alpha, dZ, n) -> dL/dalpha */
static napi_value js_residual_backward(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    napi_throw_type_error(env, NULL, "residualBackward: 6 arguments expected");
    return NULL;
  }
  ARG_F64(3, alpha);
  ARG_I32(5, n);
  if (n <= 0) return make_double(env, 0);
  float *ds, *t = NULL, *z, *dz;
  if (!get_f32(env, argv[0], (size_t)n, &ds, "residualBackward: dS must be a Float32Array of n")) return NULL;
  napi_valuetype vt;
  CHECK(napi_typeof(env, argv[1], &vt));
  if (vt != napi_null &&
      !get_f32(env, argv[1], (size_t)n, &t, "residualBackward: skipGrad must be null or a Float32Array of n"))
    return NULL;
  if (!get_f32(env, argv[2], (size_t)n, &z, "residualBackward: z must be a Float32Array of n")) return NULL;
  if (!get_f32(env, argv[4], (size_t)n, &dz, "residualBackward: dZ must be a Float32Array of n")) return NULL;
  return make_double(env, ew_residual_backward(ds, t, z, alpha, dz, (size_t)n));
}

/* normForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given); axis: NORM_BATCH | NORM_FEATURES */
static napi_value js_norm_forward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 12) {
    napi_throw_type_error(env, NULL, "normForward: 12 arguments expected");
    return NULL;
  }
  ARG_I32(5, rows);
  ARG_I32(6, cols);
  ARG_I32(7, axis);
  ARG_F64(8, eps);
  bool given;
  CHECK(napi_get_value_bool(env, argv[11], &given));
  if (axis != NORM_BATCH && axis != NORM_FEATURES) {
    napi_throw_range_error(env, NULL, "normForward: unknown axis code");
    return NULL;
  }
  if (rows <= 0 || cols <= 0) return NULL;
  size_t n = (size_t)rows * cols, groups = axis == NORM_BATCH ? (size_t)cols : (size_t)rows;
  float *x, *y, *xhat, *gamma, *beta, *mean, *inv;
  if (!get_f32(env, argv[0], n, &x, "normForward: x must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[1], n, &y, "normForward: y must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[2], n, &xhat, "normForward: xhat must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[3], (size_t)cols, &gamma, "normForward: gamma must be a Float32Array of cols")) return NULL;
  if (!get_f32(env, argv[4], (size_t)cols, &beta, "normForward: beta must be a Float32Array of cols")) return NULL;
  if (!get_f32(env, argv[9], groups, &mean, "normForward: mean must be a Float32Array of one per group")) return NULL;
  if (!get_f32(env, argv[10], groups, &inv, "normForward: invStd must be a Float32Array of one per group")) return NULL;
  norm_forward(x, y, xhat, gamma, beta, (size_t)rows, (size_t)cols, axis, eps, mean, inv, given);
  return NULL;
}

/* normActivationForward(x, y, xhat, gamma, beta, rows, cols, axis, eps, mean, invStd, given, h, act, param) */
static napi_value js_norm_activation_forward(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 15) {
    napi_throw_type_error(env, NULL, "normActivationForward: 15 arguments expected");
    return NULL;
  }
  ARG_I32(5, rows);
  ARG_I32(6, cols);
  ARG_I32(7, axis);
  ARG_F64(8, eps);
  ARG_I32(13, act);
  ARG_F64(14, param);
  bool given;
  CHECK(napi_get_value_bool(env, argv[11], &given));
  if (axis != NORM_BATCH && axis != NORM_FEATURES) {
    napi_throw_range_error(env, NULL, "normActivationForward: unknown axis code");
    return NULL;
  }
  if (act < 0 || act >= ACT_COUNT) {
    napi_throw_range_error(env, NULL, "normActivationForward: unknown activation code");
    return NULL;
  }
  if (rows <= 0 || cols <= 0) return NULL;
  size_t n = (size_t)rows * cols, groups = axis == NORM_BATCH ? (size_t)cols : (size_t)rows;
  float *x, *y, *xhat, *gamma, *beta, *mean, *inv, *h;
  if (!get_f32(env, argv[0], n, &x, "normActivationForward: x must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[1], n, &y, "normActivationForward: y must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[2], n, &xhat, "normActivationForward: xhat must be a Float32Array of rows*cols"))
    return NULL;
  if (!get_f32(env, argv[3], (size_t)cols, &gamma, "normActivationForward: gamma must be a Float32Array of cols"))
    return NULL;
  if (!get_f32(env, argv[4], (size_t)cols, &beta, "normActivationForward: beta must be a Float32Array of cols"))
    return NULL;
  if (!get_f32(env, argv[9], groups, &mean, "normActivationForward: mean must be a Float32Array of one per group"))
    return NULL;
  if (!get_f32(env, argv[10], groups, &inv, "normActivationForward: invStd must be a Float32Array of one per group"))
    return NULL;
  if (!get_f32(env, argv[12], n, &h, "normActivationForward: h must be a Float32Array of rows*cols")) return NULL;
  norm_activation_forward(x, y, xhat, gamma, beta, (size_t)rows, (size_t)cols, axis, eps, mean, inv, given, h, act,
                          param);
  return NULL;
}

/* normBackward(dy, xhat, gamma, invStd, dx, dGamma, dBeta, rows, cols, axis) */
static napi_value js_norm_backward(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 10) {
    napi_throw_type_error(env, NULL, "normBackward: 10 arguments expected");
    return NULL;
  }
  ARG_I32(7, rows);
  ARG_I32(8, cols);
  ARG_I32(9, axis);
  if (axis != NORM_BATCH && axis != NORM_FEATURES) {
    napi_throw_range_error(env, NULL, "normBackward: unknown axis code");
    return NULL;
  }
  if (rows <= 0 || cols <= 0) return NULL;
  size_t n = (size_t)rows * cols, groups = axis == NORM_BATCH ? (size_t)cols : (size_t)rows;
  float *dy, *xhat, *gamma, *inv, *dx, *dgamma, *dbeta;
  if (!get_f32(env, argv[0], n, &dy, "normBackward: dy must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[1], n, &xhat, "normBackward: xhat must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[2], (size_t)cols, &gamma, "normBackward: gamma must be a Float32Array of cols")) return NULL;
  if (!get_f32(env, argv[3], groups, &inv, "normBackward: invStd must be a Float32Array of one per group")) return NULL;
  if (!get_f32(env, argv[4], n, &dx, "normBackward: dx must be a Float32Array of rows*cols")) return NULL;
  if (!get_f32(env, argv[5], (size_t)cols, &dgamma, "normBackward: dGamma must be a Float32Array of cols")) return NULL;
  if (!get_f32(env, argv[6], (size_t)cols, &dbeta, "normBackward: dBeta must be a Float32Array of cols")) return NULL;
  norm_backward(dy, xhat, gamma, inv, dx, dgamma, dbeta, (size_t)rows, (size_t)cols, axis);
  return NULL;
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
      {"residualForward", NULL, js_residual_forward, NULL, NULL, NULL, napi_default, NULL},
      {"residualBackward", NULL, js_residual_backward, NULL, NULL, NULL, napi_default, NULL},
      {"normForward", NULL, js_norm_forward, NULL, NULL, NULL, napi_default, NULL},
      {"normBackward", NULL, js_norm_backward, NULL, NULL, NULL, napi_default, NULL},
      {"normActivationForward", NULL, js_norm_activation_forward, NULL, NULL, NULL, napi_default, NULL},
      {"biasResidualForward", NULL, js_bias_residual_forward, NULL, NULL, NULL, napi_default, NULL},
      {"normActivationBackward", NULL, js_norm_activation_backward, NULL, NULL, NULL, napi_default, NULL},
      {"cpu", NULL, js_cpu, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
