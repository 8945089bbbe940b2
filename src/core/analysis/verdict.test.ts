import { describe, expect, it } from 'vitest';
import { curveFromArrays } from '../curves/synthetic.js';
import { makeRng } from '../random/rng.js';
import { verdictFor } from './verdict.js';

// Ten models, 10M … 100B, evenly spaced in log10(params).
const P = Array.from({ length: 10 }, (_, i) => 10 ** (7 + (4 * i) / 9));
const x = P.map((p) => Math.log10(p));

describe('verdict classes on synthetic curves', () => {
  it('a step is emergent: sharp and not foreseen by the smaller models', () => {
    const v = verdictFor(curveFromArrays(P, x.map((xi) => (xi < 9.5 ? 0.02 : 0.8)), { metric: 'exact_match' }));
    expect(v.verdict).toBe('emergent');
    expect(v.measures.sharpness).toBe(1);
    expect(v.surprise!).toBeGreaterThan(0.9);
    expect(v.reasons.join(' ')).toMatch(/sharp: 100% of the improvement/);
  });
  it('a straight line in log-params is smooth and perfectly back-tested', () => {
    const v = verdictFor(curveFromArrays(P, x.map((xi) => 0.1 * (xi - 7) + 0.2), { metric: 'acc' }));
    expect(v.verdict).toBe('smooth');
    expect(v.bestForm).toBe('linear');
    expect(v.headline!.largestAbsError).toBeLessThan(1e-9);
    expect(v.measures.linearity).toBeCloseTo(9, 9);
  });
  it('a constant at 0 is flat at floor', () => {
    const v = verdictFor(curveFromArrays(P, P.map(() => 0), { metric: 'exact_match' }));
    expect(v.verdict).toBe('flat');
    expect(v.qualifier).toBe('at floor');
  });
  it('a line wobbling within its error bars is flat', () => {
    const v = verdictFor(curveFromArrays(P, x.map((_, i) => 0.25 + (i % 2 ? 0.004 : -0.004)), { metric: 'acc', stderr: 0.01 }));
    expect(v.verdict).toBe('flat');
  });
  it('pure noise with a large range is too noisy', () => {
    const rng = makeRng(7);
    const v = verdictFor(curveFromArrays(P, P.map(() => 0.2 + 0.6 * rng.next()), { metric: 'acc' }));
    expect(v.verdict).toBe('too_noisy');
    expect(v.trendP!).toBeGreaterThan(0.05);
  });
  it('a U shape is non-monotonic', () => {
    const v = verdictFor(curveFromArrays(P, x.map((xi) => 0.6 - 0.5 * Math.exp(-((xi - 9) ** 2))), { metric: 'acc' }));
    expect(v.verdict).toBe('non_monotonic');
  });
  it('three points are too few', () => {
    const v = verdictFor(curveFromArrays(P.slice(0, 3), [0.1, 0.2, 0.3]));
    expect(v.verdict).toBe('too_few_points');
    expect(v.backtest).toEqual([]);
  });
  it('a smooth sigmoid sampled densely is smooth, not emergent (the jump is foreseen)', () => {
    const v = verdictFor(curveFromArrays(P, x.map((xi) => 0.9 / (1 + Math.exp(-1.2 * (xi - 9)))), { metric: 'acc' }));
    expect(v.verdict).toBe('smooth');
  });
  it('lower-is-better metrics are oriented: falling perplexity is improvement', () => {
    const v = verdictFor(curveFromArrays(P, x.map((xi) => 100 * 10 ** (-0.3 * (xi - 7))), { metric: 'ppl', higherIsBetter: false }));
    expect(v.verdict).toBe('smooth');
    expect(v.measures.improvement).toBeGreaterThan(0);
  });
  it('the headline back-test leaves out the holdout largest models', () => {
    const v = verdictFor(curveFromArrays(P, x.map((xi) => 0.05 * xi)), { holdout: 3 });
    expect(v.headline!.k).toBe(7);
    expect(v.backtest.map((s) => s.k)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('the trend test', () => {
  it('a perfectly ordered jump on 5 points is a trend (Mann–Kendall), even though a line fits it badly', () => {
    const v = verdictFor(curveFromArrays([1.25e8, 1.3e9, 2.7e9, 6e9, 2e10], [0.006, 0.0165, 0.054, 0.8305, 0.969], { metric: 'acc' }));
    expect(v.trendP!).toBeCloseTo((2 / 120) * 2, 12); // exact two-sided 1/60, Bonferroni ×2
    // A trend, but without errors the miss is judged against the linear fit's scatter (0.33): on 5
    // points neither the trend (1/30) nor the miss can carry an emergent call at 0.01.
    expect(v.verdict).toBe('smooth');
    expect(v.emergenceP!).toBeGreaterThan(0.01);
    expect(v.reasons.join(' ')).toMatch(/but not significant: p = [\d.]+ > 0\.01/);
  });
  it('the same jump with binomial errors at n = 1000 is emergent', () => {
    const c = curveFromArrays([1.25e8, 1.3e9, 2.7e9, 6e9, 2e10], [0.006, 0.0165, 0.054, 0.8305, 0.969], { metric: 'acc' });
    const v = verdictFor({ ...c, points: c.points.map((p) => ({ ...p, n: 1000 })) });
    expect(v.verdict).toBe('emergent');
    expect(v.emergenceP!).toBeLessThan(0.01);
  });
  it('five points with three tied zeros cannot establish a trend without error bars, and says what would help', () => {
    const v = verdictFor(curveFromArrays([1e7, 1e8, 1e9, 1e10, 1e11], [0, 0, 0, 0.4, 0.8], { metric: 'exact_match' }));
    expect(v.verdict).toBe('too_noisy');
    expect(v.reasons.join(' ')).toMatch(/add stderr, seeds or n/);
  });
  it('the same five points with reported errors are a trend', () => {
    const v = verdictFor(curveFromArrays([1e7, 1e8, 1e9, 1e10, 1e11], [0, 0, 0, 0.4, 0.8], { metric: 'exact_match', stderr: 0.01 }));
    expect(v.verdict).not.toBe('too_noisy');
  });
});

describe('with reported errors', () => {
  const P8 = [7e7, 1.6e8, 4e8, 1e9, 1.4e9, 2.8e9, 6.9e9, 1.2e10];
  it('a dip of several standard errors is non-monotonic, not emergent', () => {
    const v = verdictFor(curveFromArrays(P8, [0.296, 0.276, 0.21, 0.158, 0.27, 0.316, 0.296, 0.29], { metric: 'acc', stderr: 0.036 }));
    expect(v.verdict).toBe('non_monotonic');
  });
  it('a fall from a point known poorly (its seeds disagree) is tested against that point\'s own error, not the curve\'s median', () => {
    // mirage-arithmetic, 5-digit addition, 3 seeds per size: at 8K two of three members learned five
    // positions (the mean 0.645, its error sd/√3 = 0.127); at 15K none did (0.430 ± 0.030).
    const params = [1152, 2304, 3840, 8064, 15288, 26528, 58224, 117040];
    const values = [0.371, 0.381, 0.381, 0.645, 0.43, 0.457, 0.734, 0.987];
    const se = [0.004, 0.001, 0.003, 0.127, 0.03, 0.042, 0.096, 0.002];
    const withErrors = (errs: readonly number[]) => {
      const c = curveFromArrays(params, values, { metric: 'per_token_accuracy' });
      return { ...c, points: c.points.map((p, i) => ({ ...p, stderr: errs[i]! })) };
    };
    // The fall 0.645 → 0.430 is 35% of the range, 9 standard errors of a difference by the median error
    // (0.0165), but 1.65 by the two points' own: not a significant fall.
    const own = verdictFor(withErrors(se));
    expect(own.verdict).not.toBe('non_monotonic');
    expect(own.verdict).toBe('emergent');
    // The same fall between two points both known to ±0.03 is 5.1 standard errors: non-monotonic.
    const sure = verdictFor(withErrors(se.map((e, i) => (i === 3 ? 0.03 : e))));
    expect(sure.verdict).toBe('non_monotonic');
    expect(sure.reasons.join(' ')).toMatch(/falls 0\.215 from m3 to m4 \(35% of the range; 5\.07 standard errors of the difference/);
  });
  it('chance-level wobble within its error bars is flat', () => {
    const v = verdictFor(curveFromArrays(P8, [0.27, 0.25, 0.237, 0.217, 0.23, 0.257, 0.303, 0.257], { metric: 'acc', stderr: 0.035 }));
    expect(v.verdict).toBe('flat');
    expect(v.reasons[0]).toMatch(/^no trend \(χ²/);
  });
  it('binomial errors from n stand in for stderr on proportions', () => {
    const c = curveFromArrays(P8, [0.25, 0.26, 0.24, 0.25, 0.26, 0.25, 0.24, 0.26], { metric: 'acc' });
    const withN = { ...c, points: c.points.map((p) => ({ ...p, n: 100 })) };
    const v = verdictFor(withN);
    expect(v.measures.noiseSource).toBe('binomial');
    expect(v.measures.noise).toBeCloseTo(Math.sqrt(0.25 * 0.75 / 100), 2);
    expect(v.verdict).toBe('flat');
  });
});

it('forecasts respect a metric\'s natural limits: a log-likelihood forecast never exceeds 0', () => {
  const P6 = [1e3, 4e3, 1.5e4, 6e4, 2.4e5, 8e5];
  const v = verdictFor(curveFromArrays(P6, [-5.3, -4.2, -3.0, -1.2, -0.3, -0.001], { metric: 'target_loglik' }));
  for (const s of v.backtest) {
    expect(s.largestPredicted).toBeLessThanOrEqual(0);
    expect(s.nextPredicted).toBeLessThanOrEqual(0);
  }
});

describe('perplexity and chance (issue #28)', () => {
  it('a clean 4-point power law in perplexity with reported errors reads smooth', () => {
    const P4 = [7e7, 4e8, 1.4e9, 6.9e9];
    const c = curveFromArrays(P4, P4.map((p) => 1 + 30 * (p / 7e7) ** -0.25), { metric: 'ppl', higherIsBetter: false });
    const v = verdictFor({ ...c, points: c.points.map((p) => ({ ...p, stderr: 0.02 * p.value })) });
    expect(v.verdict).toBe('smooth');
    expect(v.trendP!).toBeLessThan(1e-10);
  });
  // BLOOM · hendrycksTest-elementary_mathematics · acc_norm, as in data/pythia_opt_bloom_final_evals.csv.
  const bloomP = [5.6e8, 1.1e9, 1.7e9, 3e9, 7.1e9];
  const bloomV = [0.2196, 0.2619, 0.2169, 0.2249, 0.2989];
  const bloomSe = [0.0213, 0.0226, 0.0212, 0.0215, 0.0236];
  const bloom = (task: string) => {
    const c = curveFromArrays(bloomP, bloomV, { task, metric: 'acc_norm' });
    return { ...c, points: c.points.map((p, i) => ({ ...p, stderr: bloomSe[i]! })) };
  };
  it('a 4-choice task whose every model is within the chance band reads at chance, not emergent', () => {
    const v = verdictFor(bloom('hendrycksTest-elementary_mathematics'));
    expect(v.verdict).toBe('at_chance');
    expect(v.chance!.level).toBe(0.25);
    // Hand computation: the farthest model is bloom-7b1, z = (0.2989 − 0.25)/0.0236 = 2.072,
    // two-sided p = 0.03826, Šidák over 5 models: 1 − (1 − 0.03826)^5 = 0.1774.
    expect(v.chance!.p).toBeCloseTo(0.1774, 3);
  });
  it('the same values on a task without a known chance level are judged on their shape', () => {
    expect(verdictFor(bloom('some_task')).verdict).not.toBe('at_chance');
    expect(verdictFor(bloom('some_task')).chance).toBeNull();
  });
  it('a chance level can come from a rule or from the data', () => {
    const given = verdictFor(bloom('some_task'), { chance: [{ task: (t) => t === 'some_task', level: 0.25 }] });
    expect(given.verdict).toBe('at_chance');
    expect(given.chance!.source).toBe('given');
    const c = bloom('some_task');
    const data = verdictFor({ ...c, points: c.points.map((p) => ({ ...p, extra: { choices: '4' } })) });
    expect(data.chance).toMatchObject({ level: 0.25, source: 'data' });
  });
  it('a curve that leaves the chance band is not at chance', () => {
    const c = curveFromArrays(bloomP, [0.25, 0.24, 0.26, 0.25, 0.45], { task: 'hendrycksTest-x', metric: 'acc' });
    const v = verdictFor({ ...c, points: c.points.map((p) => ({ ...p, n: 400 })) });
    expect(v.verdict).not.toBe('at_chance');
    expect(v.chance!.p).toBeLessThan(0.05);
  });
});
