import type { Sample, Score } from '../types.js';
import type { Rng } from '../random/rng.js';
import { bootstrapInterval, quantileSorted, type Interval } from '../stats/bootstrap.js';
import { clopperPearsonInterval, wilsonInterval } from '../stats/proportion.js';
import { metricDef, type MetricContext } from './registry.js';

/** How a 0/1 metric's mean gets its interval: by bootstrap like the others, or an exact/score interval for a proportion. */
export type ProportionIntervalMethod = 'bootstrap' | 'wilson' | 'clopper-pearson';
export const PROPORTION_INTERVAL_METHODS: readonly ProportionIntervalMethod[] = ['bootstrap', 'wilson', 'clopper-pearson'];

/**
 * One metric over a set of samples: the aggregate lm-eval or sacreBLEU would report (the mean of
 * per-sample values, or the corpus statistic), with a seeded bootstrap interval over samples:
 * BCa for means, percentile for corpus statistics (resampling samples and re-combining their
 * sufficient statistics). A discontinuous metric whose values are all 0 or 1 is a proportion: with
 * `proportionInterval` 'wilson' or 'clopper-pearson' it gets that interval instead, which is never
 * zero-width at 0% or 100% (a bootstrap of all-zero scores is [0, 0]).
 */
export interface MetricSummary {
  readonly metric: string;
  readonly value: number;
  readonly n: number;
  readonly interval: Interval | null;
  readonly continuous: boolean;
  readonly higherIsBetter: boolean;
  readonly tokenizer: string | null;
  readonly aggregation: 'mean' | 'corpus';
}

export function summarizeMetric(
  metric: string,
  samples: readonly Sample[],
  scores: readonly Score[],
  ctx: MetricContext,
  opts: { rng: Rng; resamples?: number; level?: number; proportionInterval?: ProportionIntervalMethod },
): MetricSummary | null {
  const def = metricDef(metric);
  if (!def) throw new RangeError(`unknown metric "${metric}"`);
  const B = opts.resamples ?? 2000;
  const tokenizer = def.usesTokenizer ? ctx.tokenizer.id : null;
  if (def.corpus) {
    const stats = samples.filter((s) => def.kinds.includes(s.kind)).map((s) => def.corpus!.stats(s, ctx)).filter((v): v is ArrayLike<number> => v !== null);
    if (stats.length === 0) return null;
    const value = def.corpus.combine(stats);
    if (Number.isNaN(value)) return null;
    let interval: Interval | null = null;
    if (B > 0 && stats.length > 1) {
      const n = stats.length;
      const vals = new Float64Array(B);
      const pick: ArrayLike<number>[] = new Array(n);
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < n; i++) pick[i] = stats[Math.floor(opts.rng.next() * n)]!;
        vals[b] = def.corpus.combine(pick);
      }
      vals.sort();
      let m = 0;
      for (const v of vals) m += v;
      m /= B;
      let v2 = 0;
      for (const v of vals) v2 += (v - m) ** 2;
      const alpha = (1 - (opts.level ?? 0.95)) / 2;
      interval = {
        estimate: value, low: quantileSorted(vals, alpha), high: quantileSorted(vals, 1 - alpha),
        se: Math.sqrt(v2 / Math.max(B - 1, 1)), method: 'percentile', level: opts.level ?? 0.95, resamples: B,
      };
    }
    return { metric: def.id, value, n: stats.length, interval, continuous: def.continuous, higherIsBetter: def.higherIsBetter, tokenizer, aggregation: 'corpus' };
  }
  const vals = scores.filter((s) => s.metric === def.id).map((s) => s.value);
  if (vals.length === 0) return null;
  let sum = 0;
  for (const v of vals) sum += v;
  const level = opts.level ?? 0.95;
  const pMethod = opts.proportionInterval ?? 'bootstrap';
  let interval: Interval | null;
  if (pMethod !== 'bootstrap' && !def.continuous && vals.every((v) => v === 0 || v === 1)) {
    const n = vals.length;
    const pi = pMethod === 'wilson' ? wilsonInterval(sum, n, level) : clopperPearsonInterval(sum, n, level);
    const p = sum / n;
    interval = { estimate: p, low: pi.low, high: pi.high, se: Math.sqrt((p * (1 - p)) / n), method: pMethod, level, resamples: 0 };
  } else interval = B > 0 ? bootstrapInterval(vals, { rng: opts.rng, resamples: B, level, method: 'bca' }) : null;
  return { metric: def.id, value: sum / vals.length, n: vals.length, interval, continuous: def.continuous, higherIsBetter: def.higherIsBetter, tokenizer, aggregation: 'mean' };
}
