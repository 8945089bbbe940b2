import type { Rng } from './rng.js';

/**
 * A Zipf law over ranks 0..K−1: P(k) ∝ (k + 1)^−α (α = 0 is uniform). Chan et al. 2022 (arXiv
 * 2205.05055) draw training classes from it: at α ≈ 1 a few classes are common and most are rare.
 * Draws invert the cumulative distribution by binary search, one uniform per draw.
 */
export interface Zipf {
  readonly classes: number;
  readonly alpha: number;
  /** P(k), summing to 1. */
  readonly probs: Float64Array;
  draw(rng: Rng): number;
}

export function makeZipf(classes: number, alpha: number): Zipf {
  if (!(Number.isInteger(classes) && classes >= 1)) throw new RangeError(`zipf: classes must be a whole number >= 1, got ${classes}`);
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError(`zipf: alpha must be finite and >= 0, got ${alpha}`);
  const probs = new Float64Array(classes);
  let z = 0;
  for (let k = 0; k < classes; k++) z += (probs[k] = (k + 1) ** -alpha);
  const cdf = new Float64Array(classes);
  let c = 0;
  for (let k = 0; k < classes; k++) {
    probs[k] = probs[k]! / z;
    cdf[k] = c += probs[k]!;
  }
  cdf[classes - 1] = 1; // rounding must not leave a sliver above the last rank
  return {
    classes, alpha, probs,
    draw(rng) {
      const u = rng.next();
      let lo = 0;
      let hi = classes - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
  };
}
