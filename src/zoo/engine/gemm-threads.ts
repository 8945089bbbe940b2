/**
 * How many OpenBLAS threads one product gets. Small products (the rows of a decode step, an eval's
 * batch of a few sequences) run on one: a second thread there buys no speed, and OpenBLAS's idle
 * workers spin after each threaded call, which showed as a second core busy for nothing in
 * single-row work (OPENBLAS_NUM_THREADS=1 gave the same speed at a third of the CPU). Training
 * products (batch × sequence rows) get all the threads allowed.
 *
 * The cut: fewer than 2^23 multiply-adds (M·N·K), a few hundred microseconds on one core here, or
 * at most 8 rows. It sits above OpenBLAS's own single-thread rule (M·N·K ≤ 4·65536) so that the
 * server's batched decode (up to 64 rows × 3C × C, 4.2M for C = 128) stays on one thread, and far
 * below the training step's products (2048 rows × 3C × C, 100M).
 */
export const SINGLE_THREAD_MAC_LIMIT = 2 ** 23;
export const SINGLE_THREAD_MAX_ROWS = 8;

export function threadsFor(M: number, N: number, K: number, maxThreads: number): number {
  if (maxThreads <= 1) return 1;
  if (M <= SINGLE_THREAD_MAX_ROWS || M * N * K < SINGLE_THREAD_MAC_LIMIT) return 1;
  return maxThreads;
}
