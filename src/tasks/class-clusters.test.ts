import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { drawExemplar, makeClassWorld } from './class-clusters.js';

const sq = (a: Float32Array, b: Float32Array | null = null): number => a.reduce((s, v, i) => s + (v - (b ? b[i]! : 0)) ** 2, 0);

describe('class clusters', () => {
  it('is deterministic by seed, and a smaller world holds the first classes of a larger one with their labels', () => {
    const a = makeClassWorld({ classes: 64, labels: 8, dims: 16, seed: 3 });
    const b = makeClassWorld({ classes: 64, labels: 8, dims: 16, seed: 3 });
    expect(a.means).toEqual(b.means);
    expect(a.labelOf).toEqual(b.labelOf);
    const small = makeClassWorld({ classes: 16, labels: 8, dims: 16, seed: 3 });
    expect(small.means).toEqual(a.means.subarray(0, 16 * 16));
    expect(small.labelOf).toEqual(a.labelOf.subarray(0, 16));
    expect(small.labelVectors).toEqual(a.labelVectors);
    expect(makeClassWorld({ classes: 64, labels: 8, dims: 16, seed: 4 }).means).not.toEqual(a.means);
  });
  it('assigns labels uniformly over the L: a chi-square of 4,000 classes on 8 labels below the 0.999 quantile (24.3)', () => {
    const w = makeClassWorld({ classes: 4000, labels: 8, dims: 2, seed: 1 });
    const c = new Array<number>(8).fill(0);
    for (const l of w.labelOf) c[l] = c[l]! + 1;
    const e = 4000 / 8;
    expect(c.reduce((s, x) => s + (x - e) ** 2 / e, 0)).toBeLessThan(24.3);
    expect(Math.min(...w.labelOf)).toBe(0);
    expect(Math.max(...w.labelOf)).toBe(7);
  });
  it('means have E|μ|² = 1; exemplars keep norm 1 and sit ε²/(1+ε²)·2 apart within a class, 2 between', () => {
    const D = 64;
    const w = makeClassWorld({ classes: 400, labels: 4, dims: D, seed: 2 });
    let s = 0;
    for (let k = 0; k < 400; k++) s += sq(w.means.subarray(k * D, (k + 1) * D));
    expect(s / 400).toBeCloseTo(1, 1);
    const rng = makeRng(9);
    const eps = 0.5;
    const x = new Float32Array(D);
    const y = new Float32Array(D);
    let norm = 0, within = 0, between = 0;
    const n = 400;
    for (let k = 0; k < n; k++) {
      drawExemplar(w.means, k * D, D, eps, rng, x, 0);
      drawExemplar(w.means, k * D, D, eps, rng, y, 0);
      norm += sq(x);
      within += sq(x, y);
      drawExemplar(w.means, ((k + 1) % n) * D, D, eps, rng, y, 0);
      between += sq(x, y);
    }
    expect(norm / n).toBeCloseTo(1, 1);
    // Two draws of one class differ by ε(η − η')/√(1+ε²): E|·|² = 2ε²/(1+ε²) = 0.4 at ε = 0.5.
    expect(within / n).toBeCloseTo((2 * eps * eps) / (1 + eps * eps), 1);
    expect(between / n).toBeCloseTo(2, 0);
  });
  it('refuses a bad world, naming the field', () => {
    expect(() => makeClassWorld({ classes: 0, labels: 8, dims: 2, seed: 1 })).toThrow(/classes must be a whole number >= 1, got 0/);
    expect(() => makeClassWorld({ classes: 4, labels: 1, dims: 2, seed: 1 })).toThrow(/labels must be a whole number >= 2, got 1/);
  });
});
