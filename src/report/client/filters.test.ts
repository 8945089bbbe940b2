import { describe, expect, it } from 'vitest';
import type { CrossoverEntry } from '../crossover-document.js';
import type { ReportCurve } from '../report-data.js';
import { matchesFields, pairMatches, type FilterState } from './filters.js';

const state = (s: Partial<FilterState> = {}): FilterState => ({ family: '', task: '', metric: '', verdict: '', q: '', minPoints: 4, page: 1, ...s });
const points = (n: number, model = 'm'): ReportCurve['points'] =>
  Array.from({ length: n }, (_, i) => ({ model: `${model}-${i}`, params: 10 ** (7 + i), value: 0.1 * i, stderr: null, low: null, high: null, n: null, extra: {} })) as unknown as ReportCurve['points'];
const curve = (family: string, task: string, metric: string, verdict: string, n: number, labels: Record<string, string> = {}): ReportCurve =>
  ({ key: { family, task, metric, shots: null, labels }, verdict, points: points(n, family.toLowerCase()) }) as unknown as ReportCurve;

describe('matchesFields', () => {
  const c = curve('Pythia', 'lambada_openai', 'acc', 'smooth', 8, { deduped: 'true' });
  it('ignores the minimum number of points: the page counts what that one hides', () => {
    expect(matchesFields(curve('Amber', 'MMLU', 'acc', 'too_few_points', 1), state())).toBe(true);
  });
  it('keeps a curve only when every field filter agrees', () => {
    expect(matchesFields(c, state({ family: 'Pythia', task: 'lambada_openai', metric: 'acc', verdict: 'smooth' }))).toBe(true);
    expect(matchesFields(c, state({ family: 'OPT' }))).toBe(false);
    expect(matchesFields(c, state({ metric: 'acc_norm' }))).toBe(false);
    expect(matchesFields(c, state({ verdict: 'emergent' }))).toBe(false);
  });
  it('searches the family label, task, metric and model names, ignoring case', () => {
    expect(matchesFields(c, state({ q: 'DEDUPED=TRUE' }))).toBe(true);
    expect(matchesFields(c, state({ q: 'pythia-3' }))).toBe(true);
    expect(matchesFields(c, state({ q: 'hellaswag' }))).toBe(false);
  });
});

describe('pairMatches', () => {
  const side = (family: string, n: number): CrossoverEntry['a'] => ({ id: family, key: { family, task: 'gsm8k', metric: 'exact_match', shots: null, labels: {} }, points: points(n, family.toLowerCase()) });
  const pair = (a: CrossoverEntry['a'], b: CrossoverEntry['a']): CrossoverEntry => ({ id: 'p', label: a.key.family, task: 'gsm8k', metric: 'exact_match', higherIsBetter: true, a, b }) as unknown as CrossoverEntry;
  it('shows a pair only when both curves pass the filters and the minimum', () => {
    expect(pairMatches(pair(side('OPT', 5), side('OPT', 5)), state({ family: 'OPT' }))).toBe(true);
    expect(pairMatches(pair(side('OPT', 5), side('OPT', 5)), state({ family: 'Pythia' }))).toBe(false);
    expect(pairMatches(pair(side('OPT', 5), side('OPT', 3)), state())).toBe(false);
    expect(pairMatches(pair(side('OPT', 5), side('OPT', 3)), state({ minPoints: 3 }))).toBe(true);
  });
  it('searches the pair label, task, metric and either side\'s models', () => {
    expect(pairMatches(pair(side('OPT', 5), side('OPT', 5)), state({ q: 'opt-4' }))).toBe(true);
    expect(pairMatches(pair(side('OPT', 5), side('OPT', 5)), state({ q: 'qwen' }))).toBe(false);
  });
});
