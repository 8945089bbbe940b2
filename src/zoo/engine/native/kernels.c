// The engine's element-wise and reduction kernels in C, beside the GEMM (gemm.c), each the twin of a
// TypeScript fallback of the same signature in src/zoo/engine/layers/ and checked against it
// (kernels.test.ts). Row-major float32 throughout; accumulations that span a row in double, so the
// results match the fallback's (which computes in double) to float32 rounding.
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "pool.h"

typedef struct { float *p; size_t n; } F32;

static int arg_f32(napi_env env, napi_value v, F32 *out, int nullable) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (nullable && (t == napi_null || t == napi_undefined)) { out->p = NULL; out->n = 0; return 1; }
  napi_typedarray_type tt; void *data; napi_value buf; size_t off, len;
  if (napi_get_typedarray_info(env, v, &tt, &len, &data, &buf, &off) != napi_ok || tt != napi_float32_array) return 0;
  out->p = (float *)data; out->n = len;
  return 1;
}

static int arg_i32(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }
static int arg_f64(napi_env env, napi_value v, double *out) { return napi_get_value_double(env, v, out) == napi_ok; }

// Argument checks: a wrong call throws a JS error naming the argument, never reads past an array.
#define ARGS(n) size_t argc = n; napi_value a[n]; napi_get_cb_info(env, info, &argc, a, NULL, NULL); \
  if (argc != n) { napi_throw_type_error(env, NULL, "kernel: wrong number of arguments"); return NULL; }
#define ARG_F(i, name, nullable) F32 name; if (!arg_f32(env, a[i], &name, nullable)) { napi_throw_type_error(env, NULL, "kernel: " #name " must be a Float32Array"); return NULL; }
#define ARG_I(i, name) int32_t name; if (!arg_i32(env, a[i], &name) || name < 0) { napi_throw_range_error(env, NULL, "kernel: " #name " must be a whole number"); return NULL; }
#define ARG_D(i, name) double name; if (!arg_f64(env, a[i], &name)) { napi_throw_type_error(env, NULL, "kernel: " #name " must be a number"); return NULL; }
#define NEED(arr, count) if ((arr).p && (arr).n < (size_t)(count)) { napi_throw_range_error(env, NULL, "kernel: " #arr " is smaller than the shapes say"); return NULL; }

// Work of this many elements or more is split between the pool's threads; below it a wake-up costs
// more than it saves (a decode step's single rows stay on one core).
#define PAR_MIN 32768
#define PAR_CHUNKS 8
static int chunks_for(size_t work) { return work >= PAR_MIN ? PAR_CHUNKS : 1; }
static size_t chunk_lo(size_t n, int chunks, int c) { return n * (size_t)c / (size_t)chunks; }
/** Chunks of whole rows: as for chunks_for(work), but never more than the rows. */
static int row_chunks(int32_t rows, size_t work) { int c = chunks_for(work); return c > rows ? (rows > 0 ? rows : 1) : c; }

static const double GELU_S = 0.7978845608028654; // sqrt(2/pi)

// tanh as a rational function of degree 13/6 on [-7.905, 7.905] and ±1 beyond (Eigen's
// generic_fast_tanh_float): no libm call, so the GELU loops vectorise. Its largest error against
// double tanh over that range is a few float32 ulps (kernels.test.ts measures it).
static inline float fast_tanhf(float x) {
  const float c = 7.90531110763549805f;
  x = x > c ? c : x;
  x = x < -c ? -c : x;
  const float x2 = x * x;
  float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = x2 * p + -8.60467152213735e-11f;
  p = x2 * p + 5.12229709037114e-08f;
  p = x2 * p + 1.48572235717979e-05f;
  p = x2 * p + 6.37261928875436e-04f;
  p = x2 * p + 4.89352455891786e-03f;
  p = x * p;
  float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = x2 * q + 2.26843463243900e-03f;
  q = x2 * q + 4.89352518554385e-03f;
  return p / q;
}

// geluForward(y, x, n, dydx | null): two loops, so each vectorises without a branch inside
typedef struct { float *y, *dx, *d; const float *x, *dy; size_t n; int chunks; } GeluJob;
static void gelu_forward_chunk(void *arg, int c, int tid) {
  (void)tid;
  GeluJob *j = (GeluJob *)arg;
  const float S = (float)GELU_S;
  size_t lo = chunk_lo(j->n, j->chunks, c), hi = chunk_lo(j->n, j->chunks, c + 1);
  float *restrict yp = j->y;
  const float *restrict xp = j->x;
  if (j->d) {
    float *restrict dp = j->d;
    for (size_t i = lo; i < hi; i++) {
      float v = xp[i];
      float t = fast_tanhf(S * (v + 0.044715f * v * v * v));
      yp[i] = 0.5f * v * (1.0f + t);
      dp[i] = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * S * (1.0f + 3.0f * 0.044715f * v * v);
    }
  } else {
    for (size_t i = lo; i < hi; i++) {
      float v = xp[i];
      float t = fast_tanhf(S * (v + 0.044715f * v * v * v));
      yp[i] = 0.5f * v * (1.0f + t);
    }
  }
}
static napi_value gelu_forward(napi_env env, napi_callback_info info) {
  ARGS(4) ARG_F(0, y, 0) ARG_F(1, x, 0) ARG_I(2, n) ARG_F(3, dydx, 1)
  NEED(y, n) NEED(x, n) NEED(dydx, n)
  GeluJob j = { .y = y.p, .d = dydx.p, .x = x.p, .n = (size_t)n, .chunks = chunks_for((size_t)n) };
  pool_run(gelu_forward_chunk, &j, j.chunks);
  return NULL;
}

// geluBackward(dx, x, dy, n, dydx | null): dx += gelu'(x)·dy
static void gelu_backward_chunk(void *arg, int c, int tid) {
  (void)tid;
  GeluJob *j = (GeluJob *)arg;
  size_t lo = chunk_lo(j->n, j->chunks, c), hi = chunk_lo(j->n, j->chunks, c + 1);
  float *restrict dx = j->dx;
  const float *restrict dy = j->dy, *restrict x = j->x;
  if (j->d) { const float *restrict d = j->d; for (size_t i = lo; i < hi; i++) dx[i] += d[i] * dy[i]; return; }
  for (size_t i = lo; i < hi; i++) {
    float v = x[i];
    float t = fast_tanhf((float)GELU_S * (v + 0.044715f * v * v * v));
    dx[i] += (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * (float)GELU_S * (1.0f + 3.0f * 0.044715f * v * v)) * dy[i];
  }
}
static napi_value gelu_backward(napi_env env, napi_callback_info info) {
  ARGS(5) ARG_F(0, dx, 0) ARG_F(1, x, 0) ARG_F(2, dy, 0) ARG_I(3, n) ARG_F(4, dydx, 1)
  NEED(dx, n) NEED(x, n) NEED(dy, n) NEED(dydx, n)
  GeluJob j = { .dx = dx.p, .d = dydx.p, .x = x.p, .dy = dy.p, .n = (size_t)n, .chunks = chunks_for((size_t)n) };
  pool_run(gelu_backward_chunk, &j, j.chunks);
  return NULL;
}

// The norms run rows in chunks. Backward's dw (and db) sum over every row: each chunk sums its rows
// in double, and the chunks' sums are added in order (a fixed number of chunks for a given shape).
typedef struct {
  float *y, *mean, *rstd, *dx; const float *x, *w, *b, *dy; int32_t BT, C; int chunks; double *part;
} NormJob;

// layernormForward(y, mean, rstd, x, w, b, BT, C)
static void layernorm_forward_chunk(void *arg, int c, int tid) {
  (void)tid;
  NormJob *j = (NormJob *)arg;
  int32_t C = j->C;
  for (size_t i = chunk_lo((size_t)j->BT, j->chunks, c); i < chunk_lo((size_t)j->BT, j->chunks, c + 1); i++) {
    const float *xi = j->x + i * C;
    float *yi = j->y + i * C;
    double m = 0;
    for (int32_t k = 0; k < C; k++) m += xi[k];
    m /= C;
    double v = 0;
    for (int32_t k = 0; k < C; k++) { double d = xi[k] - m; v += d * d; }
    double s = 1.0 / sqrt(v / C + 1e-5);
    float mf = (float)m, sf = (float)s;
    for (int32_t k = 0; k < C; k++) yi[k] = (xi[k] - mf) * sf * j->w[k] + j->b[k];
    j->mean[i] = mf;
    j->rstd[i] = sf;
  }
}
static napi_value layernorm_forward(napi_env env, napi_callback_info info) {
  ARGS(8) ARG_F(0, y, 0) ARG_F(1, mean, 0) ARG_F(2, rstd, 0) ARG_F(3, x, 0) ARG_F(4, w, 0) ARG_F(5, b, 0) ARG_I(6, BT) ARG_I(7, C)
  NEED(y, (size_t)BT * C) NEED(x, (size_t)BT * C) NEED(mean, BT) NEED(rstd, BT) NEED(w, C) NEED(b, C)
  NormJob j = { .y = y.p, .mean = mean.p, .rstd = rstd.p, .x = x.p, .w = w.p, .b = b.p, .BT = BT, .C = C, .chunks = row_chunks(BT, (size_t)BT * C) };
  pool_run(layernorm_forward_chunk, &j, j.chunks);
  return NULL;
}

// layernormBackward(dx, dw, db, dy, x, w, mean, rstd, BT, C): accumulates dx, dw, db
static void layernorm_backward_chunk(void *arg, int c, int tid) {
  (void)tid;
  NormJob *j = (NormJob *)arg;
  int32_t C = j->C;
  double *pw = j->part + (size_t)c * 2 * C, *pb = pw + C;
  for (size_t i = chunk_lo((size_t)j->BT, j->chunks, c); i < chunk_lo((size_t)j->BT, j->chunks, c + 1); i++) {
    const float *xi = j->x + i * C, *dyi = j->dy + i * C;
    float *dxi = j->dx + i * C;
    float m = j->mean[i], s = j->rstd[i];
    double gMean = 0, gxMean = 0;
    for (int32_t k = 0; k < C; k++) {
      float xh = (xi[k] - m) * s;
      float g = dyi[k] * j->w[k];
      gMean += g;
      gxMean += (double)g * xh;
    }
    // The per-element gradient in double: its three-term difference cancels, and float32 lost ~1e-6 there.
    double gm = gMean / C, gxm = gxMean / C;
    for (int32_t k = 0; k < C; k++) {
      double xh = ((double)xi[k] - m) * s;
      float d = dyi[k];
      pb[k] += d;
      pw[k] += d * xh;
      dxi[k] = (float)(dxi[k] + s * (d * (double)j->w[k] - gm - xh * gxm));
    }
  }
}
static napi_value layernorm_backward(napi_env env, napi_callback_info info) {
  ARGS(10) ARG_F(0, dx, 0) ARG_F(1, dw, 0) ARG_F(2, db, 0) ARG_F(3, dy, 0) ARG_F(4, x, 0) ARG_F(5, w, 0) ARG_F(6, mean, 0) ARG_F(7, rstd, 0) ARG_I(8, BT) ARG_I(9, C)
  NEED(dx, (size_t)BT * C) NEED(dy, (size_t)BT * C) NEED(x, (size_t)BT * C) NEED(dw, C) NEED(db, C) NEED(w, C) NEED(mean, BT) NEED(rstd, BT)
  NormJob j = { .dx = dx.p, .dy = dy.p, .x = x.p, .w = w.p, .mean = mean.p, .rstd = rstd.p, .BT = BT, .C = C, .chunks = row_chunks(BT, (size_t)BT * C) };
  j.part = calloc((size_t)j.chunks * 2 * C, sizeof(double));
  if (!j.part) { napi_throw_error(env, NULL, "layernormBackward: out of memory"); return NULL; }
  pool_run(layernorm_backward_chunk, &j, j.chunks);
  for (int c = 0; c < j.chunks; c++)
    for (int32_t k = 0; k < C; k++) { dw.p[k] = (float)(dw.p[k] + j.part[(size_t)c * 2 * C + k]); db.p[k] = (float)(db.p[k] + j.part[(size_t)c * 2 * C + C + k]); }
  free(j.part);
  return NULL;
}

// rmsnormForward(y, rstd, x, w, BT, C): y = x·rstd·w, rstd = 1/sqrt(mean(x²) + 1e-5)
static void rmsnorm_forward_chunk(void *arg, int c, int tid) {
  (void)tid;
  NormJob *j = (NormJob *)arg;
  int32_t C = j->C;
  for (size_t i = chunk_lo((size_t)j->BT, j->chunks, c); i < chunk_lo((size_t)j->BT, j->chunks, c + 1); i++) {
    const float *xi = j->x + i * C;
    float *yi = j->y + i * C;
    double ss = 0;
    for (int32_t k = 0; k < C; k++) ss += (double)xi[k] * xi[k];
    float sf = (float)(1.0 / sqrt(ss / C + 1e-5));
    for (int32_t k = 0; k < C; k++) yi[k] = xi[k] * sf * j->w[k];
    j->rstd[i] = sf;
  }
}
static napi_value rmsnorm_forward(napi_env env, napi_callback_info info) {
  ARGS(6) ARG_F(0, y, 0) ARG_F(1, rstd, 0) ARG_F(2, x, 0) ARG_F(3, w, 0) ARG_I(4, BT) ARG_I(5, C)
  NEED(y, (size_t)BT * C) NEED(x, (size_t)BT * C) NEED(rstd, BT) NEED(w, C)
  NormJob j = { .y = y.p, .rstd = rstd.p, .x = x.p, .w = w.p, .BT = BT, .C = C, .chunks = row_chunks(BT, (size_t)BT * C) };
  pool_run(rmsnorm_forward_chunk, &j, j.chunks);
  return NULL;
}

// rmsnormBackward(dx, dw, dy, x, w, rstd, BT, C): accumulates dx, dw
static void rmsnorm_backward_chunk(void *arg, int c, int tid) {
  (void)tid;
  NormJob *j = (NormJob *)arg;
  int32_t C = j->C;
  double *pw = j->part + (size_t)c * C;
  for (size_t i = chunk_lo((size_t)j->BT, j->chunks, c); i < chunk_lo((size_t)j->BT, j->chunks, c + 1); i++) {
    const float *xi = j->x + i * C, *dyi = j->dy + i * C;
    float *dxi = j->dx + i * C;
    double s = j->rstd[i], gx = 0;
    for (int32_t k = 0; k < C; k++) gx += (double)dyi[k] * j->w[k] * xi[k] * s;
    gx /= C;
    for (int32_t k = 0; k < C; k++) {
      double xh = (double)xi[k] * s;
      float d = dyi[k];
      pw[k] += d * xh;
      dxi[k] = (float)(dxi[k] + s * (d * (double)j->w[k] - xh * gx));
    }
  }
}
static napi_value rmsnorm_backward(napi_env env, napi_callback_info info) {
  ARGS(8) ARG_F(0, dx, 0) ARG_F(1, dw, 0) ARG_F(2, dy, 0) ARG_F(3, x, 0) ARG_F(4, w, 0) ARG_F(5, rstd, 0) ARG_I(6, BT) ARG_I(7, C)
  NEED(dx, (size_t)BT * C) NEED(dy, (size_t)BT * C) NEED(x, (size_t)BT * C) NEED(dw, C) NEED(w, C) NEED(rstd, BT)
  NormJob j = { .dx = dx.p, .dy = dy.p, .x = x.p, .w = w.p, .rstd = rstd.p, .BT = BT, .C = C, .chunks = row_chunks(BT, (size_t)BT * C) };
  j.part = calloc((size_t)j.chunks * C, sizeof(double));
  if (!j.part) { napi_throw_error(env, NULL, "rmsnormBackward: out of memory"); return NULL; }
  pool_run(rmsnorm_backward_chunk, &j, j.chunks);
  for (int c = 0; c < j.chunks; c++) for (int32_t k = 0; k < C; k++) dw.p[k] = (float)(dw.p[k] + j.part[(size_t)c * C + k]);
  free(j.part);
  return NULL;
}

// biasRows(y, b, rows, n): every row of y (rows, n) set to b
typedef struct { float *out; const float *a, *b; size_t rows, n; int chunks; } RowsJob;
static void bias_rows_chunk(void *arg, int c, int tid) {
  (void)tid;
  RowsJob *j = (RowsJob *)arg;
  for (size_t i = chunk_lo(j->rows, j->chunks, c); i < chunk_lo(j->rows, j->chunks, c + 1); i++) memcpy(j->out + i * j->n, j->b, sizeof(float) * j->n);
}
static napi_value bias_rows(napi_env env, napi_callback_info info) {
  ARGS(4) ARG_F(0, y, 0) ARG_F(1, b, 0) ARG_I(2, rows) ARG_I(3, n)
  NEED(y, (size_t)rows * n) NEED(b, n)
  RowsJob j = { .out = y.p, .b = b.p, .rows = (size_t)rows, .n = (size_t)n, .chunks = row_chunks(rows, (size_t)rows * n) };
  pool_run(bias_rows_chunk, &j, j.chunks);
  return NULL;
}

// columnSums(db, dy, rows, n): db += Σ_rows dy. Chunks take columns, so each sum runs over the rows in
// order whatever the chunking.
static void column_sums_chunk(void *arg, int c, int tid) {
  (void)tid;
  RowsJob *j = (RowsJob *)arg;
  size_t lo = chunk_lo(j->n, j->chunks, c), hi = chunk_lo(j->n, j->chunks, c + 1);
  for (size_t i = 0; i < j->rows; i++) {
    const float *r = j->a + i * j->n;
    for (size_t k = lo; k < hi; k++) j->out[k] += r[k];
  }
}
static napi_value column_sums(napi_env env, napi_callback_info info) {
  ARGS(4) ARG_F(0, db, 0) ARG_F(1, dy, 0) ARG_I(2, rows) ARG_I(3, n)
  NEED(db, n) NEED(dy, (size_t)rows * n)
  RowsJob j = { .out = db.p, .a = dy.p, .rows = (size_t)rows, .n = (size_t)n, .chunks = chunks_for((size_t)rows * n) };
  // Column chunks of at least 16 floats, so two threads never share a cache line.
  while (j.chunks > 1 && j.n / (size_t)j.chunks < 16) j.chunks /= 2;
  pool_run(column_sums_chunk, &j, j.chunks);
  return NULL;
}

// addInto(out, a, b, n): out = a + b
static void add_into_chunk(void *arg, int c, int tid) {
  (void)tid;
  RowsJob *j = (RowsJob *)arg;
  size_t lo = chunk_lo(j->n, j->chunks, c), hi = chunk_lo(j->n, j->chunks, c + 1);
  for (size_t i = lo; i < hi; i++) j->out[i] = j->a[i] + j->b[i];
}
static napi_value add_into(napi_env env, napi_callback_info info) {
  ARGS(4) ARG_F(0, out, 0) ARG_F(1, x, 0) ARG_F(2, y, 0) ARG_I(3, n)
  NEED(out, n) NEED(x, n) NEED(y, n)
  RowsJob j = { .out = out.p, .a = x.p, .b = y.p, .n = (size_t)n, .chunks = chunks_for((size_t)n) };
  pool_run(add_into_chunk, &j, j.chunks);
  return NULL;
}

// The one softmax (softmaxInPlace's twin): r[0..n) in place, the maximum subtracted first, the sum in
// double; returns the log-partition log Σ exp(r). Attention, its decode step and cross-entropy use it.
static double softmax_row(float *r, int32_t n) {
  float mx = -INFINITY;
  for (int32_t u = 0; u < n; u++) if (r[u] > mx) mx = r[u];
  double sum = 0;
  for (int32_t u = 0; u < n; u++) { float e = expf(r[u] - mx); r[u] = e; sum += e; }
  float inv = (float)(1.0 / sum);
  for (int32_t u = 0; u < n; u++) r[u] *= inv;
  return (double)mx + log(sum);
}

// Per-head scratch, grown as needed: attention's (T, hs) blocks.
static float *scratch = NULL;
static size_t scratchLen = 0;
static float *need_scratch(size_t n) {
  if (n > scratchLen) { free(scratch); scratch = malloc(n * sizeof(float)); scratchLen = scratch ? n : 0; }
  return scratch;
}

static void gather(float *dst, const float *src, size_t stride, int32_t T, int32_t hs) {
  for (int32_t t = 0; t < T; t++) memcpy(dst + (size_t)t * hs, src + (size_t)t * stride, sizeof(float) * (size_t)hs);
}

// Attention runs its (batch, head) pairs on the pool's threads, each thread with its own (T, hs) blocks.
typedef struct {
  float *out, *att, *dqkv, *datt; const float *qkv, *dout, *attIn; float *scratch; size_t perThread;
  int32_t B, T, C, NH, hs; float scale;
} AttnJob;

static float *attn_scratch(int32_t T, int32_t hs, int blocks, size_t *perThread) {
  *perThread = (size_t)blocks * T * hs;
  return need_scratch(*perThread * (size_t)pool_threads());
}

// attentionForward(out, att, qkv, B, T, C, NH): causal multi-head attention, att keeps the softmax
static void attention_forward_pair(void *arg, int pair, int tid) {
  AttnJob *j = (AttnJob *)arg;
  int32_t b = pair / j->NH, h = pair % j->NH, T = j->T, C = j->C, hs = j->hs;
  size_t blk = (size_t)T * hs;
  float *Q = j->scratch + (size_t)tid * j->perThread, *K = Q + blk, *V = K + blk, *O = V + blk;
  const float *base = j->qkv + (size_t)b * T * 3 * C + (size_t)h * hs;
  gather(Q, base, 3 * (size_t)C, T, hs);
  gather(K, base + C, 3 * (size_t)C, T, hs);
  gather(V, base + 2 * C, 3 * (size_t)C, T, hs);
  float *A = j->att + ((size_t)b * j->NH + h) * T * T;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, j->scale, Q, hs, K, hs, 0.0f, A, T);
  for (int32_t t = 0; t < T; t++) {
    float *r = A + (size_t)t * T;
    softmax_row(r, t + 1);
    for (int32_t u = t + 1; u < T; u++) r[u] = 0.0f;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, A, T, V, hs, 0.0f, O, hs);
  for (int32_t t = 0; t < T; t++) memcpy(j->out + (size_t)b * T * C + (size_t)t * C + (size_t)h * hs, O + (size_t)t * hs, sizeof(float) * (size_t)hs);
}
static napi_value attention_forward(napi_env env, napi_callback_info info) {
  ARGS(7) ARG_F(0, out, 0) ARG_F(1, att, 0) ARG_F(2, qkv, 0) ARG_I(3, B) ARG_I(4, T) ARG_I(5, C) ARG_I(6, NH)
  if (NH == 0 || C % NH) { napi_throw_range_error(env, NULL, "attentionForward: channels do not split into heads"); return NULL; }
  NEED(out, (size_t)B * T * C) NEED(qkv, (size_t)B * T * 3 * C) NEED(att, (size_t)B * NH * T * T)
  AttnJob j = { .out = out.p, .att = att.p, .qkv = qkv.p, .B = B, .T = T, .C = C, .NH = NH, .hs = C / NH, .scale = 1.0f / sqrtf((float)(C / NH)) };
  j.scratch = attn_scratch(T, j.hs, 4, &j.perThread);
  if (!j.scratch) { napi_throw_error(env, NULL, "attentionForward: out of memory"); return NULL; }
  pool_run(attention_forward_pair, &j, B * NH);
  return NULL;
}

// attentionBackward(dqkv, datt, dout, qkv, att, B, T, C, NH): accumulates dqkv; datt is scratch
static void attention_backward_pair(void *arg, int pair, int tid) {
  AttnJob *j = (AttnJob *)arg;
  int32_t b = pair / j->NH, h = pair % j->NH, T = j->T, C = j->C, hs = j->hs;
  size_t blk = (size_t)T * hs;
  float *Q = j->scratch + (size_t)tid * j->perThread, *K = Q + blk, *V = K + blk, *dO = V + blk, *dQ = dO + blk, *dK = dQ + blk, *dV = dK + blk;
  size_t off = (size_t)b * T * 3 * C + (size_t)h * hs;
  const float *base = j->qkv + off;
  gather(Q, base, 3 * (size_t)C, T, hs);
  gather(K, base + C, 3 * (size_t)C, T, hs);
  gather(V, base + 2 * C, 3 * (size_t)C, T, hs);
  gather(dO, j->dout + (size_t)b * T * C + (size_t)h * hs, (size_t)C, T, hs);
  const float *A = j->attIn + ((size_t)b * j->NH + h) * T * T;
  float *dA = j->datt + ((size_t)b * j->NH + h) * T * T;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, hs, 1.0f, dO, hs, V, hs, 0.0f, dA, T);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, A, T, dO, hs, 0.0f, dV, hs);
  for (int32_t t = 0; t < T; t++) {
    const float *ar = A + (size_t)t * T;
    float *dr = dA + (size_t)t * T;
    double dot = 0;
    for (int32_t u = 0; u <= t; u++) dot += (double)ar[u] * dr[u];
    float d = (float)dot;
    for (int32_t u = 0; u <= t; u++) dr[u] = ar[u] * (dr[u] - d) * j->scale;
    for (int32_t u = t + 1; u < T; u++) dr[u] = 0.0f;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, hs, T, 1.0f, dA, T, K, hs, 0.0f, dQ, hs);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, hs, T, 1.0f, dA, T, Q, hs, 0.0f, dK, hs);
  for (int32_t t = 0; t < T; t++) {
    float *row = j->dqkv + off + (size_t)t * 3 * C;
    for (int32_t i = 0; i < hs; i++) {
      row[i] += dQ[(size_t)t * hs + i];
      row[C + i] += dK[(size_t)t * hs + i];
      row[2 * C + i] += dV[(size_t)t * hs + i];
    }
  }
}
static napi_value attention_backward(napi_env env, napi_callback_info info) {
  ARGS(9) ARG_F(0, dqkv, 0) ARG_F(1, datt, 0) ARG_F(2, dout, 0) ARG_F(3, qkv, 0) ARG_F(4, att, 0) ARG_I(5, B) ARG_I(6, T) ARG_I(7, C) ARG_I(8, NH)
  if (NH == 0 || C % NH) { napi_throw_range_error(env, NULL, "attentionBackward: channels do not split into heads"); return NULL; }
  NEED(dqkv, (size_t)B * T * 3 * C) NEED(qkv, (size_t)B * T * 3 * C) NEED(dout, (size_t)B * T * C) NEED(att, (size_t)B * NH * T * T) NEED(datt, (size_t)B * NH * T * T)
  AttnJob j = { .dqkv = dqkv.p, .datt = datt.p, .dout = dout.p, .qkv = qkv.p, .attIn = att.p, .B = B, .T = T, .C = C, .NH = NH, .hs = C / NH, .scale = 1.0f / sqrtf((float)(C / NH)) };
  j.scratch = attn_scratch(T, j.hs, 7, &j.perThread);
  if (!j.scratch) { napi_throw_error(env, NULL, "attentionBackward: out of memory"); return NULL; }
  pool_run(attention_backward_pair, &j, B * NH);
  return NULL;
}

typedef struct { float *p; const float *g; float *m, *v; const uint8_t *decay; size_t n; int chunks; float fb1, fb2, c1, c2; double ib1, ib2, lr, eps, wd; } AdamJob;
static void adamw_chunk(void *arg, int c, int tid) {
  (void)tid;
  AdamJob *j = (AdamJob *)arg;
  for (size_t i = chunk_lo(j->n, j->chunks, c); i < chunk_lo(j->n, j->chunks, c + 1); i++) {
    float gi = j->g[i];
    float mi = j->fb1 * j->m[i] + j->c1 * gi;
    float vi = j->fb2 * j->v[i] + j->c2 * gi * gi;
    j->m[i] = mi;
    j->v[i] = vi;
    double w = (j->decay == NULL || j->decay[i]) ? j->wd : 0.0;
    j->p[i] = (float)(j->p[i] - j->lr * ((double)mi * j->ib1 / (sqrt((double)vi * j->ib2) + j->eps) + w * j->p[i]));
  }
}

// adamw(p, g, m, v, decay | null (Uint8Array), b1c, b2c, lr, beta1, beta2, eps, weightDecay)
static napi_value adamw(napi_env env, napi_callback_info info) {
  ARGS(12) ARG_F(0, p, 0) ARG_F(1, g, 0) ARG_F(2, m, 0) ARG_F(3, v, 0)
  ARG_D(5, b1c) ARG_D(6, b2c) ARG_D(7, lr) ARG_D(8, beta1) ARG_D(9, beta2) ARG_D(10, eps) ARG_D(11, wd)
  uint8_t *decay = NULL; size_t decayLen = 0;
  napi_valuetype vt; napi_typeof(env, a[4], &vt);
  if (vt != napi_null && vt != napi_undefined) {
    napi_typedarray_type tt; void *data; napi_value buf; size_t off;
    if (napi_get_typedarray_info(env, a[4], &tt, &decayLen, &data, &buf, &off) != napi_ok || tt != napi_uint8_array) { napi_throw_type_error(env, NULL, "adamw: decay must be a Uint8Array or null"); return NULL; }
    decay = (uint8_t *)data;
  }
  size_t n = p.n;
  if (g.n < n || m.n < n || v.n < n || (decay && decayLen < n)) { napi_throw_range_error(env, NULL, "adamw: g, m, v and decay must be as long as p"); return NULL; }
  // 1 − β in double, then rounded: (1.0f − 0.999f) would carry a 1e-5 relative error into v.
  float fb1 = (float)beta1, fb2 = (float)beta2, c1 = (float)(1.0 - beta1), c2 = (float)(1.0 - beta2);
  double ib1 = 1.0 / b1c, ib2 = 1.0 / b2c;
  AdamJob j = { p.p, g.p, m.p, v.p, decay, n, chunks_for(n), fb1, fb2, c1, c2, ib1, ib2, lr, eps, wd };
  pool_run(adamw_chunk, &j, j.chunks);
  return NULL;
}

// tanhInto(y, x): y = fast_tanhf(x), so the test can measure the approximation itself
static napi_value tanh_into(napi_env env, napi_callback_info info) {
  ARGS(2) ARG_F(0, y, 0) ARG_F(1, x, 0)
  NEED(y, x.n)
  for (size_t i = 0; i < x.n; i++) y.p[i] = fast_tanhf(x.p[i]);
  return NULL;
}

// sumSquares(g): Σ g² in double (the gradient norm for clipping)
static napi_value sum_squares(napi_env env, napi_callback_info info) {
  ARGS(1) ARG_F(0, g, 0)
  double s = 0;
  for (size_t i = 0; i < g.n; i++) s += (double)g.p[i] * g.p[i];
  napi_value r; napi_create_double(env, s, &r);
  return r;
}

// scaleInPlace(g, k)
static napi_value scale_in_place(napi_env env, napi_callback_info info) {
  ARGS(2) ARG_F(0, g, 0) ARG_D(1, k)
  float fk = (float)k;
  for (size_t i = 0; i < g.n; i++) g.p[i] *= fk;
  return NULL;
}

static int arg_i32arr(napi_env env, napi_value v, int32_t **p, size_t *n) {
  napi_typedarray_type tt; void *data; napi_value buf; size_t off;
  if (napi_get_typedarray_info(env, v, &tt, n, &data, &buf, &off) != napi_ok || tt != napi_int32_array) return 0;
  *p = (int32_t *)data;
  return 1;
}

// An Int32Array argument holding at least `need` elements; otherwise a thrown error naming it, and NULL.
static int32_t *need_i32(napi_env env, napi_value v, size_t need, const char *name) {
  int32_t *p; size_t n;
  char msg[96];
  if (!arg_i32arr(env, v, &p, &n)) { snprintf(msg, sizeof msg, "kernel: %s must be an Int32Array", name); napi_throw_type_error(env, NULL, msg); return NULL; }
  if (n < need) { snprintf(msg, sizeof msg, "kernel: %s is smaller than the shapes say", name); napi_throw_range_error(env, NULL, msg); return NULL; }
  return p;
}

// One image's (Cin·K·K, Ho·Wo) column matrix, zero outside the padded border.
static void im2col(float *cols, const float *x, int32_t Cin, int32_t H, int32_t W, int32_t K, int32_t P, int32_t Ho, int32_t Wo) {
  size_t r = 0;
  for (int32_t c = 0; c < Cin; c++)
    for (int32_t ki = 0; ki < K; ki++)
      for (int32_t kj = 0; kj < K; kj++, r++) {
        float *row = cols + r * (size_t)Ho * Wo;
        for (int32_t i = 0; i < Ho; i++) {
          int32_t y = i + ki - P;
          float *dst = row + (size_t)i * Wo;
          if (y < 0 || y >= H) { memset(dst, 0, sizeof(float) * (size_t)Wo); continue; }
          const float *src = x + ((size_t)c * H + y) * W;
          for (int32_t j = 0; j < Wo; j++) {
            int32_t xx = j + kj - P;
            dst[j] = (xx >= 0 && xx < W) ? src[xx] : 0.0f;
          }
        }
      }
}

static void col2im(float *dx, const float *cols, int32_t Cin, int32_t H, int32_t W, int32_t K, int32_t P, int32_t Ho, int32_t Wo) {
  size_t r = 0;
  for (int32_t c = 0; c < Cin; c++)
    for (int32_t ki = 0; ki < K; ki++)
      for (int32_t kj = 0; kj < K; kj++, r++) {
        const float *row = cols + r * (size_t)Ho * Wo;
        for (int32_t i = 0; i < Ho; i++) {
          int32_t y = i + ki - P;
          if (y < 0 || y >= H) continue;
          float *dst = dx + ((size_t)c * H + y) * W;
          const float *src = row + (size_t)i * Wo;
          for (int32_t j = 0; j < Wo; j++) {
            int32_t xx = j + kj - P;
            if (xx >= 0 && xx < W) dst[xx] += src[j];
          }
        }
      }
}

// The convolutions cut the batch into CONV_CHUNKS fixed blocks of images, run on the pool's threads.
// Per image the GEMMs are thin (LeNet's: 6×784×25 and 16×100×150, under OpenBLAS's 262,144
// multiply-add threshold for using its own threads), so OpenBLAS runs each on one core and the other
// core would idle. Larger per-image products are left to OpenBLAS's threads (one block at a time).
// The blocks are fixed, not the thread count: each block's dw and db are summed on their own and
// added in block order, so results do not depend on how many threads ran (a run resumed in another
// training lane with another thread count continues bit for bit).
#define CONV_CHUNKS 4
typedef struct {
  int32_t Cin, H, W, Cout, K, P, Ho, Wo, B;
  size_t R, N;
  const float *x, *w, *b, *dout, *cols_in;
  float *out, *cols, *dx;
  float *dw[CONV_CHUNKS], *db[CONV_CHUNKS], *dcols[POOL_MAX_THREADS];
  int serial;
} ConvJob;

static int32_t chunk_start(const ConvJob *j, int c) { return (int32_t)((int64_t)j->B * c / CONV_CHUNKS); }

static void conv_forward_block(void *arg, int c, int tid) {
  (void)tid;
  ConvJob *j = (ConvJob *)arg;
  for (int32_t n = chunk_start(j, c); n < chunk_start(j, c + 1); n++) {
    float *col = j->cols + (size_t)n * j->R * j->N, *o = j->out + (size_t)n * j->Cout * j->N;
    im2col(col, j->x + (size_t)n * j->Cin * j->H * j->W, j->Cin, j->H, j->W, j->K, j->P, j->Ho, j->Wo);
    for (int32_t k = 0; k < j->Cout; k++) for (size_t i = 0; i < j->N; i++) o[(size_t)k * j->N + i] = j->b[k];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, j->Cout, (int)j->N, (int)j->R, 1.0f, j->w, (int)j->R, col, (int)j->N, 1.0f, o, (int)j->N);
  }
}

// Block c accumulates its images' dw and db into dw[c], db[c] (block 0's are the caller's) and
// writes dx for its images only, with its thread's dcols scratch.
static void conv_backward_block(void *arg, int c, int tid) {
  ConvJob *j = (ConvJob *)arg;
  float *dcols = j->dcols[tid];
  for (int32_t n = chunk_start(j, c); n < chunk_start(j, c + 1); n++) {
    const float *d = j->dout + (size_t)n * j->Cout * j->N, *col = j->cols_in + (size_t)n * j->R * j->N;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->Cout, (int)j->R, (int)j->N, 1.0f, d, (int)j->N, col, (int)j->N, 1.0f, j->dw[c], (int)j->R);
    for (int32_t k = 0; k < j->Cout; k++) {
      double sum = 0;
      for (size_t i = 0; i < j->N; i++) sum += d[(size_t)k * j->N + i];
      j->db[c][k] += (float)sum;
    }
    if (j->dx) {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)j->R, (int)j->N, j->Cout, 1.0f, j->w, (int)j->R, d, (int)j->N, 0.0f, dcols, (int)j->N);
      col2im(j->dx + (size_t)n * j->Cin * j->H * j->W, dcols, j->Cin, j->H, j->W, j->K, j->P, j->Ho, j->Wo);
    }
  }
}

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);

static void conv_run(pool_fn f, ConvJob *job) {
  if (!job->serial) { pool_run(f, job, CONV_CHUNKS); return; }
  // Large per-image products: OpenBLAS's threads, at the process's ceiling rather than whatever the
  // GEMM wrapper left set for its last (perhaps small) product; restored after.
  int before = openblas_get_num_threads();
  if (before != pool_threads()) openblas_set_num_threads(pool_threads());
  for (int c = 0; c < CONV_CHUNKS; c++) f(job, c, 0);
  if (before != pool_threads()) openblas_set_num_threads(before);
}

// conv2dForward(out, cols, x, w, b, B, Cin, H, W, Cout, K, P): stride 1, zero padding P, via im2col + GEMM
static napi_value conv2d_forward(napi_env env, napi_callback_info info) {
  ARGS(12) ARG_F(0, out, 0) ARG_F(1, cols, 0) ARG_F(2, x, 0) ARG_F(3, w, 0) ARG_F(4, b, 0)
  ARG_I(5, B) ARG_I(6, Cin) ARG_I(7, H) ARG_I(8, W) ARG_I(9, Cout) ARG_I(10, K) ARG_I(11, P)
  int32_t Ho = H + 2 * P - K + 1, Wo = W + 2 * P - K + 1;
  if (Ho <= 0 || Wo <= 0) { napi_throw_range_error(env, NULL, "conv2dForward: the kernel is larger than the padded image"); return NULL; }
  size_t R = (size_t)Cin * K * K, N = (size_t)Ho * Wo;
  NEED(out, (size_t)B * Cout * N) NEED(cols, (size_t)B * R * N) NEED(x, (size_t)B * Cin * H * W) NEED(w, (size_t)Cout * R) NEED(b, Cout)
  ConvJob job = { .Cin = Cin, .H = H, .W = W, .Cout = Cout, .K = K, .P = P, .Ho = Ho, .Wo = Wo, .B = B, .R = R, .N = N, .x = x.p, .w = w.p, .b = b.p, .out = out.p, .cols = cols.p, .serial = (size_t)Cout * R * N >= 262144 };
  conv_run(conv_forward_block, &job);
  return NULL;
}

// conv2dBackward(dx | null, dw, db, dcols, dout, cols, w, B, Cin, H, W, Cout, K, P): accumulates dw, db and dx
static napi_value conv2d_backward(napi_env env, napi_callback_info info) {
  ARGS(14) ARG_F(0, dx, 1) ARG_F(1, dw, 0) ARG_F(2, db, 0) ARG_F(3, dcols, 0) ARG_F(4, dout, 0) ARG_F(5, cols, 0) ARG_F(6, w, 0)
  ARG_I(7, B) ARG_I(8, Cin) ARG_I(9, H) ARG_I(10, W) ARG_I(11, Cout) ARG_I(12, K) ARG_I(13, P)
  int32_t Ho = H + 2 * P - K + 1, Wo = W + 2 * P - K + 1;
  if (Ho <= 0 || Wo <= 0) { napi_throw_range_error(env, NULL, "conv2dBackward: the kernel is larger than the padded image"); return NULL; }
  size_t R = (size_t)Cin * K * K, N = (size_t)Ho * Wo;
  NEED(dx, (size_t)B * Cin * H * W) NEED(dw, (size_t)Cout * R) NEED(db, Cout) NEED(dcols, R * N) NEED(dout, (size_t)B * Cout * N) NEED(cols, (size_t)B * R * N) NEED(w, (size_t)Cout * R)
  ConvJob job = { .Cin = Cin, .H = H, .W = W, .Cout = Cout, .K = K, .P = P, .Ho = Ho, .Wo = Wo, .B = B, .R = R, .N = N, .w = w.p, .dout = dout.p, .cols_in = cols.p, .dx = dx.p, .serial = (size_t)Cout * R * N >= 262144 };
  int t = job.serial ? 1 : pool_threads();
  // Blocks after the first get zeroed dw and db partials; threads after the first their own dcols.
  size_t part = (size_t)Cout * R + (size_t)Cout;
  float *extra = calloc((size_t)(CONV_CHUNKS - 1) * part + (size_t)(t - 1) * R * N + 1, sizeof(float));
  if (!extra) { napi_throw_error(env, NULL, "conv2dBackward: out of memory"); return NULL; }
  job.dw[0] = dw.p, job.db[0] = db.p, job.dcols[0] = dcols.p;
  for (int c = 1; c < CONV_CHUNKS; c++) job.dw[c] = extra + (size_t)(c - 1) * part, job.db[c] = job.dw[c] + (size_t)Cout * R;
  for (int i = 1; i < t; i++) job.dcols[i] = extra + (size_t)(CONV_CHUNKS - 1) * part + (size_t)(i - 1) * R * N;
  conv_run(conv_backward_block, &job);
  for (int c = 1; c < CONV_CHUNKS; c++) {
    for (size_t k = 0; k < (size_t)Cout * R; k++) dw.p[k] += job.dw[c][k];
    for (int32_t k = 0; k < Cout; k++) db.p[k] += job.db[c][k];
  }
  free(extra);
  return NULL;
}

// maxpoolForward(out, argmax (Int32Array), x, BC, H, W): 2×2, stride 2; the first maximum wins ties
static napi_value maxpool_forward(napi_env env, napi_callback_info info) {
  ARGS(6) ARG_F(0, out, 0) ARG_F(2, x, 0) ARG_I(3, BC) ARG_I(4, H) ARG_I(5, W)
  if (H % 2 || W % 2) { napi_throw_range_error(env, NULL, "maxpoolForward: 2x2 pooling needs even sides"); return NULL; }
  int32_t Ho = H / 2, Wo = W / 2;
  NEED(out, (size_t)BC * Ho * Wo) NEED(x, (size_t)BC * H * W)
  int32_t *arg = need_i32(env, a[1], (size_t)BC * Ho * Wo, "argmax");
  if (!arg) return NULL;
  for (int32_t p = 0; p < BC; p++)
    for (int32_t i = 0; i < Ho; i++)
      for (int32_t j = 0; j < Wo; j++) {
        int32_t base = p * H * W + 2 * i * W + 2 * j, best = base;
        if (x.p[base + 1] > x.p[best]) best = base + 1;
        if (x.p[base + W] > x.p[best]) best = base + W;
        if (x.p[base + W + 1] > x.p[best]) best = base + W + 1;
        size_t o = (size_t)p * Ho * Wo + (size_t)i * Wo + j;
        out.p[o] = x.p[best];
        arg[o] = best;
      }
  return NULL;
}

// maxpoolBackward(dx, dout, argmax, n): accumulates each window's gradient into dx at its maximum
static napi_value maxpool_backward(napi_env env, napi_callback_info info) {
  ARGS(4) ARG_F(0, dx, 0) ARG_F(1, dout, 0) ARG_I(3, n)
  NEED(dout, n)
  int32_t *arg = need_i32(env, a[2], (size_t)n, "argmax");
  if (!arg) return NULL;
  for (int32_t o = 0; o < n; o++) {
    if (arg[o] < 0 || (size_t)arg[o] >= dx.n) { napi_throw_range_error(env, NULL, "maxpoolBackward: an argmax index is outside dx"); return NULL; }
    dx.p[arg[o]] += dout.p[o];
  }
  return NULL;
}

// reluForward(y, x, n); reluBackward(dx, x, dy, n): dx += dy where x > 0
static napi_value relu_forward(napi_env env, napi_callback_info info) {
  ARGS(3) ARG_F(0, y, 0) ARG_F(1, x, 0) ARG_I(2, n)
  NEED(y, n) NEED(x, n)
  for (int32_t i = 0; i < n; i++) y.p[i] = x.p[i] > 0.0f ? x.p[i] : 0.0f;
  return NULL;
}
static napi_value relu_backward(napi_env env, napi_callback_info info) {
  ARGS(4) ARG_F(0, dx, 0) ARG_F(1, x, 0) ARG_F(2, dy, 0) ARG_I(3, n)
  NEED(dx, n) NEED(x, n) NEED(dy, n)
  // A select, not a branch, so the loop vectorises.
  for (int32_t i = 0; i < n; i++) dx.p[i] += x.p[i] > 0.0f ? dy.p[i] : 0.0f;
  return NULL;
}

// attentionDecode(y, qkv, keys, values, slots, pos, A, capacity, C, NH): one new position per row
// against a KV cache; slot b decodes cache row slots[b] at position pos[row], storing its key and value there
static napi_value attention_decode(napi_env env, napi_callback_info info) {
  ARGS(10) ARG_F(0, y, 0) ARG_F(1, qkv, 0) ARG_F(2, keys, 0) ARG_F(3, values, 0) ARG_I(6, A) ARG_I(7, cap) ARG_I(8, C) ARG_I(9, NH)
  int32_t *slots, *pos; size_t nSlots, nPos;
  if (!arg_i32arr(env, a[4], &slots, &nSlots) || !arg_i32arr(env, a[5], &pos, &nPos)) { napi_throw_type_error(env, NULL, "kernel: slots and pos must be Int32Arrays"); return NULL; }
  if (NH == 0 || C % NH) { napi_throw_range_error(env, NULL, "attentionDecode: channels do not split into heads"); return NULL; }
  if (nSlots < (size_t)A) { napi_throw_range_error(env, NULL, "kernel: slots is smaller than the shapes say"); return NULL; }
  NEED(y, (size_t)A * C) NEED(qkv, (size_t)A * 3 * C) NEED(values, keys.n)
  int32_t hs = C / NH;
  float *sc = need_scratch((size_t)cap);
  if (!sc) { napi_throw_error(env, NULL, "attentionDecode: out of memory"); return NULL; }
  float scale = 1.0f / sqrtf((float)hs);
  for (int32_t b = 0; b < A; b++) {
    int32_t r = slots[b];
    if (r < 0 || (size_t)r >= nPos || (size_t)(r + 1) * cap * C > keys.n) { napi_throw_range_error(env, NULL, "attentionDecode: a slot names no cache row"); return NULL; }
    int32_t p = pos[r];
    if (p < 0 || p >= cap) { napi_throw_range_error(env, NULL, "attentionDecode: a row is full"); return NULL; }
    const float *q = qkv.p + (size_t)b * 3 * C;
    float *kb = keys.p + (size_t)r * cap * C, *vb = values.p + (size_t)r * cap * C;
    memcpy(kb + (size_t)p * C, q + C, sizeof(float) * (size_t)C);
    memcpy(vb + (size_t)p * C, q + 2 * C, sizeof(float) * (size_t)C);
    for (int32_t h = 0; h < NH; h++) {
      const float *qh = q + (size_t)h * hs;
      for (int32_t t = 0; t <= p; t++) {
        const float *kt = kb + (size_t)t * C + (size_t)h * hs;
        float d = 0;
        for (int32_t i = 0; i < hs; i++) d += qh[i] * kt[i];
        sc[t] = d * scale;
      }
      softmax_row(sc, p + 1);
      float *yh = y.p + (size_t)b * C + (size_t)h * hs;
      for (int32_t i = 0; i < hs; i++) yh[i] = 0.0f;
      for (int32_t t = 0; t <= p; t++) {
        const float *vt = vb + (size_t)t * C + (size_t)h * hs;
        float w = sc[t];
        for (int32_t i = 0; i < hs; i++) yh[i] += w * vt[i];
      }
    }
  }
  return NULL;
}

// crossEntropyForward(probs, logits, targets, N, V) → mean loss over targets ≥ 0; softmax fused in
static napi_value cross_entropy_forward(napi_env env, napi_callback_info info) {
  ARGS(5) ARG_F(0, probs, 0) ARG_F(1, logits, 0) ARG_I(3, N) ARG_I(4, V)
  NEED(probs, (size_t)N * V) NEED(logits, (size_t)N * V)
  int32_t *tg = need_i32(env, a[2], (size_t)N, "targets");
  if (!tg) return NULL;
  double loss = 0; int64_t count = 0;
  for (int32_t i = 0; i < N; i++) {
    float *pr = probs.p + (size_t)i * V;
    const float *lg = logits.p + (size_t)i * V;
    memcpy(pr, lg, sizeof(float) * (size_t)V);
    double logZ = softmax_row(pr, V);
    int32_t t = tg[i];
    if (t >= 0) {
      if (t >= V) { napi_throw_range_error(env, NULL, "crossEntropyForward: a target is outside the vocabulary"); return NULL; }
      loss += logZ - lg[t];
      count++;
    }
  }
  napi_value r; napi_create_double(env, count ? loss / (double)count : 0.0, &r);
  return r;
}

// crossEntropyBackward(dlogits, probs, targets, N, V): accumulates (p − onehot)/count on counted rows
static napi_value cross_entropy_backward(napi_env env, napi_callback_info info) {
  ARGS(5) ARG_F(0, dl, 0) ARG_F(1, probs, 0) ARG_I(3, N) ARG_I(4, V)
  NEED(dl, (size_t)N * V) NEED(probs, (size_t)N * V)
  int32_t *tg = need_i32(env, a[2], (size_t)N, "targets");
  if (!tg) return NULL;
  int64_t count = 0;
  for (int32_t i = 0; i < N; i++) if (tg[i] >= 0) count++;
  if (!count) return NULL;
  float sc = (float)(1.0 / (double)count);
  for (int32_t i = 0; i < N; i++) {
    int32_t t = tg[i];
    if (t < 0) continue;
    float *d = dl.p + (size_t)i * V;
    const float *pr = probs.p + (size_t)i * V;
    for (int32_t v = 0; v < V; v++) d[v] += (pr[v] - (v == t ? 1.0f : 0.0f)) * sc;
  }
  return NULL;
}

void register_kernels(napi_env env, napi_value exports) {
  struct { const char *name; napi_callback f; } fs[] = {
    { "geluForward", gelu_forward }, { "geluBackward", gelu_backward },
    { "layernormForward", layernorm_forward }, { "layernormBackward", layernorm_backward },
    { "biasRows", bias_rows }, { "columnSums", column_sums }, { "addInto", add_into },
    { "attentionForward", attention_forward }, { "attentionBackward", attention_backward },
    { "adamw", adamw }, { "sumSquares", sum_squares }, { "scaleInPlace", scale_in_place }, { "tanhInto", tanh_into },
    { "conv2dForward", conv2d_forward }, { "conv2dBackward", conv2d_backward }, { "maxpoolForward", maxpool_forward }, { "maxpoolBackward", maxpool_backward },
    { "reluForward", relu_forward }, { "reluBackward", relu_backward },
    { "rmsnormForward", rmsnorm_forward }, { "rmsnormBackward", rmsnorm_backward }, { "attentionDecode", attention_decode },
    { "crossEntropyForward", cross_entropy_forward }, { "crossEntropyBackward", cross_entropy_backward },
  };
  for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
    napi_value f;
    napi_create_function(env, fs[i].name, NAPI_AUTO_LENGTH, fs[i].f, NULL, &f);
    napi_set_named_property(env, exports, fs[i].name, f);
  }
}
