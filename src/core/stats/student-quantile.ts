import { studentTwoSidedP } from './special.js';

/**
 * The t with P(|T| > t) = 1 − level for Student's t on `df` degrees of freedom: the multiplier
 * of a two-sided interval at `level`. Bisection on the exact tail (special.ts), which is
 * monotone in t; 200 halvings of a bracket found by doubling reach double precision. Kept per
 * (level, df): an audit asks for the same few (0.9 on 1–10 dof) hundreds of thousands of times.
 */
export function studentTwoSidedQuantile(level: number, df: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`studentTwoSidedQuantile: level must be in (0, 1), got ${level}`);
  if (!(df > 0)) throw new RangeError(`studentTwoSidedQuantile: df must be > 0, got ${df}`);
  const key = `${level} ${df}`;
  let t = known.get(key);
  if (t === undefined) {
    t = bisect(level, df);
    if (known.size < 4096) known.set(key, t);
  }
  return t;
}

const known = new Map<string, number>();

function bisect(level: number, df: number): number {
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
