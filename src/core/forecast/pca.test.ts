import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { pcaImpute } from './pca-impute.js';
import { fitPca, pcaInverse, pcaTransform } from './pca.js';

interface Case {
  train: (number | null)[][];
  test: (number | null)[][];
  trainImputed: number[][];
  testImputed: number[][];
  iterations: number;
  mean: number[];
  components: number[][];
  explainedVariance: number[];
  testScores: number[][];
}
const g = JSON.parse(readFileSync(new URL('../../../test/golden/forecast.json', import.meta.url), 'utf8')) as {
  obsScaling: { imputeCase: Case };
};
const c = g.obsScaling.imputeCase;
const flat = (m: (number | null)[][]): Float64Array => Float64Array.from(m.flat(), (v) => (v === null ? NaN : v));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

it('imputes missing scores as ObsScaling`s pca_impute does (sklearn StandardScaler, SimpleImputer, PCA(1))', () => {
  const cols = c.train[0]!.length;
  const out = pcaImpute(flat(c.train), c.train.length, flat(c.test), c.test.length, cols);
  const dTrain = maxDiff(out.train, c.trainImputed.flat());
  const dTest = maxDiff(out.test, c.testImputed.flat());
  console.log(`pcaImpute vs sklearn: max |diff| train ${dTrain.toExponential(2)}, test ${dTest.toExponential(2)} (tolerance 1e-9)`);
  expect(dTrain).toBeLessThan(1e-9);
  expect(dTest).toBeLessThan(1e-9);
  expect(out.iterations).toBe(c.iterations);
});

it('fits PCA as sklearn does: mean, components with their signs, variances, scores', () => {
  const cols = c.trainImputed[0]!.length;
  const rows = c.trainImputed.length;
  const pca = fitPca(c.trainImputed.flat(), rows, cols, 3);
  expect(maxDiff(pca.mean, c.mean)).toBeLessThan(1e-12);
  const dComp = maxDiff(pca.components, c.components.flat());
  const dVar = maxDiff(pca.explainedVariance, c.explainedVariance);
  const dScore = maxDiff(pcaTransform(pca, c.testImputed.flat(), c.testImputed.length), c.testScores.flat());
  console.log(`fitPca vs sklearn: max |diff| components ${dComp.toExponential(2)}, variances ${dVar.toExponential(2)}, scores ${dScore.toExponential(2)} (tolerance 1e-9)`);
  expect(dComp).toBeLessThan(1e-9);
  expect(dVar).toBeLessThan(1e-12);
  expect(dScore).toBeLessThan(1e-9);
});

it('reconstructs a rank-2 matrix exactly from 2 components', () => {
  const X = [1, 2, 3, 2, 4, 6.5, 3, 6, 9, 4, 8.5, 12, 5, 10, 15];
  const pca = fitPca(X, 5, 3, 3);
  expect(maxDiff(pcaInverse(pca, pcaTransform(pca, X, 5), 5), X)).toBeLessThan(1e-12);
  expect([...pca.explainedVarianceRatio].reduce((a, b) => a + b)).toBeCloseTo(1, 12);
});
