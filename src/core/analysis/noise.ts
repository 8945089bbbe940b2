import type { CurvePoint, EmergenceMeasures } from '../types.js';
import { median } from '../stats/describe.js';

/**
 * The noise scale of one point on a curve, from the best evidence available:
 * reported standard errors, else the spread across seeds (sd/√seeds), else a reported
 * confidence interval (half-width / 1.96), else for proportions with a known n the binomial
 * standard error. Returns null when the source says nothing,
 * in which case the verdict falls back to the residual of the best fit.
 */
export function reportedNoise(
  points: readonly CurvePoint[],
  proportion: boolean,
): { noise: number; source: EmergenceMeasures['noiseSource'] } | null {
  // Plain loops: this runs on every curve of an audit and on each of its stability re-judgings.
  const pick = (f: (p: CurvePoint) => number | null): number[] => {
    const out: number[] = [];
    for (const p of points) {
      const v = f(p);
      if (v !== null) out.push(v);
    }
    return out;
  };
  const se = pick((p) => (p.stderr !== null && Number.isFinite(p.stderr) ? p.stderr : null));
  if (se.length > 0) return { noise: median(se), source: 'stderr' };
  const seeds = pick((p) => (p.seedSd !== null && p.seeds > 1 ? p.seedSd / Math.sqrt(p.seeds) : null));
  if (seeds.length > 0) return { noise: median(seeds), source: 'seeds' };
  const ci = pick((p) => (p.low !== null && p.high !== null ? (p.high - p.low) / (2 * 1.96) : null));
  if (ci.length > 0) return { noise: median(ci), source: 'stderr' };
  // A proportion over n examples has binomial standard error √(p(1−p)/n); at p = 0 or 1 the
  // rule of three's 1.5/n stands in (half the 95% upper bound 3/n), so a floor is not "noise-free".
  if (proportion) {
    const bin = pick((p) => (p.n !== null && p.n > 0 ? (p.value > 0 && p.value < 1 ? Math.sqrt((p.value * (1 - p.value)) / p.n) : 1.5 / p.n) : null));
    if (bin.length > 0) return { noise: median(bin), source: 'binomial' };
  }
  return null;
}
