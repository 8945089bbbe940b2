import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { clopperPearsonInterval, twoSidedZ, wilsonInterval } from './proportion.js';
import { binomialHalfCdf, mcnemar, mcnemarFromCounts } from './mcnemar.js';

/* statsmodels' proportion_confint ("wilson", "beta") and mcnemar, from test/fixtures/make_reference_golden.py. */
interface Stats {
  wilson: { k: number; n: number; level: number; low: number; high: number }[];
  clopper_pearson: { k: number; n: number; level: number; low: number; high: number }[];
  mcnemar: { b: number; c: number; exact: boolean; statistic: number; p: number }[];
}
const g = (JSON.parse(readFileSync(new URL('../../../test/golden/reference-metrics.json', import.meta.url), 'utf8')) as { stats: Stats }).stats;
const TOL = 1e-10;
const maxDiff = new Map<string, number>();
const close = (name: string, got: number, want: number, where: string): void => {
  const d = Math.abs(got - want);
  maxDiff.set(name, Math.max(maxDiff.get(name) ?? 0, d));
  expect(d, `${name} ${where}: got ${got}, statsmodels ${want}`).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(want)));
};
afterAll(() => console.log(`intervals and McNemar vs statsmodels, max |diff|: ${[...maxDiff].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`));

describe('Wilson and Clopper–Pearson', () => {
  it('by hand: 0 of 10 at 95% is never [0, 0]', () => {
    const z = 1.959963984540054;
    expect(twoSidedZ(0.05)).toBeCloseTo(z, 14);
    // k = 0: centre = (z²/2n)/(1 + z²/n) equals the half-width, so the interval is [0, 2·centre].
    const w = wilsonInterval(0, 10);
    expect(w.low).toBe(0);
    expect(w.high).toBeCloseTo((2 * (z * z / 20)) / (1 + z * z / 10), 14);
    // Clopper–Pearson at k = 0: the upper end solves (1 − p)^n = α/2.
    expect(clopperPearsonInterval(0, 10).high).toBeCloseTo(1 - 0.025 ** (1 / 10), 14);
    expect(clopperPearsonInterval(10, 10).low).toBeCloseTo(0.025 ** (1 / 10), 14);
    expect(wilsonInterval(10, 10).high).toBe(1);
  });
  it(`= statsmodels proportion_confint on ${g.wilson.length} + ${g.clopper_pearson.length} cases`, () => {
    for (const r of g.wilson) {
      const w = wilsonInterval(r.k, r.n, r.level);
      close('wilson', w.low, r.low, `${r.k}/${r.n} @${r.level}`);
      close('wilson', w.high, r.high, `${r.k}/${r.n} @${r.level}`);
    }
    for (const r of g.clopper_pearson) {
      const w = clopperPearsonInterval(r.k, r.n, r.level);
      close('clopper_pearson', w.low, r.low, `${r.k}/${r.n} @${r.level}`);
      close('clopper_pearson', w.high, r.high, `${r.k}/${r.n} @${r.level}`);
    }
  });
  it('rejects counts outside [0, n]', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(/successes/);
    expect(() => clopperPearsonInterval(0, 0)).toThrow(/n must be/);
  });
});

describe('McNemar', () => {
  it('by hand: b = 1, c = 9', () => {
    expect(binomialHalfCdf(1, 10)).toBeCloseTo(11 / 1024, 15);
    const e = mcnemarFromCounts(1, 9, 40);
    expect(e.p).toBeCloseTo(22 / 1024, 15);
    expect(e.difference).toBe(-8 / 40);
    const x = mcnemarFromCounts(1, 9, 40, { exact: false });
    expect(x.statistic).toBeCloseTo(4.9, 14);
  });
  it('counts discordant pairs from paired 0/1 scores, A minus B', () => {
    const r = mcnemar([1, 1, 0, 0, 1, 1], [1, 0, 1, 0, 0, 0]);
    expect([r.b, r.c, r.n, r.difference]).toEqual([3, 1, 6, 2 / 6]);
    expect(() => mcnemar([1, 0.5], [1, 0])).toThrow(/0\/1 scores/);
  });
  it(`= statsmodels mcnemar (exact and chi-square with continuity) on ${g.mcnemar.length} tables`, () => {
    for (const r of g.mcnemar) {
      const m = mcnemarFromCounts(r.b, r.c, 100 + r.b + r.c, { exact: r.exact });
      close(r.exact ? 'mcnemar_exact' : 'mcnemar_chi2', m.statistic, r.statistic, `b=${r.b} c=${r.c}`);
      close(r.exact ? 'mcnemar_exact' : 'mcnemar_chi2', m.p, r.p, `b=${r.b} c=${r.c}`);
    }
  });
});
