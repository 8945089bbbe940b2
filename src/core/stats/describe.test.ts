import { expect, it } from 'vitest';
import { mean, median, pearson, ranks, sampleSd, spearman } from './describe.js';

it('ranks ties by their average rank (scipy rankdata "average")', () => {
  expect([...ranks([10, 20, 20, 30])]).toEqual([1, 2.5, 2.5, 4]);
  expect([...ranks([3, 1, 2])]).toEqual([3, 1, 2]);
  // Reference: scipy.stats.rankdata, on a curve's worth of tied values (the insertion sort) and on 40 (the generic sort).
  expect([...ranks([0.3, 0.1, 0.3, 0.2, 0.1, 0.3, 0.5, 0.05, 0.2, 0.3])]).toEqual([7.5, 2.5, 7.5, 4.5, 2.5, 7.5, 10, 1, 4.5, 7.5]);
  const long = Array.from({ length: 40 }, (_, i) => (40 - i) % 7);
  const want = [32.5, 26.5, 20.5, 14.5, 8.5, 3, 38];
  expect([...ranks(long)]).toEqual(long.map((_, i) => want[i % 7]));
});
it('median of odd and even counts', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
});
it('mean and sample sd', () => {
  expect(mean([1, 2, 3, 4])).toBe(2.5);
  expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  expect(sampleSd([1])).toBeNull();
});
it('Spearman is 1 for any increasing relation, -1 for decreasing, null for a constant', () => {
  expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
  expect(spearman([1, 2, 3, 4], [9, 4, 1, 0])).toBeCloseTo(-1, 12);
  expect(spearman([1, 2, 3], [5, 5, 5])).toBeNull();
});
it('Pearson by hand: x = 1,2,3 and y = 1,3,2 gives 0.5', () => {
  expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
});
