import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { expectLikeTorch } from '../../test/torch-reference.js';
import { Autoencoder, autoencoderShapes, type AutoencoderConfig } from './autoencoder.js';
import { loadCheckpoint } from './checkpoint.js';
import { loadGemm } from './engine/gemm.js';
import { kernelsKind, nativeKernelsOrNull, useKernels, type KernelsKind } from './engine/kernels.js';
import { IclTransformer, iclShapes, iclTokens, type IclConfig } from './icl-transformer.js';
import { Lenet, lenetShapes, type LenetConfig } from './lenet.js';

/*
 * LeNet-5, the autoencoder and the in-context regressor against PyTorch on identical weights and
 * batches (test/fixtures/make_torch_models_golden.py, Debian python3-torch, float64), as the GPT is in
 * gpt.torch.test.ts: the loss to 1e-5 relative, every parameter's gradient to 1e-4 relative to that
 * tensor's largest, on both kernel backends.
 */
const golden = (name: string): string => fileURLToPath(new URL(`../../test/golden/torch-${name}.safetensors`, import.meta.url));
const initial = kernelsKind();
afterAll(() => useKernels(initial));
const BACKENDS: KernelsKind[] = ['typescript', ...(nativeKernelsOrNull() ? (['native'] as const) : [])];

describe.each(BACKENDS)('models against PyTorch (%s kernels)', (kind) => {
  it('LeNet-5: cross-entropy and every gradient', () => {
    useKernels(kind);
    const { params, meta, extra } = loadCheckpoint(golden('lenet'));
    const config = meta.config as LenetConfig;
    const B = meta.batch as number;
    const m = new Lenet(config, loadGemm(), params);
    m.zeroGrad();
    const loss = m.forward(extra.images!, B, Int32Array.from(extra.labels!, (v) => v));
    m.backward();
    expectLikeTorch(`LeNet-5 (${kind})`, loss, meta, lenetShapes(config), m, extra);
  });
  it('autoencoder: mean squared reconstruction error and every gradient', () => {
    useKernels(kind);
    const { params, meta, extra } = loadCheckpoint(golden('autoencoder'));
    const config = meta.config as AutoencoderConfig;
    const m = new Autoencoder(config, loadGemm(), params);
    m.zeroGrad();
    const loss = m.forward(extra.images!, meta.batch as number);
    m.backward();
    expectLikeTorch(`autoencoder (${kind})`, loss, meta, autoencoderShapes(config), m, extra);
  });
  it('in-context regressor: squared error at x positions and every gradient', () => {
    useKernels(kind);
    const { params, meta, extra } = loadCheckpoint(golden('icl'));
    const config = meta.config as IclConfig;
    const B = meta.batch as number;
    const { dims: d, points } = config;
    const prompts = Array.from({ length: B }, (_, b) => ({ xs: extra.xs!.subarray(b * points * d, (b + 1) * points * d), ys: extra.ys!.subarray(b * points, (b + 1) * points) }));
    const { tokens, targets, T } = iclTokens(prompts, d, points);
    const m = new IclTransformer(config, loadGemm(), params);
    m.zeroGrad();
    const loss = m.forward(tokens, B, T, targets);
    m.backward();
    expectLikeTorch(`in-context regressor (${kind})`, loss, meta, iclShapes(config), m, extra);
  });
});
