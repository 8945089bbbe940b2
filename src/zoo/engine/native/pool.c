// The kernels' thread pool (pool.h). Workers sleep on a condition variable between jobs rather than
// spinning, so a 2-core machine does not lose a core to idle workers (OpenBLAS's own threads already
// spin after each GEMM). Chunks are handed out through an atomic counter; the caller works too.
#include <pthread.h>
#include <stdatomic.h>
#include "pool.h"

extern int openblas_get_num_threads(void);

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, finished_cv = PTHREAD_COND_INITIALIZER;
static pthread_t workers[POOL_MAX_THREADS];
static int nworkers = 0;
static unsigned long generation = 0;
static struct { pool_fn fn; void *ctx; int chunks; int helpers; } job;
static atomic_int next_chunk;
static int finished = 0;
static int busy = 0; // a job is running: a second caller (another JS thread) works alone

static void work(pool_fn fn, void *ctx, int chunks, int tid) {
  for (int c; (c = atomic_fetch_add(&next_chunk, 1)) < chunks;) fn(ctx, c, tid);
}

static void *worker(void *arg) {
  int id = (int)(long)arg; // 1-based: the caller is tid 0
  unsigned long seen = 0;
  pthread_mutex_lock(&mu);
  for (;;) {
    while (generation == seen) pthread_cond_wait(&wake, &mu);
    seen = generation;
    if (id > job.helpers) continue;
    pool_fn fn = job.fn; void *ctx = job.ctx; int chunks = job.chunks;
    pthread_mutex_unlock(&mu);
    work(fn, ctx, chunks, id);
    pthread_mutex_lock(&mu);
    if (++finished == job.helpers) pthread_cond_signal(&finished_cv);
  }
  return NULL;
}

int pool_threads(void) {
  int t = openblas_get_num_threads();
  return t < 1 ? 1 : t > POOL_MAX_THREADS ? POOL_MAX_THREADS : t;
}

void pool_run(pool_fn fn, void *ctx, int chunks) {
  int t = pool_threads();
  if (t > chunks) t = chunks;
  pthread_mutex_lock(&mu);
  if (busy) t = 1;
  while (nworkers < t - 1) {
    if (pthread_create(&workers[nworkers], NULL, worker, (void *)(long)(nworkers + 1)) != 0) break;
    pthread_detach(workers[nworkers]);
    nworkers++;
  }
  if (t - 1 > nworkers) t = nworkers + 1;
  if (t <= 1) {
    pthread_mutex_unlock(&mu);
    for (int c = 0; c < chunks; c++) fn(ctx, c, 0);
    return;
  }
  busy = 1;
  job.fn = fn, job.ctx = ctx, job.chunks = chunks, job.helpers = t - 1;
  atomic_store(&next_chunk, 0);
  finished = 0;
  generation++;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&mu);
  work(fn, ctx, chunks, 0);
  pthread_mutex_lock(&mu);
  while (finished < t - 1) pthread_cond_wait(&finished_cv, &mu);
  busy = 0;
  pthread_mutex_unlock(&mu);
}
