/**
 * The small element-wise and reduction kernels of a training step, in TypeScript: the fallbacks of
 * their native twins (native/kernels.c), same signatures. Shapes are row-major.
 */

/** Every row of y (rows, n) set to b (n): a linear layer's bias before its GEMM accumulates. */
export function biasRowsTs(y: Float32Array, b: Float32Array, rows: number, n: number): void {
  const bn = b.subarray(0, n);
  for (let i = 0; i < rows; i++) y.set(bn, i * n);
}

/** db (n) += Σ over rows of dy (rows, n): a bias's gradient. */
export function columnSumsTs(db: Float32Array, dy: Float32Array, rows: number, n: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) db[j] = db[j]! + dy[o + j]!;
  }
}

/** out = a + b over n values (a residual connection). */
export function addIntoTs(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
}

/** Σ g², in double: the gradient's squared norm for clipping. */
export function sumSquaresTs(g: Float32Array): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  return s;
}

export function scaleInPlaceTs(g: Float32Array, k: number): void {
  for (let i = 0; i < g.length; i++) g[i] = g[i]! * k;
}

/**
 * The AdamW update over the whole parameter buffer, given the bias corrections b1c = 1 − β1^t and
 * b2c = 1 − β2^t (torch.optim.AdamW): m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 * p ← p − lr·(m/b1c / (√(v/b2c) + ε) + wd·p), weight decay only where `decay` marks it.
 */
export function adamwTs(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, decay: Uint8Array | null, b1c: number, b2c: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const wd = decay === null || decay[i] ? weightDecay : 0;
    p[i] = p[i]! - lr * (mi / b1c / (Math.sqrt(vi / b2c) + eps) + wd * p[i]!);
  }
}
