import type { ScalingFit } from '../types.js';
import { makeFit } from './goodness.js';

/**
 * y = level: no trend with scale. The forecast of a curve read as flat is flat: the mean of the
 * models seen so far, which for pure noise around a level misses a new model by σ·√(1 + 1/n)
 * where carrying the last value forward misses by σ·√2.
 * Params: level.
 */
export function fitConstant(x: ArrayLike<number>, y: ArrayLike<number>, yScale: number): ScalingFit {
  const n = y.length;
  if (n < 1 || x.length !== n) throw new RangeError(`fitConstant needs >= 1 point and x, y of one length, got ${x.length}, ${n}`);
  let m = 0;
  for (let i = 0; i < n; i++) m += y[i]!;
  m /= n;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i]! - m) ** 2;
  return makeFit('constant', { level: m }, y, 1, rss, yScale);
}

export function predictConstant(p: Readonly<Record<string, number>>): number {
  return p.level!;
}
