import type { ScalingFit } from '../types.js';
import { asymptoteRssFromSums, fitAsymptoteBounded } from './bounded-affine.js';
import { makeFit } from './goodness.js';
import { brentMinimize } from './minimize.js';
import { expRows } from './exp-rows.js';
import { scratchArrays } from '../scratch.js';

/**
 * Saturating power law in params: y = c + a·(N/N0)^b with b < 0, N0 the smallest model (the form
 * of Kaplan et al. 2020 and Hoffmann et al. 2022 with an irreducible term c). With x = log10 N:
 * (N/N0)^b = 10^(b·(x − x0)). A negative exponent makes it what its name says: monotone in N, and
 * approaching the asymptote c as N → ∞. When the metric has bounds, c must lie inside them, so a
 * forecast never passes the best (or worst) value the metric can take. (A positive exponent would
 * be exponential growth in log N: it once forecast an MMLU subject's accuracy of 1.0 from a
 * noisy climb of 0.19 → 0.31.) For a fixed b the model is affine in (c, a), so b is found by a
 * grid over log|b| and Brent's method, and (c, a) in closed form under the bound on c.
 * Params: c, a, b, x0.
 */
export const B_MIN = -3;
/** Closest to zero the exponent may come: beyond it the law is a straight line with c far away. */
export const B_MAX = -0.01;
const GRID = 31;

/** out_i = 10^(b·(x_i − x0)) = exp(b·d_i) with d_i = ln10·(x_i − x0) precomputed (exp is much cheaper than pow). */
function basis(d: Float64Array, b: number, out: Float64Array): Float64Array {
  for (let i = 0; i < d.length; i++) out[i] = Math.exp(b * d[i]!);
  return out;
}

/** g, d and yc of fitPower by number of points (fitPower is synchronous and keeps none of them). */
const FIT_SCRATCH = scratchArrays(3);

const T_LO = Math.log(-B_MAX);
const T_STEP = (Math.log(-B_MIN) - T_LO) / (GRID - 1);

/**
 * The exponent grid's basis 10^(b·(x_i − x0)) for every grid exponent and point of a curve, x0 its
 * smallest x. A back-test fits the power law to each prefix of one curve (its steps and their
 * rolling origins); with x sorted every prefix has the same x0, so a prefix's grid is the first
 * entries of each row, and the grid's exponentials (most of a fit's cost) are taken once per curve.
 * The entries are the expressions a fit without the table evaluates, so the fits are bit for bit
 * the same.
 */
export interface PowerGrid {
  readonly x: Float64Array;
  readonly x0: number;
  readonly basis: Float64Array;
}

/** The grid's exponents b, the rates of its basis rows exp(b·d) by d = ln10·(x − x0), remembered across the curves of an audit (exp-rows.ts). */
const GRID_ROWS = expRows(Float64Array.from({ length: GRID }, (_, k) => -Math.exp(T_LO + k * T_STEP)));

/**
 * The grids of the last few distinct x, newest last: an audit's curves come family by family, each
 * on the same models, and its stability check drops a model or two of a curve at a time. A grid is
 * never written after it is built, so one can serve every curve on the same points.
 */
const RECENT_GRIDS: PowerGrid[] = [];
const RECENT_MAX = 16;

function sameX(grid: PowerGrid, x: ArrayLike<number>): boolean {
  const gx = grid.x;
  if (gx.length !== x.length) return false;
  for (let i = 0; i < gx.length; i++) if (gx[i] !== x[i]) return false;
  return true;
}

/** The grid of x (read-only: it may be shared with other curves on the same points). */
export function powerGrid(x: ArrayLike<number>): PowerGrid {
  for (let r = RECENT_GRIDS.length - 1; r >= 0; r--) if (sameX(RECENT_GRIDS[r]!, x)) return RECENT_GRIDS[r]!;
  const grid = buildPowerGrid(x);
  if (RECENT_GRIDS.length >= RECENT_MAX) RECENT_GRIDS.shift();
  RECENT_GRIDS.push(grid);
  return grid;
}

function buildPowerGrid(x: ArrayLike<number>): PowerGrid {
  const n = x.length;
  let x0 = Infinity;
  for (let i = 0; i < n; i++) x0 = Math.min(x0, x[i]!);
  const basis = new Float64Array(GRID * n);
  for (let i = 0; i < n; i++) {
    const row = GRID_ROWS.row(Math.LN10 * (x[i]! - x0));
    for (let k = 0; k < GRID; k++) basis[k * n + i] = row[k]!;
  }
  return { x: Float64Array.from(x), x0, basis };
}

/** Whether `grid` holds the basis of x: x is a prefix of the grid's points with the same smallest x. */
function gridHolds(grid: PowerGrid, x: ArrayLike<number>, x0: number): boolean {
  if (grid.x0 !== x0 || x.length > grid.x.length) return false;
  for (let i = 0; i < x.length; i++) if (grid.x[i] !== x[i]) return false;
  return true;
}

/**
 * `bounds`: the metric's scale (or natural limits; either end may be infinite), which holds the asymptote c.
 * `grid`: the basis of a curve x is a prefix of (powerGrid), or null; one that does not hold x is not used.
 */
export function fitPower(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  yScale: number,
  bounds: readonly [number, number] | null = null,
  grid: PowerGrid | null = null,
): ScalingFit {
  const n = x.length;
  if (n < 3) throw new RangeError(`fitPower needs >= 3 points, got ${n}`);
  const lo = bounds?.[0] ?? -Infinity;
  const hi = bounds?.[1] ?? Infinity;
  let x0 = Infinity;
  for (let i = 0; i < n; i++) x0 = Math.min(x0, x[i]!);
  const [g, d, yc] = FIT_SCRATCH(n) as [Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < n; i++) d[i] = Math.LN10 * (x[i]! - x0);
  // Searched in t = ln(−b): exponents from −0.01 to −3 span 2.5 orders of magnitude.
  const tLo = Math.log(-B_MAX);
  const tHi = Math.log(-B_MIN);
  // y centred once; each evaluation forms the basis and its sums in one pass (asymptoteFromSums's sums, in fitAsymptoteBounded's order).
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i]!;
  my /= n;
  let syy = 0, sy = 0;
  for (let i = 0; i < n; i++) {
    yc[i] = y[i]! - my;
    syy += yc[i]! * yc[i]!;
    sy += yc[i]!;
  }
  const lc = lo - my;
  const hc = hi - my;
  const rssAt = (t: number): number => {
    const b = -Math.exp(t);
    let sg = 0, sgg = 0, sgy = 0;
    for (let i = 0; i < n; i++) {
      const gi = Math.exp(b * d[i]!);
      sg += gi; sgg += gi * gi; sgy += gi * yc[i]!;
    }
    return asymptoteRssFromSums(n, sg, sgg, sy, sgy, syy, lc, hc);
  };
  let bestT = tLo;
  let bestRss = Infinity;
  const step = (tHi - tLo) / (GRID - 1);
  const table = grid !== null && gridHolds(grid, x, x0) ? grid : null;
  const stride = table?.x.length ?? 0;
  for (let i = 0; i < GRID; i++) {
    const t = tLo + i * step;
    let r: number;
    if (table === null) r = rssAt(t);
    else {
      // rssAt(t) with the exponentials read from the table.
      const row = i * stride;
      let sg = 0, sgg = 0, sgy = 0;
      for (let j = 0; j < n; j++) {
        const gj = table.basis[row + j]!;
        sg += gj; sgg += gj * gj; sgy += gj * yc[j]!;
      }
      r = asymptoteRssFromSums(n, sg, sgg, sy, sgy, syy, lc, hc);
    }
    if (r < bestRss) {
      bestRss = r;
      bestT = t;
    }
  }
  // Refined inside the grid cells around the best point; 1e-7 in t is 1e-7 relative in b.
  const refined = brentMinimize(rssAt, Math.max(tLo, bestT - step), Math.min(tHi, bestT + step), 1e-7);
  const tFinal = refined.fx <= bestRss ? refined.x : bestT;
  const b = -Math.exp(tFinal);
  basis(d, b, g);
  const f = fitAsymptoteBounded(g, y, lo, hi);
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i]! - f.p - f.q * g[i]!) ** 2;
  return makeFit('power', { c: f.p, a: f.q, b, x0 }, y, 3, rss, yScale);
}

export function predictPower(p: Readonly<Record<string, number>>, x: number): number {
  return powerAt(p.c!, p.a!, p.b!, p.x0!, x);
}

/** The law at x from its four parameters (for callers that keep them unboxed). */
export function powerAt(c: number, a: number, b: number, x0: number, x: number): number {
  return c + a * Math.pow(10, b * (x - x0));
}
