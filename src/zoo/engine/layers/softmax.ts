/**
 * Softmax of x[o, o + n) in place, stable (the row's maximum subtracted before exp); returns the row's
 * log-partition log Σ exp(x), so log p_i = x_i − logZ. The engine's one softmax in TypeScript:
 * attention, cross-entropy and generation call it (the native kernels' softmax_row mirrors it).
 */
export function softmaxInPlace(x: Float32Array, o: number, n: number): number {
  let max = -Infinity;
  for (let i = o; i < o + n; i++) if (x[i]! > max) max = x[i]!;
  let sum = 0;
  for (let i = o; i < o + n; i++) {
    const e = Math.exp(x[i]! - max);
    x[i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = o; i < o + n; i++) x[i] = x[i]! * inv;
  return max + Math.log(sum);
}
