import { expect, it } from 'vitest';
import { backtest, chooseForecast, fitForForecast, flatnessP, reportedErrors } from './backtest.js';
import { normalQuantile } from '../stats/normal.js';
import { chiSquareSurvival } from '../stats/special.js';
import { curveFromArrays } from '../curves/synthetic.js';

it('by hand: y = 0, 1, 1, 2, 5 on x = 0..4; the 3 smallest give slope 1/2, intercept 1/6', () => {
  const x = [0, 1, 2, 3, 4];
  const steps = backtest(x, [0, 1, 1, 2, 5], [1, 10, 100, 1000, 10000], null, 5);
  expect(steps.map((s) => s.k)).toEqual([3, 4]);
  const s3 = steps[0]!;
  expect(s3.form).toBe('linear');
  expect(s3.trainedUpTo).toBe(100);
  expect(s3.nextPredicted).toBeCloseTo(1 / 6 + 1.5, 12);
  expect(s3.largestPredicted).toBeCloseTo(1 / 6 + 2, 12);
  expect(s3.largestAbsError).toBeCloseTo(5 - (1 / 6 + 2), 12);
  expect(s3.baselines.noChange).toBe(1);
  expect(s3.baselines.logLinear).toBeCloseTo(1 / 6 + 2, 12);
  // k = 4: the line fitted on 3 points missed the 4th by 1/3; the power law, which levels off at 1, by 1.
  // So the line: least squares on (0,0),(1,1),(2,1),(3,2): slope 0.6, intercept 0.1 → 2.5 at x = 4.
  expect(steps[1]!.form).toBe('linear');
  expect(steps[1]!.largestPredicted).toBeCloseTo(2.5, 12);
  // Its interval is the textbook one: no reported errors, s² = RSS/(n−2) = 0.2/2, t(2) at 90%.
  const h = 1 / 4 + (4 - 1.5) ** 2 / 5;
  const half = 2.9199855803537242 * Math.sqrt(0.1) * Math.sqrt(1 + h); // scipy.stats.t.ppf(0.95, 2)
  expect(steps[1]!.sigmaFrom).toBe('residual');
  expect(steps[1]!.largestInterval.low).toBeCloseTo(2.5 - half, 6);
  expect(steps[1]!.largestInterval.high).toBeCloseTo(2.5 + half, 6);
});

it('clips predictions and intervals to the metric bounds', () => {
  const steps = backtest([0, 1, 2, 3], [0.2, 0.5, 0.8, 0.9], [1, 2, 3, 4], [0, 1], 1);
  expect(steps[0]!.nextPredicted).toBe(1); // the line would say 1.1
  expect(steps[0]!.nextInterval.high).toBe(1);
});

it('a curve within its error bars forecasts no change: the largest fitted value, ± z·σ·√2 (one measurement against another)', () => {
  const y = [0.24, 0.22, 0.23, 0.24, 0.25, 0.24, 0.21, 0.22];
  const se = y.map(() => 0.043);
  const x = y.map((_, i) => 7.8 + 0.3 * i);
  const steps = backtest(x, y, x.map((v) => 10 ** v), [0, 1], 0.04, se);
  const s = steps.find((t) => t.k === 6)!;
  expect(s.rule).toBe('no_change');
  expect(s.form).toBe('constant');
  expect(s.trendP!).toBeGreaterThan(0.05);
  expect(s.largestPredicted).toBe(0.24); // y[5], the largest of the six fitted models
  expect(s.nextPredicted).toBe(0.24);
  expect(s.baselines.noChange).toBe(0.24);
  expect(s.sigmaFrom).toBe('reported');
  expect(s.sigma).toBeCloseTo(0.043, 14);
  const half = 1.6448536269514722 * 0.043 * Math.SQRT2; // scipy.stats.norm.ppf(0.95)
  expect(s.largestInterval.low).toBeCloseTo(0.24 - half, 9);
  expect(s.largestInterval.high).toBeCloseTo(0.24 + half, 9);
  expect(s.floor).toBeNull();
});

it('no change takes σ from the scatter about the mean when it exceeds the reported errors (t on k − 1 dof)', () => {
  // 0.30, 0.33, 0.28, 0.31 with errors 0.016: χ² = 5.08 on 3 dof, p = 0.166, no trend seen; but the
  // scatter s = 0.02082 exceeds 0.016. Interval 0.31 ± t(3)·s·√2 (scipy.stats.t.ppf(0.95, 3)).
  const y = [0.3, 0.33, 0.28, 0.31, 0.29];
  const steps = backtest([0, 1, 2, 3, 4], y, [1, 10, 100, 1000, 10000], [0, 1], 0.05, y.map(() => 0.016));
  const s = steps.find((t) => t.k === 4)!;
  expect(s.rule).toBe('no_change');
  expect(s.trendP!).toBeCloseTo(0.16616502280263806, 9);
  expect(s.largestPredicted).toBe(0.31);
  expect(s.sigmaFrom).toBe('residual');
  expect(s.sigma).toBeCloseTo(0.020816659994661327, 12);
  expect(s.largestInterval.low).toBeCloseTo(0.24071885637423446, 8);
  expect(s.largestInterval.high).toBeCloseTo(0.37928114362576554, 8);
});

it('a multiple-choice accuracy is never forecast below chance: the forecast is lifted to it and its interval moves with it', () => {
  // k = 3 uses the line (nothing to compare): y = 0.29833 − 0.015·x, 0.22333 at x = 5. Chance 0.25
  // lifts it by 0.026667. Interval from scipy: t.ppf(0.95, 1)·s·√(1 + h), s² = RSS = 1/60000,
  // h = 1/3 + 16/2, then moved by the lift (numpy polyfit and scipy.stats.t).
  const steps = backtest([0, 1, 2, 5], [0.3, 0.28, 0.27, 0.24], [1, 10, 100, 1e5], [0, 1], 0.03, null, 0.25);
  const s = steps[0]!;
  expect(s.form).toBe('linear');
  expect(s.floor).toBe(0.25);
  expect(s.largestPredicted).toBe(0.25);
  expect(s.largestInterval.low).toBeCloseTo(0.17125368335463392, 9);
  expect(s.largestInterval.high).toBeCloseTo(0.3287463166453661, 9);
  expect(s.largestAbsError).toBeCloseTo(0.01, 12);
  // The verdict's log-linear forecast and the naive baselines are the law's own, unfloored.
  expect(s.trendNextPredicted).toBeCloseTo(0.22333333333333327, 12);
  expect(s.baselines.logLinear).toBeCloseTo(0.22333333333333327, 12);
  expect(s.baselines.noChange).toBe(0.27);
  // Above chance the floor changes nothing.
  const free = backtest([0, 1, 2, 5], [0.3, 0.28, 0.27, 0.24], [1, 10, 100, 1e5], [0, 1], 0.03, null, 0.2)[0]!;
  expect(free.largestPredicted).toBeCloseTo(0.22333333333333327, 12);
  expect(free.largestInterval.low).toBeCloseTo(0.17125368335463392 - 0.026666666666666727, 9);
});

it('the flatness test is the χ² of the values against their weighted mean', () => {
  // weights 1/0.01, 1/0.04: mean (1·100 + 3·25)/125 = 1.4; χ² = 0.16·100 + 2.56·25 = 80 on 1 dof
  expect(flatnessP([1, 3], [0.1, 0.2])).toBeCloseTo(chiSquareSurvival(80, 1), 14);
  expect(flatnessP([1, 3], [0.1, NaN])).toBeNull();
});

it('a rising, saturating curve is forecast by the power law and never past the bound', () => {
  const x = [7, 7.5, 8, 8.5, 9, 9.5];
  const y = x.map((v) => 0.95 - 0.8 * 10 ** (-0.5 * (v - 7)));
  const c = chooseForecast(x, y, 0.8, [0, 1], x.map(() => 0.005));
  expect(c.fit.form).toBe('power');
  expect(c.trendP!).toBeLessThan(1e-6);
  expect(c.fit.params.c).toBeCloseTo(0.95, 6);
  const steps = backtest([...x, 10, 11], [...y, 0.95 - 0.8 * 10 ** -1.5, 0.95 - 0.8 * 10 ** -2], x.map((v) => 10 ** v).concat([1e10, 1e11]), [0, 1], 0.8);
  for (const s of steps) {
    expect(s.largestPredicted).toBeLessThanOrEqual(1);
    expect(s.largestInterval.high).toBeLessThanOrEqual(1);
    expect(s.largestInterval.low).toBeLessThanOrEqual(s.largestPredicted);
    expect(s.largestInterval.high).toBeGreaterThanOrEqual(s.largestPredicted);
  }
});

it('an exact straight line is forecast by the line (the power law would have missed its later points)', () => {
  const x = [7, 7.5, 8, 8.5, 9, 9.5];
  expect(fitForForecast(x, x.map((v) => 0.1 * v - 0.5), 0.25, [0, 1]).form).toBe('linear');
});

it('reported errors: stderr, else the seed spread, else the interval; a proportion is floored at its binomial error', () => {
  const c = curveFromArrays([1e8, 1e9, 1e10, 1e11], [0.5, 0.5, 0.5, 0.5], { metric: 'acc' });
  const pts = [
    { ...c.points[0]!, stderr: 0.02 },
    { ...c.points[1]!, stderr: null, seedSd: 0.03, seeds: 4 },
    { ...c.points[2]!, stderr: null, low: 0.4, high: 0.6 },
    { ...c.points[3]!, stderr: 0.001, n: 100 },
  ];
  const se = reportedErrors(pts, true);
  expect(se[0]).toBe(0.02);
  expect(se[1]).toBeCloseTo(0.015, 14);
  expect(se[2]).toBeCloseTo(0.2 / 3.92, 14);
  expect(se[3]).toBeCloseTo(Math.sqrt((50.5 / 101) * (1 - 50.5 / 101) / 100), 14);
  expect(Number.isNaN(reportedErrors([{ ...c.points[0]!, stderr: null }], true)[0]!)).toBe(true);
});

it("each step carries the log-linear law's forecast of the next model, also when the step reads flat (the verdict's surprise is measured against it)", () => {
  // 0.30, 0.35, 0.40 with stderr 0.05: χ² = 2 on 2 dof, p = 0.37, so k = 3 forecasts no change, 0.40;
  // the line through them (slope 0.05 per decade) says 0.45 at x = 3.
  const y = [0.3, 0.35, 0.4, 0.45, 0.5];
  const steps = backtest([0, 1, 2, 3, 4], y, [1, 10, 100, 1000, 10000], [0, 1], 0.2, y.map(() => 0.05));
  expect(steps[0]!.rule).toBe('no_change');
  expect(steps[0]!.nextPredicted).toBeCloseTo(0.4, 12);
  expect(steps[0]!.trendNextPredicted).toBeCloseTo(0.45, 12);
  for (const s of steps) if (s.form === 'linear') expect(s.trendNextPredicted).toBeCloseTo(s.nextPredicted, 12);
});

it("the log-linear forecast the verdict tests against is clipped to the metric's bounds", () => {
  const steps = backtest([0, 1, 2, 3], [0.2, 0.5, 0.8, 0.9], [1, 2, 3, 4], [0, 1], 1);
  expect(steps[0]!.trendNextPredicted).toBe(1); // the line would say 1.1
});
