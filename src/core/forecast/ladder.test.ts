import { describe, expect, it } from 'vitest';
import type { Observation } from '../types.js';
import { forecastLadder, lossTransformFor, paperChance } from './ladder.js';

const law = (n: number, d: number): number => Math.exp(3) / n ** 0.3 + Math.exp(4) / d ** 0.28 + 0.6;
const acc = (l: number): number => -0.7 / (1 + Math.exp(-10 * (l - 1))) + 1;
const obs = (model: string, n: number, d: number, metric: string, value: number, more: Partial<Observation> = {}): Observation => ({
  family: 'Toy', model, params: n, task: 't', metric, shots: null, seed: null, value, stderr: null, low: null, high: null, n: null,
  step: null, tokens: d, higherIsBetter: null, labels: {}, extra: {}, source: { file: 'toy.csv' }, ...more,
});

function ladder(opts: { paperConfig?: boolean } = {}): Observation[] {
  const out: Observation[] = [];
  for (const n of [1e8, 2e8, 4e8, 8e8]) {
    for (const k of [10, 20, 50]) {
      const l = law(n, k * n);
      const extra: Record<string, string> = opts.paperConfig ? { in_paper_config: k === 50 && n === 1e8 ? '0' : '1' } : {};
      out.push(obs(`m${n}-${k}`, n, k * n, 'loss', l, { labels: { ladder: `${k}x` }, extra }), obs(`m${n}-${k}`, n, k * n, 'acc', acc(l), { labels: { ladder: `${k}x` }, extra }));
    }
  }
  const lt = law(1e10, 2e11);
  out.push(obs('big', 1e10, 2e11, 'loss', lt, { labels: { ladder: 'target' } }), obs('big', 1e10, 2e11, 'acc', acc(lt), { labels: { ladder: 'target' } }));
  return out;
}

describe('forecastLadder', () => {
  it('takes the ladder=target rows as targets and every other model as the ladder', () => {
    const f = forecastLadder(ladder(), [], { lossMetric: 'loss', accMetric: 'acc' });
    expect(f.targets).toEqual(['big']);
    expect(f.fitModels).toHaveLength(12);
    const t = f.tasks[0]!.targets[0]!;
    expect(t.predLoss).toBeCloseTo(law(1e10, 2e11), 6);
    expect(t.predAcc).toBeCloseTo(acc(law(1e10, 2e11)), 3);
    expect(f.tasks[0]!.step2Source).toBe('finals');
  });
  it('fits only the in_paper_config=1 models when the data mark them', () => {
    const f = forecastLadder(ladder({ paperConfig: true }), [], { lossMetric: 'loss', accMetric: 'acc' });
    expect(f.fitModels).toHaveLength(11);
    expect(f.fitModels).not.toContain('m100000000-50');
  });
  it('without labels holds out the largest models by N·D', () => {
    const rows = ladder().map((o) => ({ ...o, labels: {} }));
    const f = forecastLadder(rows, [], { lossMetric: 'loss', accMetric: 'acc', holdout: 2 });
    expect(f.targets).toEqual(['m800000000-50', 'big']);
  });
  it('fits step 2 on checkpoints: the first share dropped, then a moving average', () => {
    const fin = ladder();
    const ck: Observation[] = [];
    for (const o of fin.filter((x) => x.labels.ladder !== 'target' && x.metric === 'loss')) {
      for (let s = 1; s <= 10; s++) {
        const l = o.value + (10 - s) * 0.02; // loss falls over training to the final value
        ck.push({ ...o, step: s, value: l }, { ...o, metric: 'acc', step: s, value: acc(l) });
      }
    }
    const f = forecastLadder(fin, ck, { lossMetric: 'loss', accMetric: 'acc', skip: 0.1, window: 1 });
    expect(f.tasks[0]!.step2Source).toBe('checkpoints');
    // 12 runs × (10 − ceil(1)) checkpoints + the anchor.
    expect(f.tasks[0]!.step2.points).toBe(12 * 9 + 1);
    expect(f.tasks[0]!.targets[0]!.predAcc).toBeCloseTo(acc(law(1e10, 2e11)), 3);
  });
  it('skips a task whose ladder has too few models, saying why', () => {
    const f = forecastLadder(ladder().filter((o) => o.params >= 8e8 || o.model === 'm400000000-10'), [], { lossMetric: 'loss', accMetric: 'acc' });
    expect(f.tasks).toHaveLength(0);
    expect(f.skipped[0]!.reason).toMatch(/only 4 ladder models|need >= 6 points/);
  });
});

it('lossTransformFor: log-likelihoods are negated, perplexities logged', () => {
  expect(lossTransformFor('target_loglik', [-3.2, -1.1])).toBe('negate');
  expect(lossTransformFor('ppl', [12, 40])).toBe('log');
  expect(lossTransformFor('word_perplexity', [12, 40])).toBe('log');
  expect(lossTransformFor('rc_bpb', [0.7, 0.9])).toBe('none');
});

it('paperChance is the paper`s v2_minimums_rc', () => {
  expect(paperChance('piqa_val')).toBe(0.5);
  expect(paperChance('socialiqa_val')).toBeCloseTo(1 / 3, 15);
  expect(paperChance('csqa_val')).toBe(0.2);
  expect(paperChance('mmlu_avg_test')).toBe(0.25);
});
