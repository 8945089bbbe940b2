import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { makeZipf } from '../core/random/zipf.js';
import { checkSequenceSpec, drawSequence, iclSequence, iwlSequence, trainingSequence, type SequenceSpec } from './bursty-sequences.js';
import { makeClassWorld } from './class-clusters.js';

const SPEC: SequenceSpec = { context: 8, burst: 4, pBursty: 0.9, noise: 0.1 };
const K = 512;
const world = makeClassWorld({ classes: K, labels: 16, dims: 8, seed: 5 });

const countsOf = (xs: ArrayLike<number>): Map<number, number> => {
  const m = new Map<number, number>();
  for (const x of Array.from(xs)) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

describe('bursty sequences', () => {
  it('a share p_B of training sequences is bursty (within 4 standard errors of 20,000), and bursty ones are N/B classes × B with the query among them', () => {
    const zipf = makeZipf(K, 0);
    const rng = makeRng(1);
    const n = 20_000;
    let bursty = 0;
    let queryInContext = 0;
    let mislabelled = 0;
    for (let i = 0; i < n; i++) {
      const s = trainingSequence(SPEC, world.labelOf, zipf, rng);
      const ctx = countsOf(s.classes.subarray(0, 8));
      if (s.bursty) {
        bursty++;
        if (ctx.size !== 2 || [...ctx.values()].some((c) => c !== 4) || !ctx.has(s.classes[8]!)) throw new Error(`not 2 classes × 4 with the query among them: ${s.classes.join(',')}`);
      } else if (ctx.has(s.classes[8]!)) queryInContext++;
      s.classes.forEach((k, j) => { if (s.labels[j] !== world.labelOf[k]) mislabelled++; });
    }
    expect(mislabelled).toBe(0);
    expect(Math.abs(bursty / n - 0.9)).toBeLessThan(4 * Math.sqrt((0.9 * 0.1) / n));
    // A uniform query over 512 classes lands in 8 independent draws with probability 1 − (511/512)^8 ≈ 1.6%.
    expect(queryInContext / (n - bursty)).toBeLessThan(0.03);
  });
  it('p_B = 0 gives no bursty sequence, and the items follow the Zipf law: the exponent from the rank counts within 0.03 of α = 1', () => {
    const zipf = makeZipf(K, 1);
    const rng = makeRng(2);
    const c = new Array<number>(K).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const s = trainingSequence({ ...SPEC, pBursty: 0 }, world.labelOf, zipf, rng);
      expect(s.bursty).toBe(false);
      for (const k of s.classes) c[k] = c[k]! + 1;
    }
    // The least-squares slope of log count on log rank over the 32 most common ranks (-α for a Zipf law).
    const xs = Array.from({ length: 32 }, (_, k) => Math.log(k + 1));
    const ys = xs.map((_, k) => Math.log(c[k]!));
    const mx = xs.reduce((a, b) => a + b) / 32;
    const my = ys.reduce((a, b) => a + b) / 32;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(Math.abs(-slope - 1)).toBeLessThan(0.03);
  });
  it('an in-weights sequence never holds its query class in its context', () => {
    const zipf = makeZipf(32, 1.5);
    const rng = makeRng(3);
    const small = makeClassWorld({ classes: 32, labels: 16, dims: 8, seed: 5 });
    for (let i = 0; i < 2000; i++) {
      const s = iwlSequence(SPEC, small.labelOf, zipf, rng);
      expect(Array.from(s.classes.subarray(0, 8))).not.toContain(s.classes[8]);
      expect(s.labels[8]).toBe(small.labelOf[s.classes[8]!]);
    }
  });
  it('an in-context sequence gives its N/B fresh classes distinct labels, uniform over the L, the query’s among them', () => {
    const rng = makeRng(4);
    const c = new Array<number>(16).fill(0);
    const n = 8000;
    for (let i = 0; i < n; i++) {
      const s = iclSequence(SPEC, 16, rng);
      const byClass = new Map<number, number>();
      s.classes.forEach((k, j) => {
        if (byClass.has(k)) expect(s.labels[j]).toBe(byClass.get(k));
        byClass.set(k, s.labels[j]!);
      });
      expect(byClass.size).toBe(2);
      expect(new Set(byClass.values()).size).toBe(2);
      c[s.labels[8]!] = c[s.labels[8]!]! + 1;
    }
    const e = n / 16;
    // Chi-square with 15 degrees of freedom, below its 0.999 quantile (37.7).
    expect(c.reduce((s, x) => s + (x - e) ** 2 / e, 0)).toBeLessThan(37.7);
  });
  it('draws the same sequences from the same seed, exemplars included', () => {
    const zipf = makeZipf(K, 1);
    for (const kind of ['train', 'icl', 'iwl'] as const) {
      const a = drawSequence(kind, world, SPEC, zipf, makeRng(8));
      const b = drawSequence(kind, world, SPEC, zipf, makeRng(8));
      expect(a).toEqual(b);
      expect(a.exemplars).toHaveLength(9 * 8);
      expect(drawSequence(kind, world, SPEC, zipf, makeRng(9)).exemplars).not.toEqual(a.exemplars);
    }
  });
  it('refuses specs that cannot be met, naming the field', () => {
    expect(() => checkSequenceSpec({ ...SPEC, burst: 3 }, K)).toThrow(/burst must divide the context of 8, got 3/);
    expect(() => checkSequenceSpec({ ...SPEC, pBursty: 1.5 }, K)).toThrow(/pBursty must be in \[0, 1\]/);
    expect(() => checkSequenceSpec(SPEC, 8)).toThrow(/8 classes cannot leave a query class outside a context of 8/);
  });
});
