import { expect, it } from 'vitest';
import { sweepEtaSeconds } from './sweep-eta.js';

it('is the remaining work at each kind\'s mean duration over the parallelism reached', () => {
  // Trains of 10 s (2 done), evals of 1 s (4 done): 24 s busy in 12 s wall = 2 workers busy.
  // Left: 1 train (10 s) + 6 evals (6 s) = 16 s of work, on 2 workers = 8 s.
  const eta = sweepEtaSeconds([{ remaining: 1, durationsMs: [8000, 12000] }, { remaining: 6, durationsMs: [500, 1500, 1000, 1000] }], 12_000);
  expect(eta).toBeCloseTo(8, 12);
});

it('is 0 when nothing is left and null while a kind with work left has no finished job', () => {
  expect(sweepEtaSeconds([{ remaining: 0, durationsMs: [5] }], 10)).toBe(0);
  expect(sweepEtaSeconds([{ remaining: 3, durationsMs: [] }, { remaining: 1, durationsMs: [10] }], 100)).toBeNull();
});
