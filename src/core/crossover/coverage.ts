import type { Curve } from '../types.js';
import { makeRng } from '../random/rng.js';
import { deriveSeed } from '../random/derive-seed.js';
import { crossoverOfCurves, crossoverOfSamples, type CrossoverResult } from './crossover.js';
import { signChanges } from './roots.js';

/**
 * Does a nominal interval cover the true crossover as often as it says? Simulates many families
 * whose two variants follow known curves, computes the crossover and its interval on each, and
 * counts how often the interval holds the true crossing. A replicate in which the estimate finds no
 * crossing in the true direction counts as a miss: its interval does not exist.
 */
export interface CoverageScenario {
  readonly id: string;
  readonly description: string;
  /** True accuracy of each variant at x = log10(params). */
  readonly a: (x: number) => number;
  readonly b: (x: number) => number;
  readonly xs: readonly number[];
  /** Test items per model (binary scores). */
  readonly items: number;
  /** 'items': per-item scores, bootstrap over items; 'point_errors': only means and binomial stderr. */
  readonly mode: 'items' | 'point_errors';
}

export interface CoverageResult {
  readonly scenario: string;
  readonly truth: number;
  readonly replicates: number;
  readonly level: number;
  /** Share of replicates whose interval holds the true crossing. */
  readonly coverage: number;
  /** Monte Carlo standard error of `coverage`. */
  readonly coverageSe: number;
  /** Share of replicates whose estimate found a crossing in the true direction. */
  readonly found: number;
  /** Share whose interval is open on at least one side. */
  readonly open: number;
  /** Median width of the closed intervals, in decades. */
  readonly medianWidthDecades: number | null;
  /** Share of intervals wholly below / above the truth. */
  readonly missLow: number;
  readonly missHigh: number;
}

const ladder = (from: number, to: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

/** The scenarios the coverage bench runs: a direct-vs-CoT-like pair, known crossing mid-ladder. */
export const COVERAGE_SCENARIOS: readonly CoverageScenario[] = [
  {
    id: 'linear-items',
    description: 'two log-linear laws (0.04 vs 0.10 per decade) crossing at 10^10, 8 sizes 10^8–10^11.5, 500 shared binary items, bootstrap over items',
    a: (x) => 0.15 + 0.04 * (x - 8), b: (x) => 0.03 + 0.1 * (x - 8), xs: ladder(8, 11.5, 8), items: 500, mode: 'items',
  },
  {
    id: 'linear-errors',
    description: 'the same pair, only means with their binomial stderr reported, bootstrap over point errors',
    a: (x) => 0.15 + 0.04 * (x - 8), b: (x) => 0.03 + 0.1 * (x - 8), xs: ladder(8, 11.5, 8), items: 500, mode: 'point_errors',
  },
  {
    id: 'sigmoid-items',
    description: 'log-linear direct (0.04 per decade) vs a CoT sigmoid (0.05 + 0.6·σ(2.5(x − 10.5))), 10 sizes 10^8–10^12, 500 shared items',
    a: (x) => 0.15 + 0.04 * (x - 8), b: (x) => 0.05 + 0.6 / (1 + Math.exp(-2.5 * (x - 10.5))), xs: ladder(8, 12, 10), items: 500, mode: 'items',
  },
];

export function trueCrossing(s: CoverageScenario): { x: number; direction: 'b_overtakes_a' | 'a_overtakes_b' } {
  const roots = signChanges((x) => s.b(x) - s.a(x), s.xs[0]!, s.xs[s.xs.length - 1]!, 1e-15, 4000).roots;
  if (roots.length !== 1) throw new RangeError(`coverage scenario ${s.id}: expected one true crossing, found ${roots.length}`);
  return roots[0]!;
}

export function simulateCoverage(
  s: CoverageScenario,
  opts: { replicates: number; resamples: number; level?: number; seed?: number; onReplicate?: (done: number) => void },
): CoverageResult {
  const level = opts.level ?? 0.9;
  const seed = opts.seed ?? 0;
  const truth = trueCrossing(s);
  let covered = 0;
  let found = 0;
  let open = 0;
  let low = 0;
  let high = 0;
  const widths: number[] = [];
  for (let r = 0; r < opts.replicates; r++) {
    const rng = makeRng(deriveSeed(seed, s.id, 'data', r));
    const draw = (p: number): Float64Array => Float64Array.from({ length: s.items }, () => (rng.next() < p ? 1 : 0));
    const pts = (f: (x: number) => number) => s.xs.map((x) => ({ model: `m${x.toFixed(3)}`, params: 10 ** x, scores: draw(Math.min(1, Math.max(0, f(x)))) }));
    const pa = pts(s.a);
    const pb = pts(s.b);
    const ropts = { resamples: opts.resamples, level, seed: deriveSeed(seed, s.id, 'bootstrap', r) };
    let res: CrossoverResult;
    if (s.mode === 'items') res = crossoverOfSamples({ higherIsBetter: true, points: pa }, { higherIsBetter: true, points: pb }, ropts);
    else {
      const asCurve = (points: typeof pa): Curve => ({
        key: { family: 'sim', task: 't', metric: 'exact_match', shots: null, labels: {} },
        higherIsBetter: true,
        sources: [],
        points: points.map((p) => {
          let m = 0;
          for (const v of p.scores) m += v;
          m /= p.scores.length;
          return { model: p.model, params: p.params, value: m, stderr: Math.sqrt(Math.max(m * (1 - m), 1e-6) / p.scores.length), low: null, high: null, n: p.scores.length, seeds: 1, seedSd: null, tokens: null, step: null, extra: {} };
        }),
      });
      res = crossoverOfCurves(asCurve(pa), asCurve(pb), ropts);
    }
    let best: CrossoverResult['crossings'][number] | null = null;
    for (const c of res.crossings) {
      if (c.direction !== truth.direction) continue;
      if (best === null || Math.abs(Math.log10(c.params) - truth.x) < Math.abs(Math.log10(best.params) - truth.x)) best = c;
    }
    if (best !== null) {
      found++;
      const lo = best.interval.low === null ? -Infinity : Math.log10(best.interval.low);
      const hi = best.interval.high === null ? Infinity : Math.log10(best.interval.high);
      if (lo <= truth.x && truth.x <= hi) covered++;
      else if (hi < truth.x) low++;
      else high++;
      if (Number.isFinite(lo) && Number.isFinite(hi)) widths.push(hi - lo);
      else open++;
    }
    opts.onReplicate?.(r + 1);
  }
  const n = opts.replicates;
  const cov = covered / n;
  widths.sort((p, q) => p - q);
  return {
    scenario: s.id, truth: truth.x, replicates: n, level, coverage: cov, coverageSe: Math.sqrt((cov * (1 - cov)) / n), found: found / n, open: open / n,
    medianWidthDecades: widths.length > 0 ? widths[Math.floor(widths.length / 2)]! : null, missLow: low / n, missHigh: high / n,
  };
}
