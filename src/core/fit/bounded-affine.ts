/**
 * Least squares for the affine part of a form when the form's levels must stay inside the
 * metric's bounds [lo, hi] (either end may be infinite). RSS is a convex quadratic in the
 * affine parameters, so the optimum over a box is the unconstrained one when feasible and
 * otherwise lies on the box's boundary: each edge is a one-dimensional problem whose solution
 * is its unconstrained minimiser clamped to the edge.
 * Everything is computed from sums of y centred on its mean (the bounds shift with it), so the
 * RSS needs no second pass and keeps its precision when the fit is close.
 */
export interface Level {
  /** Level reached at g = 0 (power law: the asymptote c; sigmoid: the lower level). */
  readonly p: number;
  /** Coefficient for g (power law: a) or level reached at g = 1 (sigmoid: lo + height). */
  readonly q: number;
  readonly rss: number;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * y ≈ c + a·g with lo <= c <= hi and a free: the saturating power law, whose asymptote c
 * (the value as N → ∞ when the exponent is negative) must be a value the metric can take.
 * Returns p = c, q = a.
 */
export function fitAsymptoteBounded(g: ArrayLike<number>, y: ArrayLike<number>, lo: number, hi: number): Level {
  const n = y.length;
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i]!;
  my /= n;
  let sg = 0, sgg = 0, sgy = 0, syy = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const yi = y[i]! - my;
    sg += gi; sgg += gi * gi; sgy += gi * yi; syy += yi * yi; sy += yi;
  }
  const f = asymptoteFromSums(n, sg, sgg, sy, sgy, syy, lo - my, hi - my);
  return { p: f.p + my, q: f.q, rss: f.rss };
}

/**
 * The same from sums over the points of g, y, g², g·y and y², with y (and the bounds) shifted by any
 * centre the caller chose (the profile in prediction-interval.ts adds one point to precomputed sums).
 */
export function asymptoteFromSums(n: number, sg: number, sgg: number, sy: number, sgy: number, syy: number, l: number, h: number): Level {
  const vgg = sgg - (sg * sg) / n;
  // Unconstrained: a = cov(g, y)/var(g), c = ȳ − a·ḡ.
  if (vgg > 1e-300 * n) {
    const vgy = sgy - (sg * sy) / n;
    const a = vgy / vgg;
    const c = sy / n - (a * sg) / n;
    if (c >= l && c <= h) return { p: c, q: a, rss: Math.max(syy - (sy * sy) / n - (vgy * vgy) / vgg, 0) };
    // c on the nearer bound, a by least squares through it: y − c ≈ a·g.
    const cb = clamp(c, l, h);
    const ab = sgg > 0 ? (sgy - cb * sg) / sgg : 0;
    const rss = syy - 2 * cb * sy + n * cb * cb - 2 * ab * (sgy - cb * sg) + ab * ab * sgg;
    return { p: cb, q: ab, rss: Math.max(rss, 0) };
  }
  // g carries no information beyond a constant: the best level is the mean, clamped.
  const cb = clamp(sy / n, l, h);
  return { p: cb, q: 0, rss: Math.max(syy - 2 * cb * sy + n * cb * cb, 0) };
}

/** Only the RSS of asymptoteFromSums, allocation-free: the power law's exponent search and the profile in prediction-interval.ts call it ~60 times a fit and ~10⁴ times an interval. */
export function asymptoteRssFromSums(n: number, sg: number, sgg: number, sy: number, sgy: number, syy: number, l: number, h: number): number {
  const vgg = sgg - (sg * sg) / n;
  if (vgg > 1e-300 * n) {
    const vgy = sgy - (sg * sy) / n;
    const a = vgy / vgg;
    const c = sy / n - (a * sg) / n;
    if (c >= l && c <= h) return Math.max(syy - (sy * sy) / n - (vgy * vgy) / vgg, 0);
    const cb = clamp(c, l, h);
    const ab = sgg > 0 ? (sgy - cb * sg) / sgg : 0;
    return Math.max(syy - 2 * cb * sy + n * cb * cb - 2 * ab * (sgy - cb * sg) + ab * ab * sgg, 0);
  }
  const cb = clamp(sy / n, l, h);
  return Math.max(syy - 2 * cb * sy + n * cb * cb, 0);
}

/**
 * y ≈ p·(1 − g) + q·g with both levels in [lo, hi]: the logistic y = lo + height·g, whose lower
 * level p = lo and upper level q = lo + height must both be values the metric can take.
 */
export function fitTwoLevelsBounded(g: ArrayLike<number>, y: ArrayLike<number>, lo: number, hi: number): Level {
  const n = y.length;
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i]!;
  my /= n;
  let suu = 0, sug = 0, sgg = 0, suy = 0, sgy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const ui = 1 - gi;
    const yi = y[i]! - my;
    suu += ui * ui; sug += ui * gi; sgg += gi * gi; suy += ui * yi; sgy += gi * yi; syy += yi * yi;
  }
  const l = lo - my;
  const h = hi - my;
  const rssAt = (p: number, q: number): number =>
    syy - 2 * p * suy - 2 * q * sgy + p * p * suu + 2 * p * q * sug + q * q * sgg;
  const det = suu * sgg - sug * sug;
  if (det > 1e-12 * suu * sgg && det > 0) {
    const p = (suy * sgg - sgy * sug) / det;
    const q = (sgy * suu - suy * sug) / det;
    if (p >= l && p <= h && q >= l && q <= h) return { p: p + my, q: q + my, rss: Math.max(rssAt(p, q), 0) };
  }
  // On the boundary: one level fixed at a bound, the other its clamped least-squares value.
  let best = { p: clamp(0, l, h), q: clamp(0, l, h), rss: Infinity };
  best.rss = rssAt(best.p, best.q);
  const consider = (p: number, q: number): void => {
    const r = rssAt(p, q);
    if (r < best.rss) best = { p, q, rss: r };
  };
  for (const p of [l, h]) if (Number.isFinite(p)) consider(p, sgg > 0 ? clamp((sgy - p * sug) / sgg, l, h) : clamp(0, l, h));
  for (const q of [l, h]) if (Number.isFinite(q)) consider(suu > 0 ? clamp((suy - q * sug) / suu, l, h) : clamp(0, l, h), q);
  return { p: best.p + my, q: best.q + my, rss: Math.max(best.rss, 0) };
}

/** RSS of the levels (p, q) from the sums of twoLevelsRssFromSums: the expression every candidate is scored by. */
function levelsRss(p: number, q: number, suu: number, sug: number, sgg: number, suy: number, sgy: number, syy: number): number {
  return syy - 2 * p * suy - 2 * q * sgy + p * p * suu + 2 * p * q * sug + q * q * sgg;
}

/**
 * The RSS of fitTwoLevelsBounded from the sums over the points of u², u·g, g², u·y, g·y and y²
 * (u = 1 − g, y and the bounds l, h centred on ȳ), allocation-free: the logistic's search (~150
 * evaluations a fit) forms them in the loop that computes g, with ȳ and Σy² taken once. No closures
 * and the bounded case in its own function, so the common case inlines into the search's loops
 * (a call that is not inlined boxes its eight arguments and its result, most of the search's garbage).
 */
export function twoLevelsRssFromSums(suu: number, sug: number, sgg: number, suy: number, sgy: number, syy: number, l: number, h: number): number {
  const det = suu * sgg - sug * sug;
  if (det > 1e-12 * suu * sgg && det > 0) {
    const p = (suy * sgg - sgy * sug) / det;
    const q = (sgy * suu - suy * sug) / det;
    if (p >= l && p <= h && q >= l && q <= h) return Math.max(levelsRss(p, q, suu, sug, sgg, suy, sgy, syy), 0);
  }
  return twoLevelsRssOnBounds(suu, sug, sgg, suy, sgy, syy, l, h);
}

function twoLevelsRssOnBounds(suu: number, sug: number, sgg: number, suy: number, sgy: number, syy: number, l: number, h: number): number {
  const mid = clamp(0, l, h);
  let best = levelsRss(mid, mid, suu, sug, sgg, suy, sgy, syy);
  if (Number.isFinite(l)) {
    best = Math.min(
      best,
      levelsRss(l, sgg > 0 ? clamp((sgy - l * sug) / sgg, l, h) : mid, suu, sug, sgg, suy, sgy, syy),
      levelsRss(suu > 0 ? clamp((suy - l * sug) / suu, l, h) : mid, l, suu, sug, sgg, suy, sgy, syy),
    );
  }
  if (Number.isFinite(h)) {
    best = Math.min(
      best,
      levelsRss(h, sgg > 0 ? clamp((sgy - h * sug) / sgg, l, h) : mid, suu, sug, sgg, suy, sgy, syy),
      levelsRss(suu > 0 ? clamp((suy - h * sug) / suu, l, h) : mid, h, suu, sug, sgg, suy, sgy, syy),
    );
  }
  return Math.max(best, 0);
}

/**
 * twoLevelsRssFromSums with the levels: writes the bounded optimum's (p, q) (centred like the sums)
 * to out[at], out[at + 1] and returns its RSS. The same candidates in the same order, so the RSS is
 * twoLevelsRssFromSums's; the logistic's Gauss–Newton steps need the levels for its residuals.
 */
export function twoLevelsFromSums(suu: number, sug: number, sgg: number, suy: number, sgy: number, syy: number, l: number, h: number, out: Float64Array, at = 0): number {
  const det = suu * sgg - sug * sug;
  if (det > 1e-12 * suu * sgg && det > 0) {
    const p = (suy * sgg - sgy * sug) / det;
    const q = (sgy * suu - suy * sug) / det;
    if (p >= l && p <= h && q >= l && q <= h) {
      out[at] = p;
      out[at + 1] = q;
      return Math.max(levelsRss(p, q, suu, sug, sgg, suy, sgy, syy), 0);
    }
  }
  return twoLevelsOnBounds(suu, sug, sgg, suy, sgy, syy, l, h, out, at);
}

/** The bounded candidates of twoLevelsFromSums in their order, the first of equal RSS kept. */
function twoLevelsOnBounds(suu: number, sug: number, sgg: number, suy: number, sgy: number, syy: number, l: number, h: number, out: Float64Array, at: number): number {
  const mid = clamp(0, l, h);
  let best = levelsRss(mid, mid, suu, sug, sgg, suy, sgy, syy);
  let bp = mid;
  let bq = mid;
  for (let side = 0; side < 2; side++) {
    const b = side === 0 ? l : h;
    if (!Number.isFinite(b)) continue;
    // One level on the bound, the other its clamped least-squares value; p on it first, then q.
    const q1 = sgg > 0 ? clamp((sgy - b * sug) / sgg, l, h) : mid;
    const r1 = levelsRss(b, q1, suu, sug, sgg, suy, sgy, syy);
    if (r1 < best) { best = r1; bp = b; bq = q1; }
    const p2 = suu > 0 ? clamp((suy - b * sug) / suu, l, h) : mid;
    const r2 = levelsRss(p2, b, suu, sug, sgg, suy, sgy, syy);
    if (r2 < best) { best = r2; bp = p2; bq = b; }
  }
  out[at] = bp;
  out[at + 1] = bq;
  return Math.max(best, 0);
}
