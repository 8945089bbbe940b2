import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
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
  const lossErr = Math.abs(loss - (meta.loss64 as number)) / Math.abs(meta.loss64 as number);
  expect(lossErr).toBeLessThan(1e-5);
  const report: string[] = [];
  let worst = 0;
  for (const [name] of paramShapes(config)) {
    const ours = m.g(name);
    const ref = extra[`grad.${name}`]!;
    let maxRef = 0;
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]!));
      maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - ref[i]!));
    }
    const err = maxDiff / maxRef;
    worst = Math.max(worst, err);
    report.push(`${name} ${err.toExponential(1)}`);
    expect(err, `${name}: max |diff| ${maxDiff} vs max |grad| ${maxRef}`).toBeLessThan(1e-4);
  }
  console.log(`${kind} kernels vs PyTorch ${meta.torch as string}: loss rel err ${lossErr.toExponential(1)}, worst gradient tensor ${worst.toExponential(1)}`);
});
