import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { drawFunction, samplePrompt, type MixtureComponent } from './function-classes.js';

const N = 4000;
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const variance = (v: number[]): number => { const m = mean(v); return v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1); };
// Tolerances: a mean of N unit-variance draws has sd 1/√N; a variance's relative sd is √(2/N) (Gaussian).
const z = 5;

describe('function classes for in-context regression', () => {
  it('dense linear: w ~ N(0, I), x ~ N(0, I), so y has mean 0 and variance d', () => {
    const rng = makeRng(1);
    const d = 5;
    const ws: number[] = [];
    const ys: number[] = [];
    const xs: number[] = [];
    for (let i = 0; i < N; i++) {
      const p = samplePrompt([{ name: 'dense', cls: { kind: 'dense_linear' }, weight: 1 }], { d, points: 1 }, rng);
      ws.push(...p.weights!);
      ys.push(p.ys[0]!);
      xs.push(...p.xs);
      let s = 0;
      for (let j = 0; j < d; j++) s += p.weights![j]! * p.xs[j]!;
      expect(p.ys[0]).toBeCloseTo(s, 12);
    }
    expect(Math.abs(mean(ws))).toBeLessThan(z / Math.sqrt(ws.length));
    expect(Math.abs(variance(ws) - 1)).toBeLessThan(z * Math.sqrt(2 / ws.length));
    expect(Math.abs(variance(xs) - 1)).toBeLessThan(z * Math.sqrt(2 / xs.length));
    // y = w·x is a sum of d products of independent normals (variance 1 each, heavier tails): loose bound.
    expect(Math.abs(mean(ys))).toBeLessThan(z * Math.sqrt(d / N));
    expect(Math.abs(variance(ys) / d - 1)).toBeLessThan(0.1);
  });
  it('sparse linear: exactly s non-zero coefficients on a uniform support', () => {
    const rng = makeRng(2);
    const d = 10;
    const s = 3;
    const hits = new Array(d).fill(0);
    for (let i = 0; i < N; i++) {
      const w = drawFunction({ kind: 'sparse_linear', nonzero: s }, d, rng).weights!;
      const nz = Array.from(w).map((v, j) => [v, j] as const).filter(([v]) => v !== 0);
      expect(nz).toHaveLength(s);
      for (const [, j] of nz) hits[j]++;
    }
    // Each coordinate is in the support with probability s/d: binomial sd √(N p (1−p)).
    const p = s / d;
    for (const h of hits) expect(Math.abs(h - N * p)).toBeLessThan(z * Math.sqrt(N * p * (1 - p)));
    expect(() => drawFunction({ kind: 'sparse_linear', nonzero: 11 }, d, rng)).toThrow(/nonzero/);
  });
  it('sinusoids stay within their amplitude; a sine of uniform phase has variance A²/2', () => {
    const rng = makeRng(3);
    const ys: number[] = [];
    for (let i = 0; i < N; i++) {
      const f = drawFunction({ kind: 'sinusoid', amplitude: [1, 1], frequency: [0.5, 2] }, 4, rng);
      const y = f.f([rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
      expect(Math.abs(y)).toBeLessThanOrEqual(1 + 1e-12);
      ys.push(y);
    }
    expect(Math.abs(mean(ys))).toBeLessThan(z * Math.sqrt(0.5 / N));
    expect(Math.abs(variance(ys) - 0.5)).toBeLessThan(0.05);
  });
  it('ReLU nets and decision trees: the moments their constructions imply', () => {
    const rng = makeRng(4);
    const d = 5;
    const tree: number[] = [];
    const net: number[] = [];
    for (let i = 0; i < N; i++) {
      const x = Array.from({ length: d }, () => rng.normal());
      tree.push(drawFunction({ kind: 'decision_tree', depth: 4 }, d, rng).f(x));
      net.push(drawFunction({ kind: 'relu_net', hidden: 100 }, d, rng).f(x));
    }
    // A tree returns one N(0, 1) leaf; a net Σ aᵢ ReLU(vᵢ·x) has E = 0 and variance Σ (2/h) E[ReLU(g)²]·‖x‖² = ‖x‖² ≈ d.
    expect(Math.abs(mean(tree))).toBeLessThan(z / Math.sqrt(N));
    expect(Math.abs(variance(tree) - 1)).toBeLessThan(z * Math.sqrt(2 / N));
    expect(Math.abs(mean(net))).toBeLessThan(z * Math.sqrt(d / N));
    expect(Math.abs(variance(net) / d - 1)).toBeLessThan(0.12);
  });
  it('mixtures draw components by weight; convex combinations, scaled and truncated inputs', () => {
    const rng = makeRng(5);
    const mix: MixtureComponent[] = [
      { name: 'dense', cls: { kind: 'dense_linear' }, weight: 3 },
      { name: 'sine', cls: { kind: 'sinusoid', amplitude: [1, 1], frequency: [1, 1] }, weight: 1 },
    ];
    let dense = 0;
    for (let i = 0; i < N; i++) if (samplePrompt(mix, { d: 3, points: 1 }, rng).component === 'dense') dense++;
    expect(Math.abs(dense - 0.75 * N)).toBeLessThan(z * Math.sqrt(N * 0.75 * 0.25));
    // α f_a + (1 − α) f_b with the same draws as f_a and f_b separately.
    const cls = { kind: 'convex', alpha: 0.3, a: { kind: 'dense_linear' }, b: { kind: 'sinusoid', amplitude: [1, 2], frequency: [1, 3] } } as const;
    const c = drawFunction(cls, 4, makeRng(9));
    const r2 = makeRng(9);
    const fa = drawFunction(cls.a, 4, r2);
    const fb = drawFunction(cls.b, 4, r2);
    const x = [0.1, -0.4, 1.2, 0.3];
    expect(c.f(x)).toBeCloseTo(0.3 * fa.f(x) + 0.7 * fb.f(x), 12);
    const scaled = samplePrompt([mix[0]!], { d: 4, points: 2000, inputScale: 3 }, rng);
    expect(Math.abs(variance(Array.from(scaled.xs)) / 9 - 1)).toBeLessThan(z * Math.sqrt(2 / 8000));
    const part = samplePrompt([mix[0]!], { d: 6, points: 50, activeDims: 2 }, rng);
    for (let p = 0; p < 50; p++) for (let i = 2; i < 6; i++) expect(part.xs[p * 6 + i]).toBe(0);
    expect(Array.from(part.weights!.subarray(2))).toEqual([0, 0, 0, 0]);
  });
});
