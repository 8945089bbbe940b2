import { scratchArrays } from '../scratch.js';
/**
 * Shape measures of a scaling curve, computed on the *oriented* values
 * (negated when lower is better, so "improvement" is always positive).
 *
 * Breakthroughness and linearity follow BIG-bench (Srivastava et al. 2022, §3.3 and
 * Appendix "Linearity and breakthroughness"): with points sorted by scale and
 * Δ_i = y_{i+1} - y_i,
 *   I(y) = sign(argmax y - argmin y) · (max y - min y)        overall improvement
 *   L    = I(y) / RootMeanSquare(Δ)   = I / sqrt(mean Δ²)      large when gains are spread evenly
 *   B    = I(y) / RootMedianSquare(Δ) = I / sqrt(median Δ²)    large when gains come in a few jumps
 * A perfectly log-linear curve on n points has L = B = n - 1; a single step has
 * L = sqrt(n - 1) and B → ∞ (most Δ are zero). Both are invariant to the metric's units.
 *
 * Sharpness (this project's choice): the largest share of the overall improvement made within
 * one decade of scale, max (y_j − y_i) / I(y) over pairs i < j with log10 N_j − log10 N_i <= 1
 * (adjacent models always count: one step is the finest the data resolves). In (0, 1].
 * It reads directly ("89% of the gain came between 300M and 3B"), needs no fit, stays finite
 * when most steps are exactly zero (unlike B), and, being per decade rather than per step, does
 * not depend on how densely the family was sampled: a jump spread over two models half a
 * decade apart is as sharp as the same jump between two models a decade apart.
 * An even log-linear climb over D decades gives 1/D; a step gives 1.
 */

export interface ShapeMeasures {
  readonly improvement: number;
  readonly range: number;
  readonly linearity: number | null;
  readonly breakthroughness: number | null;
  readonly sharpness: number | null;
  /** Indices [i, j] of the sharpest window (the gain from point i to point j), or [-1, -1]. */
  readonly jumpFrom: number;
  readonly jumpTo: number;
  readonly largestJump: number;
  /** Largest drop below the running best. */
  readonly maxDrawdown: number;
}

/** The squared steps of shapeMeasures by count (sorted in place for their median; never kept). */
const SQ_SCRATCH = scratchArrays(1);

/** Width of the sharpness window, in decades of parameters. */
export const SHARPNESS_WINDOW_DECADES = 1;

/** `x` is log10(params); without it only adjacent steps count. */
export function shapeMeasures(y: ArrayLike<number>, x?: ArrayLike<number>): ShapeMeasures {
  const n = y.length;
  if (n === 0) throw new RangeError('shapeMeasures: no points');
  let iMax = 0;
  let iMin = 0;
  for (let i = 1; i < n; i++) {
    if (y[i]! > y[iMax]!) iMax = i;
    if (y[i]! < y[iMin]!) iMin = i;
  }
  const range = y[iMax]! - y[iMin]!;
  const improvement = Math.sign(iMax - iMin) * range;

  const sq = SQ_SCRATCH(Math.max(n - 1, 0))[0]!;
  let sumSq = 0;
  for (let i = 0; i + 1 < n; i++) {
    const d = y[i + 1]! - y[i]!;
    sq[i] = d * d;
    sumSq += d * d;
  }
  let jumpFrom = -1;
  let jumpTo = -1;
  let largestJump = 0;
  for (let i = 0; i + 1 < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j > i + 1 && (x === undefined || x[j]! - x[i]! > SHARPNESS_WINDOW_DECADES + 1e-9)) break;
      const d = y[j]! - y[i]!;
      if (d > largestJump) {
        largestJump = d;
        jumpFrom = i;
        jumpTo = j;
      }
    }
  }
  let linearity: number | null = null;
  let breakthroughness: number | null = null;
  if (n >= 2 && sumSq > 0) {
    linearity = improvement / Math.sqrt(sumSq / (n - 1));
    sq.sort();
    const h = sq.length >> 1;
    const med = sq.length % 2 === 1 ? sq[h]! : (sq[h - 1]! + sq[h]!) / 2;
    breakthroughness = med > 0 ? improvement / Math.sqrt(med) : improvement === 0 ? 0 : Math.sign(improvement) * Infinity;
  }
  const sharpness = improvement > 0 ? largestJump / improvement : null;

  let best = -Infinity;
  let maxDrawdown = 0;
  for (let i = 0; i < n; i++) {
    best = Math.max(best, y[i]!);
    maxDrawdown = Math.max(maxDrawdown, best - y[i]!);
  }
  return { improvement, range, linearity, breakthroughness, sharpness, jumpFrom, jumpTo, largestJump, maxDrawdown };
}

/** A fall from an earlier point to a later one, in standard errors of their difference. */
export interface Drop {
  readonly from: number;
  readonly to: number;
  readonly drop: number;
  readonly z: number;
}

/**
 * The fall of at least `minDrop` (in the direction of improvement, y oriented so higher is better)
 * that is most standard errors of a difference from its two points' own errors,
 * √(se_from² + se_to²); null when no fall is that large. Each point's own error, not one error for
 * the curve: a point averaged over seeds that disagree (one learned, two did not) is known far less
 * well than its neighbours, and its fall to them is that much weaker evidence.
 */
export function largestDrop(y: ArrayLike<number>, se: ArrayLike<number>, minDrop: number): Drop | null {
  let out: Drop | null = null;
  for (let i = 0; i < y.length; i++) {
    for (let j = i + 1; j < y.length; j++) {
      const drop = y[i]! - y[j]!;
      if (!(drop >= minDrop) || drop <= 0) continue;
      const s = Math.sqrt(se[i]! ** 2 + se[j]! ** 2);
      const z = s > 0 ? drop / s : Infinity;
      if (out === null || z > out.z) out = { from: i, to: j, drop, z };
    }
  }
  return out;
}
