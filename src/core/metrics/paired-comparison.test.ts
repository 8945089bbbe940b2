import { describe, expect, it } from 'vitest';
import type { Sample, Score } from '../types.js';
import { makeRng } from '../random/rng.js';
import { charTokenizer } from './tokenizers.js';
import { comparePaired, comparePairedCorpus } from './paired-comparison.js';
import { bleuStats, corpusBleu } from './bleu.js';
import { mcnemarFromCounts } from '../stats/mcnemar.js';

const base = {
  model: 'm', task: 't', prompt: null, choices: null, choiceLogliks: null, gold: null, targetScores: null,
  targetTokenLogprobs: null, targetTokenGreedy: null, targetLoglik: null, attempts: null, greedy: null, source: { file: 'x' },
};
const gen = (id: string, output: string, target: string): Sample => ({ ...base, id, exampleId: id, kind: 'generate', output, targets: [target] });
const scores = (metric: string, vals: number[]): Score[] => vals.map((value, i) => ({ sampleId: `s${i}`, metric, value, tokenizer: null }));
const ctx = { tokenizer: charTokenizer };

describe('comparePaired', () => {
  it('0/1 metric: McNemar on the items both models have, A − B, direction read from the metric', () => {
    const a = scores('exact_match', [1, 1, 1, 0, 1, 0, 1]);
    const b = [...scores('exact_match', [1, 0, 0, 0, 1, 1]), { sampleId: 'only-b', metric: 'exact_match', value: 1, tokenizer: null }];
    const c = comparePaired('exact_match', { name: 'A', scores: a }, { name: 'B', scores: b }, { rng: makeRng(1) })!;
    // the shared items are s0..s5: A right & B wrong on s1, s2; A wrong & B right on s5.
    expect([c.n, c.discordant, c.method, c.better]).toEqual([6, { aOnly: 2, bOnly: 1 }, 'mcnemar-exact', 'a']);
    expect(c.difference).toBeCloseTo(4 / 6 - 3 / 6, 15);
    expect(c.p).toBe(mcnemarFromCounts(2, 1, 6).p);
    expect(comparePaired('exact_match', { name: 'A', scores: a }, { name: 'B', scores: b }, { rng: makeRng(1), exact: false })!.method).toBe('mcnemar-chi-square');
  });
  it('continuous metric: paired bootstrap; lower-is-better metrics read "better" the other way', () => {
    const a = scores('char_edit_distance', [1, 2, 3, 4, 5, 6, 7, 8]);
    const b = scores('char_edit_distance', [2, 3, 4, 5, 6, 7, 8, 9]);
    const c = comparePaired('char_edit_distance', { name: 'A', scores: a }, { name: 'B', scores: b }, { rng: makeRng(2), resamples: 500 })!;
    // every difference is exactly −1: the bootstrap distribution is a point mass.
    expect([c.method, c.difference, c.low, c.high, c.p, c.better]).toEqual(['paired-bootstrap', -1, -1, -1, 0, 'a']);
  });
});

describe('comparePairedCorpus', () => {
  const refs = ['the cat sat on the mat', 'a quick brown fox jumps', 'models grow with scale and data', 'one two three four five'];
  const A = refs.map((r, i) => gen(`s${i}`, r, r));
  const Bout = ['the cat sat on a mat', 'a quick fox jumps', 'models grow with scale and data', 'one two four five six'];
  const B = refs.map((r, i) => gen(`s${i}`, Bout[i]!, r));
  it('corpus BLEU of each model over the shared items, bootstrap of the recombined difference', () => {
    const c = comparePairedCorpus('bleu', { name: 'A', samples: A }, { name: 'B', samples: B }, ctx, { rng: makeRng(3), resamples: 400 })!;
    expect(c.meanA).toBeCloseTo(100, 12);
    expect(c.meanB).toBeCloseTo(corpusBleu(refs.map((r, i) => bleuStats(Bout[i]!, [r]))), 12);
    expect(c.difference).toBeCloseTo(100 - c.meanB, 12);
    expect(c.method).toBe('paired-bootstrap-corpus');
    expect(c.low!).toBeGreaterThanOrEqual(0); // A is perfect: no resample can favour B
    expect(c.better).toBe('a');
  });
  it('identical outputs: difference 0, p = 1; TER (lower is better) favours the model with fewer edits', () => {
    const same = comparePairedCorpus('bleu', { name: 'A', samples: A }, { name: 'B', samples: A }, ctx, { rng: makeRng(4), resamples: 100 })!;
    expect([same.difference, same.p, same.better]).toEqual([0, 1, 'tie']);
    const ter = comparePairedCorpus('ter', { name: 'A', samples: A }, { name: 'B', samples: B }, ctx, { rng: makeRng(5), resamples: 100 })!;
    expect(ter.meanA).toBe(0);
    expect(ter.better).toBe('a');
  });
});
