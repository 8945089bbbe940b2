import { describe, expect, it } from 'vitest';
import { makeRng } from './rng.js';
import { shuffle } from './shuffle.js';

describe('shuffle', () => {
  it('permutes in place, deterministic by seed', () => {
    const a = shuffle([1, 2, 3, 4, 5, 6], makeRng(1));
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a).toEqual(shuffle([1, 2, 3, 4, 5, 6], makeRng(1)));
  });
  it('gives each of the 6 orders of 3 items with probability 1/6 (within 4 standard errors over 60,000)', () => {
    const rng = makeRng(5);
    const seen = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const k = shuffle(['a', 'b', 'c'], rng).join('');
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    const se = Math.sqrt((1 / 6) * (5 / 6) / n);
    for (const c of seen.values()) expect(Math.abs(c / n - 1 / 6)).toBeLessThan(4 * se);
  });
});
