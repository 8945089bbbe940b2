import { describe, expect, it } from 'vitest';
import { makeRng } from './rng.js';
import { makeZipf } from './zipf.js';

/** The exponent that maximises the likelihood of rank counts under P(k) ∝ (k+1)^−α, by golden-section search: an estimator apart from the sampler. */
function zipfMle(counts: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  const sLog = counts.reduce((s, c, k) => s + c * Math.log(k + 1), 0);
  const ll = (a: number): number => {
    let z = 0;
    for (let k = 0; k < counts.length; k++) z += (k + 1) ** -a;
    return -a * sLog - n * Math.log(z);
  };
  let lo = 0;
  let hi = 4;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (ll(a) > ll(b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

const countsOf = (classes: number, alpha: number, draws: number, seed: number): number[] => {
  const z = makeZipf(classes, alpha);
  const rng = makeRng(seed);
  const c = new Array<number>(classes).fill(0);
  for (let i = 0; i < draws; i++) { const k = z.draw(rng); c[k] = c[k]! + 1; }
  return c;
};

describe('makeZipf', () => {
  it('has the hand-computed law: K = 3, α = 1 gives 6/11, 3/11, 2/11; α = 0 is uniform', () => {
    const p = makeZipf(3, 1).probs;
    expect(p[0]).toBeCloseTo(6 / 11, 14);
    expect(p[1]).toBeCloseTo(3 / 11, 14);
    expect(p[2]).toBeCloseTo(2 / 11, 14);
    expect([...makeZipf(4, 0).probs]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
  it('the exponent is recovered from draws by maximum likelihood, within 0.02, for α = 0.5, 1, 1.5', () => {
    for (const alpha of [0.5, 1, 1.5]) expect(Math.abs(zipfMle(countsOf(256, alpha, 100_000, 7)) - alpha), `α = ${alpha}`).toBeLessThan(0.02);
    expect(zipfMle(countsOf(256, 0, 100_000, 7))).toBeLessThan(0.02);
  });
  it('the top rank’s share of draws is its probability, within 4 standard errors', () => {
    const z = makeZipf(1000, 1);
    const n = 50_000;
    const top = countsOf(1000, 1, n, 11)[0]! / n;
    expect(Math.abs(top - z.probs[0]!)).toBeLessThan(4 * Math.sqrt((z.probs[0]! * (1 - z.probs[0]!)) / n));
  });
  it('draws only ranks 0..K−1 and is deterministic by seed', () => {
    const a = countsOf(5, 2, 2000, 3);
    expect(a).toEqual(countsOf(5, 2, 2000, 3));
    expect(a.reduce((s, c) => s + c, 0)).toBe(2000);
    expect(a).not.toEqual(countsOf(5, 2, 2000, 4));
  });
  it('refuses a bad law, naming it', () => {
    expect(() => makeZipf(0, 1)).toThrow(/classes must be a whole number >= 1, got 0/);
    expect(() => makeZipf(3, -1)).toThrow(/alpha must be finite and >= 0, got -1/);
  });
});
