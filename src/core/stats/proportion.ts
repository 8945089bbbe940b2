import { normalQuantile } from './normal.js';
import { chiSquareSurvival, incompleteBeta } from './special.js';

/**
 * Confidence intervals for a proportion k/n that are never zero-width at 0% or 100% (unlike the
 * normal-approximation standard error lm-eval reports, which is exactly 0 there):
 *   Wilson (1927) score interval: (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n);
 *   Clopper–Pearson (1934) exact interval: Beta(α/2; k, n−k+1) and Beta(1−α/2; k+1, n−k)
 *   quantiles, 0 and 1 at the ends. Both as statsmodels' proportion_confint computes them
 *   ("wilson", "beta").
 */
export interface ProportionInterval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly level: number;
  readonly method: 'wilson' | 'clopper-pearson';
}

function check(k: number, n: number, level: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a whole number >= 1, got ${n}`);
  if (!(Number.isInteger(k) && k >= 0 && k <= n)) throw new RangeError(`successes must be a whole number in [0, ${n}], got ${k}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
}

/**
 * z with P(|Z| > z) = alpha, to full double precision: Acklam's approximation polished by Newton
 * steps on the χ²₁ tail (the regularised incomplete gamma), which is accurate where the erfc
 * approximation of normalCdf is not.
 */
export function twoSidedZ(alpha: number): number {
  let z = normalQuantile(1 - alpha / 2);
  for (let i = 0; i < 3; i++) {
    const f = chiSquareSurvival(z * z, 1) - alpha;
    const dens = 2 * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    z += f / dens;
  }
  return z;
}

export function wilsonInterval(k: number, n: number, level = 0.95): ProportionInterval {
  check(k, n, level);
  const z = twoSidedZ(1 - level);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { estimate: p, low: Math.max(0, center - half), high: Math.min(1, center + half), level, method: 'wilson' };
}

/** x with I_x(a, b) = q, by bisection (I_x is increasing in x); 1e-16 absolute. */
export function betaQuantile(q: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function clopperPearsonInterval(k: number, n: number, level = 0.95): ProportionInterval {
  check(k, n, level);
  const alpha = 1 - level;
  const low = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const high = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return { estimate: k / n, low, high, level, method: 'clopper-pearson' };
}
