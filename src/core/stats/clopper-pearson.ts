import { incompleteBeta } from './special.js';

/**
 * The exact (Clopper–Pearson 1934) interval for a binomial proportion: x successes in n trials, the
 * set of p whose one-sided tails at x are both above (1 − level)/2. Its ends are beta quantiles,
 * found here by bisection on the regularised incomplete beta (scipy.stats.beta.ppf is the reference
 * in test/golden/resolution.json). At x = 0 the upper end is 1 − ((1 − level)/2)^(1/n), the
 * two-sided form of the rule of three: valid where a normal or bootstrap interval collapses to [0, 0].
 */
export interface ProportionInterval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly level: number;
}

/** The q-quantile of Beta(a, b) by bisection (I_x(a, b) rises monotonically in x). */
export function betaQuantile(q: number, a: number, b: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`betaQuantile: q must be in [0, 1], got ${q}`);
  if (q === 0) return 0;
  if (q === 1) return 1;
  let lo = 0;
  let hi = 1;
  // 200 halvings reach the spacing of doubles near 0 (the quantiles of tiny rates live there).
  for (let i = 0; i < 200 && hi - lo > Math.max(1e-300, lo * 1e-15); i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function clopperPearson(x: number, n: number, level = 0.95): ProportionInterval {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`clopperPearson: n must be a whole number >= 1, got ${n}`);
  if (!(Number.isInteger(x) && x >= 0 && x <= n)) throw new RangeError(`clopperPearson: x must be a whole number in 0..${n}, got ${x}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`clopperPearson: level must be in (0, 1), got ${level}`);
  const tail = (1 - level) / 2;
  // Closed forms at the ends keep full precision where bisection would only approximate them.
  const low = x === 0 ? 0 : x === n ? Math.pow(tail, 1 / n) : betaQuantile(tail, x, n - x + 1);
  const high = x === n ? 1 : x === 0 ? 1 - Math.pow(tail, 1 / n) : betaQuantile(1 - tail, x + 1, n - x);
  return { estimate: x / n, low, high, level };
}
