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
const golden = (name: string): string => fileURLToPath(new URL(`../../test/golden/${name}`, import.meta.url));

const initial = kernelsKind();
afterAll(() => useKernels(initial));
const BACKENDS: KernelsKind[] = ['typescript', ...(nativeKernelsOrNull() ? (['native'] as const) : [])];

// GPT-2's configuration, and the trunk's other one: RMSNorm (no biases) with a 2.5× MLP.
const CASES = BACKENDS.flatMap((kind) => [['torch-gpt.safetensors', kind], ['torch-gpt-rmsnorm.safetensors', kind]] as const);

it.each(CASES)('%s: loss and gradients agree with PyTorch to 1e-4 (per tensor, relative to its largest gradient; %s kernels)', (name, kind) => {
  useKernels(kind);
  const { params, meta, extra } = loadCheckpoint(golden(name));
  const config = meta.config as GptConfig;
  const B = meta.batch as number;
  const T = config.blockSize;
  const m = new Gpt(config, loadGemm(), params);
  const tokens = Int32Array.from(extra.tokens!, (v) => v);
  const targets = Int32Array.from(extra.targets!, (v) => v);
  m.zeroGrad();
  const loss = m.forward(tokens, B, T, targets);
  m.backward();
  expectLikeTorch(`GPT ${config.norm ?? 'layernorm'} mlp×${config.mlpRatio ?? 4} (${kind} kernels)`, loss, meta, paramShapes(config), m, extra);
});
