import { describe, expect, it } from 'vitest';
import { deriveSeed } from './derive-seed.js';

describe('deriveSeed', () => {
  it('is a pure function of (seed, labels) and a uint32', () => {
    expect(deriveSeed(1, 'init')).toBe(deriveSeed(1, 'init'));
    const s = deriveSeed(123456, 'batches', 3);
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
  it('separates what seed + k sums confuse: (1, k = 1) is not (2, k = 0)', () => {
    expect(deriveSeed(1, 'stream', 1)).not.toBe(deriveSeed(2, 'stream', 0));
    expect(deriveSeed(1, 'ab', 'c')).not.toBe(deriveSeed(1, 'a', 'bc'));
    expect(deriveSeed(1, 'x')).not.toBe(deriveSeed(1, 'x', ''));
    expect(deriveSeed(1, 7)).not.toBe(deriveSeed(1, '7'));
  });
  it('has no collisions over 200,000 nearby (seed, label) pairs', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 2000; seed++) for (let k = 0; k < 100; k++) seen.add(deriveSeed(seed, 'member', k));
    // A uniform uint32 would collide ~4.7 times in 200,000 draws (birthday bound n²/2³³).
    expect(200_000 - seen.size).toBeLessThan(20);
  });
  it('refuses a non-integer seed', () => {
    expect(() => deriveSeed(1.5, 'x')).toThrow(RangeError);
  });
});
