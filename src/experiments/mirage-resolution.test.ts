import { describe, expect, it } from 'vitest';
import { resolutionRows, resolutionTable, type MemberProblems } from './mirage-resolution.js';

const rule = { k: 2, cap: 10 };
/** n problems whose target has probability p, the first `sampled` of them drawn with the given records. */
function member(name: string, params: number, p: number, greedyRight: number, records: { draws: number; successes: number }[]): MemberProblems {
  const problems = Array.from({ length: 20 }, (_, i) => ({ exampleId: `e${i}`, greedy: i < greedyRight, logProbability: Math.log(p) }));
  return { member: name, params, problems, until: records.map((record, i) => ({ exampleId: `e${i}`, record })) };
}

describe('resolutionRows', () => {
  // Every problem's target has probability 0.5; two successes in 4 draws reads (2 − 1)/(4 − 1) = 1/3, in 3 draws 1/2.
  const agree = member('a', 100, 0.5, 10, [{ draws: 3, successes: 2 }, { draws: 4, successes: 2 }, { draws: 3, successes: 2 }, { draws: 2, successes: 2 }]);
  // Exact says 0.5, the draws say 1 in 10 per problem: the two disagree.
  const disagree = member('b', 1000, 0.5, 10, Array.from({ length: 4 }, () => ({ draws: 10, successes: 1 })));
  // Probability 1e-4, nothing sampled right: both below the sampled floor of 4 problems × 10 draws (0.072).
  const floor = member('c', 10, 1e-4, 0, Array.from({ length: 4 }, () => ({ draws: 10, successes: 0 })));
  const rows = resolutionRows([agree, disagree, floor], rule, 1, 500);
  it('sorts by size and reads each estimate by hand', () => {
    expect(rows.map((r) => r.member)).toEqual(['c', 'a', 'b']);
    const a = rows[1]!;
    expect(a.greedy.estimate).toBe(0.5);
    expect(a.greedy.correct).toBe(10);
    expect(a.exact.estimate).toBeCloseTo(0.5, 12);
    expect(a.medianLog10Probability).toBeCloseTo(Math.log10(0.5), 12);
    expect(a.sampled!.estimate).toBeCloseTo((1 / 2 + 1 / 3 + 1 / 2 + 1) / 4, 12);
    expect(a.sampledFloor).toBeCloseTo(1 - 0.05 ** (1 / 40), 12);
    expect(a.greedyFloor).toBeCloseTo(1 - 0.05 ** (1 / 20), 12);
  });
  it('calls agreement only above the sampled floor, by overlap of the 95% intervals', () => {
    expect(rows.map((r) => r.agreement)).toEqual(['below_floor', 'agree', 'disagree']);
    const c = rows[0]!;
    expect(c.sampled!.method).toBe('zero-successes');
    expect(c.sampled!.high).toBeCloseTo(1 - 0.025 ** (1 / 40), 12);
    expect(c.greedy.high).toBeCloseTo(1 - 0.025 ** (1 / 20), 12);
  });
  it('reads what the exact estimate leaves out from the right draws: P(stop | answer)', () => {
    // Answer probability 0.5; right draws (answer and stop) of probability 0.45 and 0.5·0.8 = 0.4: factors 0.9 and 0.8.
    const m = { ...agree, until: agree.until!.map((u, i) => ({ ...u, hitLogprob: i === 0 ? Math.log(0.45) : i === 1 ? Math.log(0.4) : null })) };
    const [row] = resolutionRows([m], rule, 1, 100);
    expect(row!.stopFactor!.problems).toBe(2);
    expect(row!.stopFactor!.mean).toBeCloseTo(0.85, 12);
    expect(row!.stopFactor!.min).toBeCloseTo(0.8, 12);
    expect(row!.stopFactor!.max).toBeCloseTo(0.9, 12);
    expect(rows[1]!.stopFactor).toBeNull();
  });
  it('refuses a sampled problem with no greedy sample', () => {
    const bad = { ...agree, until: [{ exampleId: 'nope', record: { draws: 2, successes: 2 } }] };
    expect(() => resolutionRows([bad], rule, 1, 100)).toThrow(/nope has no greedy sample/);
  });
  it('prints one row per size with the rule in the header', () => {
    const t = resolutionTable(rows, rule).split('\n');
    expect(t[1]).toMatch(/sampled until 2\/10/);
    expect(t.slice(2, 5).map((l) => l.split(/\s+/)[0])).toEqual(['c', 'a', 'b']);
    expect(t[2]).toMatch(/\(0 hits\).*below_floor$/);
  });
});
