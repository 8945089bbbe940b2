import { describe, expect, it } from 'vitest';
import { alceCitations, factEntailment } from './alce-citation.js';

// Passages as sets of atomic facts, each case built by hand for one of ALCE's rules (eval.py's
// compute_autoais): [1] states A, [2] states B, [3] states A again, [4] states neither.
const passages = [new Set(['A']), new Set(['B']), new Set(['A']), new Set(['C'])];
const entails = factEntailment(passages);
const one = (statement: string[], citations: number[]) => alceCitations([{ statement, citations }], passages.length, entails);

describe('ALCE citation recall and precision', () => {
  it('a statement citing the one passage that supports it: recall 1, precision 1', () => {
    expect(one(['A'], [1])).toMatchObject({ recall: 1, precision: 1, citations: 1, irrelevant: 0 });
  });

  it('a redundant citation: supported jointly, but [4] alone does not entail and [1] without it does, so [4] is irrelevant', () => {
    expect(one(['A'], [1, 4])).toMatchObject({ recall: 1, precision: 0.5, citations: 2, multiCited: 1, multiCitedSupported: 1, irrelevant: 1 });
  });

  it('two passages that each support the statement alone are both precise (redundant sources are not penalised)', () => {
    expect(one(['A'], [1, 3])).toMatchObject({ recall: 1, precision: 1, irrelevant: 0 });
  });

  it('a missing citation: with none, recall 0 and precision 0 (nothing cited)', () => {
    expect(one(['A'], [])).toMatchObject({ recall: 0, precision: 0, citations: 0 });
  });

  it('a missing one of two needed passages: A and B cited only to [1] is not supported, and its citation is not precise', () => {
    expect(one(['A', 'B'], [1])).toMatchObject({ recall: 0, precision: 0, citations: 1 });
  });

  it('support only jointly by two passages: neither alone entails, neither can be dropped, both precise', () => {
    expect(one(['A', 'B'], [1, 2])).toMatchObject({ recall: 1, precision: 1, irrelevant: 0, multiCitedSupported: 1 });
    // A third, useless passage on top is irrelevant; the two needed ones stay precise.
    expect(one(['A', 'B'], [1, 2, 4])).toMatchObject({ recall: 1, precision: 2 / 3, irrelevant: 1 });
  });

  it('citations that fail jointly earn no precision even if one of them supports part of the statement', () => {
    expect(one(['A', 'C'], [1, 2])).toMatchObject({ recall: 0, precision: 0, citations: 2, multiCited: 1, multiCitedSupported: 0 });
  });

  it('an out-of-range citation makes the statement unsupported and is not counted as a citation', () => {
    expect(one(['A'], [1, 5])).toMatchObject({ recall: 0, precision: 0, citations: 0 });
    expect(one(['A'], [0])).toMatchObject({ recall: 0, citations: 0 });
  });

  it('only the first three citations count (ALCE\'s at_most_citations)', () => {
    // [4][2][3][1]: the first three are C, B, A: A is supported by [3] alone; [4] and [2] are irrelevant.
    expect(one(['A'], [4, 2, 3, 1])).toMatchObject({ recall: 1, citations: 3, irrelevant: 2, precision: 1 / 3 });
  });

  it('an answer of several statements: recall is the mean over statements, precision pools the citations', () => {
    const r = alceCitations([{ statement: ['A'], citations: [1] }, { statement: ['B'], citations: [1] }, { statement: ['C'], citations: [4, 1] }], passages.length, entails);
    // Statements: supported, unsupported, supported with [1] irrelevant → recall 2/3; precise 1 + 0 + 1 of 4.
    expect(r).toMatchObject({ recall: 2 / 3, precision: 2 / 4, statements: 3, citations: 4, irrelevant: 1 });
  });

  it('a repeated citation: removing one occurrence leaves its twin (eval.py removes one), so each copy that does not support alone is irrelevant', () => {
    expect(one(['A'], [1, 1])).toMatchObject({ recall: 1, precision: 1 });
    // [2] alone does not entail A and B; without either copy, [2][1] still does: both copies irrelevant, [1] precise.
    expect(one(['A', 'B'], [2, 2, 1])).toMatchObject({ recall: 1, irrelevant: 2, precision: 1 / 3 });
  });

  it('no statements: nothing to score', () => {
    expect(alceCitations([], 3, entails)).toMatchObject({ recall: null, precision: null });
  });

  it('an empty statement is entailed by nothing', () => {
    expect(one([], [1])).toMatchObject({ recall: 0 });
  });
});
