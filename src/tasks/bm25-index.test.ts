import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recallAtK } from '../core/metrics/retrieval-recall.js';
import { Bm25Index } from './bm25-index.js';

// Scores of an independent numpy implementation of Okapi BM25 (test/fixtures/bm25/make-bm25.py).
const ref = JSON.parse(readFileSync(new URL('../../test/fixtures/bm25/bm25-reference.json', import.meta.url), 'utf8')) as { docs: Record<string, string>; scores: Record<string, Record<string, number>> };

describe('BM25 retrieval (MiniSearch)', () => {
  const index = new Bm25Index(Object.entries(ref.docs).map(([id, text]) => ({ id, text })));

  it('scores every matching document as the reference BM25 does, and ranks by score then id', () => {
    for (const [q, want] of Object.entries(ref.scores)) {
      const hits = index.top(q, 100);
      expect(hits.map((h) => h.id).sort()).toEqual(Object.keys(want).sort());
      for (const h of hits) expect(h.score).toBeCloseTo(want[h.id]!, 9);
      const order = Object.entries(want).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
      expect(hits.map((h) => h.id)).toEqual(order);
    }
  });

  it('returns the k best', () => {
    expect(index.top('bako lives in', 2).map((h) => h.id)).toEqual(['d4', 'd1']);
  });

  it('refuses a repeated passage id', () => {
    expect(() => new Bm25Index([{ id: 'a', text: 'x' }, { id: 'a', text: 'y' }])).toThrow(/"a" appears twice/);
  });
});

describe('retrieval recall@k', () => {
  it('counts questions with at least one supporting passage in the top k', () => {
    const items = [{ retrieved: ['a', 'b', 'c'], supports: ['c'] }, { retrieved: ['a', 'b'], supports: ['x'] }, { retrieved: ['b'], supports: ['b', 'z'] }, { retrieved: ['a'], supports: [] }];
    expect(recallAtK(items, 1)).toBe(1 / 4);
    expect(recallAtK(items, 3)).toBe(2 / 4);
    expect(recallAtK([], 3)).toBeNull();
    expect(() => recallAtK(items, 0)).toThrow(/k must be/);
  });
});
