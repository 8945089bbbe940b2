import type { MoeActs } from './moe.js';

/**
 * One block's activations over `rows` positions: the training pass keeps a set per layer, decoding
 * reuses one. An MoE block keeps its feed-forward activations in `moe` (and none in fch…fcproj but
 * fcproj, its output).
 */
export interface BlockActs {
  ln1: Float32Array; ln1Mean: Float32Array; ln1Rstd: Float32Array; qkv: Float32Array; atty: Float32Array; attproj: Float32Array; res2: Float32Array;
  ln2: Float32Array; ln2Mean: Float32Array; ln2Rstd: Float32Array; fch: Float32Array; fchGelu: Float32Array; fchDeriv: Float32Array | null; fcproj: Float32Array; res3: Float32Array;
  /** The attention probabilities (B, NH, T, T) backward needs; decoding keeps none. */
  att: Float32Array | null;
  moe: MoeActs | null;
}

export function blockActs(rows: number, C: number, H: number, training: { att: number } | null, moe: MoeActs | null = null): BlockActs {
  const f = (n: number): Float32Array => new Float32Array(n);
  return {
    ln1: f(rows * C), ln1Mean: f(rows), ln1Rstd: f(rows), qkv: f(rows * 3 * C), atty: f(rows * C), attproj: f(rows * C), res2: f(rows * C),
    ln2: f(rows * C), ln2Mean: f(rows), ln2Rstd: f(rows), fch: f(rows * H), fchGelu: f(rows * H), fchDeriv: training ? f(rows * H) : null, fcproj: f(rows * C), res3: f(rows * C),
    att: training ? f(training.att) : null, moe,
  };
}
