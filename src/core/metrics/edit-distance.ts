/**
 * Levenshtein distance (Levenshtein 1966; Wagner & Fischer 1974): the fewest insertions,
 * deletions and substitutions turning a into b, each of cost 1. O(|a|·|b|) time, O(min) memory.
 * Works on any sequence of comparable items: token ids, or code points of a string.
 */
export function levenshtein<T>(a: ArrayLike<T>, b: ArrayLike<T>, row?: Int32Array): number {
  // Common prefix and suffix cost nothing: strip them first (as python-Levenshtein does); near
  // matches, the usual case when scoring a model against a target, leave a short middle.
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a[start] === b[start]) start++;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  let la = endA - start;
  let lb = endB - start;
  if (la === 0) return lb;
  if (lb === 0) return la;
  // Keep the shorter middle in the row.
  let x = a;
  let y = b;
  if (la < lb) {
    x = b;
    y = a;
    const t = la;
    la = lb;
    lb = t;
  }
  const prev = row !== undefined && row.length > lb ? row : new Int32Array(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    const xi = x[start + i - 1];
    for (let j = 1; j <= lb; j++) {
      const up = prev[j]!;
      let v = diag + (xi === y[start + j - 1] ? 0 : 1);
      if (up + 1 < v) v = up + 1;
      const left = prev[j - 1]! + 1;
      if (left < v) v = left;
      prev[j] = v;
      diag = up;
    }
  }
  return prev[lb]!;
}

/** Distance over max length, in [0, 1]; 0 when both are empty. */
export function normalizedLevenshtein<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 0 : levenshtein(a, b) / n;
}

/** Character edit distance over Unicode code points (as python-Levenshtein counts them). */
export function charEditDistance(a: string, b: string): number {
  return levenshtein(Array.from(a), Array.from(b));
}

/**
 * Weighted Levenshtein distance as RapidFuzz's `Levenshtein.distance(s1, s2, weights=(insertion,
 * deletion, substitution))` defines it: the cheapest edit script turning s1 into s2, where an
 * insertion adds an item of s2, a deletion removes one of s1. Weights are whole numbers >= 0;
 * (1, 1, 1) is the plain distance. Wagner–Fischer over one row.
 */
export interface EditWeights {
  readonly insertion: number;
  readonly deletion: number;
  readonly substitution: number;
}

export function weightedLevenshtein<T>(s1: ArrayLike<T>, s2: ArrayLike<T>, w: EditWeights): number {
  for (const [k, v] of Object.entries(w)) {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`weights: ${k} must be a whole number >= 0, got ${v}`);
  }
  const { insertion: ins, deletion: del, substitution: sub } = w;
  const n = s2.length;
  const row = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) row[j] = j * ins;
  for (let i = 1; i <= s1.length; i++) {
    let diag = row[0]!;
    row[0] = i * del;
    const a = s1[i - 1];
    for (let j = 1; j <= n; j++) {
      const up = row[j]!;
      let v = diag + (a === s2[j - 1] ? 0 : sub);
      if (up + del < v) v = up + del;
      if (row[j - 1]! + ins < v) v = row[j - 1]! + ins;
      row[j] = v;
      diag = up;
    }
  }
  return row[n]!;
}

/**
 * RapidFuzz's `utils.default_process`: every character that is not a letter or a number becomes
 * a space, the rest is lowercased, and whitespace is trimmed from both ends. (RapidFuzz uses its
 * own simple one-to-one case table; JavaScript's full mapping differs on a handful of code points
 * such as U+0130, which lowercases to two.)
 */
export function rapidfuzzDefaultProcess(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, ' ').toLowerCase().trim();
}
