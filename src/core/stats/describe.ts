import { scratchArrays } from '../scratch.js';
/** Small descriptive statistics over plain number arrays. */

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new RangeError('mean of an empty array');
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1 denominator); null for fewer than 2 values. */
export function sampleSd(xs: ArrayLike<number>): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Median; averages the two middle values for an even count. */
export function median(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new RangeError('median of an empty array');
  const s = Float64Array.from(xs).sort();
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Ranks starting at 1, ties given their average rank (as scipy.stats.rankdata 'average'). */
export function ranks(xs: ArrayLike<number>): Float64Array {
  return ranksInto(xs, new Float64Array(xs.length));
}

/** ranks(xs) written to `out` (of xs's length). */
function ranksInto(xs: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = xs.length;
  let idx: ArrayLike<number>;
  if (n <= 32) {
    // Insertion sort with the same comparison, stable like Array.prototype.sort: a curve's few points
    // are ranked on every curve of an audit, and the generic sort's comparator calls cost more than the ranking.
    const ix = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      let j = i - 1;
      while (j >= 0 && xs[ix[j]!]! - v > 0) {
        ix[j + 1] = ix[j]!;
        j--;
      }
      ix[j + 1] = i;
    }
    idx = ix;
  } else idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && xs[idx[j + 1]!]! === xs[idx[i]!]!) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k]!] = r;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation; null when either side has zero variance. */
export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number | null {
  if (xs.length !== ys.length) throw new RangeError(`pearson: ${xs.length} != ${ys.length}`);
  if (xs.length < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman rank correlation (Pearson on average ranks); null when either side is constant. */
export function spearman(xs: ArrayLike<number>, ys: ArrayLike<number>): number | null {
  if (xs.length !== ys.length) return pearson(ranks(xs), ranks(ys)); // pearson names the mismatch
  const [rx, ry] = RANK_SCRATCH(xs.length) as [Float64Array, Float64Array];
  return pearson(ranksInto(xs, rx), ranksInto(ys, ry));
}

/** The two rank vectors of spearman by length (it is called on every curve of an audit and keeps neither). */
const RANK_SCRATCH = scratchArrays(2);
