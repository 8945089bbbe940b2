import { expect, it } from 'vitest';
import { sweepEtaSeconds } from './sweep-eta.js';

it('is the remaining work at each kind\'s mean duration, shared among the jobs running now', () => {
  // Trains of 10 s on average (2 done), evals of 1 s (4 done); left: 1 train + 6 evals = 16 s of work, on 2 lanes = 8 s.
  expect(sweepEtaSeconds([{ remaining: 1, durationsMs: [8000, 12000] }, { remaining: 6, durationsMs: [500, 1500, 1000, 1000] }], 2)).toBeCloseTo(8, 12);
});

it('is 0 when nothing is left, and null while a kind with work left has no finished job or nothing runs', () => {
  expect(sweepEtaSeconds([{ remaining: 0, durationsMs: [5] }], 0)).toBe(0);
  expect(sweepEtaSeconds([{ remaining: 3, durationsMs: [] }, { remaining: 1, durationsMs: [10] }], 4)).toBeNull();
  expect(sweepEtaSeconds([{ remaining: 3, durationsMs: [10] }], 0)).toBeNull();
});
