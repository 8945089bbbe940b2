/**
 * 2×2 max pooling with stride 2 (LeNet's subsampling, as max-pooling in modern LeNets) and ReLU.
 * Pooling keeps the index of each window's maximum so backward routes the gradient there only.
 * Shapes: x (B·C, H, W) with H, W even; out (B·C, H/2, W/2).
 */
export function maxpoolForwardTs(out: Float32Array, argmax: Int32Array, x: Float32Array, BC: number, H: number, W: number): void {
  if (H % 2 !== 0 || W % 2 !== 0) throw new RangeError(`maxpool 2x2 needs even sides, got ${H}x${W}`);
  const Ho = H / 2, Wo = W / 2;
  for (let p = 0; p < BC; p++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const base = p * H * W + 2 * i * W + 2 * j;
        let best = base;
        for (const off of [1, W, W + 1]) if (x[base + off]! > x[best]!) best = base + off;
        const o = p * Ho * Wo + i * Wo + j;
        out[o] = x[best]!;
        argmax[o] = best;
      }
    }
  }
}

/** Accumulates each window's gradient into dx at its maximum. */
export function maxpoolBackwardTs(dx: Float32Array, dout: Float32Array, argmax: Int32Array, n: number): void {
  for (let o = 0; o < n; o++) dx[argmax[o]!] = dx[argmax[o]!]! + dout[o]!;
}

export function reluForwardTs(y: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = x[i]! > 0 ? x[i]! : 0;
}

/** dx += dy where x > 0. */
export function reluBackwardTs(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) if (x[i]! > 0) dx[i] = dx[i]! + dy[i]!;
}
