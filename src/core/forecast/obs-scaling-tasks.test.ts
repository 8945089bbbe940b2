import { expect, it } from 'vitest';
import type { Observation } from '../types.js';
import { obsScalingTasks, rowFlops } from './obs-scaling-tasks.js';

const o = (model: string, params: number, task: string, value: number, extra: Record<string, string> = {}, tokens: number | null = null): Observation => ({
  family: 'F', model, params, task, metric: 'acc', shots: null, seed: null, value, stderr: null, low: null, high: null, n: null,
  step: null, tokens, higherIsBetter: null, labels: {}, extra, source: { file: 'x.csv' },
});

it('rowFlops reads flops_1e21, then flops, then 6·N·D', () => {
  expect(rowFlops(o('a', 7e9, 't', 0, { flops_1e21: '84' }))).toBeCloseTo(8.4e22, 6);
  expect(rowFlops(o('a', 7e9, 't', 0, { flops: '1e22' }))).toBe(1e22);
  expect(rowFlops(o('a', 7e9, 't', 0, { pretrain_tokens: '2e12' }))).toBe(6 * 7e9 * 2e12);
  expect(rowFlops(o('a', 7e9, 't', 0, {}, 1e12))).toBe(6 * 7e9 * 1e12);
  expect(rowFlops(o('a', 7e9, 't', 0))).toBeNull();
});

it('splits at the cutoff, leaves GSM8K out for arithmetic, and skips a task with nothing above the cutoff', () => {
  const bench: Observation[] = [];
  const target: Observation[] = [];
  for (let i = 0; i < 12; i++) {
    const f = 10 ** (20 + i * 0.3);
    const c = i / 11;
    const extra = { flops: String(f) };
    for (const [b, v] of [['MMLU', 0.25 + 0.5 * c], ['ARC-C', 0.2 + 0.6 * c * c], ['HellaSwag', 0.3 + 0.6 * Math.sqrt(c)], ['GSM8K', 0.7 * c ** 3]] as const) bench.push(o(`m${i}`, 1e9, b, v, extra));
    target.push(o(`m${i}`, 1e9, 'arithmetic_2da', 1 / (1 + Math.exp(-(8 * c - 5))), extra));
    if (f <= 1e22) target.push(o(`m${i}`, 1e9, 'small_only', 0.1 + 0.1 * c, extra));
  }
  const r = obsScalingTasks(bench, target, { base: ['MMLU', 'ARC-C', 'HellaSwag', 'GSM8K'], cutoffFlops: 1e22, components: 2, pcaComponents: 3 });
  expect(r.tasks).toHaveLength(1);
  expect(r.tasks[0]!.base).toEqual(['MMLU', 'ARC-C', 'HellaSwag']);
  expect(r.tasks[0]!.nTrain).toBe(7);
  expect(r.tasks[0]!.nTest).toBe(5);
  expect(r.skipped).toEqual([{ task: 'small_only', metric: 'acc', reason: '7 models at or below the cutoff, 0 above' }]);
});
