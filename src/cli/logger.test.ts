import { describe, expect, it } from 'vitest';
import { makeLogger } from './logger.js';

const sink = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
};

describe('logger progress', () => {
  it('redraws one line in place on a TTY and clears it before a log line', () => {
    const { out, stream } = sink(true);
    const log = makeLogger(stream);
    log.progress('a 1/3');
    log.progress('a 2/3');
    log.info('done');
    expect(out).toEqual(['\r\x1b[Ka 1/3', '\r\x1b[Ka 2/3', '\r\x1b[K', 'done\n']);
  });
  it('off a TTY writes a plain line at most every interval, none for a short step', () => {
    const { out, stream } = sink(false);
    let t = 0;
    const log = makeLogger(stream, { plainEveryMs: 10_000, now: () => t });
    log.progress('early');
    t = 9_999;
    log.progress('still early');
    t = 10_000;
    log.progress('step 5/9, ETA 12 s');
    t = 15_000;
    log.progress('step 6/9');
    t = 20_001;
    log.progress('step 8/9, ETA 2 s');
    expect(out).toEqual(['step 5/9, ETA 12 s\n', 'step 8/9, ETA 2 s\n']);
  });
  it('is silent with quiet', () => {
    const { out, stream } = sink(false);
    let t = 0;
    const log = makeLogger(stream, { quiet: true, now: () => t });
    t = 60_000;
    log.progress('x');
    log.info('y');
    expect(out).toEqual([]);
  });
});
