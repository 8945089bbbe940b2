import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { makeRng } from '../random/rng.js';
import { clopperPearson } from '../stats/clopper-pearson.js';
import { exactPassRate, targetProbabilities, untilEstimate, untilMle, untilPassRate, type UntilRecord, type UntilRule } from './pass-probability.js';

const golden = JSON.parse(readFileSync(new URL('../../../test/golden/resolution.json', import.meta.url), 'utf8')) as {
  until_expectations: { p: number; k: number; cap: number; expected_unbiased: number; expected_mle: number }[];
};

describe('exact pass probability', () => {
  it('is exp of the summed token log-probabilities, averaged over problems', () => {
    const p = targetProbabilities([[Math.log(0.5), Math.log(0.5)], [0, 0, 0], [Math.log(0.1)]]);
    expect([...p].map((v) => +v.toFixed(12))).toEqual([0.25, 1, 0.1]);
    const r = exactPassRate(p, { rng: makeRng(1), resamples: 500 });
    expect(r.estimate).toBeCloseTo(0.45, 12);
    expect(r.low).toBeGreaterThanOrEqual(0.1);
    expect(r.high).toBeLessThanOrEqual(1);
    expect(r.method).toBe('bootstrap');
  });
  it('refuses a positive log-probability', () => {
    expect(() => targetProbabilities([[0.1]])).toThrow(/problem 0/);
  });
});

describe('sampling until k successes or a cap', () => {
  const rule: UntilRule = { k: 2, cap: 10 };
  it('reads (k − 1)/(m − 1) at the k-th success and c/cap at the cap, by hand', () => {
    expect(untilEstimate({ draws: 5, successes: 2 }, rule)).toBe(0.25);
    expect(untilEstimate({ draws: 2, successes: 2 }, rule)).toBe(1);
    expect(untilEstimate({ draws: 10, successes: 1 }, rule)).toBe(0.1);
    expect(untilEstimate({ draws: 10, successes: 0 }, rule)).toBe(0);
    expect(untilMle({ draws: 5, successes: 2 })).toBe(0.4);
  });
  it('refuses records the rule cannot produce', () => {
    expect(() => untilEstimate({ draws: 4, successes: 1 }, rule)).toThrow(/before the cap/);
    expect(() => untilEstimate({ draws: 11, successes: 2 }, rule)).toThrow(/overshoots/);
    expect(() => untilEstimate({ draws: 5, successes: 3 }, rule)).toThrow(/overshoots/);
  });
  it('is unbiased, and the MLE k/m is not, summed over the stopping distribution as scipy sums it', () => {
    for (const g of golden.until_expectations) {
      // The stopping distribution enumerated here, independently of scipy's nbinom/binom.
      let unb = 0, mle = 0;
      const r = { k: g.k, cap: g.cap };
      const logChoose = (n: number, k: number): number => { let s = 0; for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i); return s; };
      for (let m = g.k; m <= g.cap; m++) {
        const w = Math.exp(logChoose(m - 1, g.k - 1) + g.k * Math.log(g.p) + (m - g.k) * Math.log1p(-g.p));
        unb += w * untilEstimate({ draws: m, successes: g.k }, r);
        mle += w * untilMle({ draws: m, successes: g.k });
      }
      for (let c = 0; c < g.k; c++) {
        const w = Math.exp(logChoose(g.cap, c) + c * Math.log(g.p) + (g.cap - c) * Math.log1p(-g.p));
        unb += w * untilEstimate({ draws: g.cap, successes: c }, r);
        mle += w * untilMle({ draws: g.cap, successes: c });
      }
      expect(unb).toBeCloseTo(g.expected_unbiased, 10);
      expect(unb).toBeCloseTo(g.p, 10);
      expect(mle).toBeCloseTo(g.expected_mle, 10);
      expect(mle).toBeGreaterThan(g.p);
    }
  });
  it('refuses k = 1 for the pass rate (its unbiased estimate is 0 on any later first success)', () => {
    expect(() => untilPassRate([{ draws: 3, successes: 1 }], { k: 1, cap: 10 }, { rng: makeRng(1) })).toThrow(/k >= 2/);
  });
  it('bounds the rate at 0 successes by the Clopper–Pearson end of 0 in n·cap draws', () => {
    const recs: UntilRecord[] = Array.from({ length: 3 }, () => ({ draws: 100, successes: 0 }));
    const r = untilPassRate(recs, { k: 2, cap: 100 }, { rng: makeRng(1) });
    expect(r.method).toBe('zero-successes');
    expect(r.estimate).toBe(0);
    expect(r.low).toBe(0);
    expect(r.high).toBeCloseTo(clopperPearson(0, 300).high, 15);
    expect(r.high).toBeCloseTo(0.012220974694296421, 12);
  });
  it('covers the true mean rate of heterogeneous problems about as often as it says (simulation)', () => {
    // 100 problems with p_i log-uniform on [1e-3, 1e-1], k = 2, cap = 200; 300 replications.
    const rng = makeRng(7);
    const problems = 100, rule = { k: 2, cap: 200 };
    let covered = 0, zero = 0;
    const reps = 300;
    const ps = Array.from({ length: problems }, () => 10 ** (-3 + 2 * rng.next()));
    const truth = ps.reduce((a, b) => a + b, 0) / problems;
    for (let rep = 0; rep < reps; rep++) {
      const recs = ps.map((p): UntilRecord => {
        let m = 0, c = 0;
        while (c < rule.k && m < rule.cap) { m++; if (rng.next() < p) c++; }
        return { draws: m, successes: c };
      });
      const r = untilPassRate(recs, rule, { rng: makeRng(rep), resamples: 400 });
      if (r.method === 'zero-successes') zero++;
      if (r.low <= truth && truth <= r.high) covered++;
    }
    console.log(`untilPassRate coverage: ${covered}/${reps} (nominal 95%), true mean ${truth.toFixed(5)}, ${zero} with no success`);
    expect(covered / reps).toBeGreaterThan(0.9);
  });
});
