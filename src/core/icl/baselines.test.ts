import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../random/rng.js';
import { bayesLinearMixture, lassoWeights, leastSquaresWeights, ridgeWeights, standardBaselines } from './baselines.js';
import { symmetricEigen } from './linalg.js';

interface Case { d: number; k: number; xs: number[]; ys: number[]; xq: number[]; least_squares: number; ridge: Record<string, number>; lasso: Record<string, number>; knn3: number; bayes: number }
const golden = JSON.parse(readFileSync(new URL('../../../test/golden/icl-baselines.json', import.meta.url), 'utf8')) as { cases: Case[] };
const byId = Object.fromEntries(standardBaselines().map((b) => [b.id, b]));
const dot = (w: ArrayLike<number>, x: ArrayLike<number>): number => Array.from(w).reduce((s, v, i) => s + v * x[i]!, 0);

describe('in-context regression baselines', () => {
  it('closed forms: least squares recovers w exactly from k ≥ d noiseless points; min-norm when k < d', () => {
    const rng = makeRng(5);
    const d = 4;
    const w = [1, -2, 0.5, 3];
    const xs = Float64Array.from({ length: 6 * d }, () => rng.normal());
    const ys = Float64Array.from({ length: 6 }, (_, r) => dot(w, xs.subarray(r * d, r * d + d)));
    Array.from(leastSquaresWeights(xs, ys, 6, d)).forEach((v, i) => expect(v).toBeCloseTo(w[i]!, 9));
    // One point x₁: the minimum-norm interpolant is y₁ x₁/‖x₁‖².
    const x1 = xs.subarray(0, d);
    const n2 = dot(x1, x1);
    Array.from(leastSquaresWeights(xs, ys, 1, d)).forEach((v, i) => expect(v).toBeCloseTo((ys[0]! * x1[i]!) / n2, 10));
    // Ridge with a huge α shrinks to 0; Lasso at α ≥ max|Xᵀy|/k is exactly 0.
    expect(Math.max(...Array.from(ridgeWeights(xs, ys, 6, d, 1e12)).map(Math.abs))).toBeLessThan(1e-9);
    const xty = Array.from({ length: d }, (_, j) => Array.from({ length: 6 }, (_, r) => xs[r * d + j]! * ys[r]!).reduce((a, b) => a + b, 0));
    const alphaMax = Math.max(...xty.map(Math.abs)) / 6;
    expect(Array.from(lassoWeights(xs, ys, 6, d, alphaMax * 1.0001))).toEqual([0, 0, 0, 0]);
    expect(Array.from(lassoWeights(xs, ys, 6, d, alphaMax * 0.9)).some((v) => v !== 0)).toBe(true);
    // Averaging: w = mean yᵢxᵢ; zero predicts 0; with no points every baseline predicts 0.
    const xq = [0.3, -0.1, 0.7, 0.2];
    const avg = Array.from({ length: d }, (_, i) => (ys[0]! * xs[i]! + ys[1]! * xs[d + i]!) / 2);
    expect(byId.averaging!.predict(xs, ys, 2, d, xq)).toBeCloseTo(dot(avg, xq), 12);
    for (const b of standardBaselines()) expect(b.predict(xs, ys, 0, d, xq), b.id).toBe(0);
  });
  it('Jacobi eigenvectors reconstruct the matrix', () => {
    const A = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5];
    const { values, vectors: V } = symmetricEigen(A, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += V[i * 3 + k]! * values[k]! * V[j * 3 + k]!;
      expect(s).toBeCloseTo(A[i * 3 + j]!, 12);
    }
  });
  it('agree with numpy lstsq, scikit-learn Ridge, Lasso and KNeighborsRegressor, and a direct Bayes computation', () => {
    for (const c of golden.cases) {
      const where = `d=${c.d} k=${c.k}`;
      expect(byId.least_squares!.predict(c.xs, c.ys, c.k, c.d, c.xq), where).toBeCloseTo(c.least_squares, 8);
      for (const [a, v] of Object.entries(c.ridge)) expect(byId[`ridge@${Number(a)}`]!.predict(c.xs, c.ys, c.k, c.d, c.xq), `${where} ridge ${a}`).toBeCloseTo(v, 9);
      for (const [a, v] of Object.entries(c.lasso)) expect(byId[`lasso@${Number(a)}`]!.predict(c.xs, c.ys, c.k, c.d, c.xq), `${where} lasso ${a}`).toBeCloseTo(v, 7);
      expect(byId['knn@3']!.predict(c.xs, c.ys, c.k, c.d, c.xq), where).toBeCloseTo(c.knn3, 12);
      expect(bayesLinearMixture(c.xs, c.ys, c.k, c.d, c.xq, { dense: 0.5, nonzero: 2, noise: 0.1 }), `${where} bayes`).toBeCloseTo(c.bayes, 8);
    }
  });
});
