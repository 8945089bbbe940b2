import type { Gemm } from '../gemm.js';

/**
 * 2-D convolution, stride 1, zero padding P, via im2col (Chellapilla et al. 2006): each image's
 * (Cin·K·K, Ho·Wo) column matrix turns the convolution into one GEMM, out = W·cols. Backward:
 * dW += dout·colsᵀ, dcols = Wᵀ·dout, then col2im adds the columns back into dx.
 * Shapes: x (B, Cin, H, W); W (Cout, Cin, K, K); b (Cout); out (B, Cout, Ho, Wo), Ho = H + 2P − K + 1.
 */
export { convOut, type ConvShape } from './conv-shape.js';
import { convOut, type ConvShape } from './conv-shape.js';

function im2col(cols: Float32Array, x: Float32Array, xo: number, s: ConvShape, Ho: number, Wo: number): void {
  const { Cin, H, W, K, P } = s;
  let r = 0;
  for (let c = 0; c < Cin; c++) {
    for (let ki = 0; ki < K; ki++) {
      for (let kj = 0; kj < K; kj++) {
        const row = r * Ho * Wo;
        for (let i = 0; i < Ho; i++) {
          const y = i + ki - P;
          for (let j = 0; j < Wo; j++) {
            const xx = j + kj - P;
            cols[row + i * Wo + j] = y >= 0 && y < H && xx >= 0 && xx < W ? x[xo + (c * H + y) * W + xx]! : 0;
          }
        }
        r++;
      }
    }
  }
}

function col2im(dx: Float32Array, xo: number, cols: Float32Array, s: ConvShape, Ho: number, Wo: number): void {
  const { Cin, H, W, K, P } = s;
  let r = 0;
  for (let c = 0; c < Cin; c++) {
    for (let ki = 0; ki < K; ki++) {
      for (let kj = 0; kj < K; kj++) {
        const row = r * Ho * Wo;
        for (let i = 0; i < Ho; i++) {
          const y = i + ki - P;
          if (y < 0 || y >= H) continue;
          for (let j = 0; j < Wo; j++) {
            const xx = j + kj - P;
            if (xx < 0 || xx >= W) continue;
            const at = xo + (c * H + y) * W + xx;
            dx[at] = dx[at]! + cols[row + i * Wo + j]!;
          }
        }
        r++;
      }
    }
  }
}

/** `cols` (B·Cin·K·K·Ho·Wo) keeps every image's columns for the backward pass. */
export function conv2dForwardTs(gemm: Gemm, out: Float32Array, cols: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array, s: ConvShape): void {
  const { Ho, Wo } = convOut(s);
  const R = s.Cin * s.K * s.K;
  const N = Ho * Wo;
  for (let n = 0; n < s.B; n++) {
    const col = cols.subarray(n * R * N, (n + 1) * R * N);
    im2col(col, x, n * s.Cin * s.H * s.W, s, Ho, Wo);
    const o = out.subarray(n * s.Cout * N, (n + 1) * s.Cout * N);
    for (let c = 0; c < s.Cout; c++) o.fill(b[c]!, c * N, (c + 1) * N);
    gemm.sgemm(false, false, s.Cout, N, R, 1, w, col, 1, o);
  }
}

/** Accumulates dw, db and dx when given. `dcols` (Cin·K·K·Ho·Wo) is scratch. */
export function conv2dBackwardTs(gemm: Gemm, dx: Float32Array | null, dw: Float32Array, db: Float32Array, dcols: Float32Array, dout: Float32Array, cols: Float32Array, w: Float32Array, s: ConvShape): void {
  const { Ho, Wo } = convOut(s);
  const R = s.Cin * s.K * s.K;
  const N = Ho * Wo;
  for (let n = 0; n < s.B; n++) {
    const d = dout.subarray(n * s.Cout * N, (n + 1) * s.Cout * N);
    const col = cols.subarray(n * R * N, (n + 1) * R * N);
    gemm.sgemm(false, true, s.Cout, R, N, 1, d, col, 1, dw);
    for (let c = 0; c < s.Cout; c++) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += d[c * N + i]!;
      db[c] = db[c]! + sum;
    }
    if (dx) {
      gemm.sgemm(true, false, R, N, s.Cout, 1, w, d, 0, dcols);
      col2im(dx, n * s.Cin * s.H * s.W, dcols, s, Ho, Wo);
    }
  }
}
