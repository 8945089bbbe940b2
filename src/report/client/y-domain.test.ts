import { describe, expect, it } from 'vitest';
import { clipTo, yDomain } from './y-domain.js';

describe('yDomain', () => {
  it('an accuracy near 0 whose interval dips below 0 gets an axis from 0', () => {
    // values 0.001..0.01, intervals reaching -0.02: the clipped range is [0, 0.03], padded by 0.0024 above only.
    const [lo, hi] = yDomain([0.001, 0.004, 0.01], [-0.02, 0.03], [0, 1]);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.03 + 0.08 * 0.03, 12);
  });
  it('an accuracy near 1 stops at 1', () => {
    const [lo, hi] = yDomain([0.9, 0.99], [1.02], [0, 1]);
    expect(lo).toBeCloseTo(0.9 - 0.08 * 0.1, 12);
    expect(hi).toBe(1);
  });
  it('a constant curve at the floor reads 0 to 0.05', () => {
    expect(yDomain([0, 0, 0], [], [0, 1])).toEqual([0, 0.05]);
  });
  it('without a scale the range is only padded', () => {
    const [lo, hi] = yDomain([-3, -1], [-4], null);
    expect(lo).toBeCloseTo(-4 - 0.24, 12);
    expect(hi).toBeCloseTo(-1 + 0.24, 12);
  });
  it('a half-open scale clamps one side (a log-likelihood is at most 0)', () => {
    const [lo, hi] = yDomain([-2, -0.1], [0.5], [-Infinity, 0]);
    expect(lo).toBeCloseTo(-2 - 0.08 * 2, 12);
    expect(hi).toBe(0);
  });
  it('observed values off the scale stay in view (accuracy given in percent)', () => {
    const [lo, hi] = yDomain([25, 27.4], [], [0, 1]);
    expect(lo).toBeLessThanOrEqual(25);
    expect(hi).toBe(27.4);
  });
  it('clipTo leaves values alone without a scale', () => {
    expect(clipTo(null, -5)).toBe(-5);
    expect(clipTo([0, 1], -5)).toBe(0);
  });
});
