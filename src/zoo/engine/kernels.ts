import { attentionBackwardTs, attentionDecodeTs, attentionForwardTs } from './layers/attention.js';
import { crossEntropyBackwardTs, crossEntropyForwardTs } from './layers/cross-entropy.js';
import { rmsnormBackwardTs, rmsnormForwardTs } from './layers/rmsnorm.js';
import { conv2dBackwardTs, conv2dForwardTs } from './layers/conv2d.js';
import { maxpoolBackwardTs, maxpoolForwardTs, reluBackwardTs, reluForwardTs } from './layers/pool-relu.js';
import { addIntoTs, adamwTs, biasRowsTs, columnSumsTs, scaleInPlaceTs, sumSquaresTs } from './layers/elementwise.js';
import { geluBackwardTs, geluForwardTs } from './layers/gelu.js';
import { layernormBackwardTs, layernormForwardTs } from './layers/layernorm.js';
import { loadGemm } from './gemm.js';
import { nativeAddon, type NativeAddon } from './native.js';
import type { Kernels } from './kernel-types.js';

export type { Kernels } from './kernel-types.js';

export type KernelsKind = 'native' | 'typescript';

/** The TypeScript kernels; attention's products go through the best GEMM available. */
export const tsKernels: Kernels = {
  geluForward: geluForwardTs, geluBackward: geluBackwardTs, layernormForward: layernormForwardTs, layernormBackward: layernormBackwardTs,
  rmsnormForward: rmsnormForwardTs, rmsnormBackward: rmsnormBackwardTs,
  biasRows: biasRowsTs, columnSums: columnSumsTs, addInto: addIntoTs,
  attentionForward: (out, att, qkv, B, T, C, NH) => attentionForwardTs(loadGemm(), out, att, qkv, B, T, C, NH),
  attentionBackward: (dqkv, datt, dout, qkv, att, B, T, C, NH) => attentionBackwardTs(loadGemm(), dqkv, datt, dout, qkv, att, B, T, C, NH),
  attentionDecode: attentionDecodeTs, crossEntropyForward: crossEntropyForwardTs, crossEntropyBackward: crossEntropyBackwardTs,
  adamw: adamwTs, sumSquares: sumSquaresTs, scaleInPlace: scaleInPlaceTs,
  conv2dForward: (out, cols, x, w, b, s) => conv2dForwardTs(loadGemm(), out, cols, x, w, b, s),
  conv2dBackward: (dx, dw, db, dcols, dout, cols, w, s) => conv2dBackwardTs(loadGemm(), dx, dw, db, dcols, dout, cols, w, s),
  maxpoolForward: maxpoolForwardTs, maxpoolBackward: maxpoolBackwardTs, reluForward: reluForwardTs, reluBackward: reluBackwardTs,
};

/** The native kernels as a Kernels backend: the convolutions' shapes passed as the addon's scalars. */
function nativeKernels(a: NativeAddon): Kernels {
  return {
    ...a,
    conv2dForward: (out, cols, x, w, b, s) => a.conv2dForward(out, cols, x, w, b, s.B, s.Cin, s.H, s.W, s.Cout, s.K, s.P),
    conv2dBackward: (dx, dw, db, dcols, dout, cols, w, s) => a.conv2dBackward(dx, dw, db, dcols, dout, cols, w, s.B, s.Cin, s.H, s.W, s.Cout, s.K, s.P),
  };
}

/** The native backend, or null with the reason (tests compare it with the fallback). */
export function nativeKernelsOrNull(): Kernels | null {
  const { addon } = nativeAddon();
  return addon && typeof addon.attentionDecode === 'function' ? nativeKernels(addon) : null;
}

let active: { kind: KernelsKind; k: Kernels } | null = null;

/** The native kernels when the addon is built, else the TypeScript ones. */
export function kernels(): Kernels {
  if (!active) {
    const k = nativeKernelsOrNull();
    active = k ? { kind: 'native', k } : { kind: 'typescript', k: tsKernels };
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
    const k = nativeKernelsOrNull();
    if (!k) throw new Error(`native kernels unavailable: ${nativeAddon().why ?? 'the addon predates them (rebuild: node scripts/build-native.mjs)'}`);
    active = { kind, k };
  }
}
