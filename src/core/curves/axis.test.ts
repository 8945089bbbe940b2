import { describe, expect, it } from 'vitest';
import type { Observation } from '../types.js';
import { assembleCurves } from './assemble.js';
import { axisValue, parseAxis } from './axis.js';

const obs = (o: Partial<Observation>): Observation => ({
  family: 'F', model: 'm1', params: 1e8, task: 't', metric: 'acc', shots: 0, seed: null, value: 0.5,
  stderr: null, low: null, high: null, n: null, step: null, tokens: null, higherIsBetter: null,
  labels: {}, extra: {}, source: { file: 'x.csv', line: 2 }, ...o,
});

/** Two models, three checkpoints each: tokens = step · 1e6; acc rises with training. */
const checkpoints = (): Observation[] =>
  ['small', 'big'].flatMap((model, i) =>
    [0, 100, 200, 300].map((step) => obs({ model, params: (i + 1) * 1e8, step, tokens: step * 1e6, value: 0.25 + 0.001 * step * (i + 1) })),
  );

describe('scale axes (#18.5)', () => {
  it('parses the axis names', () => {
    expect(parseAxis('tokens')).toEqual({ kind: 'tokens' });
    expect(parseAxis('ce_loss')).toEqual({ kind: 'metric', task: null, metric: 'ce_loss' });
    expect(parseAxis('c4_en-validation:ce_loss')).toEqual({ kind: 'metric', task: 'c4_en-validation', metric: 'ce_loss' });
  });
  it('by default a model is one point at its last step', () => {
    const r = assembleCurves(checkpoints());
    expect(r.curves).toHaveLength(1);
    expect(r.curves[0]!.points.map((p) => [p.model, p.params, p.step])).toEqual([['small', 1e8, 300], ['big', 2e8, 300]]);
    expect(r.droppedEarlierSteps).toBe(6);
  });
  it('--x tokens reads each model\'s checkpoints as its own training curve; tokens 0 is left out', () => {
    const r = assembleCurves(checkpoints(), { axis: { kind: 'tokens' } });
    expect(r.curves.map((c) => c.key.labels)).toEqual([{ model: 'big' }, { model: 'small' }]);
    const small = r.curves[1]!;
    expect(small.axis?.kind).toBe('tokens');
    expect(small.points.map((p) => [p.model, p.x, p.modelParams, p.value])).toEqual([
      ['small@100', 1e8, 1e8, 0.35],
      ['small@200', 2e8, 1e8, 0.45],
      ['small@300', 3e8, 1e8, 0.55],
    ]);
    expect(small.points.map((p) => p.params)).toEqual([1e8, 2e8, 3e8]); // the position the analysis reads
    expect(r.axisNotes).toEqual(['2 points left out: tokens 0 cannot be placed on a log axis']);
    expect(r.droppedEarlierSteps).toBe(0);
  });
  it('--x flops takes 6·N·D when only parameters and tokens are given, a flops column when there is one', () => {
    const r = assembleCurves([obs({ model: 'a', params: 1e8, tokens: 2e9 }), obs({ model: 'b', params: 4e8, tokens: 8e9, flops: 1.5e19 }), obs({ model: 'c', params: 1e9 })], { axis: { kind: 'flops' } });
    expect(r.curves[0]!.points.map((p) => [p.model, p.x])).toEqual([['a', 6 * 1e8 * 2e9], ['b', 1.5e19]]);
    expect(r.axisNotes).toEqual(['1 points left out: no flops (and no tokens for 6·N·D)']);
  });
  it('--x loss puts models of different sizes on one axis, lower loss to the right, and drops the loss curve itself', () => {
    // Three sizes, each at two checkpoints: the small model trained longer reaches the big one's early loss.
    const rows: Observation[] = [];
    const runs: [string, number, number, number, number][] = [['s', 1e8, 100, 3.6, 0.26], ['s', 1e8, 400, 3.2, 0.31], ['m', 3e8, 100, 3.2, 0.30], ['m', 3e8, 400, 2.9, 0.36], ['l', 1e9, 100, 2.9, 0.37], ['l', 1e9, 400, 2.6, 0.45]];
    for (const [model, params, step, loss, acc] of runs) {
      rows.push(obs({ model, params, step, task: 'c4', metric: 'ce_loss', value: loss, higherIsBetter: false }));
      rows.push(obs({ model, params, step, task: 'hellaswag', metric: 'acc', value: acc }));
    }
    const r = assembleCurves(rows, { axis: { kind: 'metric', task: null, metric: 'ce_loss' } });
    expect(r.axis).toMatchObject({ kind: 'metric', name: 'c4:ce_loss', metric: { higherIsBetter: false, sign: -1, offset: -3.6 } });
    expect(r.curves).toHaveLength(1);
    const c = r.curves[0]!;
    expect(c.key.task).toBe('hellaswag');
    expect(c.points.map((p) => [p.model, p.x])).toEqual([['s@100', 3.6], ['m@100', 3.2], ['s@400', 3.2], ['l@100', 2.9], ['m@400', 2.9], ['l@400', 2.6]]);
    // log10 of the position is the loss, reversed and shifted: 0 at the worst loss, 1 unit per nat.
    c.points.forEach((p) => {
      expect(Math.log10(p.params)).toBeCloseTo(3.6 - p.x!, 12);
      expect(axisValue(c.axis, p.params)).toBeCloseTo(p.x!, 12);
    });
  });
  it('a metric reported on several tasks is read on each curve\'s own task (bits per byte beside accuracy)', () => {
    const rows: Observation[] = [];
    [1e8, 3e8, 1e9].forEach((params, i) => {
      for (const task of ['arc', 'piqa']) {
        rows.push(obs({ model: `m${i}`, params, task, metric: 'rc_bpb', value: (task === 'arc' ? 1.5 : 1.0) - 0.2 * i, higherIsBetter: false }));
        rows.push(obs({ model: `m${i}`, params, task, metric: 'rc_acc', value: 0.3 + 0.1 * i }));
      }
    });
    const r = assembleCurves(rows, { axis: { kind: 'metric', task: null, metric: 'rc_bpb' } });
    expect(r.curves.map((c) => [c.key.task, c.key.metric, c.points.map((p) => Number(p.x!.toFixed(6)))])).toEqual([
      ['arc', 'rc_acc', [1.5, 1.3, 1.1]],
      ['piqa', 'rc_acc', [1.0, 0.8, 0.6]],
    ]);
  });
});
