import { expect, it } from 'vitest';
import { asymptoteRssFromSums } from './bounded-affine.js';
import { asymptoteRssWithPoint } from './prediction-interval.js';
import { makeRng } from '../random/rng.js';

it('asymptoteRssWithPoint is asymptoteRssFromSums bit for bit, on every branch', () => {
  const rng = makeRng(11);
  const branches = { free: 0, bound: 0, flat: 0 };
  for (let t = 0; t < 20000; t++) {
    const n = 3 + Math.floor(8 * rng.next());
    const flat = t % 10 === 0;
    let sg = 0, sgg = 0, sy = 0, sgy = 0, syy = 0;
    const ys: number[] = [];
    for (let i = 0; i < n; i++) ys.push(rng.normal() * 0.3);
    const my = ys.reduce((a, b) => a + b, 0) / n;
    const b = -3 * rng.next();
    for (let i = 0; i < n; i++) {
      const g = flat ? 0.5 : Math.exp(b * i * 0.5);
      const y = ys[i]! - my;
      sg += g; sgg += g * g; sy += y; sgy += g * y; syy += y * y;
    }
    // Bounds around the centred mean, often tight enough to hold the asymptote on one side.
    const l = -0.2 - rng.next() * (t % 3 === 0 ? 5 : 0.3);
    const h = 0.2 + rng.next() * (t % 3 === 1 ? 5 : 0.3);
    const vgg = sgg - (sg * sg) / n;
    const a0 = syy - (sy * sy) / n;
    const got = asymptoteRssWithPoint(n, sg, sgg, vgg, sy, sy / n, sgy, syy, a0, l, h);
    const want = asymptoteRssFromSums(n, sg, sgg, sy, sgy, syy, l, h);
    expect(Object.is(got, want)).toBe(true);
    if (!(vgg > 1e-300 * n)) branches.flat++;
    else {
      const a = (sgy - (sg * sy) / n) / vgg;
      const c = sy / n - (a * sg) / n;
      if (c >= l && c <= h) branches.free++;
      else branches.bound++;
    }
  }
  expect(branches.free).toBeGreaterThan(1000);
  expect(branches.bound).toBeGreaterThan(1000);
  expect(branches.flat).toBeGreaterThan(1000);
});
