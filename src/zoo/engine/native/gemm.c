// sgemm(transA, transB, M, N, K, alpha, A, B, beta, C): C = alpha·op(A)·op(B) + beta·C, row-major,
// every matrix a Float32Array (a view is fine: its byte offset is honoured). threads(n) sets OpenBLAS's
// thread count; maxThreads() is the count OpenBLAS started with (OPENBLAS_NUM_THREADS, else the cores).
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>

extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
static int start_threads = 0;

static float *f32(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type t; void *data; napi_value buf; size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, &data, &buf, &off) != napi_ok || t != napi_float32_array) return NULL;
  return (float *)data;
}

static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10; napi_value a[10];
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  if (argc != 10) { napi_throw_type_error(env, NULL, "sgemm: 10 arguments"); return NULL; }
  bool ta, tb; int32_t M, N, K; double alpha, beta; size_t la, lb, lc;
  napi_get_value_bool(env, a[0], &ta); napi_get_value_bool(env, a[1], &tb);
  napi_get_value_int32(env, a[2], &M); napi_get_value_int32(env, a[3], &N); napi_get_value_int32(env, a[4], &K);
  napi_get_value_double(env, a[5], &alpha); napi_get_value_double(env, a[8], &beta);
  float *A = f32(env, a[6], &la), *B = f32(env, a[7], &lb), *C = f32(env, a[9], &lc);
  if (!A || !B || !C) { napi_throw_type_error(env, NULL, "sgemm: A, B, C must be Float32Arrays"); return NULL; }
  if (M < 0 || N < 0 || K < 0 || la < (size_t)M * K || lb < (size_t)K * N || lc < (size_t)M * N) {
    napi_throw_range_error(env, NULL, "sgemm: a matrix is smaller than M, N, K say"); return NULL;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K,
              (float)alpha, A, ta ? M : K, B, tb ? K : N, (float)beta, C, N);
  return NULL;
}

static napi_value threads(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value a[1]; int32_t n;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  napi_get_value_int32(env, a[0], &n);
  openblas_set_num_threads(n);
  return NULL;
}

static napi_value max_threads(napi_env env, napi_callback_info info) {
  napi_value r;
  napi_create_int32(env, start_threads, &r);
  return r;
}

void register_kernels(napi_env env, napi_value exports);

static napi_value init(napi_env env, napi_value exports) {
  napi_value f;
  start_threads = openblas_get_num_threads();
  register_kernels(env, exports);
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, sgemm, NULL, &f);
  napi_set_named_property(env, exports, "sgemm", f);
  napi_create_function(env, "threads", NAPI_AUTO_LENGTH, threads, NULL, &f);
  napi_set_named_property(env, exports, "threads", f);
  napi_create_function(env, "maxThreads", NAPI_AUTO_LENGTH, max_threads, NULL, &f);
  napi_set_named_property(env, exports, "maxThreads", f);
  return exports;
}
NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
