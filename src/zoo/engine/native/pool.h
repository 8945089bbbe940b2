// A small persistent thread pool for the kernels: pool_run(fn, ctx, chunks) calls fn(ctx, chunk, tid)
// for every chunk in [0, chunks), spread over up to pool_threads() threads (the caller is tid 0).
// Kernels fix their chunks by the data, never by the thread count, so results do not depend on how
// many threads ran.
#pragma once
#define POOL_MAX_THREADS 8
typedef void (*pool_fn)(void *ctx, int chunk, int tid);
int pool_threads(void);
void pool_run(pool_fn fn, void *ctx, int chunks);
