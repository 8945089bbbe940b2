import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { importLmEvalSamples, taskFromSampleFile } from './lm-eval-samples.js';
import { readFileSync } from 'node:fs';
import { scoreSamples } from '../core/metrics/score.js';
import { summarizeMetric } from '../core/metrics/aggregate.js';
import { makeRng } from '../core/random/rng.js';
import { charTokenizer } from '../core/metrics/tokenizers.js';

const mcLine = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    doc_id: 0, doc: {}, target: 1, filter: 'none', metrics: ['acc', 'acc_norm'], acc: 1, acc_norm: 0,
    arguments: { gen_args_0: { arg_0: 'Q:', arg_1: ' short' }, gen_args_1: { arg_0: 'Q:', arg_1: ' a much longer one' } },
    resps: [[['-5.0', 'False']], [['-4.0', 'True']]], filtered_resps: [['-5.0', 'False'], ['-4.0', 'True']],
    doc_hash: 'a', prompt_hash: 'b', target_hash: 'c', ...over,
  });
const err = (text: string): DataError => {
  try {
    importLmEvalSamples(text, 'samples_x_2026-01-01T00-00-00.jsonl', { model: 'm' });
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
};

describe('lm-eval sample logs', () => {
  it('reads a multiple-choice line: choices without the target delimiter, gold, log-likelihoods from strings', () => {
    const r = importLmEvalSamples(mcLine(), 'samples_arc_easy_2026-01-01T00-00-00.123.jsonl', { model: 'm' });
    const s = r.samples[0]!;
    expect(s).toMatchObject({ kind: 'multiple_choice', task: 'arc_easy', choices: ['short', 'a much longer one'], choiceLogliks: [-5, -4], gold: [1] });
    expect(r.logged.get(s.id)).toEqual({ acc: 1, acc_norm: 0 });
  });
  it("acc_mutual_info logs: the appended unconditional (\"\", choice) requests are not choices (lm-eval's test_acc_mutual_info_different_predictions)", () => {
    const lls = [-1, -2, -3, -0.5, -2, -3];
    const line = mcLine({
      metrics: ['acc', 'acc_mutual_info'], acc: 0, acc_mutual_info: 1, acc_norm: undefined,
      arguments: Object.fromEntries(['A', 'B', 'C'].flatMap((c, j) => [[`gen_args_${j}`, { arg_0: 'Q:', arg_1: ` ${c}` }], [`gen_args_${j + 3}`, { arg_0: '', arg_1: c }]])),
      resps: lls.map((l) => [[String(l), 'False']]), filtered_resps: lls.map((l) => [String(l), 'False']),
    });
    const r = importLmEvalSamples(line, 'samples_x_2026-01-01T00-00-00.jsonl', { model: 'm' });
    const smp = r.samples[0]!;
    expect(smp).toMatchObject({ choices: ['A', 'B', 'C'], choiceLogliks: [-1, -2, -3], choiceLogliksUnconditional: [-0.5, -2, -3], gold: [1] });
    const scores = scoreSamples(r.samples, ['acc', 'acc_mutual_info'], { tokenizer: charTokenizer });
    expect(scores.map((x) => [x.metric, x.value])).toEqual([['acc', r.logged.get(smp.id)!.acc], ['acc_mutual_info', r.logged.get(smp.id)!.acc_mutual_info]]);
  });
  it('loglikelihood_rolling logs (wikitext-style): word/byte perplexity and bits per byte = lm-eval\'s formulas (reference goldens)', () => {
    const g = JSON.parse(readFileSync(new URL('../../test/golden/reference-metrics.json', import.meta.url), 'utf8')) as { cases: { metric: string; inputs: { loglikelihoods?: number[]; docs?: string[] }; expect: { score: number } }[] };
    const ref = (m: string) => g.cases.find((c) => c.metric === m)!;
    const { loglikelihoods, docs } = ref('word_perplexity').inputs as { loglikelihoods: number[]; docs: string[] };
    const text = docs.map((d, i) => JSON.stringify({
      doc_id: i, doc: { page: d }, target: '', filter: 'none', metrics: ['word_perplexity', 'byte_perplexity', 'bits_per_byte'],
      arguments: { gen_args_0: { arg_0: d } }, resps: [[loglikelihoods[i]]], filtered_resps: [loglikelihoods[i]],
      word_perplexity: [loglikelihoods[i], 1], doc_hash: 'a', prompt_hash: 'b', target_hash: 'c',
    })).join('\n');
    const r = importLmEvalSamples(text, 'samples_wikitext_2026-01-01T00-00-00.jsonl', { model: 'm' });
    expect(r.samples.map((x) => [x.kind, x.targets[0], x.targetLoglik])).toEqual(docs.map((d, i) => ['loglikelihood', d, loglikelihoods[i]]));
    for (const m of ['word_perplexity', 'byte_perplexity', 'bits_per_byte']) {
      const sum = summarizeMetric(m, r.samples, [], { tokenizer: charTokenizer }, { rng: makeRng(1), resamples: 0 })!;
      expect(sum.aggregation).toBe('corpus');
      expect(sum.value).toBeCloseTo(ref(m).expect.score, 12);
    }
    expect(err(text.split('\n')[0]!.replace(/"filtered_resps":\[[^\]]*\]/, '"filtered_resps":["x"]')).message).toMatch(/document's log-likelihood/);
  });
  it('gold given as the choice text', () => {
    expect(importLmEvalSamples(mcLine({ target: 'short' }), 'f.jsonl', { model: 'm' }).samples[0]!.gold).toEqual([0]);
  });
  it('task from the file name', () => {
    expect(taskFromSampleFile('samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl')).toBe('math_perturbed_full');
  });
  it('a malformed line names file and line', () => {
    expect(err(`${mcLine()}\n{"doc_id": 1, oops}\n`).describe()).toMatch(/^samples_x_2026-01-01T00-00-00\.jsonl:2: invalid JSON/);
  });
  it('NaN and +∞ log-likelihoods are refused with the field', () => {
    expect(err(mcLine({ filtered_resps: [['nan', 'False'], ['-4.0', 'True']] })).describe()).toMatch(/:1: "filtered_resps\[0\]": log-likelihood is NaN: must be a finite number/);
    expect(err(mcLine({ filtered_resps: [['-5', 'False'], ['inf', 'True']] })).describe()).toMatch(/"filtered_resps\[1\]": log-likelihood is Infinity/);
  });
  it('a response count that differs from the choices is refused', () => {
    expect(err(mcLine({ filtered_resps: [['-5.0', 'False']] })).describe()).toMatch(/"filtered_resps": 1 responses for 2 continuations/);
  });
  it('a gold index outside the choices is refused', () => {
    expect(err(mcLine({ target: 5 })).describe()).toMatch(/"target": gold index 5 outside 0..1/);
  });
});
