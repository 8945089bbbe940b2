import { expect, it } from 'vitest';
import { overallEta } from './overall-eta.js';

it('the longer of the stage ETA and what the measured time leaves; past it, says so; nothing without a measured time', () => {
  // 14 min measured, 2 min in: 12 min left by the budget, more than the 5 min the stage still needs.
  expect(overallEta(120, 300, 840)).toBe('overall ETA ~12 min 00 s (14 min 00 s measured for this budget)');
  // A slower machine: the stage alone needs longer than the budget leaves.
  expect(overallEta(600, 400, 840)).toBe('overall ETA ~6 min 40 s (14 min 00 s measured for this budget)');
  expect(overallEta(900, null, 840)).toBe('overall: past the 14 min 00 s measured for this budget (15 min 00 s so far)');
  expect(overallEta(900, 30, null)).toBeNull();
});
