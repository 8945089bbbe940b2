import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { loadGemm } from './engine/gemm.js';
import { adamwStep, ADAMW_DEFAULTS } from './engine/adamw.js';
import { Gpt, paramShapes } from './gpt.js';

const cfg = { vocabSize: 7, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8 };

describe('the GPT model', () => {
  it('has the parameter count of its shapes, tied head included', () => {
    const m = new Gpt(cfg, loadGemm());
    const C = 8;
    const perLayer = 2 * C + 3 * C * C + 3 * C + C * C + C + 2 * C + 4 * C * C + 4 * C + 4 * C * C + C;
    expect(m.numParams).toBe(7 * C + 6 * C + 2 * perLayer + 2 * C);
    expect(paramShapes(cfg)).toHaveLength(2 + 12 * 2 + 2);
  });

  it('full-model gradients agree with central finite differences in every parameter tensor', () => {
    const m = new Gpt(cfg, loadGemm());
    const rng = makeRng(5);
    m.init(rng);
    // Larger weights than GPT-2's 0.02 so every path carries a measurable gradient.
    for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.3 * rng.normal();
    const tokens = Int32Array.of(1, 2, 3, 4, 5, 6, 0, 3, 3, 2, 1, 6);
    const targets = Int32Array.of(2, 3, 4, 5, 6, -1, 3, 3, 2, 1, 6, 0);
    m.zeroGrad();
    m.forward(tokens, 2, 6, targets);
    m.backward();
    const grads = Float32Array.from(m.grads);
    let worst = 0;
    for (const [name] of paramShapes(cfg)) {
      const v = m.p(name);
      const offset = m.p(name).byteOffset / 4 - m.params.byteOffset / 4;
      for (let s = 0; s < 4; s++) {
        const i = Math.floor(rng.next() * v.length);
        const old = v[i]!;
        const eps = 1e-2;
        v[i] = old + eps;
        const lp = m.forward(tokens, 2, 6, targets);
        v[i] = old - eps;
        const lm = m.forward(tokens, 2, 6, targets);
        v[i] = old;
        const num = (lp - lm) / (2 * eps);
        const ana = grads[offset + i]!;
        worst = Math.max(worst, Math.abs(num - ana) / (1e-3 + Math.abs(num)));
        expect(Math.abs(num - ana), `${name}[${i}]: analytic ${ana} vs numeric ${num}`).toBeLessThanOrEqual(5e-4 + 2e-2 * Math.abs(num));
      }
    }
  });

  it('rows shifted in the position table: gradients reach only the positions used, and agree with finite differences', () => {
    const big = { ...cfg, blockSize: 9 };
    const m = new Gpt(big, loadGemm());
    const rng = makeRng(8);
    m.init(rng);
    for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.3 * rng.normal();
    const tokens = Int32Array.of(1, 2, 3, 4, 0, 3, 3, 2);
    const targets = Int32Array.of(2, 3, 4, -1, 3, 3, 2, 1);
    const shift = Int32Array.of(3, 5);
    m.zeroGrad();
    const loss = m.forward(tokens, 2, 4, targets, shift);
    m.backward();
    const wpeGrad = Float32Array.from(m.g('wpe'));
    const C = big.nEmbd;
    // Row 0 uses positions 3–6, row 1 positions 5–8: rows 0–2 of the table get no gradient.
    for (let p = 0; p < 3; p++) for (let c = 0; c < C; c++) expect(wpeGrad[p * C + c]).toBe(0);
    expect(wpeGrad.subarray(3 * C).some((g) => g !== 0)).toBe(true);
    // Finite differences through the shifted embedding.
    const wpe = m.p('wpe');
    for (const i of [3 * C + 1, 6 * C + 2, 8 * C + 5]) {
      const old = wpe[i]!;
      wpe[i] = old + 1e-2;
      const lp = m.forward(tokens, 2, 4, targets, shift);
      wpe[i] = old - 1e-2;
      const lm = m.forward(tokens, 2, 4, targets, shift);
      wpe[i] = old;
      const num = (lp - lm) / 2e-2;
      expect(Math.abs(num - wpeGrad[i]!)).toBeLessThanOrEqual(5e-4 + 2e-2 * Math.abs(num));
    }
    expect(Number.isFinite(loss)).toBe(true);
    expect(() => m.forward(tokens, 2, 4, targets, Int32Array.of(0, 6))).toThrow(/shift 6 needs 10 positions; the table has 9/);
  });

  it('a short training run on a fixed pattern: the loss falls', () => {
    const m = new Gpt({ vocabSize: 10, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 32 }, loadGemm());
    m.init(makeRng(1));
    const rng = makeRng(2);
    const B = 16, T = 8;
    const mo = new Float32Array(m.numParams), vo = new Float32Array(m.numParams);
    const batch = (): { x: Int32Array; y: Int32Array } => {
      // Sequences counting up from a random start (mod 10): the next token is always predictable.
      const x = new Int32Array(B * T), y = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        const s = Math.floor(rng.next() * 10);
        for (let t = 0; t < T; t++) {
          x[b * T + t] = (s + t) % 10;
          y[b * T + t] = (s + t + 1) % 10;
        }
      }
      return { x, y };
    };
    let first = 0;
    let last = 0;
    for (let step = 1; step <= 60; step++) {
      const { x, y } = batch();
      m.zeroGrad();
      const loss = m.forward(x, B, T, y);
      m.backward();
      adamwStep(m.params, m.grads, mo, vo, m.decay, step, { ...ADAMW_DEFAULTS, lr: 3e-3 });
      if (step === 1) first = loss;
      last = loss;
    }
    expect(first).toBeGreaterThan(2); // ≈ ln 10 at initialisation
    expect(last).toBeLessThan(0.5 * first);
  });
});
