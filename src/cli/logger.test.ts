import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeLogger } from './logger.js';

const sink = (isTTY: boolean, columns?: number) => {
  const out: string[] = [];
  return { out, stream: { isTTY, columns, write: (s: string) => out.push(s) } };
};

// A fake clock drives both the logger's `now` and its heartbeat timer.
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());
const now = (): number => Date.now();

describe('progress off a TTY (a log file)', () => {
  it('writes nothing for a step shorter than the interval', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 10_000, now });
    log.progress({ phase: 'training', done: 0, total: 100, unit: 'steps' });
    vi.advanceTimersByTime(9_000);
    log.progress({ phase: 'training', done: 100, total: 100, unit: 'steps' });
    log.done();
    vi.advanceTimersByTime(60_000);
    expect(out).toEqual([]);
  });

  it('a line every interval, with the rate and the ETA from what was observed', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 10_000, now });
    log.progress({ phase: 'training', done: 0, total: 1000, unit: 'steps' });
    vi.advanceTimersByTime(4_000);
    log.progress({ phase: 'training', done: 200, total: 1000, unit: 'steps', detail: 'loss 1.5000' });
    vi.advanceTimersByTime(6_000); // t = 10 s: the heartbeat draws the last update
    // 200 steps in 10 s: 20 steps/s, 800 left: 40 s.
    expect(out).toEqual(['training: 200/1,000 steps (20.0%), 20.0 steps/s, ETA 40 s · loss 1.5000\n']);
    log.progress({ phase: 'training', done: 500, total: 1000, unit: 'steps' });
    vi.advanceTimersByTime(10_000); // t = 20 s: 500 in 20 s, 25 steps/s, 500 left: 20 s
    expect(out[1]).toBe('training: 500/1,000 steps (50.0%), 25.0 steps/s, ETA 20 s\n');
  });

  it('keeps writing while no unit finishes (a stalled server): the rate falls, the ETA grows', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 5_000, now });
    log.progress({ phase: 'evaluating', done: 0, total: 10, unit: 'samples', detail: '8 in flight, 0 retries' });
    vi.advanceTimersByTime(5_000);
    expect(out).toEqual(['evaluating: 0/10 samples (0.0%), ETA unknown · 8 in flight, 0 retries\n']);
    log.progress({ phase: 'evaluating', done: 1, total: 10, unit: 'samples', detail: '8 in flight, 3 retries' });
    vi.advanceTimersByTime(5_000); // 1 in 10 s: 10 s/sample, 9 left
    vi.advanceTimersByTime(5_000); // 1 in 15 s
    expect(out.slice(1)).toEqual([
      'evaluating: 1/10 samples (10.0%), 10.0 s/sample, ETA 1 min 30 s · 8 in flight, 3 retries\n',
      'evaluating: 1/10 samples (10.0%), 15.0 s/sample, ETA 2 min 15 s · 8 in flight, 3 retries\n',
    ]);
  });

  it('lines are never closer than the interval, however often updates come', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 1_000, now });
    const at: number[] = [];
    stream.write = (s: string) => at.push(now()) && out.push(s);
    for (let i = 1; i <= 350; i++) {
      vi.advanceTimersByTime(10);
      log.progress({ phase: 'p', done: i, total: 350, unit: 'steps' });
    }
    // The first update (t = 10 ms) starts the clock.
    expect(at).toEqual([1010, 2010, 3010]);
  });

  it('a function is read again at every draw: the heartbeat shows live figures', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 1_000, now });
    let inFlight = 0;
    const snapshot = () => ({ phase: 'evaluating', done: 0, total: 4, unit: 'samples', detail: `${inFlight} in flight` });
    log.progress(snapshot);
    inFlight = 8; // requests went out; no update was sent
    vi.advanceTimersByTime(1_000);
    inFlight = 3;
    vi.advanceTimersByTime(1_000);
    expect(out).toEqual(['evaluating: 0/4 samples (0.0%), ETA unknown · 8 in flight\n', 'evaluating: 0/4 samples (0.0%), ETA unknown · 3 in flight\n']);
  });

  it('a resume: skipped units count as done but not in the rate', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 10_000, now });
    log.progress({ phase: 'evaluating', done: 600, skipped: 600, total: 1000, unit: 'samples' });
    vi.advanceTimersByTime(5_000);
    log.progress({ phase: 'evaluating', done: 700, skipped: 600, total: 1000, unit: 'samples' });
    vi.advanceTimersByTime(5_000); // 100 in 10 s, 300 left
    expect(out).toEqual(['evaluating: 700/1,000 samples (70.0%), 10.0 samples/s, ETA 30 s\n']);
  });

  it('the caller\'s ETA wins when it knows the units are of unequal cost', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 1_000, now });
    log.progress({ phase: 'training', done: 10, skipped: 0, total: 20, unit: 'steps', etaSeconds: 125 });
    vi.advanceTimersByTime(1_000);
    expect(out).toEqual(['training: 10/20 steps (50.0%), 10.0 steps/s, ETA 2 min 05 s\n']);
  });

  it('a phase without counts shows how long it has run; done() stops the heartbeat', () => {
    const { out, stream } = sink(false);
    const log = makeLogger(stream, { plainEveryMs: 2_000, now });
    log.progress('auditing the family from the store');
    vi.advanceTimersByTime(4_000);
    log.done();
    vi.advanceTimersByTime(10_000);
    expect(out).toEqual(['auditing the family from the store (2 s)\n', 'auditing the family from the store (4 s)\n']);
  });
});

describe('progress on a TTY', () => {
  it('redraws one line in place with a bar, at most 10 times a second, and clears it before a log line', () => {
    const { out, stream } = sink(true);
    const log = makeLogger(stream, { now });
    log.progress({ phase: 'training', done: 0, total: 4, unit: 'steps' });
    vi.advanceTimersByTime(50);
    log.progress({ phase: 'training', done: 1, total: 4, unit: 'steps' }); // too soon: not drawn
    vi.advanceTimersByTime(50);
    log.progress({ phase: 'training', done: 2, total: 4, unit: 'steps' });
    log.info('held-out exact match 50%');
    log.done();
    expect(out).toEqual([
      '\r\x1b[K[--------------------] training: 0/4 steps (0.0%), ETA unknown',
      '\r\x1b[K[##########----------] training: 2/4 steps (50.0%), 20.0 steps/s, ETA 0 s',
      '\r\x1b[K',
      'held-out exact match 50%\n',
      '\r\x1b[K[##########----------] training: 2/4 steps (50.0%), 20.0 steps/s, ETA 0 s',
      '\r\x1b[K',
    ]);
  });

  it('redraws every second when nothing changes, and never wider than the terminal', () => {
    const { out, stream } = sink(true, 40);
    const log = makeLogger(stream, { now });
    log.progress({ phase: 'evaluating', done: 1, skipped: 0, total: 10, unit: 'samples' });
    vi.advanceTimersByTime(2_000);
    expect(out).toHaveLength(3);
    for (const s of out) expect(s.length - '\r\x1b[K'.length).toBeLessThanOrEqual(39);
    expect(out[2]).toBe('\r\x1b[K[##------------------] evaluating: 1/1…');
  });
});

it('is silent with quiet, but warnings still show', () => {
  const { out, stream } = sink(false);
  const log = makeLogger(stream, { quiet: true, plainEveryMs: 1_000, now });
  log.progress({ phase: 'training', done: 1, total: 2, unit: 'steps' });
  vi.advanceTimersByTime(60_000);
  log.info('y');
  log.warn('w');
  expect(out).toEqual(['warning: w\n']);
});
