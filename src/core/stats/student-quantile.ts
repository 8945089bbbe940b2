import { studentTwoSidedP } from './special.js';

/**
 * The t with P(|T| > t) = 1 − level for Student's t on `df` degrees of freedom: the multiplier
 * of a two-sided interval at `level`. Bisection on the exact tail (special.ts), which is
 * monotone in t; 200 halvings of a bracket found by doubling reach double precision.
 */
export function studentTwoSidedQuantile(level: number, df: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`studentTwoSidedQuantile: level must be in (0, 1), got ${level}`);
  if (!(df > 0)) throw new RangeError(`studentTwoSidedQuantile: df must be > 0, got ${df}`);
  const alpha = 1 - level;
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > alpha) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
