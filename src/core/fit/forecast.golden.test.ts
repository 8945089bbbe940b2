import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLinear, fitPower, fitSigmoid } from './index.js';
import { predictionInterval } from './prediction-interval.js';
import { studentTwoSidedQuantile } from '../stats/student-quantile.js';

interface Golden {
  fits: Record<string, {
    x: number[]; y: number[];
    power: { c: number; a: number; b: number; rss: number; rss_profile_route: number };
    sigmoid: { lo: number; up: number; mid: number; steepness: number; rss: number };
  }>;
  intervals: { x_star: number; level: number; cases: { name: string; form: 'power' | 'linear'; y: number[]; sigma: number; multiplier: number; centre: number; low: number; high: number }[] };
  t_quantiles: { level: number; df: number; t: number }[];
}
// Reference: scipy least_squares with box bounds from many starts, lsq_linear on a dense exponent
// grid, brentq on the profile, scipy.stats.t (test/fixtures/make_fit_golden.py).
const golden = JSON.parse(readFileSync(new URL('../../../test/golden/fit-intervals.json', import.meta.url), 'utf8')) as Golden;
const B: [number, number] = [0, 1];

describe('constrained fits against scipy (bounds [0, 1])', () => {
  for (const [name, g] of Object.entries(golden.fits)) {
    it(`${name}: the power law reaches scipy's bounded optimum, exponent < 0 and asymptote inside [0, 1]`, () => {
      const f = fitPower(g.x, g.y, 1, B);
      const ref = Math.min(g.power.rss, g.power.rss_profile_route);
      console.log(`${name} power: rss ${f.rss} vs scipy ${ref} (ratio ${(f.rss / ref).toFixed(6)}), b ${f.params.b} vs ${g.power.b}`);
      expect(f.rss).toBeLessThanOrEqual(ref * 1.001 + 1e-15);
      expect(f.params.b).toBeLessThan(0);
      expect(f.params.c).toBeGreaterThanOrEqual(0);
      expect(f.params.c).toBeLessThanOrEqual(1);
      expect(f.params.c).toBeCloseTo(g.power.c, 2);
      expect(f.params.b).toBeCloseTo(g.power.b, 2);
    });
    it(`${name}: the logistic reaches scipy's bounded optimum with both levels inside [0, 1]`, () => {
      const f = fitSigmoid(g.x, g.y, 1, B);
      console.log(`${name} sigmoid: rss ${f.rss} vs scipy ${g.sigmoid.rss} (ratio ${(f.rss / g.sigmoid.rss).toFixed(6)})`);
      expect(f.rss).toBeLessThanOrEqual(g.sigmoid.rss * 1.005 + 1e-12);
      const upper = f.params.lo! + f.params.height!;
      for (const level of [f.params.lo!, upper]) {
        expect(level).toBeGreaterThanOrEqual(0);
        expect(level).toBeLessThanOrEqual(1);
      }
      expect(upper).toBeCloseTo(g.sigmoid.up, 2);
    });
  }
  it('without the bound, the steep curve’s power law would pass 1: the bound is what holds it', () => {
    const g = golden.fits.steep!;
    expect(fitPower(g.x, g.y, 1).params.c).toBeGreaterThan(1);
    expect(fitPower(g.x, g.y, 1, B).params.c).toBeCloseTo(1, 12);
  });
});

describe('prediction intervals against scipy at pythia-12b', () => {
  const { x_star: xStar, level } = golden.intervals;
  const x = golden.fits.lambada!.x;
  for (const c of golden.intervals.cases) {
    it(`${c.name}, ${c.form}: the ends match to 2e-3·σ (profile) or 1e-9 (line), clipped to [0, 1]`, () => {
      const fit = c.form === 'power' ? fitPower(x, c.y, 1, B) : fitLinear(x, c.y, 1);
      const iv = predictionInterval(fit, x, c.y, xStar, B, 1, { sigma: c.sigma, from: 'reported', multiplier: c.multiplier }, level);
      const tol = c.form === 'power' ? 2e-3 * c.sigma : 1e-9;
      console.log(`${c.name} ${c.form}: [${iv.low}, ${iv.high}] vs scipy [${c.low}, ${c.high}]; largest difference ${Math.max(Math.abs(iv.low - Math.max(0, c.low)), Math.abs(iv.high - Math.min(1, c.high)))}`);
      expect(Math.abs(iv.low - Math.max(0, c.low))).toBeLessThan(tol);
      expect(Math.abs(iv.high - Math.min(1, c.high))).toBeLessThan(tol);
      expect(iv.level).toBe(level);
    });
  }
});

it('Student t quantiles match scipy.stats.t.ppf to 1e-9 relative', () => {
  let worst = 0;
  for (const r of golden.t_quantiles) {
    const t = studentTwoSidedQuantile(r.level, r.df);
    worst = Math.max(worst, Math.abs(t - r.t) / r.t);
  }
  console.log(`t quantiles: largest relative difference ${worst}`);
  expect(worst).toBeLessThan(1e-9);
});
