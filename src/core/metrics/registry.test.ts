import { describe, expect, it } from 'vitest';
import type { Sample } from '../types.js';
import { charTokenizer } from './tokenizers.js';
import { METRICS, defaultMetricsFor, metricDef } from './registry.js';
import { scoreSamples } from './score.js';
import { summarizeMetric } from './aggregate.js';
import { makeRng } from '../random/rng.js';

const base = {
  model: 'm', task: 't', prompt: null, output: null, targets: [], choices: null, choiceLogliks: null, gold: null, targetScores: null,
  targetTokenLogprobs: null, targetTokenGreedy: null, targetLoglik: null, attempts: null, greedy: null, source: { file: 'x' },
};
const gen = (id: string, output: string, target: string, extra: Partial<Sample> = {}): Sample => ({ ...base, id, exampleId: id, kind: 'generate', output, targets: [target], ...extra });
const ctx = { tokenizer: charTokenizer };

describe('the registry', () => {
  it('every metric declares continuity, direction and range consistently', () => {
    for (const d of Object.values(METRICS)) {
      expect(typeof d.continuous).toBe('boolean');
      if (d.range) expect(d.range[0]).toBeLessThan(d.range[1]);
      expect(d.perSample !== null || d.corpus !== undefined).toBe(true);
    }
    expect(METRICS.exact_match!.continuous).toBe(false);
    expect(METRICS.token_edit_distance!.continuous).toBe(true);
    expect(METRICS.brier_score!.higherIsBetter).toBe(false);
  });
  it('parameterized ids', () => {
    expect(metricDef('pass@10')!.id).toBe('pass@10');
    expect(metricDef('subset_accuracy@5')!.corpus).toBeDefined();
    expect(metricDef('nope')).toBeNull();
  });
  it('records the tokenizer with token-level scores only, and skips samples a metric does not apply to', () => {
    const samples = [gen('a', '123', '124'), { ...base, id: 'b', exampleId: 'b', kind: 'multiple_choice' as const, choices: ['x', 'y'], choiceLogliks: [-1, -2], gold: [0] }];
    const scores = scoreSamples(samples, ['exact_match', 'token_edit_distance', 'acc'], ctx);
    expect(scores).toEqual([
      { sampleId: 'a', metric: 'exact_match', value: 0, tokenizer: null },
      { sampleId: 'a', metric: 'token_edit_distance', value: 1, tokenizer: 'char' },
      { sampleId: 'b', metric: 'acc', value: 1, tokenizer: null },
    ]);
    expect(defaultMetricsFor('multiple_choice')).toContain('brier_score');
  });
  it('pass@k from attempts, subset accuracy over the set', () => {
    const s = [gen('a', 'x', 'x', { attempts: [true, false, false, false] }), gen('b', 'y', 'z', { attempts: [false, false, false, false] })];
    const scores = scoreSamples(s, ['pass@2'], ctx);
    expect(scores.map((x) => x.value)).toEqual([0.5, 0]);
    const sub = summarizeMetric('subset_accuracy@2', [gen('a', 'x', 'x'), gen('b', 'x', 'x'), gen('c', 'x', 'y')], [], ctx, { rng: makeRng(0), resamples: 0 })!;
    expect(sub.value).toBeCloseTo(1 / 3, 12); // C(2,2)/C(3,2)
  });
  it('subset accuracy on image classifications (multiple choice over ten digits), hand-computed', () => {
    // 10 images, 7 right: subset accuracy at K is C(7, K)/C(10, K); independent p^K = 0.7^K.
    const digits = Array.from({ length: 10 }, (_, d) => String(d));
    const img = (i: number, right: boolean): Sample => {
      const ll = digits.map(() => Math.log(0.05));
      ll[right ? 3 : 4] = Math.log(0.55);
      return { ...base, id: `i${i}`, exampleId: `i${i}`, kind: 'multiple_choice', choices: digits, choiceLogliks: ll, gold: [3] };
    };
    const s = Array.from({ length: 10 }, (_, i) => img(i, i < 7));
    const val = (m: string): number => summarizeMetric(m, s, scoreSamples(s, [m], ctx), ctx, { rng: makeRng(0), resamples: 0 })!.value;
    expect(val('acc')).toBeCloseTo(0.7, 12);
    expect(val('subset_accuracy@1')).toBeCloseTo(0.7, 12);
    expect(val('subset_accuracy@2')).toBeCloseTo(21 / 45, 12); // C(7,2)/C(10,2)
    expect(val('subset_accuracy@5')).toBeCloseTo(21 / 252, 12); // C(7,5)/C(10,5)
    expect(val('subset_accuracy@10')).toBe(0); // C(7,10) = 0: one wrong image sinks the set
    expect(val('independent_subset_accuracy@5')).toBeCloseTo(0.7 ** 5, 12);
    // All ten right: every K gives 1.
    const all = Array.from({ length: 10 }, (_, i) => img(i, true));
    expect(summarizeMetric('subset_accuracy@10', all, [], ctx, { rng: makeRng(0), resamples: 0 })!.value).toBe(1);
  });
  it('regression samples: mean squared error and the thresholded count', () => {
    const r = (id: string, e: number): Sample => ({ ...base, id, exampleId: id, kind: 'regression', squaredError: e });
    const s = [r('a', 0.01), r('b', 0.03), r('c', 0.02), r('d', 0.5)];
    const scores = scoreSamples(s, ['mse', 'mse_below@0.025'], ctx);
    const mean = (m: string): number => summarizeMetric(m, s, scores, ctx, { rng: makeRng(0), resamples: 0 })!.value;
    expect(mean('mse')).toBeCloseTo(0.14, 12);
    expect(mean('mse_below@0.025')).toBe(0.5); // 0.01 and 0.02 are below; 0.03 and 0.5 are not
    expect(metricDef('mse_below@1e-3')!.perSample!(r('x', 0.0009), ctx)).toBe(1);
    expect(defaultMetricsFor('regression')).toEqual(['mse']);
  });
  it('mean metrics get a BCa interval; corpus BLEU is the corpus statistic', () => {
    const s = [gen('a', 'the cat sat', 'the cat sat'), gen('b', 'a dog', 'the cat sat'), gen('c', 'the cat', 'the cat sat')];
    const scores = scoreSamples(s, ['exact_match', 'bleu'], ctx);
    const em = summarizeMetric('exact_match', s, scores, ctx, { rng: makeRng(1), resamples: 500 })!;
    expect(em.value).toBeCloseTo(1 / 3, 12);
    expect(em.interval!.method).toBe('bca');
    const bleu = summarizeMetric('bleu', s, scores, ctx, { rng: makeRng(1), resamples: 200 })!;
    expect(bleu.aggregation).toBe('corpus');
    expect(bleu.interval!.low).toBeLessThanOrEqual(bleu.value);
  });
  it('refuses NaN and infinite log-likelihoods, and mismatched target scores', () => {
    const mc = (lls: number[], targetScores: number[] | null = null): Sample => ({ ...base, id: 'm', exampleId: 'm', kind: 'multiple_choice', choices: ['a', 'b'], choiceLogliks: lls, gold: [0], targetScores });
    expect(() => scoreSamples([mc([NaN, -1])], ['acc'], ctx)).toThrow(/log-likelihood of choice 0 is NaN/);
    expect(() => scoreSamples([mc([-1, Infinity])], ['brier_score'], ctx)).toThrow(/is Infinity/);
    expect(() => scoreSamples([mc([-1, -2], [1, 0, 0])], ['brier_score'], ctx)).toThrow(/3 target scores but 2 choices/);
  });
});

describe('metrics added for reference parity (issue #24)', () => {
  it('are opt-in: asked for by name, never among the defaults', () => {
    for (const id of ['rougeLsum', 'chrf_plus_plus', 'ter', 'acc_bytes', 'acc_mutual_info', 'word_perplexity', 'byte_perplexity', 'bits_per_byte']) {
      expect(METRICS[id]!.optIn).toBe(true);
      expect(defaultMetricsFor(METRICS[id]!.kinds[0]!)).not.toContain(id);
    }
  });
  it('score samples and aggregate as their references do: TER and chrF++ as corpus statistics', () => {
    // TER: "d e f g h a b c" -> "a b c d e f g h" is one block shift over 8 reference words (sacreBLEU test_ter.py).
    const samples = [gen('a', 'd e f g h a b c', 'a b c d e f g h'), gen('b', 'x y', 'x y z w')];
    const scores = scoreSamples(samples, ['ter', 'rougeLsum', 'chrf_plus_plus'], ctx);
    expect(scores.find((s) => s.sampleId === 'a' && s.metric === 'ter')!.value).toBe(12.5);
    expect(scores.find((s) => s.sampleId === 'b' && s.metric === 'ter')!.value).toBe(50);
    const ter = summarizeMetric('ter', samples, scores, ctx, { rng: makeRng(1), resamples: 0 })!;
    expect([ter.value, ter.aggregation, ter.higherIsBetter]).toEqual([(100 * 3) / 12, 'corpus', false]);
    expect(scores.find((s) => s.sampleId === 'b' && s.metric === 'rougeLsum')!.value).toBeCloseTo(100 * (2 * 1 * 0.5) / 1.5, 12);
    const mc = { ...base, id: 'm', exampleId: 'm', kind: 'multiple_choice' as const, choices: ['aa', 'é'], choiceLogliks: [-2, -1.5], gold: [0] };
    // per character: -1 vs -1.5 → choice 0; per byte ('é' is 2 bytes): -1 vs -0.75 → choice 1.
    expect(scoreSamples([mc], ['acc_norm', 'acc_bytes'], ctx).map((s) => s.value)).toEqual([1, 0]);
  });
});
