import type { Gemm } from '../gemm.js';
import { softmaxInPlace } from './softmax.js';

/**
 * Causal multi-head self-attention (Vaswani et al. 2017; GPT-2). qkv (B, T, 3C) holds queries, keys
 * and values side by side; att (B, NH, T, T) keeps the softmax for backward; out (B, T, C). Head size
 * hs = C/NH; scores scaled by 1/√hs; position t sees ≤ t.
 * Per (batch, head) the head's Q, K, V are gathered into contiguous (T, hs) blocks so the products
 * S = Q·Kᵀ, O = att·V and, backward, datt = dO·Vᵀ, dV = attᵀ·dO, dQ = dS·K, dK = dSᵀ·Q are GEMMs;
 * the softmax backward is dS_j = att_j·(datt_j − Σ_i att_i·datt_i)·scale.
 */
function gather(dst: Float32Array, src: Float32Array, base: number, stride: number, T: number, hs: number): void {
  for (let t = 0; t < T; t++) dst.set(src.subarray(base + t * stride, base + t * stride + hs), t * hs);
}

/** One head's queries, keys and values as contiguous (T, hs) blocks. */
function gatherQKV(Q: Float32Array, K: Float32Array, V: Float32Array, qkv: Float32Array, base: number, C: number, T: number, hs: number): void {
  gather(Q, qkv, base, 3 * C, T, hs);
  gather(K, qkv, base + C, 3 * C, T, hs);
  gather(V, qkv, base + 2 * C, 3 * C, T, hs);
}

/** Per-head (T, hs) blocks, grown as needed and reused across calls (the native kernels do the same). */
let blocks = new Float32Array(0);
function headBlocks(count: number, T: number, hs: number): Float32Array[] {
  const n = T * hs;
  if (blocks.length < count * n) blocks = new Float32Array(count * n);
  return Array.from({ length: count }, (_, i) => blocks.subarray(i * n, (i + 1) * n));
}

export function attentionForwardTs(gemm: Gemm, out: Float32Array, att: Float32Array, qkv: Float32Array, B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  if (!Number.isInteger(hs)) throw new RangeError(`attention: ${C} channels do not split into ${NH} heads`);
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const [Q, K, V, O] = headBlocks(4, T, hs) as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const base = b * T * C3 + h * hs;
      gatherQKV(Q, K, V, qkv, base, C, T, hs);
      const A = att.subarray((b * NH + h) * T * T, (b * NH + h + 1) * T * T);
      gemm.sgemm(false, true, T, T, hs, scale, Q, K, 0, A);
      for (let t = 0; t < T; t++) {
        softmaxInPlace(A, t * T, t + 1);
        A.fill(0, t * T + t + 1, (t + 1) * T);
      }
      gemm.sgemm(false, false, T, hs, T, 1, A, V, 0, O);
      for (let t = 0; t < T; t++) out.set(O.subarray(t * hs, (t + 1) * hs), b * T * C + t * C + h * hs);
    }
  }
}

/** Accumulates dqkv; `datt` (B·NH·T·T) is scratch. */
export function attentionBackwardTs(gemm: Gemm, dqkv: Float32Array, datt: Float32Array, dout: Float32Array, qkv: Float32Array, att: Float32Array, B: number, T: number, C: number, NH: number): void {
  const hs = C / NH;
  const C3 = 3 * C;
  const scale = 1 / Math.sqrt(hs);
  const [Q, K, V, dO, dQ, dK, dV] = headBlocks(7, T, hs) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const base = b * T * C3 + h * hs;
      gatherQKV(Q, K, V, qkv, base, C, T, hs);
      gather(dO, dout, b * T * C + h * hs, C, T, hs);
      const A = att.subarray((b * NH + h) * T * T, (b * NH + h + 1) * T * T);
      const dA = datt.subarray((b * NH + h) * T * T, (b * NH + h + 1) * T * T);
      gemm.sgemm(false, true, T, T, hs, 1, dO, V, 0, dA); //  datt = dO·Vᵀ
      gemm.sgemm(true, false, T, hs, T, 1, A, dO, 0, dV); //  dV = attᵀ·dO
      for (let t = 0; t < T; t++) {
        const r = t * T;
        let dot = 0;
        for (let t2 = 0; t2 <= t; t2++) dot += A[r + t2]! * dA[r + t2]!;
        for (let t2 = 0; t2 < T; t2++) dA[r + t2] = t2 <= t ? A[r + t2]! * (dA[r + t2]! - dot) * scale : 0;
      }
      gemm.sgemm(false, false, T, hs, T, 1, dA, K, 0, dQ); // dQ = dS·K
      gemm.sgemm(true, false, T, hs, T, 1, dA, Q, 0, dK); //  dK = dSᵀ·Q
      for (let t = 0; t < T; t++) {
        const row = base + t * C3;
        for (let i = 0; i < hs; i++) {
          dqkv[row + i] = dqkv[row + i]! + dQ[t * hs + i]!;
          dqkv[row + C + i] = dqkv[row + C + i]! + dK[t * hs + i]!;
          dqkv[row + 2 * C + i] = dqkv[row + 2 * C + i]! + dV[t * hs + i]!;
        }
      }
    }
  }
}

let scores = new Float32Array(0);

/**
 * Attention for one new position per row against a KV cache: batch slot b decodes cache row
 * r = slots[b] at position p = pos[r]; its key and value (from qkv (A, 3C)) are stored there, and its
 * query attends over positions 0..p. keys, values (rows, capacity, C); y (A, C).
 */
export function attentionDecodeTs(y: Float32Array, qkv: Float32Array, keys: Float32Array, values: Float32Array, slots: Int32Array, pos: Int32Array, A: number, capacity: number, C: number, NH: number): void {
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  if (scores.length < capacity) scores = new Float32Array(capacity);
  for (let b = 0; b < A; b++) {
    const r = slots[b]!, p = pos[r]!, q = b * 3 * C, base = r * capacity * C;
    if (p >= capacity) throw new RangeError(`attentionDecode: row ${r} is full (${capacity} positions)`);
    keys.set(qkv.subarray(q + C, q + 2 * C), base + p * C);
    values.set(qkv.subarray(q + 2 * C, q + 3 * C), base + p * C);
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t <= p; t++) {
        let d = 0;
        for (let i = 0; i < hs; i++) d += qkv[q + h * hs + i]! * keys[base + t * C + h * hs + i]!;
        scores[t] = d * scale;
      }
      softmaxInPlace(scores, 0, p + 1);
      for (let i = 0; i < hs; i++) {
        let acc = 0;
        for (let t = 0; t <= p; t++) acc += scores[t]! * values[base + t * C + h * hs + i]!;
        y[b * C + h * hs + i] = acc;
      }
    }
  }
}
