import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLossToAccuracy, fitTaskLoss, forecastTwoStep, movingAverage, predictAccuracy, predictTaskLoss } from './two-step.js';

interface LadderTask {
  task: string;
  step1: { x: [number, number][]; y: number[]; params: number[]; loss: number };
  step2: { n: number; params: number[] };
  targets: { model: string; n: number; d: number; predLoss: number; actualLoss: number; predAcc: number; predAccFromTrueLoss: number }[];
}
const g = JSON.parse(readFileSync(new URL('../../../test/golden/forecast.json', import.meta.url), 'utf8')) as {
  generator: string;
  ladder: { tasks: LadderTask[] };
  ladderStep2Points: { task: string; x: number[]; y: number[] };
};

describe('step 1: the Chinchilla law with Huber loss on log residuals (against scipy L-BFGS-B, the paper`s own fit)', () => {
  for (const t of g.ladder.tasks) {
    it(`${t.task}: the same Huber loss and the same 7B/13B task-loss predictions`, () => {
      const fit = fitTaskLoss(t.step1.x.map(([n, d], i) => ({ n, d, loss: t.step1.y[i]! })));
      expect(fit.form).toBe('n-d');
      // Never worse than scipy's optimum; equal to it within rounding where both found the same minimum.
      expect(fit.huberLoss).toBeLessThanOrEqual(t.step1.loss * (1 + 1e-6) + 1e-12);
      for (const target of t.targets) {
        const ours = predictTaskLoss(fit, target.n, target.d);
        expect(Math.abs(ours - target.predLoss) / target.predLoss, `${target.model}: ${ours} vs scipy ${target.predLoss}`).toBeLessThan(2e-3);
      }
    });
  }
});

describe('step 2: the loss → accuracy sigmoid (against scipy curve_fit with the paper`s bounds and anchor)', () => {
  it('fits the same sigmoid on the same HellaSwag checkpoints', () => {
    const pts = g.ladderStep2Points.x.map((loss, i) => ({ loss, acc: g.ladderStep2Points.y[i]! }));
    const fit = fitLossToAccuracy(pts, { chance: 0.25 });
    const ref = g.ladder.tasks.find((t) => t.task === g.ladderStep2Points.task)!.step2.params;
    const refFit = { a: ref[0]!, x0: ref[1]!, k: ref[2]!, b: ref[3]!, rss: 0, points: 0 };
    let refRss = 0;
    for (const p of [...pts, { loss: 0, acc: 1 }]) refRss += (predictAccuracy(refFit, p.loss) - p.acc) ** 2;
    expect(fit.rss).toBeLessThanOrEqual(refRss * (1 + 1e-6));
    for (const loss of [0.5, 0.65, 0.8, 1.0]) expect(predictAccuracy(fit, loss)).toBeCloseTo(predictAccuracy(refFit, loss), 4);
  });
  it('keeps the paper`s bounds: a ∈ [−1, 0], b ∈ [0, 1], k ≥ 0', () => {
    const pts = [0.6, 0.8, 1.0, 1.2, 1.4].map((loss) => ({ loss, acc: 0.9 - 0.5 * loss }));
    const fit = fitLossToAccuracy(pts);
    expect(fit.a).toBeGreaterThanOrEqual(-1);
    expect(fit.a).toBeLessThanOrEqual(0);
    expect(fit.b).toBeLessThanOrEqual(1);
    expect(fit.k).toBeGreaterThanOrEqual(0);
  });
});

describe('the chained forecast', () => {
  it('composes the two fits: Acc(L(N, D))', () => {
    const s1 = { form: 'n-d' as const, logA: 3, logB: 5, alpha: 0.2, beta: 0.25, e: 0.5, huberLoss: 0, points: 0 };
    const s2 = { a: -0.7, x0: 0.8, k: 6, b: 1, rss: 0, points: 0 };
    const L = Math.exp(3) / 1e9 ** 0.2 + Math.exp(5) / 2e10 ** 0.25 + 0.5;
    const out = forecastTwoStep(s1, s2, 1e9, 2e10);
    expect(out.loss).toBeCloseTo(L, 12);
    expect(out.accuracy).toBeCloseTo(-0.7 / (1 + Math.exp(-6 * (L - 0.8))) + 1, 12);
  });
  it('drops the D term when every point has one tokens-per-parameter ratio', () => {
    const pts = [1e8, 3e8, 1e9, 3e9, 1e10].map((n) => ({ n, d: 20 * n, loss: 2 * n ** -0.15 + 0.3 }));
    const fit = fitTaskLoss(pts);
    expect(fit.form).toBe('n');
    expect(predictTaskLoss(fit, 3e10, 6e11)).toBeCloseTo(2 * 3e10 ** -0.15 + 0.3, 3);
  });
});

it('movingAverage is the paper`s trailing mean (first points average what there is)', () => {
  expect([...movingAverage([1, 2, 3, 4, 5, 6, 7], 5)]).toEqual([1, 1.5, 2, 2.5, 3, 4, 5]);
});
