import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { loadGemm } from './engine/gemm.js';
import { Autoencoder, autoencoderShapes } from './autoencoder.js';
import { mseForward, sigmoidMseBackward } from './engine/layers/sigmoid-mse.js';

describe('shallow autoencoder', () => {
  it('has 2·784·b + b + 784 parameters and reconstructs a batch to its own shape', () => {
    const m = new Autoencoder({ bottleneck: 8, inputs: 784 }, loadGemm());
    expect(m.numParams).toBe(2 * 784 * 8 + 8 + 784);
    expect(autoencoderShapes(m.config).map(([n, s]) => `${n}:${s.join('x')}`)).toEqual(['enc.weight:8x784', 'enc.bias:8', 'dec.weight:784x8', 'dec.bias:784']);
    m.init(makeRng(1));
    const B = 3;
    const x = Float32Array.from({ length: B * 784 }, (_, i) => (i % 7) / 7);
    const loss = m.forward(x, B);
    expect(m.recon.length).toBe(B * 784);
    expect(m.rowError.length).toBe(B);
    for (const v of m.recon) expect(v > 0 && v < 1).toBe(true);
    // The loss is the mean of the per-image errors (equal-sized rows).
    expect(loss).toBeCloseTo((m.rowError[0]! + m.rowError[1]! + m.rowError[2]!) / 3, 6);
    m.zeroGrad();
    m.backward();
    expect(m.grads.length).toBe(m.numParams);
    expect(m.grads.some((g) => g !== 0)).toBe(true);
    expect(() => new Autoencoder({ bottleneck: 0, inputs: 784 }, loadGemm())).toThrow(/bottleneck/);
  });
  it('MSE by hand, and its sigmoid gradient', () => {
    const pred = Float32Array.of(0.5, 0.25, 1, 0);
    const target = Float32Array.of(0, 0.25, 0, 0);
    const rows = new Float32Array(2);
    expect(mseForward(pred, target, 2, 2, rows)).toBeCloseTo((0.25 + 0 + 1 + 0) / 4, 7);
    expect(Array.from(rows)).toEqual([0.125, 0.5]);
    const d = new Float32Array(4);
    sigmoidMseBackward(d, pred, target, 4);
    expect(d[0]).toBeCloseTo((2 / 4) * 0.5 * 0.5 * 0.5, 7);
    expect(d[1]).toBe(0);
  });
  it('full-model gradients agree with central finite differences', () => {
    const m = new Autoencoder({ bottleneck: 3, inputs: 20 }, loadGemm());
    const rng = makeRng(3);
    m.init(rng);
    for (const name of ['enc.bias', 'dec.bias']) for (let i = 0; i < m.p(name).length; i++) m.p(name)[i] = 0.1 * rng.normal();
    const B = 4;
    const x = Float32Array.from({ length: B * 20 }, () => rng.next());
    m.zeroGrad();
    m.forward(x, B);
    m.backward();
    const grads = Float32Array.from(m.grads);
    for (let i = 0; i < m.numParams; i++) {
      const old = m.params[i]!;
      const eps = 1e-2;
      m.params[i] = old + eps;
      const lp = m.forward(x, B);
      m.params[i] = old - eps;
      const lm = m.forward(x, B);
      m.params[i] = old;
      const num = (lp - lm) / (2 * eps);
      expect(Math.abs(num - grads[i]!), `param ${i}: analytic ${grads[i]} vs numeric ${num}`).toBeLessThanOrEqual(1e-5 + 2e-2 * Math.abs(num));
    }
  });
});
