/**
 * RMSNorm over the last dimension (Zhang & Sennrich 2019; LLaMA's and OLMo-2's norm): y = x·rstd·w
 * with rstd = 1/√(mean(x²) + ε), no mean subtracted and no bias; ε = 1e-5 as the trunk's LayerNorm.
 * With x̂ = x·rstd and g = dy·w, backward is dx = rstd·(g − x̂·mean(g·x̂)).
 * Shapes: x, y (BT, C); w (C); rstd (BT) saved for backward.
 */
const EPS = 1e-5;

export function rmsnormForwardTs(y: Float32Array, rstd: Float32Array, x: Float32Array, w: Float32Array, BT: number, C: number): void {
  for (let i = 0; i < BT; i++) {
    const o = i * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c]! * x[o + c]!;
    const s = 1 / Math.sqrt(ss / C + EPS);
    for (let c = 0; c < C; c++) y[o + c] = x[o + c]! * s * w[c]!;
    rstd[i] = s;
  }
}

/** Accumulates dx and dw; dw is summed over the rows in double and added once (as the native kernel does, by chunks). */
export function rmsnormBackwardTs(dx: Float32Array, dw: Float32Array, dy: Float32Array, x: Float32Array, w: Float32Array, rstd: Float32Array, BT: number, C: number): void {
  const sw = new Float64Array(C);
  for (let i = 0; i < BT; i++) {
    const o = i * C;
    const s = rstd[i]!;
    let gx = 0;
    for (let c = 0; c < C; c++) gx += dy[o + c]! * w[c]! * x[o + c]! * s;
    gx /= C;
    for (let c = 0; c < C; c++) {
      const xh = x[o + c]! * s;
      const d = dy[o + c]!;
      sw[c] = sw[c]! + d * xh;
      dx[o + c] = dx[o + c]! + s * (d * w[c]! - xh * gx);
    }
  }
  for (let c = 0; c < C; c++) dw[c] = dw[c]! + sw[c]!;
}
