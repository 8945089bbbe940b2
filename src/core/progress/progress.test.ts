import { describe, expect, it } from 'vitest';
import { etaFromRate, formatEta, formatProgress, formatRate, progressBar, ProgressMeter } from './progress.js';

describe('etaFromRate', () => {
  it('is what is left over the rate so far; null with no rate; 0 when nothing is left', () => {
    expect(etaFromRate(30, 70, 12)).toBeCloseTo(28, 12); // 2.5/s, 70 left
    expect(etaFromRate(0, 70, 12)).toBeNull();
    expect(etaFromRate(5, 0, 12)).toBe(0);
  });
});

describe('ProgressMeter', () => {
  it('restarts the rate when the phase changes', () => {
    const m = new ProgressMeter();
    m.read({ phase: 'a', done: 0, total: 10 }, 0);
    expect(m.read({ phase: 'a', done: 5, total: 10 }, 5000)).toEqual({ elapsedSeconds: 5, rate: 1, etaSeconds: 5 });
    m.read({ phase: 'b', done: 0, total: 4 }, 6000);
    expect(m.read({ phase: 'b', done: 1, total: 4 }, 8000)).toEqual({ elapsedSeconds: 2, rate: 0.5, etaSeconds: 6 });
  });
  it('without a skip count, what was done when the phase was first seen is not this run\'s', () => {
    const m = new ProgressMeter();
    m.read({ phase: 'a', done: 40, total: 100 }, 0);
    expect(m.read({ phase: 'a', done: 60, total: 100 }, 10_000)).toEqual({ elapsedSeconds: 10, rate: 2, etaSeconds: 20 });
  });
});

describe('formatting', () => {
  it('ETA and rate in a few characters', () => {
    expect([formatEta(44.6), formatEta(200), formatEta(7500)]).toEqual(['45 s', '3 min 20 s', '2 h 05 min']);
    expect([formatRate(45.21, 'steps'), formatRate(1234.5, 'samples'), formatRate(0.25, 'samples')]).toEqual(['45.2 steps/s', '1,235 samples/s', '4.0 s/sample']);
    expect(progressBar(3, 10, 10)).toBe('[###-------]');
    expect(formatProgress({ phase: 'training', done: 3, total: 10, unit: 'steps', detail: 'loss 2.0000' }, { elapsedSeconds: 1, rate: 3, etaSeconds: 7 / 3 }))
      .toBe('training: 3/10 steps (30.0%), 3.0 steps/s, ETA 2 s · loss 2.0000');
  });
});
