import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { adamwStep, ADAMW_DEFAULTS } from './engine/adamw.js';
import { loadGemm } from './engine/gemm.js';
import { ExemplarTransformer, exemplarShapes, sequenceTokens, type ExemplarConfig } from './exemplar-transformer.js';

const gemm = loadGemm();

/** Random sequences of `context` items and a query, D values each, labels in 0..L−1. */
function randomSequences(n: number, c: ExemplarConfig, seed: number): { exemplars: Float32Array; labels: Int32Array }[] {
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => ({
    exemplars: Float32Array.from({ length: (c.context + 1) * c.dims }, () => rng.normal() / Math.sqrt(c.dims)),
    labels: Int32Array.from({ length: c.context + 1 }, () => Math.floor(rng.next() * c.labels)),
  }));
}

describe('the exemplar classifier', () => {
  it('lays out exemplar, label vector, …, query; the target is the query’s label', () => {
    const labelVectors = Float32Array.of(10, 11, 20, 21, 30, 31); // L = 3, D = 2
    const { tokens, targets } = sequenceTokens([{ exemplars: Float32Array.of(1, 2, 3, 4, 5, 6), labels: Int32Array.of(2, 0, 1) }], labelVectors, 2, 2);
    expect(Array.from(tokens)).toEqual([1, 2, 30, 31, 3, 4, 10, 11, 5, 6]);
    expect(Array.from(targets)).toEqual([1]);
  });
  it('the read-out sees the whole context: changing the first exemplar changes the query’s probabilities; the parameters are counted', () => {
    const c: ExemplarConfig = { nLayer: 2, nHead: 2, nEmbd: 16, dims: 4, context: 3, labels: 5 };
    const m = new ExemplarTransformer(c, gemm);
    m.init(makeRng(1));
    const lv = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
    const seqs = randomSequences(2, c, 2);
    const { tokens } = sequenceTokens(seqs, lv, 4, 3);
    m.forward(tokens, 2, null);
    const before = Array.from(m.probs);
    expect(before.slice(0, 5).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    tokens[0] = tokens[0]! + 3;
    m.forward(tokens, 2, null);
    expect(Array.from(m.probs).slice(0, 5)).not.toEqual(before.slice(0, 5));
    expect(Array.from(m.probs).slice(5)).toEqual(before.slice(5)); // the second sequence is untouched
    expect(m.numParams).toBe(exemplarShapes(c).reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0));
  });
  it('full-model gradients agree with central finite differences of the loss', () => {
    const c: ExemplarConfig = { nLayer: 1, nHead: 2, nEmbd: 8, dims: 3, context: 2, labels: 4 };
    const m = new ExemplarTransformer(c, gemm);
    const rng = makeRng(3);
    m.init(rng);
    for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.05 * rng.normal();
    const lv = Float32Array.from({ length: 12 }, () => rng.normal());
    const { tokens, targets } = sequenceTokens(randomSequences(3, c, 4), lv, 3, 2);
    m.zeroGrad();
    m.forward(tokens, 3, targets);
    m.backward();
    const grads = Float64Array.from(m.grads);
    const loss = (): number => m.forward(tokens, 3, targets);
    let checked = 0;
    for (let s = 0; s < 80; s++) {
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
      if (Math.abs(num) > 1e-3) checked++;
    }
    expect(checked).toBeGreaterThan(20); // most sampled parameters carry a gradient the check can see
  });
  it('fits one fixed batch of random sequences (the loss falls to a fraction: the optimisation path works end to end)', () => {
    const c: ExemplarConfig = { nLayer: 2, nHead: 2, nEmbd: 32, dims: 4, context: 2, labels: 3 };
    const m = new ExemplarTransformer(c, gemm);
    m.init(makeRng(8));
    const lv = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
    const seqs = randomSequences(16, c, 9);
    const { tokens, targets } = sequenceTokens(seqs, lv, 4, 2);
    const mo = new Float32Array(m.numParams);
    const v = new Float32Array(m.numParams);
    let first = 0;
    let last = 0;
    for (let s = 1; s <= 200; s++) {
      m.zeroGrad();
      last = m.forward(tokens, 16, targets);
      if (s === 1) first = last;
      m.backward();
      adamwStep(m.params, m.grads, mo, v, m.decay, s, { ...ADAMW_DEFAULTS, weightDecay: 0 }, 3e-3);
    }
    expect(last).toBeLessThan(0.2 * first);
  });
  it('refuses tokens of the wrong shape', () => {
    const c: ExemplarConfig = { nLayer: 1, nHead: 1, nEmbd: 4, dims: 2, context: 1, labels: 2 };
    expect(() => new ExemplarTransformer(c, gemm).forward(new Float32Array(5), 1, null)).toThrow(/tokens: 5 values, expected 1 × 3 × 2/);
  });
});
