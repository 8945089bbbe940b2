import { describe, expect, it } from 'vitest';
import { forecastCrossing, observedCrossing, smallerHalf, type SizedValue } from './jump-forecast.js';

const at = (x: number, value: number, stderr: number | null = null): SizedValue => ({ params: 10 ** x, value, stderr });

describe('observedCrossing', () => {
  it('interpolates in log10(params) between the first bracketing sizes', () => {
    expect(observedCrossing([at(3, 0), at(4, 0.2), at(5, 0.8), at(6, 0.4)], 0.5).log10).toBeCloseTo(4.5, 12);
  });
  it('says when the ladder never brackets the threshold', () => {
    expect(observedCrossing([at(3, 0.6), at(4, 0.9)], 0.5)).toEqual({ log10: null, where: 'below_smallest' });
    expect(observedCrossing([at(3, 0.1), at(4, 0.2)], 0.5)).toEqual({ log10: null, where: 'not_reached' });
  });
});

describe('forecastCrossing', () => {
  it('takes the smaller half (at least 2)', () => {
    expect(smallerHalf([1, 2, 3, 4, 5, 6, 7])).toEqual([1, 2, 3]);
    expect(smallerHalf([1, 2, 3])).toEqual([1, 2]);
  });
  // Per-token accuracy rising linearly per decade, a = 0.55 + 0.1·(x − 3), and exact match a^4 of the same outputs.
  const xs = [3, 4, 5, 6, 7, 8];
  const acc = xs.map((x) => at(x, 0.55 + 0.1 * (x - 3)));
  const em = acc.map((p) => ({ ...p, value: p.value ** 4 }));
  const observed = observedCrossing(em, 0.5).log10!;
  it('reads the mirage: the continuous route lands where exact match crosses, the all-or-nothing route overshoots', () => {
    // Observed: between x = 5 (0.75^4 = 0.3164) and 6 (0.85^4 = 0.5220), linearly interpolated.
    expect(observed).toBeCloseTo(5 + (0.5 - 0.75 ** 4) / (0.85 ** 4 - 0.75 ** 4), 12);
    const half = smallerHalf(acc);
    const viaAcc = forecastCrossing(half, { name: 'per_token_accuracy', threshold: 0.5 ** (1 / 4), bounds: [0, 1], mapping: 'a^4' }, observed);
    // A line through three collinear points: a = 0.5^(1/4) at x = 3 + (0.8409 − 0.55)/0.1.
    expect(viaAcc.fit.form).toBe('linear');
    expect(viaAcc.crossingLog10!).toBeCloseTo(3 + (0.5 ** 0.25 - 0.55) / 0.1, 6);
    const viaEm = forecastCrossing(smallerHalf(em), { name: 'exact_match', threshold: 0.5, bounds: [0, 1], mapping: 'itself' }, observed);
    // Least squares through (3, .55^4), (4, .65^4), (5, .75^4): slope (y5 − y3)/2, through the mean at x = 4.
    const y = [0.55 ** 4, 0.65 ** 4, 0.75 ** 4];
    const slope = (y[2]! - y[0]!) / 2, mean = (y[0]! + y[1]! + y[2]!) / 3;
    expect(viaEm.crossingLog10!).toBeCloseTo(4 + (0.5 - mean) / slope, 6);
    expect(viaEm.errorDecades!).toBeCloseTo(viaEm.crossingLog10! - observed, 12);
    expect(Math.abs(viaAcc.errorDecades!)).toBeLessThan(Math.abs(viaEm.errorDecades!));
  });
  it('forecasts no crossing when the error bars show no trend', () => {
    const f = forecastCrossing([at(3, 0.1, 0.05), at(4, 0.11, 0.05), at(5, 0.1, 0.05)], { name: 'exact_match', threshold: 0.5, bounds: [0, 1], mapping: 'itself' }, 6);
    expect(f.fit.form).toBe('constant');
    expect(f.crossingLog10).toBeNull();
    expect(f.errorDecades).toBeNull();
  });
  it('refuses sizes out of order and non-finite values', () => {
    expect(() => forecastCrossing([at(4, 0.1), at(3, 0.2)], { name: 'x', threshold: 0.5, bounds: null, mapping: '' }, null)).toThrow(/rise/);
    expect(() => forecastCrossing([at(3, -Infinity), at(4, 0.2)], { name: 'x', threshold: 0.5, bounds: null, mapping: '' }, null)).toThrow(/value/);
  });
});
