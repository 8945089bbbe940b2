/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016), as GPT-2 and nanoGPT use:
 *   gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 * tanh comes from one exp (tanh u = 1 − 2/(e^{2u} + 1), cheaper here than Math.tanh), and the
 * forward pass can store the derivative so the backward pass is one multiply (engine-notes: GELU was
 * a third of a training step when backward recomputed tanh).
 */
const S = Math.sqrt(2 / Math.PI);

export function geluForwardTs(y: Float32Array, x: Float32Array, n: number, dydx: Float32Array | null = null): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const u = S * (v + 0.044715 * v * v * v);
    const t = 1 - 2 / (Math.exp(2 * u) + 1);
    y[i] = 0.5 * v * (1 + t);
    if (dydx !== null) dydx[i] = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * S * (1 + 3 * 0.044715 * v * v);
  }
}

/** Accumulates into dx; uses the stored derivative when the forward pass kept one. */
export function geluBackwardTs(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number, dydx: Float32Array | null = null): void {
  if (dydx !== null) {
    for (let i = 0; i < n; i++) dx[i] = dx[i]! + dydx[i]! * dy[i]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const u = S * (v + 0.044715 * v * v * v);
    const t = 1 - 2 / (Math.exp(2 * u) + 1);
    dx[i] = dx[i]! + (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * S * (1 + 3 * 0.044715 * v * v)) * dy[i]!;
  }
}
