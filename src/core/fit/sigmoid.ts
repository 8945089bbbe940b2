import type { ScalingFit } from '../types.js';
import { fitTwoLevelsBounded, twoLevelsRssFromSums } from './bounded-affine.js';
import { makeFit } from './goodness.js';
import { nelderMead2 } from './minimize.js';

/**
 * Logistic in log-params: y = lo + height / (1 + exp(-steepness·(x - mid))), x = log10 N.
 * The shape an "emergent" jump takes when it is resolved (a phase change at N = 10^mid).
 * Monotone by construction (steepness > 0), it saturates at both ends; when the metric has
 * bounds, both levels (lo and lo + height) must lie inside them, so the curve can only approach
 * values the metric can take. For fixed (mid, steepness) the model is affine in its two levels,
 * solved in closed form under those bounds: grid over (mid, steepness), then a Nelder–Mead
 * refinement. Steepness is capped: beyond ~40 per decade the curve is a step between two
 * adjacent models and the data cannot tell it apart.
 * Params: lo, height, mid, steepness (per decade).
 */
const S_MIN = 0.25;
const S_MAX = 40;

function basis(x: ArrayLike<number>, mid: number, s: number, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-s * (x[i]! - mid)));
  return out;
}

export function fitSigmoid(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  yScale: number,
  bounds: readonly [number, number] | null = null,
): ScalingFit {
  const n = x.length;
  const lo = bounds?.[0] ?? -Infinity;
  const hi = bounds?.[1] ?? Infinity;
  if (n < 4) throw new RangeError(`fitSigmoid needs >= 4 points, got ${n}`);
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < n; i++) {
    xMin = Math.min(xMin, x[i]!);
    xMax = Math.max(xMax, x[i]!);
  }
  const span = Math.max(xMax - xMin, 1e-6);
  const midLo = xMin - 0.5 * span;
  const midHi = xMax + 0.5 * span;
  const g = new Float64Array(n);
  // y centred once; each evaluation forms the basis and its sums in one pass (fitTwoLevelsBounded's sums, in its order).
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i]!;
  my /= n;
  const yc = new Float64Array(n);
  let syy = 0;
  for (let i = 0; i < n; i++) {
    yc[i] = y[i]! - my;
    syy += yc[i]! * yc[i]!;
  }
  const lc = lo - my;
  const hc = hi - my;
  const rssAt = (mid: number, logS: number): number => {
    const s = Math.exp(logS);
    let suu = 0, sug = 0, sgg = 0, suy = 0, sgy = 0;
    for (let i = 0; i < n; i++) {
      const gi = 1 / (1 + Math.exp(-s * (x[i]! - mid)));
      const ui = 1 - gi;
      const yi = yc[i]!;
      suu += ui * ui; sug += ui * gi; sgg += gi * gi; suy += ui * yi; sgy += gi * yi;
    }
    return twoLevelsRssFromSums(suu, sug, sgg, suy, sgy, syy, lc, hc);
  };

  const M = 14;
  const S = 6;
  const lsLo = Math.log(S_MIN);
  const lsHi = Math.log(S_MAX);
  let bestMid = midLo;
  let bestLs = lsLo;
  let best = Infinity;
  // On the grid, exp(−s(x − mid)) = exp(−s(x − xc))·exp(s(mid − xc)), xc the centre of the data:
  // n exponentials per steepness instead of per grid point. Both factors stay far from overflow
  // while s·span ≤ 40·span is; beyond ~12 decades of scale each point is computed directly.
  const xc = (xMin + xMax) / 2;
  const separable = S_MAX * 1.5 * span < 600;
  const ex = new Float64Array(n);
  const grid = new Float64Array(M * S);
  for (let j = 0; j < S; j++) {
    const ls = lsLo + ((lsHi - lsLo) * j) / (S - 1);
    const sj = Math.exp(ls);
    if (separable) for (let t = 0; t < n; t++) ex[t] = Math.exp(-sj * (x[t]! - xc));
    for (let i = 0; i < M; i++) {
      const mid = midLo + ((midHi - midLo) * i) / (M - 1);
      if (!separable) {
        grid[i * S + j] = rssAt(mid, ls);
        continue;
      }
      const em = Math.exp(sj * (mid - xc));
      let suu = 0, sug = 0, sgg = 0, suy = 0, sgy = 0;
      for (let t = 0; t < n; t++) {
        const gi = 1 / (1 + ex[t]! * em);
        const ui = 1 - gi;
        const yi = yc[t]!;
        suu += ui * ui; sug += ui * gi; sgg += gi * gi; suy += ui * yi; sgy += gi * yi;
      }
      grid[i * S + j] = twoLevelsRssFromSums(suu, sug, sgg, suy, sgy, syy, lc, hc);
    }
  }
  // Scanned mid-major, so ties go where they always went.
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < S; j++) {
      const r = grid[i * S + j]!;
      if (r < best) {
        best = r;
        bestMid = midLo + ((midHi - midLo) * i) / (M - 1);
        bestLs = lsLo + ((lsHi - lsLo) * j) / (S - 1);
      }
    }
  }
  const dm = (midHi - midLo) / (M - 1);
  const ds = (lsHi - lsLo) / (S - 1);
  const clampLs = (l: number): number => Math.min(lsHi, Math.max(lsLo, l));
  const [m, l] = nelderMead2((m, l) => rssAt(m, clampLs(l)), [bestMid, bestLs], [dm / 2, ds / 2], 100, 1e-9);
  if (rssAt(m, clampLs(l)) <= best) {
    bestMid = m;
    bestLs = clampLs(l);
  }
  basis(x, bestMid, Math.exp(bestLs), g);
  const f = fitTwoLevelsBounded(g, y, lo, hi);
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i]! - f.p - (f.q - f.p) * g[i]!) ** 2;
  return makeFit('sigmoid', { lo: f.p, height: f.q - f.p, mid: bestMid, steepness: Math.exp(bestLs) }, y, 4, rss, yScale);
}

export function predictSigmoid(p: Readonly<Record<string, number>>, x: number): number {
  return p.lo! + p.height! / (1 + Math.exp(-p.steepness! * (x - p.mid!)));
}
