import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../importers/bundled.js';
import type { Kernels } from './kernel-types.js';

/** What the addon exports: OpenBLAS's sgemm and thread count, and the element-wise kernels. */
type Conv = 'conv2dForward' | 'conv2dBackward';
/** The addon's convolutions take the shape as scalars; the rest have the Kernels signatures. */
export interface NativeAddon extends Omit<Kernels, Conv> {
  conv2dForward(out: Float32Array, cols: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array, B: number, Cin: number, H: number, W: number, Cout: number, K: number, P: number): void;
  conv2dBackward(dx: Float32Array | null, dw: Float32Array, db: Float32Array, dcols: Float32Array, dout: Float32Array, cols: Float32Array, w: Float32Array, B: number, Cin: number, H: number, W: number, Cout: number, K: number, P: number): void;
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, A: Float32Array, B: Float32Array, beta: number, C: Float32Array): void;
  threads(n: number): void;
  /** Threads of the element-wise kernels' pool; absent from an addon built before it. */
  poolThreads?(n: number): void;
  /** OpenBLAS's thread count at load (OPENBLAS_NUM_THREADS, else the cores); absent in an addon built before it. */
  maxThreads?(): number;
}

let loaded: { addon: NativeAddon | null; why: string | null } | null = null;

/** The native addon (dist/native/gemm.node, built by scripts/build-native.mjs), loaded once; null with the reason when it cannot be. */
export function nativeAddon(): { addon: NativeAddon | null; why: string | null } {
  if (loaded) return loaded;
  const file = join(packageRoot(), 'dist', 'native', 'gemm.node');
  if (!existsSync(file)) loaded = { addon: null, why: 'the OpenBLAS addon is not built (scripts/build-native.mjs)' };
  else {
    // OpenBLAS's idle workers spin for 2^28 cycles (~0.1 s) after each threaded product by default,
    // holding the second core the kernels' pool needs between products: 2^10 cycles, read when
    // OpenBLAS loads, gave the transformer step 97 ms instead of 109 here (docs/engine.md). A value the
    // user set is kept.
    process.env.OPENBLAS_THREAD_TIMEOUT ??= '10';
    try {
      loaded = { addon: createRequire(import.meta.url)(file) as NativeAddon, why: null };
    } catch (e) {
      loaded = { addon: null, why: `the OpenBLAS addon did not load (${(e as Error).message.split('\n')[0]})` };
    }
  }
  return loaded;
}
