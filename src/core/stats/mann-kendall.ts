/**
 * Mann–Kendall test for a monotone trend (Mann 1945; Kendall 1975): S = Σ_{i<j} sign(y_j − y_i).
 * Without ties the null distribution of S is exact: S = N − 2·inversions with N = n(n−1)/2, and
 * the number of permutations of n items with k inversions is the Mahonian number M(n, k).
 * With ties: normal approximation with the tie-corrected variance
 *   Var S = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 and a continuity correction of 1.
 */
export interface MannKendall {
  readonly s: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly exact: boolean;
}

/** Mahonian numbers M(n, ·) as probabilities (divided by n!), by the standard recurrence; cumulated, and kept per n (an audit asks for the same few n on every curve). */
const cumulative: Float64Array[] = [];
function inversionCdf(n: number): Float64Array {
  let c = cumulative[n];
  if (c === undefined) {
    c = inversionDistribution(n);
    for (let k = 1; k < c.length; k++) c[k]! += c[k - 1]!;
    cumulative[n] = c;
  }
  return c;
}

function inversionDistribution(n: number): Float64Array {
  let dist = Float64Array.of(1);
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array(dist.length + m - 1);
    // Inserting the m-th item adds 0 … m−1 inversions, each with probability 1/m.
    for (let k = 0; k < dist.length; k++) {
      const v = dist[k]! / m;
      for (let j = 0; j < m; j++) next[k + j]! += v;
    }
    dist = next;
  }
  return dist;
}

export function mannKendall(y: ArrayLike<number>): MannKendall {
  const n = y.length;
  if (n < 2) return { s: 0, p: 1, exact: true };
  let s = 0;
  let ties = false;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = y[j]! - y[i]!;
      if (d === 0) ties = true;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  if (!ties && n <= 60) {
    const total = (n * (n - 1)) / 2;
    // |S| >= |s|  ⇔  inversions <= (N − |s|)/2  or  inversions >= (N + |s|)/2 (symmetric).
    const kLow = Math.floor((total - Math.abs(s)) / 2);
    const tail = kLow >= 0 ? inversionCdf(n)[kLow]! : 0;
    return { s, p: Math.min(1, s === 0 ? 1 : 2 * tail), exact: true };
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(y[i]!, (counts.get(y[i]!) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of counts.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  if (variance <= 0) return { s, p: 1, exact: false };
  const z = s === 0 ? 0 : (Math.abs(s) - 1) / Math.sqrt(variance);
  return { s, p: Math.min(1, 2 * normalUpperTail(z)), exact: false };
}

/** P(Z > z) for a standard normal, via erfc (W. J. Cody's rational approximation, |error| < 1.2e-7). */
export function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 0.5 * (x >= 0 ? erfc : 2 - erfc);
}
