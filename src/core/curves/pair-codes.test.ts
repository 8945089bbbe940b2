import { expect, it } from 'vitest';
import { makeRng } from '../random/rng.js';
import { PairCodes } from './pair-codes.js';

it('codes pairs 0, 1, 2, … in order of first appearance, as a Map of "a,b" strings does', () => {
  const rng = makeRng(5);
  const codes = new PairCodes();
  const ref = new Map<string, number>();
  for (let i = 0; i < 50000; i++) {
    // small and large values, negatives, many repeats: collisions, probing and several rehashes
    const a = rng.next() < 0.5 ? Math.floor(rng.next() * 300) : Math.floor((rng.next() - 0.5) * 2 ** 32);
    const b = Math.floor(rng.next() * 40) - 3;
    const key = `${a},${b}`;
    if (!ref.has(key)) ref.set(key, ref.size);
    expect(codes.code(a, b)).toBe(ref.get(key));
  }
  expect(codes.size).toBe(ref.size);
  expect(ref.size).toBeGreaterThan(20000);
});
