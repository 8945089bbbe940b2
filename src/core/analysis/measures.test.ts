import { expect, it } from 'vitest';
import { largestDrop, shapeMeasures } from './measures.js';

it('an even climb: I = 3, L = B = n - 1 = 3, sharpness 1/3', () => {
  const m = shapeMeasures([0, 1, 2, 3]);
  expect(m.improvement).toBe(3);
  expect(m.linearity).toBeCloseTo(3, 12);
  expect(m.breakthroughness).toBeCloseTo(3, 12);
  expect(m.sharpness).toBeCloseTo(1 / 3, 12);
});
it('a step: L = √3 (RMS of Δ = 1/√3), B = ∞ (median Δ² = 0), sharpness 1', () => {
  const m = shapeMeasures([0, 0, 0, 1]);
  expect(m.linearity).toBeCloseTo(Math.sqrt(3), 12);
  expect(m.breakthroughness).toBe(Infinity);
  expect(m.sharpness).toBe(1);
});
it('up then down [0, 2, 1]: I = 2, Δ² = [4, 1], RMS = median-RMS = √2.5, drawdown 1', () => {
  const m = shapeMeasures([0, 2, 1]);
  expect(m.improvement).toBe(2);
  expect(m.linearity).toBeCloseTo(2 / Math.sqrt(2.5), 12);
  expect(m.breakthroughness).toBeCloseTo(2 / Math.sqrt(2.5), 12);
  expect(m.maxDrawdown).toBe(1);
});
it('getting worse gives negative I, L, B and no sharpness', () => {
  const m = shapeMeasures([3, 2, 1, 0]);
  expect(m.improvement).toBe(-3);
  expect(m.linearity).toBeCloseTo(-3, 12);
  expect(m.sharpness).toBeNull();
});
it('a constant has no L or B', () => {
  const m = shapeMeasures([0.25, 0.25, 0.25]);
  expect(m.range).toBe(0);
  expect(m.linearity).toBeNull();
  expect(m.breakthroughness).toBeNull();
});

it('sharpness counts the gain within one decade, so a jump over two close models is still sharp', () => {
  const x = [7, 7.5, 8, 8.5, 9, 9.5, 10];
  const m = shapeMeasures([0.01, 0.012, 0.009, 0.011, 0.4, 0.8, 0.9], x);
  expect(m.sharpness).toBeCloseTo((0.8 - 0.011) / (0.9 - 0.009), 12); // 8.5 → 9.5 is one decade
  expect([m.jumpFrom, m.jumpTo]).toEqual([3, 5]);
  // An even climb over 3 decades: at most 1 decade's worth, a third.
  expect(shapeMeasures([0, 1, 2, 3], [7, 8, 9, 10]).sharpness).toBeCloseTo(1 / 3, 12);
  // Models more than a decade apart: a single step still counts.
  expect(shapeMeasures([0, 0.1, 1], [7, 9, 11]).sharpness).toBeCloseTo(0.9, 12);
});

it('largestDrop: the fall with the most standard errors of its difference, from each pair\'s own errors', () => {
  // Falls of at least 0.2: 0.5 → 0.2 (0.3 over √(0.1² + 0.01²) = 0.1005: z 2.985) and 0.5 → 0.25
  // (0.25 over √(0.1² + 0.01²): 2.488), 0.45 → 0.2 (0.25 over √(0.01² + 0.01²) = 0.01414: z 17.68) and
  // 0.45 → 0.25 (0.2: z 14.1).
  const d = largestDrop([0.1, 0.5, 0.45, 0.2, 0.25], [0.01, 0.1, 0.01, 0.01, 0.01], 0.2)!;
  expect(d.from).toBe(2);
  expect(d.to).toBe(3);
  expect(d.drop).toBeCloseTo(0.25, 12);
  expect(d.z).toBeCloseTo(0.25 / Math.sqrt(2e-4), 9);
  // No fall reaches minDrop: null; a rising curve has no fall at all.
  expect(largestDrop([0.1, 0.5, 0.45, 0.2, 0.25], [0.01, 0.1, 0.01, 0.01, 0.01], 0.31)).toBeNull();
  expect(largestDrop([0.1, 0.2, 0.3], [0.01, 0.01, 0.01], 0)).toBeNull();
  // Known exactly: an infinitely certain fall.
  expect(largestDrop([0.5, 0.2], [0, 0], 0.1)!.z).toBe(Infinity);
});
