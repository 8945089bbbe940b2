import { describe, expect, it } from 'vitest';
import type { Curve, CurvePoint } from '../types.js';
import { crossoverOfCurves, crossoverOfSamples, itemDiffSe, quantileWithInfinities, type ItemVariant } from './crossover.js';
import { signChanges } from './roots.js';
import { judgeCrossings } from './judge.js';
import { pairCurves, parseCompareSpec, type CompareSpec } from './pair.js';
import { makeRng } from '../random/rng.js';

const point = (x: number, value: number, stderr: number | null): CurvePoint => ({
  model: `m${x}`, params: 10 ** x, value, stderr, low: null, high: null, n: null, seeds: 1, seedSd: null, tokens: null, step: null, extra: {},
});
const curve = (xs: readonly number[], f: (x: number) => number, stderr: number | null = 0.004, higherIsBetter = true): Curve => ({
  key: { family: 'F', task: 't', metric: 'exact_match', shots: null, labels: {} },
  higherIsBetter,
  points: xs.map((x) => point(x, f(x), stderr)),
  sources: ['synthetic'],
});
const grid = (from: number, to: number, step: number): number[] => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('signChanges', () => {
  it('finds the roots of a cubic with their directions', () => {
    const s = signChanges((x) => (x - 1) * (x - 2) * (x - 3), 0, 4, 1e-12);
    expect(s.roots.map((r) => r.x)).toEqual([expect.closeTo(1, 9), expect.closeTo(2, 9), expect.closeTo(3, 9)]);
    expect(s.roots.map((r) => r.direction)).toEqual(['b_overtakes_a', 'a_overtakes_b', 'b_overtakes_a']);
  });
  it('counts a tie everywhere as no crossing, and says who is ahead otherwise', () => {
    expect(signChanges(() => 0, 0, 1, 1e-9)).toEqual({ roots: [], sign: 0 });
    expect(signChanges((x) => 1 + x, 0, 1, 1e-9).sign).toBe(1);
    expect(signChanges((x) => -1 - x, 0, 1, 1e-9).sign).toBe(-1);
  });
});

describe('judgeCrossings: leads and ties at the shared models', () => {
  const pts = (ds: readonly number[], band = 0.01) => ds.map((d, k) => ({ x: k, d, band }));
  const none = () => 0;
  it('ties at the floor, then a lead: an onset in the last tie → lead step, where the fitted lead meets the band', () => {
    // d = 0.02 (x − 1.5) between the tie at x = 1 and the lead at x = 2 meets 0.01 at x = 2.
    const j = judgeCrossings(pts([0.004, -0.006, 0.03, 0.2]), (x) => 0.02 * (x - 1) - 0.001, () => 0.01);
    expect(j.crossings).toEqual([{ x: expect.closeTo(1.55, 9), between: [1, 2], direction: 'b_overtakes_a', kind: 'onset' }]);
    expect(j.sign).toBe(1);
  });
  it('a fitted dip below zero between tied models is no crossing (the fit is not the data)', () => {
    const j = judgeCrossings(pts([0.008, -0.005, 0.3]), (x) => (x < 1.2 ? -0.03 : 0.3 * (x - 1.2)), () => 0.01);
    expect(j.crossings.map((c) => c.kind)).toEqual(['onset']);
  });
  it('floor noise that pokes out and falls back is skipped: the onset is the last exit', () => {
    const j = judgeCrossings(pts([0, 0.02, 0, 0, 0.2]), none, () => 0.01);
    // No fitted root: linear in (d − band) between x = 3 (−0.01) and x = 4 (0.19).
    expect(j.crossings).toEqual([{ x: expect.closeTo(3.05, 9), between: [3, 4], direction: 'b_overtakes_a', kind: 'onset' }]);
  });
  it('leads of opposite sign with ties between: a sign change at the fitted root, else at the interpolated one', () => {
    const fit = (x: number): number => 0.1 * (x - 1.7);
    expect(judgeCrossings(pts([-0.1, 0.005, 0.1]), fit, () => 0.01).crossings).toEqual([{ x: expect.closeTo(1.7, 9), between: [0, 2], direction: 'b_overtakes_a', kind: 'sign_change' }]);
    expect(judgeCrossings(pts([0.1, 0.05, -0.3]), none, () => 0.01).crossings).toEqual([{ x: expect.closeTo(1 + 0.05 / 0.35, 9), between: [1, 2], direction: 'a_overtakes_b', kind: 'sign_change' }]);
  });
  it('ties everywhere: no crossing, sign 0; a lead from the smallest model on: no onset, that side ahead', () => {
    expect(judgeCrossings(pts([0.001, -0.002, 0.003]), none, () => 0.01)).toEqual({ crossings: [], sign: 0 });
    expect(judgeCrossings(pts([-0.1, -0.2, 0]), none, () => 0.01)).toEqual({ crossings: [], sign: -1 });
  });
  it('a lead, a tie, then the lead again: the onset of the final lead', () => {
    const j = judgeCrossings(pts([0.1, 0, 0.2]), none, () => 0.01);
    expect(j.crossings).toEqual([{ x: expect.closeTo(1.05, 9), between: [1, 2], direction: 'b_overtakes_a', kind: 'onset' }]);
  });
});

describe('itemDiffSe', () => {
  it('paired: the sd of the per-item differences over √m (numpy: np.std(b - a, ddof=1) / np.sqrt(m))', () => {
    const a = [1, 0, 0, 1, 0, 0, 0, 1];
    const b = [1, 1, 0, 1, 1, 0, 1, 1];
    // b − a = [0,1,0,0,1,0,1,0]: mean 0.375, sample variance 0.267857…; /8 → se 0.182981…
    expect(itemDiffSe(a, b, true)).toBeCloseTo(0.18298126367784995, 12);
    // independent: sqrt(var(a)/8 + var(b)/8) = sqrt(0.267857/8 + 0.214286/8)
    expect(itemDiffSe(a, b, false)).toBeCloseTo(0.2454951265154914, 12);
  });
  it('is floored at half an item on each side, so two curves at 0 of m still have a band', () => {
    expect(itemDiffSe(new Float64Array(258), new Float64Array(258), true)).toBeCloseTo(Math.SQRT2 * 0.5 / 258, 15);
  });
});

describe('quantileWithInfinities', () => {
  it('interpolates between finite neighbours and takes the nearer one beside an infinity', () => {
    expect(quantileWithInfinities(Float64Array.of(1, 2, 3, 4), 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileWithInfinities(Float64Array.of(-Infinity, -Infinity, 3, 4), 0.25)).toBe(-Infinity);
    expect(quantileWithInfinities(Float64Array.of(-Infinity, 2, 3, Infinity), 0.9)).toBe(Infinity);
    expect(quantileWithInfinities(Float64Array.of(-Infinity, 2, 3, Infinity), 0.1)).toBe(-Infinity);
  });
});

describe('crossoverOfCurves on synthetic pairs', () => {
  const xs = grid(8, 12, 0.5);
  it('one crossing: two log-linear laws that meet at 10^11 (100B)', () => {
    // A = 0.1 + 0.05 (x − 9), B = −0.1 + 0.15 (x − 9): equal where 0.2 = 0.1 (x − 9), x = 11.
    const r = crossoverOfCurves(curve(xs, (x) => 0.1 + 0.05 * (x - 9)), curve(xs, (x) => -0.1 + 0.15 * (x - 9)), { resamples: 300, seed: 1 });
    expect(r.outcome).toBe('crosses');
    expect(r.crossings).toHaveLength(1);
    const c = r.crossings[0]!;
    expect(Math.log10(c.params)).toBeCloseTo(11, 6);
    expect(c.direction).toBe('b_overtakes_a');
    expect(c.interval.low).not.toBeNull();
    expect(c.interval.high).not.toBeNull();
    expect(c.interval.low!).toBeLessThan(1e11);
    expect(c.interval.high!).toBeGreaterThan(1e11);
    // stderr 0.004 on slopes 0.1/decade apart: the crossing is pinned to well within a decade.
    expect(Math.log10(c.interval.high! / c.interval.low!)).toBeLessThan(0.5);
    expect(c.support).toBeGreaterThan(0.95);
    expect(r.observed).toHaveLength(xs.length);
    expect(r.observed[0]!.diff).toBeCloseTo(-0.1 + 0.15 * -1 - (0.1 + 0.05 * -1), 12);
    expect(r.fitA!.form).toBe('linear');
    // The observed difference is −0.2 + 0.1 (x − 9): 0.1 per decade, exactly.
    expect(r.trend!.slopePerDecade).toBeCloseTo(0.1, 12);
  });
  it('the direction and orientation follow higher_is_better (lower-is-better metrics flip the sign)', () => {
    const r = crossoverOfCurves(curve(xs, (x) => 0.1 + 0.05 * (x - 9), 0.004, false), curve(xs, (x) => -0.1 + 0.15 * (x - 9), 0.004, false), { resamples: 50 });
    expect(r.crossings[0]!.direction).toBe('a_overtakes_b');
  });
  it('no crossing: B ahead everywhere, and the resamples agree', () => {
    const r = crossoverOfCurves(curve(xs, (x) => 0.1 + 0.05 * (x - 9)), curve(xs, (x) => 0.3 + 0.08 * (x - 9)), { resamples: 200, seed: 2 });
    expect(r.outcome).toBe('never_crosses');
    expect(r.ahead).toBe('b');
    expect(r.crossings).toEqual([]);
    expect(r.bootstrap.outcomes.none).toBeGreaterThan(0.95);
  });
  it('two crossings: a rising line against a sigmoid that starts above it, falls behind, then jumps past it', () => {
    const xs2 = grid(8, 12, 0.25);
    const A = (x: number): number => 0.1 + 0.1 * (x - 8);
    const Bf = (x: number): number => 0.25 + 0.6 / (1 + Math.exp(-4 * (x - 11)));
    const r = crossoverOfCurves(curve(xs2, A, 0.003), curve(xs2, Bf, 0.003), { resamples: 200, seed: 3 });
    expect(r.fitB!.form).toBe('sigmoid');
    expect(r.outcome).toBe('crosses_multiple');
    expect(r.crossings.map((c) => c.direction)).toEqual(['a_overtakes_b', 'b_overtakes_a']);
    // The true roots of A − B, by bisection on the exact functions.
    const exact = signChanges((x) => Bf(x) - A(x), 8, 12, 1e-15).roots.map((q) => q.x);
    expect(exact).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(Math.log10(r.crossings[i]!.params)).toBeCloseTo(exact[i]!, 2);
      const { low, high } = r.crossings[i]!.interval;
      expect(Math.log10(low!)).toBeLessThan(exact[i]!);
      expect(Math.log10(high!)).toBeGreaterThan(exact[i]!);
    }
  });
  it('curves the data cannot tell apart are tied, not crossing', () => {
    // Slopes differ by 0.01/decade with stderr 0.05: the difference (at most 0.02) is inside the
    // band (1.645 · 0.05 · √2 = 0.116) everywhere, so no side leads and nothing crosses.
    const r = crossoverOfCurves(curve(xs, (x) => 0.3 + 0.05 * (x - 10), 0.05), curve(xs, (x) => 0.3 + 0.06 * (x - 10) + 0.0001, 0.05), { resamples: 300, seed: 4 });
    expect(r.outcome).toBe('never_crosses');
    expect(r.ahead).toBeNull();
    expect(r.tie.band[0]!.halfWidth).toBeCloseTo(1.6448536269514722 * 0.05 * Math.SQRT2, 9);
  });
  it('matches models by name, and by params when the variants are two families with their own names', () => {
    const a = curve(xs, (x) => 0.1 + 0.05 * (x - 9));
    // The variant's models are 3% larger (0.013 decades) and named apart; one of them is missing.
    const bPoints = curve(xs, (x) => 0.3 + 0.08 * (x - 9)).points.map((p) => ({ ...p, model: `${p.model}-instruct`, params: p.params * 1.03 }));
    const b = { ...curve(xs, () => 0), points: bPoints.filter((_, i) => i !== 4) };
    const r = crossoverOfCurves(a, b, { resamples: 10 });
    expect(r.observed.map((o) => o.model)).toEqual(a.points.map((p) => p.model).filter((_, i) => i !== 4));
    expect(r.observed[2]!.diff).toBeCloseTo(0.2, 12); // at x = 9: 0.3 − 0.1
  });
  it('too few points, and the same seed gives the same interval', () => {
    expect(crossoverOfCurves(curve([8, 9], (x) => x), curve([8, 9], (x) => -x)).outcome).toBe('too_few_points');
    const a = curve(xs, (x) => 0.1 + 0.05 * (x - 9));
    const b = curve(xs, (x) => -0.1 + 0.15 * (x - 9));
    expect(crossoverOfCurves(a, b, { resamples: 100, seed: 9 })).toEqual(crossoverOfCurves(a, b, { resamples: 100, seed: 9 }));
  });
  it('without reported errors the residual scatter of each fit sets the noise', () => {
    const r = crossoverOfCurves(curve(xs, (x) => 0.1 + 0.05 * (x - 9) + 0.01 * Math.sin(7 * x), null), curve(xs, (x) => -0.1 + 0.15 * (x - 9), null), { resamples: 100 });
    expect(r.bootstrap.noise.a).toEqual(['residual']);
    expect(r.crossings).toHaveLength(1);
    // ... but no tie band: the residual is the form's misfit as much as noise.
    expect(r.tie.band.every((b) => b.halfWidth === 0)).toBe(true);
  });
});

describe('crossoverOfSamples', () => {
  it('resamples items: binary scores drawn from two log-linear laws that cross at 10^10', () => {
    const rng = makeRng(5);
    const m = 400;
    const xs = grid(8, 12, 0.5);
    const draw = (p: number): Float64Array => Float64Array.from({ length: m }, () => (rng.next() < p ? 1 : 0));
    const A: ItemVariant = { higherIsBetter: true, points: xs.map((x) => ({ model: `m${x}`, params: 10 ** x, scores: draw(0.3 + 0.05 * (x - 10)) })) };
    const B: ItemVariant = { higherIsBetter: true, points: xs.map((x) => ({ model: `m${x}`, params: 10 ** x, scores: draw(0.3 + 0.15 * (x - 10)) })) };
    const r = crossoverOfSamples(A, B, { resamples: 300, seed: 5 });
    expect(r.bootstrap.over).toBe('items');
    expect(r.outcome).toBe('crosses');
    const c = r.crossings[0]!;
    expect(Math.abs(Math.log10(c.params) - 10)).toBeLessThan(0.3);
    expect(Math.log10(c.interval.low!)).toBeLessThan(10);
    expect(Math.log10(c.interval.high!)).toBeGreaterThan(10);
  });
  it('both at their floor, then B pulls ahead: an onset inside the range, not a crossing at floor noise', () => {
    // The cot-crossover quick run's shape: 258 shared items; at the smallest size A 1 and B 3 right,
    // at the next A ahead by a little (15 against 10), then B takes over; A stays at 5–14%.
    const m = 258;
    const items = (k: number, offset = 0): Float64Array => Float64Array.from({ length: m }, (_, i) => ((i + offset) % m < k ? 1 : 0));
    const sizes = [15.5e3, 26.8e3, 41e3, 62e3, 110e3, 260e3, 1.05e6];
    const aRight = [1, 15, 20, 25, 30, 33, 36];
    const bRight = [3, 10, 133, 200, 240, 250, 255];
    const A: ItemVariant = { higherIsBetter: true, points: sizes.map((p, i) => ({ model: `s${i}`, params: p, scores: items(aRight[i]!) })) };
    const B: ItemVariant = { higherIsBetter: true, points: sizes.map((p, i) => ({ model: `s${i}`, params: p, scores: items(bRight[i]!, 7) })) };
    const r = crossoverOfSamples(A, B, { resamples: 300, seed: 2 });
    expect(r.outcome).toBe('crosses');
    const c = r.crossings[0]!;
    expect(c.direction).toBe('b_overtakes_a');
    expect(c.kind).toBe('onset');
    console.log(`floor then lead: onset at ${c.params.toFixed(0)} [${c.interval.low?.toFixed(0)}, ${c.interval.high?.toFixed(0)}], support ${c.support}`);
    // Where the fitted lead leaves the band, between the two smallest sizes and the third; the
    // interval closed on both sides: the data place it.
    expect(c.params).toBeGreaterThan(sizes[0]!);
    expect(c.params).toBeLessThan(sizes[2]!);
    expect(c.interval.low).not.toBeNull();
    expect(c.interval.high).not.toBeNull();
    expect(c.interval.high!).toBeLessThan(sizes[3]!);
    expect(c.between[0]).toBeCloseTo(sizes[1]!, 6);
    expect(c.between[1]).toBeCloseTo(sizes[2]!, 6);
  });
  it('rejects a point with no items', () => {
    expect(() => crossoverOfSamples({ higherIsBetter: true, points: [{ model: 'x', params: 1, scores: [] }] }, { higherIsBetter: true, points: [] })).toThrow(/x: no item scores/);
  });
});

describe('pairCurves', () => {
  const mk = (family: string, task: string, shots: number | null, labels: Record<string, string>): Curve => ({
    key: { family, task, metric: 'exact_match', shots, labels }, higherIsBetter: true, points: [], sources: [],
  });
  it('pairs the two values of a label, across different shot counts when each is alone', () => {
    const curves = [mk('L', 'gsm8k', 5, { prompting: 'direct' }), mk('L', 'gsm8k', 8, { prompting: 'cot' }), mk('L', 'gsm8k', 0, { prompting: 'cot_zeroshot' }), mk('M', 'gsm8k', 5, { prompting: 'direct' })];
    const p = pairCurves(curves, parseCompareSpec('prompting=direct,cot') as CompareSpec);
    expect(p.pairs).toHaveLength(1);
    expect(p.pairs[0]!.a.key.shots).toBe(5);
    expect(p.pairs[0]!.b.key.shots).toBe(8);
    expect(p.unpaired).toEqual(['M|gsm8k|exact_match|5-shot|prompting=direct']);
  });
  it('pairs by equal shots when a value has several, and compares a column (shots) too', () => {
    const curves = [mk('L', 't', 0, { v: 'x' }), mk('L', 't', 3, { v: 'x' }), mk('L', 't', 0, { v: 'y' }), mk('L', 't', 3, { v: 'y' })];
    expect(pairCurves(curves, { field: 'v', a: 'x', b: 'y' }).pairs.map((q) => [q.a.key.shots, q.b.key.shots])).toEqual([[0, 0], [3, 3]]);
    const byShots = pairCurves(curves, { field: 'shots', a: '0', b: '3' });
    expect(byShots.pairs.map((q) => q.a.key.labels.v)).toEqual(['x', 'y']);
  });
  it('says what is wrong with a bad spec', () => {
    expect(parseCompareSpec('prompting')).toMatch(/expected FIELD=A,B/);
    expect(parseCompareSpec('prompting=cot,cot')).toMatch(/must differ/);
  });
});
