import { fileURLToPath } from 'node:url';
import { afterAll, it } from 'vitest';
import { expectLikeTorch } from '../../test/torch-reference.js';
import { kernelsKind, nativeKernelsOrNull, useKernels, type KernelsKind } from './engine/kernels.js';
import { loadGemm } from './engine/gemm.js';
import { loadCheckpoint } from './checkpoint.js';
import { Gpt, paramShapes, type GptConfig } from './gpt.js';

/*
 * The whole model against PyTorch on identical weights and batch (test/fixtures/make_torch_gpt_golden.py,
 * Debian python3-torch, float64): the loss and every parameter's gradient. Error is measured per
 * tensor relative to its largest gradient, max |ours − torch| / max |torch| (element-wise relative error
 * is meaningless for gradients near zero); the bound is 1e-4.
 */
const file = fileURLToPath(new URL('../../test/golden/torch-gpt.safetensors', import.meta.url));

const initial = kernelsKind();
afterAll(() => useKernels(initial));
const BACKENDS: KernelsKind[] = ['typescript', ...(nativeKernelsOrNull() ? (['native'] as const) : [])];

it.each(BACKENDS)('loss and gradients agree with PyTorch to 1e-4 (per tensor, relative to its largest gradient; %s kernels)', (kind) => {
  useKernels(kind);
  const { params, meta, extra } = loadCheckpoint(file);
  const config = meta.config as GptConfig;
  const B = meta.batch as number;
  const T = config.blockSize;
  const m = new Gpt(config, loadGemm(), params);
  const tokens = Int32Array.from(extra.tokens!, (v) => v);
  const targets = Int32Array.from(extra.targets!, (v) => v);
  m.zeroGrad();
  const loss = m.forward(tokens, B, T, targets);
  m.backward();
  expectLikeTorch(`GPT (${kind} kernels)`, loss, meta, paramShapes(config), m, extra);
});
