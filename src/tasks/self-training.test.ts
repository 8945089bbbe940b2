import { describe, expect, it } from 'vitest';
import { tally } from './prompt.js';
import { extractAdditionAnswer } from './scratchpad.js';
import { distinctPathsReaching, majorityLabel, selectPaths, type PoolSample } from './self-training.js';

const ex = (p: string): string => extractAdditionAnswer('scratchpad', p);

describe('majority voting over sampled answers', () => {
  it('counts votes, reports a tie, and gives a tie to the answer seen first', () => {
    expect(tally(['4', '5', '5', '4', '6'])).toEqual({ answer: '4', votes: 2, share: 0.4, tied: true });
    expect(tally(['5', '4', '5'])).toEqual({ answer: '5', votes: 2, share: 2 / 3, tied: false });
    expect(tally(['7', '7', '7', '8', '8', '8', '9'])).toMatchObject({ answer: '7', tied: true });
    expect(tally([])).toEqual({ answer: '', votes: 0, share: 0, tied: false });
  });
  it('the filter keeps a clear majority at or above the share, never a tie or a missing answer', () => {
    expect(majorityLabel(['3', '3', '4', '5'], 0.5)).toBe('3');
    expect(majorityLabel(['3', '3', '4', '5', '6'], 0.5)).toBeNull(); // 2/5 < 0.5
    expect(majorityLabel(['3', '3', '4', '4'], 0.5)).toBeNull(); // tied at 0.5
    expect(majorityLabel(['', '', '', '3'], 0.5)).toBeNull(); // most paths reach no answer
    expect(majorityLabel(['3', '3', '3', '4'], 0.8)).toBeNull();
    expect(majorityLabel(['3', '3', '3', '4'], 0.75)).toBe('3');
  });
  it('keeps each distinct path to the answer once, in first-seen order', () => {
    const paths = ['1+2+0=03,#3', 'x#3', '1+2+0=03,#3', '1+2+0=04,#4', 'x#3', '#3'];
    expect(distinctPathsReaching(paths, ex, '3')).toEqual(['1+2+0=03,#3', 'x#3', '#3']);
    expect(distinctPathsReaching(paths, ex, '5')).toEqual([]);
  });
});

describe('the kept set of each filter', () => {
  // q1: clear majority, right (3 of 4 say 3, two of them the same path); q2: majority wrong (9 of 4
  // paths say 9, right is 8); q3: tied, so the majority filter drops it; q4: no answer at all.
  const pool: PoolSample[] = [
    { id: 'q1', prompt: '1+2=', paths: ['1+2+0=03,#3', '1+2+0=03,#3', 'a#3', '1+2+0=04,#4'] },
    { id: 'q2', prompt: '4+4=', paths: ['#9', 'b#9', 'c#9', '#8'] },
    { id: 'q3', prompt: '2+3=', paths: ['#5', '#6', 'd#5', 'e#6'] },
    { id: 'q4', prompt: '5+5=', paths: ['junk', 'junk'] },
  ];
  const labels = new Map([['q1', '3'], ['q2', '8'], ['q3', '5'], ['q4', '10']]);

  it('majority: the distinct majority paths of clear majorities; all: every distinct path; oracle: the right ones', () => {
    const s = selectPaths(pool, ex, labels, 0.5);
    expect(s.majority.kept.map((k) => k.path)).toEqual(['1+2+0=03,#3', 'a#3', '#9', 'b#9', 'c#9']);
    expect(s.majority.keptFraction).toBe(0.5);
    expect(s.majority.precision).toBeCloseTo(2 / 5, 12);
    expect(s.all.kept).toHaveLength(3 + 4 + 4 + 1);
    expect(s.all.keptFraction).toBe(1);
    expect(s.all.precision).toBeCloseTo((2 + 1 + 2) / 12, 12);
    expect(s.oracle.kept.map((k) => k.path)).toEqual(['1+2+0=03,#3', 'a#3', '#8', '#5', 'd#5']);
    expect(s.oracle.keptFraction).toBe(0.75);
    expect(s.oracle.precision).toBe(1);
  });

  it('the majority and no-filter sets never read the labels: poisoned labels give the same kept sets', () => {
    const poisoned = new Map([...labels].map(([id, l]) => [id, String(Number(l) + 1)]));
    const clean = selectPaths(pool, ex, labels, 0.5);
    const dirty = selectPaths(pool, ex, poisoned, 0.5);
    expect(dirty.majority.kept).toEqual(clean.majority.kept);
    expect(dirty.all.kept).toEqual(clean.all.kept);
    // The labels did change what is measured and what the oracle keeps, so the poison reached the function.
    expect(dirty.majority.precision).not.toBe(clean.majority.precision);
    expect(dirty.oracle.kept).not.toEqual(clean.oracle.kept);
  });
});
