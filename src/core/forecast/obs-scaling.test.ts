import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitObsSigmoid, observationalScaling, predictObsSigmoid } from './obs-scaling.js';

interface Task {
  task: string;
  metric: string;
  trainBase: (number | null)[][];
  testBase: (number | null)[][];
  trainFlops: number[];
  testFlops: number[];
  trainY: number[];
  testY: number[];
  explainedVarianceRatio: number[];
  pcTestPred: number[];
  flopsTestPred: number[];
  pcTestMse: number;
  flopsTestMse: number;
}
const g = JSON.parse(readFileSync(new URL('../../../test/golden/forecast.json', import.meta.url), 'utf8')) as { obsScaling: { tasks: Task[] } };
const flat = (m: (number | null)[][]): Float64Array => Float64Array.from(m.flat(), (v) => (v === null ? NaN : v));

describe('observational scaling against ObsScaling`s own pipeline rerun with sklearn/scipy', () => {
  for (const t of g.obsScaling.tasks) {
    it(`${t.task} ${t.metric}: the same variance shares, test predictions and test MSE`, () => {
      const r = observationalScaling({
        trainBase: flat(t.trainBase),
        testBase: flat(t.testBase),
        cols: t.trainBase[0]!.length,
        trainFlops: Float64Array.from(t.trainFlops),
        testFlops: Float64Array.from(t.testFlops),
        trainY: Float64Array.from(t.trainY),
        testY: Float64Array.from(t.testY),
      });
      for (let i = 0; i < 3; i++) expect(r.explainedVarianceRatio[i]).toBeCloseTo(t.explainedVarianceRatio[i]!, 9);
      let dPc = 0;
      let dFl = 0;
      t.pcTestPred.forEach((v, i) => (dPc = Math.max(dPc, Math.abs(v - r.pc.testPred[i]!))));
      t.flopsTestPred.forEach((v, i) => (dFl = Math.max(dFl, Math.abs(v - r.flops.testPred[i]!))));
      console.log(`${t.task} ${t.metric}: max |pred diff| PC ${dPc.toExponential(2)}, FLOPs ${dFl.toExponential(2)} (tolerance 1e-3); test MSE PC ${r.pc.testMse.toExponential(3)} (scipy ${t.pcTestMse.toExponential(3)}), FLOPs ${r.flops.testMse.toExponential(3)} (scipy ${t.flopsTestMse.toExponential(3)})`);
      expect(dPc).toBeLessThan(1e-3);
      expect(dFl).toBeLessThan(1e-3);
    });
  }
});

it('recovers a known sigmoid with a floor', () => {
  const rows = 40;
  const X = new Float64Array(rows * 2);
  const y = new Float64Array(rows);
  const truth = { intercept: -1, weights: Float64Array.of(2, -0.5), floor: 0.1, rss: 0 };
  for (let i = 0; i < rows; i++) {
    X[i * 2] = -3 + (6 * i) / (rows - 1);
    X[i * 2 + 1] = Math.sin(i);
    y[i] = predictObsSigmoid(truth, X, i * 2);
  }
  const fit = fitObsSigmoid(X, rows, 2, y);
  expect(fit.intercept).toBeCloseTo(-1, 5);
  expect(fit.weights[0]).toBeCloseTo(2, 5);
  expect(fit.weights[1]).toBeCloseTo(-0.5, 5);
  expect(fit.floor).toBeCloseTo(0.1, 6);
});
