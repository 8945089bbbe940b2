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
  it("a scan on x seen before (the grid's x-only parts kept) gives the fit a scan on new x gives", () => {
    // x no other test uses, so the first fit on it fills a slot and the second reads it; then 20
    // other x evict it (16 slots) and a third fit on it scans afresh.
    const x = [6.1, 6.6, 7.3, 7.9, 8.4, 9.2, 9.7, 10.3, 11.1];
    const y = [0.11, 0.09, 0.14, 0.12, 0.35, 0.62, 0.66, 0.71, 0.69];
    const y2 = [0.3, 0.2, 0.5, 0.1, 0.4, 0.45, 0.9, 0.2, 0.6];
    const first = fitSigmoid(x, y, 1, [0, 1]);
    const other = fitSigmoid(x, y2, 1, [0, 1]);
    expect(fitSigmoid(x, y, 1, [0, 1])).toEqual(first);
    for (let k = 0; k < 20; k++) fitSigmoid(x.map((v) => v + 0.01 * (k + 1)), y, 1, [0, 1]);
    expect(fitSigmoid(x, y2, 1, [0, 1])).toEqual(other);
    expect(fitSigmoid(x, y, 1, [0, 1])).toEqual(first);
  });
});
