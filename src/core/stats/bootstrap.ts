import type { Rng } from '../random/rng.js';
import { normalCdf, normalQuantile } from './normal.js';

/**
 * Bootstrap confidence intervals for the mean of per-sample scores (Efron & Tibshirani 1993):
 * percentile, and BCa (bias-corrected and accelerated, Efron 1987: z0 from the share of
 * resampled means below the estimate, acceleration from the jackknife). The Rng is passed in so
 * the same seed gives the same interval.
 */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** Standard deviation of the bootstrap distribution (for wilson / clopper-pearson: the binomial √(p(1−p)/n)). */
  readonly se: number;
  readonly method: 'percentile' | 'bca' | 'wilson' | 'clopper-pearson';
  readonly level: number;
  readonly resamples: number;
}

/** Type-7 quantile (linear interpolation, numpy's default) of sorted values. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of nothing');
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Means of `resamples` resamples with replacement. */
export function bootstrapMeans(x: ArrayLike<number>, resamples: number, rng: Rng): Float64Array {
  const n = x.length;
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[Math.floor(rng.next() * n)]!;
    out[b] = s / n;
  }
  return out;
}

export function bootstrapInterval(
  x: ArrayLike<number>,
  opts: { rng: Rng; resamples?: number; level?: number; method?: 'percentile' | 'bca' },
): Interval {
  const n = x.length;
  if (n === 0) throw new RangeError('bootstrap of no samples');
  const B = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const method = opts.method ?? 'bca';
  const est = meanOf(x);
  const means = bootstrapMeans(x, B, opts.rng).sort();
  const m = meanOf(means);
  let v = 0;
  for (const t of means) v += (t - m) ** 2;
  const se = Math.sqrt(v / Math.max(B - 1, 1));
  const alpha = (1 - level) / 2;
  if (method === 'percentile' || se === 0) {
    return { estimate: est, low: quantileSorted(means, alpha), high: quantileSorted(means, 1 - alpha), se, method, level, resamples: B };
  }
  // z0: bias correction from the share of bootstrap means below the estimate (ties count half).
  let below = 0;
  for (const t of means) below += t < est ? 1 : t === est ? 0.5 : 0;
  const z0 = normalQuantile(Math.min(1 - 1 / (2 * B), Math.max(1 / (2 * B), below / B)));
  // a: acceleration from the jackknife means, a = Σ d³ / (6 (Σ d²)^1.5), d = mean(jack) − jack_i.
  const total = est * n;
  let s2 = 0;
  let s3 = 0;
  let jmean = 0;
  const jack = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    jack[i] = n > 1 ? (total - x[i]!) / (n - 1) : est;
    jmean += jack[i]!;
  }
  jmean /= n;
  for (let i = 0; i < n; i++) {
    const d = jmean - jack[i]!;
    s2 += d * d;
    s3 += d * d * d;
  }
  const a = s2 > 0 ? s3 / (6 * Math.pow(s2, 1.5)) : 0;
  const adj = (z: number): number => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
  const lo = adj(normalQuantile(alpha));
  const hi = adj(normalQuantile(1 - alpha));
  return { estimate: est, low: quantileSorted(means, lo), high: quantileSorted(means, hi), se, method, level, resamples: B };
}

/**
 * Paired bootstrap of the difference of means between two aligned score vectors (same examples,
 * two models or two metrics): resample examples, keep the pairs. The p-value is two-sided: twice
 * the smaller share of resampled differences on either side of zero.
 */
export function pairedBootstrap(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { rng: Rng; resamples?: number; level?: number },
): Interval & { readonly p: number } {
  if (a.length !== b.length) throw new RangeError(`paired bootstrap: ${a.length} vs ${b.length} samples`);
  if (a.length === 0) throw new RangeError('paired bootstrap of no samples');
  const d = Float64Array.from(a, (v, i) => v - b[i]!);
  const B = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const means = bootstrapMeans(d, B, opts.rng).sort();
  let le = 0;
  let ge = 0;
  let m = 0;
  for (const t of means) {
    if (t <= 0) le++;
    if (t >= 0) ge++;
    m += t;
  }
  m /= B;
  let v = 0;
  for (const t of means) v += (t - m) ** 2;
  const alpha = (1 - level) / 2;
  return {
    estimate: meanOf(d),
    low: quantileSorted(means, alpha),
    high: quantileSorted(means, 1 - alpha),
    se: Math.sqrt(v / Math.max(B - 1, 1)),
    method: 'percentile',
    level,
    resamples: B,
    p: Math.min(1, (2 * Math.min(le, ge)) / B),
  };
}
