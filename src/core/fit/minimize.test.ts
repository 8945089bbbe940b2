import { describe, expect, it } from 'vitest';
import { brentMinimize, goldenMinimize } from './minimize.js';

// Minima known in closed form, so the reference is independent of any minimiser.
const cases: { name: string; f: (x: number) => number; lo: number; hi: number; at: number }[] = [
  { name: 'parabola', f: (x) => (x - 2) ** 2 + 1, lo: 0, hi: 5, at: 2 },
  { name: 'cos on [3, 4]', f: Math.cos, lo: 3, hi: 4, at: Math.PI },
  { name: 'quartic (flat bottom)', f: (x) => (x - 0.3) ** 4, lo: -1, hi: 1, at: 0.3 },
  { name: 'x ln x', f: (x) => x * Math.log(x), lo: 0.05, hi: 2, at: 1 / Math.E },
  { name: 'minimum on the boundary', f: (x) => x, lo: 1, hi: 3, at: 1 },
  { name: 'asymmetric |x − 0.7|', f: (x) => (x < 0.7 ? 3 * (0.7 - x) : x - 0.7), lo: 0, hi: 1, at: 0.7 },
];

describe('brentMinimize', () => {
  for (const c of cases) {
    it(`finds the minimum of ${c.name}`, () => {
      let evals = 0;
      const r = brentMinimize((x) => (evals++, c.f(x)), c.lo, c.hi, 1e-9);
      // A quartic's value is flat to 1e-36 within 1e-9 of its minimum: only the place is tested loosely there.
      expect(Math.abs(r.x - c.at)).toBeLessThan(c.name.startsWith('quartic') ? 1e-3 : 1e-7);
      expect(r.fx).toBe(c.f(r.x));
      expect(evals).toBeLessThan(100);
    });
  }

  it('needs fewer evaluations than golden section for the same width on a smooth minimum', () => {
    let brent = 0;
    let golden = 0;
    brentMinimize((x) => (brent++, Math.cosh(x - 0.4)), -2, 2, 1e-7);
    goldenMinimize((x) => (golden++, Math.cosh(x - 0.4)), -2, 2, 36); // 4 × 0.618^36 ≈ 1e-7
    expect(brent).toBeLessThan(golden / 2);
  });
});
