import type { Gemm } from '../gemm.js';
import { kernels } from '../kernels.js';

/**
 * Linear layer, y = x·Wᵀ + b (llm.c matmul_forward/backward), with the GEMMs on the kernel given.
 * Shapes: x (BT, C), W (OC, C) row-major as nn.Linear stores it, b (OC) or null, y (BT, OC).
 */
export function linearForward(gemm: Gemm, y: Float32Array, x: Float32Array, W: Float32Array, b: Float32Array | null, BT: number, C: number, OC: number): void {
  if (b) {
    kernels().biasRows(y, b, BT, OC);
    gemm.sgemm(false, true, BT, OC, C, 1, x, W, 1, y);
  } else gemm.sgemm(false, true, BT, OC, C, 1, x, W, 0, y);
}

/** Accumulates dW (OC, C), db (OC) and dx (BT, C) when given (the first layer's input needs none). */
export function linearBackward(
  gemm: Gemm, dx: Float32Array | null, dW: Float32Array, db: Float32Array | null,
  dy: Float32Array, x: Float32Array, W: Float32Array, BT: number, C: number, OC: number,
): void {
  if (dx) gemm.sgemm(false, false, BT, C, OC, 1, dy, W, 1, dx); // dx += dy·W      (BT, OC)(OC, C)
  gemm.sgemm(true, false, OC, C, BT, 1, dy, x, 1, dW); //            dW += dyᵀ·x     (OC, BT)(BT, C)
  if (db) kernels().columnSums(db, dy, BT, OC);
}
