import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitSigmoid } from './sigmoid.js';

interface Case { x: number[]; y: number[]; bounds: [number, number] | null; lo: number; up: number; mid: number; steepness: number; rss: number }
// Reference: scipy.optimize.least_squares on all four parameters with the fit's box constraints,
// from 378 starts (test/fixtures/make_sigmoid_golden.py).
const golden = JSON.parse(readFileSync(new URL('../../../test/golden/sigmoid.json', import.meta.url), 'utf8')) as { s_max: number; cases: Record<string, Case> };

/** Σy² about the mean: the scale below which an RSS is rounding. */
const spread = (y: number[]): number => {
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  return y.reduce((a, b) => a + (b - m) ** 2, 0);
};

describe('logistic fit against scipy least_squares on hard cases', () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(`${name}: reaches scipy's optimum (RSS within 1e-6 relative), inside the constraints`, () => {
      const f = fitSigmoid(c.x, c.y, 1, c.bounds);
      expect(f.rss).toBeLessThanOrEqual(c.rss * (1 + 1e-6) + 1e-14 * spread(c.y));
      const upper = f.params.lo! + f.params.height!;
      if (c.bounds !== null) {
        for (const level of [f.params.lo!, upper]) {
          expect(level).toBeGreaterThanOrEqual(c.bounds[0]);
          expect(level).toBeLessThanOrEqual(c.bounds[1]);
        }
      }
      expect(f.params.steepness).toBeGreaterThanOrEqual(0.25);
      expect(f.params.steepness).toBeLessThanOrEqual(40);
    });
  }
  // Where the optimum is identified (an interior bend, noise well below the jump), the parameters agree too.
  for (const name of ['noisy_sigmoid', 'upper_bound', 'lower_bound', 'foot', 'lambada', 'neo_arithmetic_2da', 'unbounded']) {
    it(`${name}: the same levels, midpoint and steepness as scipy`, () => {
      const c = golden.cases[name]!;
      const f = fitSigmoid(c.x, c.y, 1, c.bounds);
      const scale = Math.max(...c.y) - Math.min(...c.y);
      expect(Math.abs(f.params.lo! - c.lo)).toBeLessThan(1e-4 * scale);
      expect(Math.abs(f.params.lo! + f.params.height! - c.up)).toBeLessThan(1e-4 * scale);
      expect(f.params.mid).toBeCloseTo(c.mid, 4);
      expect(Math.abs(Math.log(f.params.steepness! / c.steepness))).toBeLessThan(1e-4);
    });
  }
  it('bounds active: the upper level on 1, the lower level on 0, a step on the steepness cap', () => {
    const up = golden.cases.upper_bound!;
    const fu = fitSigmoid(up.x, up.y, 1, up.bounds);
    expect(fu.params.lo! + fu.params.height!).toBe(1);
    const low = golden.cases.lower_bound!;
    expect(fitSigmoid(low.x, low.y, 1, low.bounds).params.lo! + fitSigmoid(low.x, low.y, 1, low.bounds).params.height!).toBe(0);
    for (const name of ['step', 'noisy_step']) {
      const c = golden.cases[name]!;
      expect(fitSigmoid(c.x, c.y, 1, c.bounds).params.steepness).toBe(golden.s_max);
    }
  });
});
