import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { makeRng } from '../core/random/rng.js';
import { samplePrompt } from '../tasks/function-classes.js';
import { adamwStep, ADAMW_DEFAULTS } from './engine/adamw.js';
import { loadGemm } from './engine/gemm.js';
import { IclTransformer, iclShapes, iclTokens } from './icl-transformer.js';
import { IclTrainer, type IclTrainConfig } from './train-icl.js';

const gemm = loadGemm();
const dense = [{ name: 'dense', cls: { kind: 'dense_linear' }, weight: 1 }] as const;

describe('the in-context regression transformer', () => {
  it('lays out x tokens (x, 0) and y tokens (0, y), with targets at the x positions only', () => {
    const { tokens, targets, T } = iclTokens([{ xs: [1, 2, 3, 4], ys: [10, 20] }], 2, 2);
    expect(T).toBe(4);
    expect(Array.from(tokens)).toEqual([1, 2, 0, 0, 0, 10, 3, 4, 0, 0, 0, 20]);
    expect(Array.from(targets).map((v) => (Number.isNaN(v) ? null : v))).toEqual([10, null, 20, null]);
  });
  it('predicts one value per position, and is causal: a later token never changes an earlier prediction', () => {
    const m = new IclTransformer({ nLayer: 2, nHead: 2, nEmbd: 16, dims: 3, points: 4 }, gemm);
    m.init(makeRng(1));
    const rng = makeRng(2);
    const p = samplePrompt(dense, { d: 3, points: 4 }, rng);
    const { tokens, T } = iclTokens([p], 3, 4);
    m.forward(tokens, 1, T, null);
    const before = Array.from(m.preds);
    expect(before).toHaveLength(8);
    tokens[(T - 1) * 4 + 3] = 99; // the last y
    tokens[(T - 2) * 4] = -7; // the last x
    m.forward(tokens, 1, T, null);
    expect(Array.from(m.preds).slice(0, T - 2)).toEqual(before.slice(0, T - 2));
    expect(m.numParams).toBe(iclShapes(m.config).reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0));
  });
  it('full-model gradients agree with central finite differences', () => {
    const m = new IclTransformer({ nLayer: 1, nHead: 2, nEmbd: 8, dims: 2, points: 3 }, gemm);
    const rng = makeRng(3);
    m.init(rng);
    // Non-trivial norms and biases so every path carries gradient.
    for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.05 * rng.normal();
    const prompts = [0, 1].map(() => samplePrompt(dense, { d: 2, points: 3 }, rng));
    const { tokens, targets, T } = iclTokens(prompts, 2, 3);
    m.zeroGrad();
    m.forward(tokens, 2, T, targets);
    m.backward();
    const grads = Float64Array.from(m.grads);
    const loss = (): number => m.forward(tokens, 2, T, targets);
    for (let s = 0; s < 60; s++) {
      const i = Math.floor(rng.next() * m.numParams);
      const old = m.params[i]!;
      const eps = 1e-2;
      m.params[i] = old + eps;
      const lp = loss();
      m.params[i] = old - eps;
      const lm = loss();
      m.params[i] = old;
      const num = (lp - lm) / (2 * eps);
      expect(Math.abs(num - grads[i]!), `param ${i}: analytic ${grads[i]} vs numeric ${num}`).toBeLessThanOrEqual(2e-4 + 3e-2 * Math.abs(num));
    }
  });
  it('a short training run on one batch: the loss falls to a fraction (the optimisation path works end to end)', () => {
    const m = new IclTransformer({ nLayer: 2, nHead: 2, nEmbd: 32, dims: 3, points: 6 }, gemm);
    m.init(makeRng(8));
    const rng = makeRng(9);
    const { tokens, targets, T } = iclTokens(Array.from({ length: 8 }, () => samplePrompt(dense, { d: 3, points: 6 }, rng)), 3, 6);
    const mo = new Float32Array(m.numParams);
    const v = new Float32Array(m.numParams);
    let first = 0;
    let last = 0;
    for (let s = 1; s <= 150; s++) {
      m.zeroGrad();
      last = m.forward(tokens, 8, T, targets);
      if (s === 1) first = last;
      m.backward();
      adamwStep(m.params, m.grads, mo, v, m.decay, s, { ...ADAMW_DEFAULTS, weightDecay: 0 }, 3e-3);
    }
    expect(last).toBeLessThan(0.2 * first);
  });
  it('the trainer: curriculum stages, and a resumed run ends where an uninterrupted one does', () => {
    const cfg: IclTrainConfig = {
      model: { nLayer: 2, nHead: 2, nEmbd: 32, dims: 3, points: 8 }, mixture: dense, noise: 0.1, steps: 60, batch: 32, lr: 1e-3, warmup: 10,
      weightDecay: 0, seed: 5, curriculum: { dimsStart: 2, pointsStart: 4, every: 20 },
    };
    const t = new IclTrainer(cfg, gemm);
    expect(t.stage(0)).toEqual({ dims: 2, points: 4 });
    expect(t.stage(45)).toEqual({ dims: 3, points: 8 });
    expect(Number.isFinite(t.trainStep())).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'icl-'));
    const a = new IclTrainer(cfg, gemm);
    for (let s = 0; s < 50; s++) a.trainStep();
    const b = new IclTrainer(cfg, gemm);
    for (let s = 0; s < 30; s++) b.trainStep();
    b.save(join(dir, 'icl.safetensors'));
    const r = IclTrainer.resume(join(dir, 'icl.safetensors'), cfg, gemm);
    while (r.step < 50) r.trainStep();
    expect(r.model.params).toEqual(a.model.params);
    writeFileSync(join(dir, 'bad.safetensors'), Buffer.from([1, 2, 3]));
    expect(() => IclTrainer.resume(join(dir, 'bad.safetensors'), cfg, gemm)).toThrow(DataError);
  });
});
