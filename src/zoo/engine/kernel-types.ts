import type { ConvShape } from './layers/conv-shape.js';

/**
 * The engine's kernel backend beside the GEMM: the element-wise and reduction work of a training step,
 * each kernel native (C, native/kernels.c, in the same addon as the GEMM) with a TypeScript fallback of
 * the same signature (checked against each other in kernels.test.ts). Backward kernels accumulate into
 * their gradients. Shapes as the layers document them.
 */
export interface Kernels {
  geluForward(y: Float32Array, x: Float32Array, n: number, dydx: Float32Array | null): void;
  geluBackward(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number, dydx: Float32Array | null): void;
  layernormForward(y: Float32Array, mean: Float32Array, rstd: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array, BT: number, C: number): void;
  layernormBackward(dx: Float32Array, dw: Float32Array, db: Float32Array, dy: Float32Array, x: Float32Array, w: Float32Array, mean: Float32Array, rstd: Float32Array, BT: number, C: number): void;
  rmsnormForward(y: Float32Array, rstd: Float32Array, x: Float32Array, w: Float32Array, BT: number, C: number): void;
  rmsnormBackward(dx: Float32Array, dw: Float32Array, dy: Float32Array, x: Float32Array, w: Float32Array, rstd: Float32Array, BT: number, C: number): void;
  biasRows(y: Float32Array, b: Float32Array, rows: number, n: number): void;
  columnSums(db: Float32Array, dy: Float32Array, rows: number, n: number): void;
  addInto(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void;
  attentionForward(out: Float32Array, att: Float32Array, qkv: Float32Array, B: number, T: number, C: number, NH: number): void;
  attentionBackward(dqkv: Float32Array, datt: Float32Array, dout: Float32Array, qkv: Float32Array, att: Float32Array, B: number, T: number, C: number, NH: number): void;
  attentionDecode(y: Float32Array, qkv: Float32Array, keys: Float32Array, values: Float32Array, slots: Int32Array, pos: Int32Array, A: number, capacity: number, C: number, NH: number): void;
  /** Fills probs (N, V) and returns the mean loss over targets ≥ 0 (−1 is ignored). */
  crossEntropyForward(probs: Float32Array, logits: Float32Array, targets: Int32Array, N: number, V: number): number;
  crossEntropyBackward(dlogits: Float32Array, probs: Float32Array, targets: Int32Array, N: number, V: number): void;
  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, decay: Uint8Array | null, b1c: number, b2c: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number): void;
  sumSquares(g: Float32Array): number;
  scaleInPlace(g: Float32Array, k: number): void;
  conv2dForward(out: Float32Array, cols: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array, s: ConvShape): void;
  conv2dBackward(dx: Float32Array | null, dw: Float32Array, db: Float32Array, dcols: Float32Array, dout: Float32Array, cols: Float32Array, w: Float32Array, s: ConvShape): void;
  maxpoolForward(out: Float32Array, argmax: Int32Array, x: Float32Array, BC: number, H: number, W: number): void;
  maxpoolBackward(dx: Float32Array, dout: Float32Array, argmax: Int32Array, n: number): void;
  reluForward(y: Float32Array, x: Float32Array, n: number): void;
  reluBackward(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number): void;
}
