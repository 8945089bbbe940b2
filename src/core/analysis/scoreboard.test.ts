import { expect, it } from 'vitest';
import { scoreboard, taskFamily } from './scoreboard.js';
import { verdictFor } from './verdict.js';
import { curveFromArrays } from '../curves/synthetic.js';

it('task families: lm-eval suites by prefix, otherwise the text before the first separator', () => {
  expect(taskFamily('hendrycksTest-anatomy')).toBe('hendrycksTest');
  expect(taskFamily('mmlu_anatomy')).toBe('mmlu');
  expect(taskFamily('arithmetic_3da')).toBe('arithmetic');
  expect(taskFamily('arc_challenge')).toBe('arc_challenge');
  expect(taskFamily('bbh:date_understanding')).toBe('bbh');
  expect(taskFamily('lambada_openai')).toBe('lambada_openai');
});

it('by hand: two curves, errors in points of the scale, p90 by linear interpolation, coverage of the intervals', () => {
  const P = [1e8, 2e8, 4e8, 8e8, 1.6e9, 3.2e9, 6.4e9, 1.28e10];
  // Flat within its error bars (forecast: no change from the sixth, 0.25) and a last model at 0.29.
  const flat = curveFromArrays(P, [0.24, 0.26, 0.25, 0.24, 0.26, 0.25, 0.27, 0.29], { metric: 'acc', task: 'mmlu_a', stderr: 0.04 });
  const flat2 = curveFromArrays(P, [0.24, 0.26, 0.25, 0.24, 0.26, 0.25, 0.27, 0.2], { metric: 'acc', task: 'mmlu_b', stderr: 0.04 });
  const curves = [flat, flat2];
  const verdicts = curves.map((c) => verdictFor(c));
  for (const v of verdicts) expect(v.headline!.rule).toBe('no_change');
  const sb = scoreboard(curves, verdicts);
  const all = sb.rows.find((r) => r.taskFamily === '(all)')!;
  const mmlu = sb.rows.find((r) => r.taskFamily === 'mmlu')!;
  expect(sb.rows.map((r) => r.taskFamily)).toEqual(['(all)', 'mmlu']);
  expect(all.unit).toBe('points');
  expect(all.curves).toBe(2);
  // forecast errors 4 and 5 points; no change (0.25 → 0.29, 0.25 → 0.2): 4 and 5; p90 of two values = 4 + 0.9·1
  expect(all.errors.forecast.median).toBeCloseTo(4.5, 9);
  expect(all.errors.forecast.p90).toBeCloseTo(4.9, 9);
  expect(all.errors.forecast.max).toBeCloseTo(5, 9);
  expect(all.errors.no_change.p90).toBeCloseTo(4.9, 9);
  expect(all.beatsNoChange).toBe(0);
  // Interval: one measurement against another, 0.25 ± 1.645·0.04·√2 = ±0.0930: 0.29 and 0.20 are inside.
  expect(all.coverage).toBe(1);
  expect(all.medianWidth).toBeCloseTo(200 * 1.6448536269514722 * 0.04 * Math.SQRT2, 6);
  expect(mmlu.curves).toBe(2);
  expect(sb.level).toBe(0.9);
});

it('an unbounded metric keeps its units and its own row', () => {
  const P = [1e8, 2e8, 4e8, 8e8, 1.6e9];
  const ppl = curveFromArrays(P, [40, 30, 22, 17, 14], { metric: 'ppl', task: 'lambada_openai' });
  const sb = scoreboard([ppl], [verdictFor(ppl)]);
  expect(sb.rows.map((r) => `${r.taskFamily}|${r.unit}`)).toEqual(['(all)|ppl', 'lambada_openai|ppl']);
});
