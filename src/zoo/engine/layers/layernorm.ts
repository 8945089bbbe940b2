/**
 * LayerNorm over the last dimension (Ba, Kiros & Hinton 2016), ε = 1e-5 as PyTorch's default; the
 * backward pass of llm.c's layernorm_backward: with x̂ = (x − μ)·rstd and g = dy·w,
 *   dx = rstd · (g − mean(g) − x̂·mean(g·x̂)).
 * Shapes: x, y (BT, C); w, b (C); mean, rstd (BT) saved for backward.
 */
const EPS = 1e-5;

export function layernormForwardTs(y: Float32Array, mean: Float32Array, rstd: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array, BT: number, C: number): void {
  for (let i = 0; i < BT; i++) {
    const o = i * C;
    let m = 0;
    for (let c = 0; c < C; c++) m += x[o + c]!;
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = x[o + c]! - m;
      v += d * d;
    }
    const s = 1 / Math.sqrt(v / C + EPS);
    for (let c = 0; c < C; c++) y[o + c] = (x[o + c]! - m) * s * w[c]! + b[c]!;
    mean[i] = m;
    rstd[i] = s;
  }
}

/** Accumulates dx, dw and db; dw and db are summed over the rows in double and added once (as the native kernel does, by chunks). */
export function layernormBackwardTs(dx: Float32Array, dw: Float32Array, db: Float32Array, dy: Float32Array, x: Float32Array, w: Float32Array, mean: Float32Array, rstd: Float32Array, BT: number, C: number): void {
  const sw = new Float64Array(C), sb = new Float64Array(C);
  for (let i = 0; i < BT; i++) {
    const o = i * C;
    const m = mean[i]!;
    const s = rstd[i]!;
    let gMean = 0;
    let gxMean = 0;
    for (let c = 0; c < C; c++) {
      const xh = (x[o + c]! - m) * s;
      const g = dy[o + c]! * w[c]!;
      gMean += g;
      gxMean += g * xh;
    }
    gMean /= C;
    gxMean /= C;
    for (let c = 0; c < C; c++) {
      const xh = (x[o + c]! - m) * s;
      const d = dy[o + c]!;
      sb[c] = sb[c]! + d;
      sw[c] = sw[c]! + d * xh;
      dx[o + c] = dx[o + c]! + s * (d * w[c]! - gMean - xh * gxMean);
    }
  }
  for (let c = 0; c < C; c++) {
    dw[c] = dw[c]! + sw[c]!;
    db[c] = db[c]! + sb[c]!;
  }
}
