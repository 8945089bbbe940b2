import { describe, expect, it } from 'vitest';
import { betweenLambda, evalSets, pretrainingMixture } from './icl-sets.js';

describe('icl experiment pieces', () => {
  it('λ places predictions on the line from least squares (0) to Lasso (1)', () => {
    const ls = [[0, 1, 2], [1, 1, 1]];
    const lasso = [[0, 3, 4], [1, 2, 3]];
    const mid = ls.map((r, i) => r.map((v, k) => (v + lasso[i]![k]!) / 2));
    expect(betweenLambda(ls, ls, lasso, 1)).toBe(0);
    expect(betweenLambda(lasso, ls, lasso, 1)).toBe(1);
    expect(betweenLambda(mid, ls, lasso, 1)).toBeCloseTo(0.5, 12);
    // Beyond Lasso, or on the far side of least squares.
    expect(betweenLambda(ls.map((r, i) => r.map((v, k) => 2 * lasso[i]![k]! - v)), ls, lasso, 1)).toBeCloseTo(2, 12);
    expect(betweenLambda(ls, ls, ls, 0)).toBeNaN();
  });
  it('sets: three classes in the mixture; intermediate sparsities strictly between trained sparse and dense', () => {
    expect(pretrainingMixture().map((c) => c.name)).toEqual(['dense_linear', 'sparse_linear', 'sinusoid']);
    const sets = evalSets(6);
    expect(sets.filter((s) => s.inMixture).map((s) => s.name)).toEqual(['dense_linear', 'sparse_linear', 'sinusoid']);
    expect(sets.filter((s) => s.name.startsWith('sparse_linear_nnz')).map((s) => s.name)).toEqual(['sparse_linear_nnz3', 'sparse_linear_nnz4', 'sparse_linear_nnz5']);
  });
});
