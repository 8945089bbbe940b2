import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { betaQuantile, clopperPearson } from './clopper-pearson.js';
import { detectionFloor, resolution } from './resolution.js';

const golden = JSON.parse(readFileSync(new URL('../../../test/golden/resolution.json', import.meta.url), 'utf8')) as {
  clopper_pearson: { x: number; n: number; level: number; low: number; high: number }[];
  detection_floor: { problems: number; samples: number; level: number; floor: number }[];
};

describe('clopperPearson', () => {
  it('matches scipy binomtest(...).proportion_ci(method="exact") to 1e-9 relative', () => {
    let worst = 0;
    for (const g of golden.clopper_pearson) {
      const ci = clopperPearson(g.x, g.n, g.level);
      for (const [a, b] of [[ci.low, g.low], [ci.high, g.high]] as const) {
        const rel = b === 0 ? Math.abs(a) : Math.abs(a - b) / b;
        worst = Math.max(worst, rel);
        expect(rel, `x=${g.x} n=${g.n}: ${a} vs ${b}`).toBeLessThan(1e-9);
      }
    }
    console.log(`clopperPearson: largest relative difference from scipy ${worst.toExponential(2)}`);
  });
  it('is the two-sided rule of three at 0 successes, by hand', () => {
    // 1 − 0.025^(1/3) = 0.7076… with 0 of 3.
    expect(clopperPearson(0, 3).high).toBeCloseTo(1 - Math.pow(0.025, 1 / 3), 14);
    expect(clopperPearson(0, 3).low).toBe(0);
    expect(clopperPearson(3, 3).low).toBeCloseTo(Math.pow(0.025, 1 / 3), 14);
  });
  it('inverts the incomplete beta: Beta(1, 1) is uniform, Beta(2, 1) has CDF x²', () => {
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 12);
  });
  it('refuses counts that are not counts', () => {
    expect(() => clopperPearson(4, 3)).toThrow(RangeError);
    expect(() => clopperPearson(1.5, 3)).toThrow(RangeError);
    expect(() => clopperPearson(0, 0)).toThrow(RangeError);
  });
});

describe('detectionFloor', () => {
  it('matches the rate scipy solves for P(0 of n·m) = 1 − level', () => {
    for (const g of golden.detection_floor) expect(detectionFloor(g.problems, g.samples, g.level) / g.floor).toBeCloseTo(1, 10);
  });
  it('is ≈ 3/(n·m) at 95% and agrees with resolution(n)', () => {
    expect(detectionFloor(300)).toBe(resolution(300).zeroUpper95);
    expect(detectionFloor(1000, 100) * 1000 * 100).toBeCloseTo(-Math.log(0.05), 3);
  });
});
