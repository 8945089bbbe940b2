import { softmaxInPlace } from './softmax.js';

/**
 * Softmax cross-entropy over a vocabulary, averaged over the positions whose target is >= 0
 * (a target of -1 is ignored, PyTorch's ignore_index, so the loss can count only answer tokens).
 * Shapes: logits, probs, dlogits (N, V); targets (N).
 */
export function crossEntropyForwardTs(probs: Float32Array, logits: Float32Array, targets: Int32Array, N: number, V: number): number {
  let loss = 0;
  let count = 0;
  for (let i = 0; i < N; i++) {
    const o = i * V;
    probs.set(logits.subarray(o, o + V), o);
    const logZ = softmaxInPlace(probs, o, V);
    const t = targets[i]!;
    if (t >= 0) {
      if (t >= V) throw new RangeError(`target ${t} outside the vocabulary of ${V}`);
      loss += logZ - logits[o + t]!;
      count++;
    }
  }
  return count === 0 ? 0 : loss / count;
}

/** Accumulates d(mean loss)/dlogits = (p − onehot)/count on counted positions (nothing elsewhere). */
export function crossEntropyBackwardTs(dlogits: Float32Array, probs: Float32Array, targets: Int32Array, N: number, V: number): void {
  let count = 0;
  for (let i = 0; i < N; i++) if (targets[i]! >= 0) count++;
  const scale = count === 0 ? 0 : 1 / count;
  for (let i = 0; i < N; i++) {
    const o = i * V;
    const t = targets[i]!;
    if (t < 0) continue;
    for (let v = 0; v < V; v++) dlogits[o + v] = dlogits[o + v]! + (probs[o + v]! - (v === t ? 1 : 0)) * scale;
  }
}
