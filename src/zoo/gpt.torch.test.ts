import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
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

// GPT-2's configuration, the trunk's other one (RMSNorm, no biases, a 2.5× MLP), and a mixture of 4
// experts in block 1: top-1 at capacity factor 1.0 (α 1e-2) and top-2 at 0.75 (α 0.1), both dropping tokens.
const FIXTURES = ['torch-gpt.safetensors', 'torch-gpt-rmsnorm.safetensors', 'torch-gpt-moe-top1.safetensors', 'torch-gpt-moe-top2.safetensors'] as const;
const CASES = BACKENDS.flatMap((kind) => FIXTURES.map((name) => [name, kind] as const));

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
  // The objective: cross-entropy plus the MoE blocks' load-balancing loss (0 when dense).
  const loss = m.forward(tokens, B, T, targets) + m.auxLoss;
  m.backward();
  if (config.moe) {
    // The same discrete routing first: each token's first expert, and as many assignments dropped.
    const routing = meta.routing as Record<string, { top1: number[]; dropped: number; capacity: number }>;
    const s = m.moeStats()[0]!;
    const ref = routing[`h.${s.layer}.`]!;
    expect(Array.from(s.top1)).toEqual(ref.top1);
    expect(s.capacity).toBe(ref.capacity);
    expect(s.dropped).toBe(ref.dropped);
    expect(s.dropped, 'the fixture must drop tokens').toBeGreaterThan(0);
    expect(Math.abs(m.auxLoss - (meta.aux64 as number)) / (meta.aux64 as number)).toBeLessThan(1e-5);
  }
  const what = config.moe ? `MoE top-${config.moe.topK} cf ${config.moe.capacityFactor}` : `${config.norm ?? 'layernorm'} mlp×${config.mlpRatio ?? 4}`;
  expectLikeTorch(`GPT ${what} (${kind} kernels)`, loss, meta, paramShapes(config), m, extra);
});
