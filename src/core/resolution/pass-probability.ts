import { bootstrapInterval } from '../stats/bootstrap.js';
import type { Rng } from '../random/rng.js';

/**
 * Three estimates of a model's pass rate on a test set (the mean over problems of p_i, the
 * probability that one sample at temperature 1 is exactly right), for rates far below what greedy
 * exact match on the same problems can show (Schaeffer et al. 2023 §3; Hu et al. 2023, PassUntil).
 *
 * - exact: p_i = exp(Σ log p(target token)) from the teacher-forced log-likelihoods the store keeps.
 *   No sampling noise; its interval is a bootstrap over problems (the test set is a sample of problems).
 * - sampled until k successes or a cap (inverse binomial sampling, Haldane 1945): see `untilEstimate`.
 *
 * All intervals are two-sided at `level` (default 95%).
 */
export interface PassRateEstimate {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly level: number;
  /** bootstrap: percentile bootstrap over problems; zero-successes: the exact bound when no draw succeeded. */
  readonly method: 'bootstrap' | 'zero-successes';
  readonly problems: number;
}

export interface IntervalOptions {
  readonly rng: Rng;
  readonly resamples?: number;
  readonly level?: number;
}

/** Probability of each problem's target from its per-token log-probabilities (nats): exp of their sum. */
export function targetProbabilities(tokenLogprobs: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(tokenLogprobs, (lps, i) => {
    let s = 0;
    for (const v of lps) {
      if (!(v <= 0)) throw new RangeError(`targetProbabilities: problem ${i} has a token log-probability ${v} (must be <= 0)`);
      s += v;
    }
    return Math.exp(s);
  });
}

/** The mean of per-problem probabilities with a percentile bootstrap over problems. */
export function exactPassRate(probabilities: ArrayLike<number>, o: IntervalOptions): PassRateEstimate {
  const n = probabilities.length;
  if (n === 0) throw new RangeError('exactPassRate: no problems');
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`exactPassRate: problem ${i} has probability ${p}`);
  }
  const level = o.level ?? 0.95;
  const b = bootstrapInterval(probabilities, { rng: o.rng, resamples: o.resamples ?? 2000, level, method: 'percentile' });
  return { estimate: b.estimate, low: b.low, high: b.high, level, method: 'bootstrap', problems: n };
}

/** One problem sampled under the rule "stop at the k-th success or after `cap` draws". */
export interface UntilRecord {
  readonly draws: number;
  readonly successes: number;
}

export interface UntilRule {
  readonly k: number;
  readonly cap: number;
}

function checkRecord(r: UntilRecord, rule: UntilRule, i: number): void {
  const { draws: m, successes: c } = r;
  if (!(Number.isInteger(m) && Number.isInteger(c) && c >= 0 && m >= 1 && c <= m)) throw new RangeError(`problem ${i}: ${c} successes in ${m} draws`);
  if (c > rule.k || m > rule.cap) throw new RangeError(`problem ${i}: ${c} successes in ${m} draws overshoots the rule (k = ${rule.k}, cap = ${rule.cap})`);
  if (c < rule.k && m !== rule.cap) throw new RangeError(`problem ${i}: stopped after ${m} draws with ${c} < k = ${rule.k} successes before the cap ${rule.cap}`);
}

/**
 * The unbiased estimate of one problem's p under the rule (Girshick, Mosteller & Savage 1946: the
 * share of paths to the stopping point that begin with a success): stopped at the k-th success on
 * draw m, (k − 1)/(m − 1) (Haldane's estimator; 1 when m = k); stopped at the cap with c < k
 * successes, c/cap. Hu et al.'s PassUntil reads k/m, the maximum-likelihood estimate, which is
 * biased upwards (by Jensen, E[k/m] > k/E[m] = p): for k = 1, E[1/m] = −p·ln p/(1 − p), a factor
 * −ln p/(1 − p) too high (4.7× at p = 0.01); the excess shrinks roughly as 1/(k − 1) for larger k.
 * With k = 1 the unbiased estimate is 1 on a first-draw success and 0 otherwise: unbiased but
 * nearly useless, so the rule should ask for k >= 2.
 */
export function untilEstimate(r: UntilRecord, rule: UntilRule): number {
  checkRecord(r, rule, 0);
  if (r.successes === rule.k) return r.draws === rule.k ? 1 : (rule.k - 1) / (r.draws - 1);
  return r.successes / rule.cap;
}

/** Hu et al.'s maximum-likelihood reading, successes/draws, for comparison (biased upwards, see above). */
export function untilMle(r: UntilRecord): number {
  return r.successes / r.draws;
}

export interface UntilRate extends PassRateEstimate {
  /** Mean of the per-problem maximum-likelihood readings successes/draws (PassUntil as published). */
  readonly mle: number;
  readonly draws: number;
  readonly successes: number;
}

/**
 * The pass rate from per-problem inverse sampling: the mean of the unbiased per-problem estimates.
 * Interval: with no success in any draw every problem was drawn `cap` times, and
 * P(no success) = Π (1 − p_i)^cap <= (1 − p̄)^(n·cap) (AM–GM), so the Clopper–Pearson upper end
 * at 0 of n·cap, 1 − ((1 − level)/2)^(1/(n·cap)), bounds the mean rate: valid, not a collapse to [0, 0].
 * Otherwise a percentile bootstrap over problems of the per-problem estimates (approximate: its
 * coverage on heterogeneous problems is measured in pass-probability.test.ts).
 */
export function untilPassRate(records: readonly UntilRecord[], rule: UntilRule, o: IntervalOptions): UntilRate {
  const n = records.length;
  if (n === 0) throw new RangeError('untilPassRate: no problems');
  // k = 1 makes every estimate 0 unless the first draw succeeds: the bootstrap would then read [0, 0] with successes seen.
  if (!(Number.isInteger(rule.k) && rule.k >= 2 && Number.isInteger(rule.cap) && rule.cap >= rule.k)) throw new RangeError(`untilPassRate: need whole k >= 2 and cap >= k, got k = ${rule.k}, cap = ${rule.cap}`);
  const level = o.level ?? 0.95;
  const est = new Float64Array(n);
  let mle = 0, draws = 0, successes = 0;
  records.forEach((r, i) => {
    checkRecord(r, rule, i);
    est[i] = untilEstimate(r, rule);
    mle += untilMle(r);
    draws += r.draws;
    successes += r.successes;
  });
  const base = { level, problems: n, mle: mle / n, draws, successes };
  if (successes === 0) return { ...base, estimate: 0, low: 0, high: 1 - Math.pow((1 - level) / 2, 1 / draws), method: 'zero-successes' };
  const b = bootstrapInterval(est, { rng: o.rng, resamples: o.resamples ?? 2000, level, method: 'percentile' });
  return { ...base, estimate: b.estimate, low: b.low, high: b.high, method: 'bootstrap' };
}
