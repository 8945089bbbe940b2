import { describe, expect, it } from 'vitest';
import { topK } from './top-k.js';
import { makeRng } from '../core/random/rng.js';

describe('topK', () => {
  it('returns the k largest indices, best first, ties to the lower index', () => {
    expect(topK([0.1, 0.5, 0.2, 0.5, -1], 3)).toEqual([1, 3, 2]);
    expect(topK([3, 2, 1], 5)).toEqual([0, 1, 2]);
    expect(topK([3, 2, 1], 0)).toEqual([]);
  });
  it('agrees with a full stable sort on random rows', () => {
    const rng = makeRng(3);
    for (let t = 0; t < 200; t++) {
      const row = Float32Array.from({ length: 1 + Math.floor(rng.next() * 40) }, () => Math.round(rng.next() * 20) / 4);
      const k = Math.floor(rng.next() * 8);
      const ref = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b).slice(0, k);
      expect(topK(row, k)).toEqual(ref);
    }
  });
});
