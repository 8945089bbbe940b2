import { nativeAddon, type NativeAddon } from './native.js';
import { threadsFor } from './gemm-threads.js';

/**
 * C = alpha·op(A)·op(B) + beta·C for row-major Float32Arrays (op = transpose when asked):
 * every matrix product of the engine goes through this. The native kernel is OpenBLAS's
 * cblas_sgemm through a 50-line N-API addon (src/zoo/engine/native/gemm.c, built by
 * scripts/build-native.mjs); without it, a cache-blocked TypeScript loop, ~25× slower.
 * Shapes: op(A) is (M, K), op(B) is (K, N), C is (M, N). Views (subarray) are fine.
 */
export interface Gemm {
  readonly kind: 'openblas' | 'typescript';
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float32Array, B: Float32Array, beta: number, C: Float32Array): void;
  /** The most OpenBLAS threads a product may use (no-op for the TS kernel); small ones use one (gemm-threads.ts). */
  setThreads(n: number): void;
}

/** The pure-TS kernel: i-k-j loops over 64-wide column blocks, contiguous inner loops. */
export const tsGemm: Gemm = {
  kind: 'typescript',
  setThreads() {},
  sgemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
    if (A.length < M * K || B.length < K * N || C.length < M * N) throw new RangeError(`sgemm: a matrix is smaller than M=${M}, N=${N}, K=${K}`);
    if (beta !== 1) for (let i = 0; i < M * N; i++) C[i] = beta === 0 ? 0 : beta * C[i]!;
    // B as (K, N) row-major, transposing once if needed so the inner loop runs along a row.
    let Bk = B;
    if (transB) {
      Bk = new Float32Array(K * N);
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) Bk[k * N + n] = B[n * K + k]!;
    }
    const BLOCK = 64;
    for (let n0 = 0; n0 < N; n0 += BLOCK) {
      const n1 = Math.min(N, n0 + BLOCK);
      for (let i = 0; i < M; i++) {
        const ci = i * N;
        for (let k = 0; k < K; k++) {
          const a = alpha * (transA ? A[k * M + i]! : A[i * K + k]!);
          if (a === 0) continue;
          const bk = k * N;
          for (let n = n0; n < n1; n++) C[ci + n] = C[ci + n]! + a * Bk[bk + n]!;
        }
      }
    }
  },
};

let cached: Gemm | null = null;

/** The fastest kernel available: OpenBLAS when the addon is built, else TypeScript (warning once). */
export function loadGemm(warn: (message: string) => void = () => {}): Gemm {
  if (cached) return cached;
  const { addon, why } = nativeAddon();
  if (addon) {
    cached = openblasGemm(addon, addon.maxThreads?.() ?? 2);
    return cached;
  }
  warn(`${why}: using the TypeScript GEMM, ~25x slower`);
  cached = tsGemm;
  return cached;
}

/**
 * OpenBLAS's sgemm with the thread count chosen per product (threadsFor), changed only when it
 * differs from the last call's. The ceiling starts at OPENBLAS_NUM_THREADS's value or the cores
 * OpenBLAS found (`maxThreads`), and setThreads moves it.
 */
export function openblasGemm(addon: Pick<NativeAddon, 'sgemm' | 'threads'>, maxThreads = 2): Gemm & { readonly threadsNow: () => number } {
  let max = Math.max(1, maxThreads);
  let now = -1;
  return {
    kind: 'openblas',
    threadsNow: () => now,
    setThreads(n) {
      max = Math.max(1, n);
    },
    sgemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
      const t = threadsFor(M, N, K, max);
      if (t !== now) {
        addon.threads(t);
        now = t;
      }
      addon.sgemm(transA, transB, M, N, K, alpha, A, B, beta, C);
    },
  };
}
