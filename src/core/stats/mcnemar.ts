import { chiSquareSurvival, incompleteBeta } from './special.js';

/**
 * McNemar's test (McNemar 1947) for two models scored right/wrong on the same items: only the
 * discordant pairs count, b = items A gets right and B wrong, c = the reverse. Under H0 (equal
 * accuracy) b ~ Binomial(b + c, ½).
 *   exact (the default, as statsmodels' mcnemar(exact=True)): p = min(1, 2·P(X ≤ min(b, c)));
 *   chi-square with continuity correction (exact=false): (|b − c| − 1)² / (b + c) on χ²₁.
 * The exact test is the default because the χ² form is an approximation that is poor for the
 * few discordant pairs typical of small test sets. The difference reported is accuracy(A) −
 * accuracy(B) = (b − c)/n.
 */
export interface McNemarResult {
  readonly n: number;
  /** A right, B wrong. */
  readonly b: number;
  /** A wrong, B right. */
  readonly c: number;
  readonly difference: number;
  readonly statistic: number;
  readonly p: number;
  readonly method: 'exact' | 'chi-square';
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
export function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  if (n <= 1000) {
    // Exact sum in log space: C(n, i)/2^n term by term.
    let logTerm = -n * Math.LN2;
    let s = Math.exp(logTerm);
    for (let i = 0; i < k; i++) {
      logTerm += Math.log((n - i) / (i + 1));
      s += Math.exp(logTerm);
    }
    return Math.min(1, s);
  }
  return incompleteBeta(0.5, n - k, k + 1);
}

export function mcnemar(a: ArrayLike<number | boolean>, bScores: ArrayLike<number | boolean>, opts: { exact?: boolean } = {}): McNemarResult {
  if (a.length !== bScores.length) throw new RangeError(`McNemar: ${a.length} vs ${bScores.length} items`);
  if (a.length === 0) throw new RangeError('McNemar of no items');
  let b = 0;
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(bScores[i]);
    if ((x !== 0 && x !== 1) || (y !== 0 && y !== 1)) throw new RangeError(`McNemar needs 0/1 scores; item ${i} has ${a[i]} and ${bScores[i]}`);
    if (x === 1 && y === 0) b++;
    else if (x === 0 && y === 1) c++;
  }
  return mcnemarFromCounts(b, c, a.length, opts);
}

export function mcnemarFromCounts(b: number, c: number, n: number, opts: { exact?: boolean } = {}): McNemarResult {
  const exact = opts.exact ?? true;
  const difference = (b - c) / n;
  if (exact) {
    const stat = Math.min(b, c);
    return { n, b, c, difference, statistic: stat, p: Math.min(1, 2 * binomialHalfCdf(stat, b + c)), method: 'exact' };
  }
  // statsmodels leaves b + c = 0 as 0/0; no discordant pair is no evidence either way.
  if (b + c === 0) return { n, b, c, difference, statistic: 0, p: 1, method: 'chi-square' };
  const stat = (Math.abs(b - c) - 1) ** 2 / (b + c);
  return { n, b, c, difference, statistic: stat, p: chiSquareSurvival(stat, 1), method: 'chi-square' };
}
