import { attentionBackwardTs, attentionForwardTs } from './layers/attention.js';
import { addIntoTs, adamwTs, biasRowsTs, columnSumsTs, scaleInPlaceTs, sumSquaresTs } from './layers/elementwise.js';
import { geluBackwardTs, geluForwardTs } from './layers/gelu.js';
import { layernormBackwardTs, layernormForwardTs } from './layers/layernorm.js';
import { loadGemm } from './gemm.js';
import { nativeAddon } from './native.js';
import type { Kernels } from './kernel-types.js';

export type { Kernels } from './kernel-types.js';

export type KernelsKind = 'native' | 'typescript';

/** The TypeScript kernels; attention's products go through the best GEMM available. */
export const tsKernels: Kernels = {
  geluForward: geluForwardTs, geluBackward: geluBackwardTs, layernormForward: layernormForwardTs, layernormBackward: layernormBackwardTs,
  biasRows: biasRowsTs, columnSums: columnSumsTs, addInto: addIntoTs,
  attentionForward: (out, att, qkv, B, T, C, NH) => attentionForwardTs(loadGemm(), out, att, qkv, B, T, C, NH),
  attentionBackward: (dqkv, datt, dout, qkv, att, B, T, C, NH) => attentionBackwardTs(loadGemm(), dqkv, datt, dout, qkv, att, B, T, C, NH),
  adamw: adamwTs, sumSquares: sumSquaresTs, scaleInPlace: scaleInPlaceTs,
};

let active: { kind: KernelsKind; k: Kernels } | null = null;

/** The native kernels when the addon is built, else the TypeScript ones. */
export function kernels(): Kernels {
  if (!active) {
    const { addon } = nativeAddon();
    active = addon && typeof addon.geluForward === 'function' ? { kind: 'native', k: addon } : { kind: 'typescript', k: tsKernels };
  }
  return active.k;
}

export function kernelsKind(): KernelsKind {
  kernels();
  return active!.kind;
}

/** Chooses the backend for this process (tests and benchmarks run both); 'native' needs the addon. */
export function useKernels(kind: KernelsKind): void {
  if (kind === 'typescript') active = { kind, k: tsKernels };
  else {
    const { addon, why } = nativeAddon();
    if (!addon) throw new Error(`native kernels unavailable: ${why}`);
    active = { kind, k: addon };
  }
}
