import { expect, it } from 'vitest';
import { asymptoteRssFromSums, fitAsymptoteBounded, fitTwoLevelsBounded, twoLevelsRssFromSums } from './bounded-affine.js';

/** The sums the searches form in their loops, from y centred on its mean. */
function centred(g: number[], y: number[]): { n: number; my: number; sg: number; sgg: number; sgy: number; syy: number; sy: number; suu: number; sug: number; suy: number } {
  const n = y.length;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sg = 0, sgg = 0, sgy = 0, syy = 0, sy = 0, suu = 0, sug = 0, suy = 0;
  g.forEach((gi, i) => {
    const yi = y[i]! - my;
    sg += gi; sgg += gi * gi; sgy += gi * yi; syy += yi * yi; sy += yi;
    suu += (1 - gi) ** 2; sug += (1 - gi) * gi; suy += (1 - gi) * yi;
  });
  return { n, my, sg, sgg, sgy, syy, sy, suu, sug, suy };
}
import { makeRng } from '../random/rng.js';

// Brute force over the box: the constrained optimum's RSS is never beaten by a feasible grid point, and is reached within the grid's resolution.
function bruteTwoLevels(g: number[], y: number[], lo: number, hi: number): number {
  let best = Infinity;
  for (let i = 0; i <= 400; i++) {
    for (let j = 0; j <= 400; j++) {
      const p = lo + ((hi - lo) * i) / 400;
      const q = lo + ((hi - lo) * j) / 400;
      let r = 0;
      for (let k = 0; k < g.length; k++) r += (y[k]! - p * (1 - g[k]!) - q * g[k]!) ** 2;
      best = Math.min(best, r);
    }
  }
  return best;
}

it('two bounded levels: the closed form beats a 401×401 grid of the box and agrees with it to its resolution; the RSS-only path agrees', () => {
  const rng = makeRng(7);
  for (let t = 0; t < 20; t++) {
    const g = Array.from({ length: 6 }, () => rng.next());
    const y = g.map((v) => -0.3 + 1.6 * v + 0.2 * (rng.next() - 0.5)); // levels near -0.3 and 1.3: outside [0, 1]
    const f = fitTwoLevelsBounded(g, y, 0, 1);
    const brute = bruteTwoLevels(g, y, 0, 1);
    expect(f.rss).toBeLessThanOrEqual(brute + 1e-12);
    expect(f.rss).toBeGreaterThan(brute - 1e-3);
    expect(f.p).toBeGreaterThanOrEqual(0);
    expect(f.q).toBeLessThanOrEqual(1);
    const c = centred(g, y);
    expect(twoLevelsRssFromSums(c.suu, c.sug, c.sgg, c.suy, c.sgy, c.syy, 0 - c.my, 1 - c.my)).toBeCloseTo(f.rss, 12);
  }
});

it('a bounded asymptote: clamped to the nearer bound with the slope refitted; the RSS-only path agrees', () => {
  const g = [1, 0.5, 0.25, 0.125];
  const y = [0.2, 0.8, 1.1, 1.25]; // y = 1.4 − 1.2·g: the asymptote 1.4 lies above 1
  const f = fitAsymptoteBounded(g, y, 0, 1);
  expect(f.p).toBe(1);
  // a = Σg(y − 1)/Σg² by hand
  const a = (1 * -0.8 + 0.5 * -0.2 + 0.25 * 0.1 + 0.125 * 0.25) / (1 + 0.25 + 0.0625 + 0.015625);
  expect(f.q).toBeCloseTo(a, 12);
  const c = centred(g, y);
  expect(asymptoteRssFromSums(c.n, c.sg, c.sgg, c.sy, c.sgy, c.syy, 0 - c.my, 1 - c.my)).toBeCloseTo(f.rss, 12);
  expect(fitAsymptoteBounded(g, y, -Infinity, Infinity).p).toBeCloseTo(1.4, 12);
});
