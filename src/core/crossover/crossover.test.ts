import { describe, expect, it } from 'vitest';
import type { Curve, CurvePoint } from '../types.js';
import { crossoverOfCurves, crossoverOfSamples, quantileWithInfinities, type ItemVariant } from './crossover.js';
import { signChanges } from './roots.js';
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
  it('a crossing the data cannot place gets an open-ended interval', () => {
    // Slopes differ by 0.01/decade with stderr 0.05: the crossing at 10^10 is anyone's guess.
    const r = crossoverOfCurves(curve(xs, (x) => 0.3 + 0.05 * (x - 10), 0.05), curve(xs, (x) => 0.3 + 0.06 * (x - 10) + 0.0001, 0.05), { resamples: 300, seed: 4 });
    const c = r.crossings[0];
    if (c) expect(c.interval.low === null || c.interval.high === null).toBe(true);
    else expect(r.bootstrap.outcomes.none).toBeLessThan(0.9);
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
