import { describe, expect, it } from 'vitest';
import { curveFromArrays } from './synthetic.js';
import { scaleWarnings } from './scale-check.js';

const P = [1e8, 2e8, 4e8, 8e8];
describe('values outside their metric\'s scale', () => {
  it('says accuracy in percent looks like percent', () => {
    const w = scaleWarnings([curveFromArrays(P, [25.0, 25.6, 26.1, 27.4], { metric: 'acc' })]);
    expect(w).toEqual(['acc: 4 of 4 values outside its scale [0, 1] (values 25–27.4): they look like percent; divide by 100, or the verdict reads them without the metric\'s floor and ceiling']);
  });
  it('flags acc = 1.5 and says nothing about fractions or unbounded metrics', () => {
    expect(scaleWarnings([curveFromArrays(P, [0.2, 0.3, 0.4, 1.5], { metric: 'acc' })])[0]).toMatch(/^acc: 1 of 4 values outside its scale \[0, 1\]/);
    expect(scaleWarnings([curveFromArrays(P, [0.2, 0.3, 0.4, 1], { metric: 'acc' }), curveFromArrays(P, [3, 2, 1.5, 1.2], { metric: 'ppl' })])).toEqual([]);
    expect(scaleWarnings([curveFromArrays(P, [-0.1, 0.3, 0.4, 0.5], { metric: 'brier_score' })])[0]).toMatch(/check the metric name/);
  });
});
