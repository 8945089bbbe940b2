/**
 * Sigmoid output with a mean-squared-error loss against targets in [0, 1] (an autoencoder's
 * reconstruction of pixel intensities). The loss is the mean over every element, as PyTorch's
 * MSELoss(reduction='mean'); `rowError` keeps each row's own mean for per-sample metrics.
 */
export function sigmoidForward(y: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
}

/** Mean squared error of `pred` (rows × dim) against `target`; fills rowError (rows) when given. */
export function mseForward(pred: Float32Array, target: Float32Array, rows: number, dim: number, rowError: Float32Array | null): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) {
      const d = pred[o + j]! - target[o + j]!;
      s += d * d;
    }
    if (rowError) rowError[r] = s / dim;
    total += s;
  }
  return total / (rows * dim);
}

/** Accumulates d(mean squared error)/d(pre-sigmoid logits) = 2 (ŷ − y) ŷ (1 − ŷ) / (rows·dim). */
export function sigmoidMseBackward(dx: Float32Array, pred: Float32Array, target: Float32Array, n: number): void {
  const k = 2 / n;
  for (let i = 0; i < n; i++) {
    const p = pred[i]!;
    dx[i] = dx[i]! + k * (p - target[i]!) * p * (1 - p);
  }
}
