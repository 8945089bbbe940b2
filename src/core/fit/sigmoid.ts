import type { ScalingFit } from '../types.js';
import { fitTwoLevelsBounded, twoLevelsFromSums, twoLevelsRssFromSums } from './bounded-affine.js';
import { makeFit } from './goodness.js';
import { nelderMead2 } from './minimize.js';
import { scratchArrays } from '../scratch.js';

/**
 * Logistic in log-params: y = lo + height / (1 + exp(-steepness·(x - mid))), x = log10 N.
 * The shape an "emergent" jump takes when it is resolved (a phase change at N = 10^mid).
 * Monotone by construction (steepness > 0), it saturates at both ends; when the metric has
 * bounds, both levels (lo and lo + height) must lie inside them, so the curve can only approach
 * values the metric can take. For fixed (mid, steepness) the model is affine in its two levels,
 * solved in closed form under those bounds (variable projection, Golub & Pereyra 1973): a grid
 * over (mid, steepness), then damped Newton on those two alone (`refine`), with Nelder–Mead from
 * the grid's best as the fallback when it does not converge. Steepness is capped: beyond ~40 per
 * decade the curve is a step between two adjacent models and the data cannot tell it apart.
 * Params: lo, height, mid, steepness (per decade).
 */
const S_MIN = 0.25;
const S_MAX = 40;

/**
 * Scratch of `refine`, grown to the longest curve seen (a fit runs inside every back-test of every
 * curve): each holds a trial point's basis g in [0, n) and its two levels at n, n + 1.
 */
let bufs = [new Float64Array(18), new Float64Array(18), new Float64Array(18)];

/** The projected RSS at (mid, ln s), with the basis and the levels written to out. */
function projected(x: ArrayLike<number>, yc: Float64Array, syy: number, l: number, h: number, mid: number, ls: number, out: Float64Array): number {
  const n = yc.length;
  const s = Math.exp(ls);
  let suu = 0, sug = 0, sgg = 0, suy = 0, sgy = 0;
  for (let i = 0; i < n; i++) {
    const gi = 1 / (1 + Math.exp(-s * (x[i]! - mid)));
    out[i] = gi;
    const ui = 1 - gi;
    const yi = yc[i]!;
    suu += ui * ui; sug += ui * gi; sgg += gi * gi; suy += ui * yi; sgy += gi * yi;
  }
  return twoLevelsFromSums(suu, sug, sgg, suy, sgy, syy, l, h, out, n);
}

interface Refined {
  readonly mid: number;
  readonly ls: number;
  readonly rss: number;
  readonly converged: boolean;
}

/**
 * Newton's method with Levenberg–Marquardt damping over (mid, ln s) on the RSS with the two
 * levels projected out (for fixed mid and s they are the bounded linear least squares of
 * fitTwoLevelsBounded: variable projection). The projected RSS's gradient is Jᵀr with the levels
 * held at their optimum (the envelope theorem; Kaufman 1975), active bounds included; its Hessian is
 * the Schur complement, over the levels that are free, of the full four-parameter Hessian JᵀJ +
 * Σ r·∇²r, from the logistic's analytic first and second derivatives. The second-order term is
 * kept because these are large-residual problems (noisy curves of 5–10 points): Gauss–Newton
 * (JᵀJ alone) converged only linearly on them, by ~10% a step, and stopped unconverged on half the
 * bench's curves. A step is taken only when it lowers the projected RSS itself, so the result is
 * never worse than the start; ln s stays inside its bounds (a step is clipped to them, and at a
 * bound its gradient pushes against it is held). Converged: the gradient is orthogonal to the
 * residuals (MINPACK's gtol, 1e-10; Moré 1978), or the Newton step would lower the RSS by less than
 * 1e-13 of it. Ten refused steps in a row or 40 iterations end it unconverged (the caller falls
 * back to Nelder–Mead). Nelder–Mead took ~60 evaluations a fit; this takes ~5–10.
 */
function refine(x: ArrayLike<number>, yc: Float64Array, syy: number, lb: number, ub: number, mid0: number, ls0: number, lsLo: number, lsHi: number): Refined {
  const n = yc.length;
  if (bufs[0]!.length < n + 2) bufs = [new Float64Array(n + 2), new Float64Array(n + 2), new Float64Array(n + 2)];
  let [g, trial, spare] = bufs as [Float64Array, Float64Array, Float64Array];
  let mid = mid0;
  let ls = ls0;
  let rss = projected(x, yc, syy, lb, ub, mid, ls, g);
  let lambda = 1e-3;
  let probes = 0;
  for (let iter = 0; iter < 40; iter++) {
    // An exact fit to the precision of the RSS from sums (~1e-16 of Σy²) cannot be improved.
    if (rss <= 1e-14 * syy) return { mid, ls, rss, converged: true };
    const s = Math.exp(ls);
    const p = g[n]!;
    const q = g[n + 1]!;
    const h = q - p;
    // J: ∂r/∂(p, q, mid, ln s) = (−u, −g, −h·G1, −h·G2) with u = 1 − g, G1 = ∂g/∂mid, G2 = ∂g/∂ln s.
    let suu = 0, sug = 0, sgg = 0;
    let pm = 0, pl = 0, qm = 0, ql = 0, mm = 0, ml = 0, ll = 0, bm = 0, bl = 0, jm = 0, jl = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i]!;
      const ui = 1 - gi;
      const z = x[i]! - mid;
      const gp = gi * ui;
      const w = 1 - 2 * gi;
      const g1 = -s * gp;
      const g2 = s * z * gp;
      const g11 = s * s * w * gp;
      const g12 = -s * gp - s * s * z * w * gp;
      const g22 = s * z * gp + s * s * z * z * w * gp;
      const r = yc[i]! - p * ui - q * gi;
      suu += ui * ui; sug += ui * gi; sgg += gi * gi;
      pm += h * ui * g1 + r * g1;
      pl += h * ui * g2 + r * g2;
      qm += h * gi * g1 - r * g1;
      ql += h * gi * g2 - r * g2;
      mm += h * h * g1 * g1 - h * r * g11;
      ml += h * h * g1 * g2 - h * r * g12;
      ll += h * h * g2 * g2 - h * r * g22;
      bm -= h * g1 * r;
      bl -= h * g2 * r;
      jm += h * h * g1 * g1;
      jl += h * h * g2 * g2;
    }
    // The Schur complement over the free levels (a level on a bound is not free).
    const pFree = p > lb && p < ub;
    const qFree = q > lb && q < ub;
    if (pFree && qFree) {
      const det = suu * sgg - sug * sug;
      if (det > 0) {
        // [pm pl; qm ql]ᵀ · [suu sug; sug sgg]⁻¹ · [pm pl; qm ql]
        const im = (sgg * pm - sug * qm) / det, iq = (suu * qm - sug * pm) / det;
        const il = (sgg * pl - sug * ql) / det, jq = (suu * ql - sug * pl) / det;
        mm -= pm * im + qm * iq;
        ml -= pl * im + ql * iq;
        ll -= pl * il + ql * jq;
      }
    } else if (pFree && suu > 0) {
      mm -= (pm * pm) / suu; ml -= (pm * pl) / suu; ll -= (pl * pl) / suu;
    } else if (qFree && sgg > 0) {
      mm -= (qm * qm) / sgg; ml -= (qm * ql) / sgg; ll -= (ql * ql) / sgg;
    }
    // At a bound of ln s whose gradient (2·bl) points outward, ln s is held.
    const holdS = (ls <= lsLo && bl > 0) || (ls >= lsHi && bl < 0);
    if (holdS) { ml = 0; ll = 1; bl = 0; jl = 0; }
    const cosM = jm > 0 ? Math.abs(bm) / Math.sqrt(jm * rss) : 0;
    const cosL = jl > 0 ? Math.abs(bl) / Math.sqrt(jl * rss) : 0;
    if (Math.max(cosM, cosL) <= 1e-10) return { mid, ls, rss, converged: true };
    // What the Newton step would gain, bᵀH⁻¹b, when H is positive definite: below 1e-13 of the RSS there is nothing left.
    const detH = mm * ll - ml * ml;
    if (mm > 0 && detH > 0 && (bm * bm * ll - 2 * ml * bm * bl + bl * bl * mm) / detH <= 1e-13 * rss) return { mid, ls, rss, converged: true };
    let stepped = false;
    const dM = Math.abs(mm) + 1e-300;
    const dL = Math.abs(ll) + 1e-300;
    for (let refused = 0; refused < 10; refused++) {
      const d11 = mm + lambda * dM;
      const d22 = ll + lambda * dL;
      const det = d11 * d22 - ml * ml;
      if (!(d11 > 0 && det > 0)) {
        lambda = lambda < 1e-4 ? 1e-4 : lambda * 8;
        continue;
      }
      let dl = holdS ? 0 : (-bl * d11 + bm * ml) / det;
      let dm = (-bm * d22 + bl * ml) / det;
      // A step past a bound of ln s stops on it, and mid takes the model's best step given that change.
      const bound = dl > 0 ? lsHi : lsLo;
      if (Math.abs(dl) >= Math.abs(bound - ls)) {
        dl = bound - ls;
        dm = -(bm + ml * dl) / d11;
      }
      const mNew = mid + dm;
      const lNew = dl === bound - ls ? bound : ls + dl;
      let rNew = Number.isFinite(mNew) && Number.isFinite(lNew) ? projected(x, yc, syy, lb, ub, mNew, lNew, trial) : Infinity;
      let mBest = mNew;
      let lBest = lNew;
      if (rNew < rss && lNew !== bound && probes < 10 && Math.abs(bound - ls) < 0.5) {
        // Towards a bound the RSS flattens (the logistic tends to a step as s grows), and Newton
        // creeps: try the bound itself, mid given the change as above.
        probes++;
        const m2 = mid - (bm + ml * (bound - ls)) / d11;
        const r2 = Number.isFinite(m2) ? projected(x, yc, syy, lb, ub, m2, bound, spare) : Infinity;
        if (r2 < rNew) {
          const t = trial; trial = spare; spare = t;
          rNew = r2;
          mBest = m2;
          lBest = bound;
        }
      }
      if (rNew < rss) {
        // A nearly undamped step that gained < 1e-9 of the RSS (Nelder–Mead's tolerance): the valley
        // is flat (the logistic tending to a step as s grows creeps this way).
        const flat = lambda <= 1e-6 && rss - rNew <= 1e-9 * rss;
        mid = mBest;
        ls = lBest;
        rss = rNew;
        const t = g; g = trial; trial = t;
        lambda = Math.max(lambda / 3, 1e-12);
        if (flat) return { mid, ls, rss, converged: true };
        stepped = true;
        break;
      }
      // Refused: damp harder (from at least 1e-4, so that ten refusals reach a gradient step of any length).
      lambda = lambda < 1e-4 ? 1e-4 : lambda * 8;
    }
    if (!stepped) return { mid, ls, rss, converged: false };
  }
  return { mid, ls, rss, converged: false };
}

function basis(x: ArrayLike<number>, mid: number, s: number, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-s * (x[i]! - mid)));
  return out;
}

/** The starting grid: M mids by S steepnesses. */
const M = 14;
const S = 6;
/** Scratch of the grid scan (fitSigmoid is synchronous and never re-entered). */
let gridEx = new Float64Array(18);
const gridRss = new Float64Array(M * S);

/** The projected RSS at (mid, ln s), computed directly (the grid's fallback and Nelder–Mead's objective). */
function sigmoidRss(x: ArrayLike<number>, yc: Float64Array, syy: number, lc: number, hc: number, mid: number, logS: number): number {
  const n = yc.length;
  const s = Math.exp(logS);
  let suu = 0, sug = 0, sgg = 0, suy = 0, sgy = 0;
  for (let i = 0; i < n; i++) {
    const gi = 1 / (1 + Math.exp(-s * (x[i]! - mid)));
    const ui = 1 - gi;
    const yi = yc[i]!;
    suu += ui * ui; sug += ui * gi; sgg += gi * gi; suy += ui * yi; sgy += gi * yi;
  }
  return twoLevelsRssFromSums(suu, sug, sgg, suy, sgy, syy, lc, hc);
}

/**
 * The parts of the grid scan that depend on x alone: at each grid point, the basis g and 1 − g at
 * every point and the sums Σ(1−g)², Σ(1−g)g, Σg². An audit's curves come family by family on the
 * same models (and its stability check drops a model or two at a time), so a scan on x seen
 * recently reads them and forms only the two sums with y. Kept for the last few distinct x in
 * slots that are reused, oldest first, so an audit whose curves share no models allocates nothing
 * per curve (a scan on new x fills a slot as it goes, with the very operations it always did).
 */
interface ScanSlot {
  x: Float64Array;
  n: number;
  /** g at grid point p (= i·S + j), point t: [p·n + t]; u = 1 − g likewise. */
  g: Float64Array;
  u: Float64Array;
  /** suu, sug, sgg at grid point p: [3p], [3p + 1], [3p + 2]. */
  sums: Float64Array;
}
const SCAN_SLOTS: ScanSlot[] = [];
const SCAN_MAX = 16;
let scanNext = 0;

function scanSlotOf(x: ArrayLike<number>): ScanSlot | null {
  const n = x.length;
  for (const slot of SCAN_SLOTS) {
    if (slot.n !== n) continue;
    let same = true;
    for (let t = 0; t < n && same; t++) same = slot.x[t] === x[t];
    if (same) return slot;
  }
  return null;
}

/** The oldest slot (or a new one while there are fewer than SCAN_MAX), sized for n points and marked as holding x. */
function claimScanSlot(x: ArrayLike<number>): ScanSlot {
  const n = x.length;
  let slot = SCAN_SLOTS[scanNext];
  if (slot === undefined) {
    slot = { x: new Float64Array(n), n, g: new Float64Array(M * S * n), u: new Float64Array(M * S * n), sums: new Float64Array(3 * M * S) };
    SCAN_SLOTS[scanNext] = slot;
  } else if (slot.x.length < n) {
    slot.x = new Float64Array(n);
    slot.g = new Float64Array(M * S * n);
    slot.u = new Float64Array(M * S * n);
  }
  // Not findable while it is filled (n = -1): the scan that fills it is the only reader until then.
  slot.n = -1;
  for (let t = 0; t < n; t++) slot.x[t] = x[t]!;
  scanNext = (scanNext + 1) % SCAN_MAX;
  return slot;
}

/** scanGrid from x's kept scan parts: the same sums with y, the same level solve (its own function, so that the solve inlines). */
function scanGridFromSlot(yc: Float64Array, syy: number, lc: number, hc: number, slot: ScanSlot, grid: Float64Array): void {
  const n = yc.length;
  const { g, u, sums } = slot;
  for (let p = 0; p < M * S; p++) {
    let suy = 0, sgy = 0;
    const o = p * n;
    for (let t = 0; t < n; t++) {
      const yi = yc[t]!;
      suy += u[o + t]! * yi; sgy += g[o + t]! * yi;
    }
    grid[p] = twoLevelsRssFromSums(sums[3 * p]!, sums[3 * p + 1]!, sums[3 * p + 2]!, suy, sgy, syy, lc, hc);
  }
}

/**
 * The projected RSS at every grid point into grid[i·S + j] (mid i, steepness j). Its own function,
 * so that the level solve inlines into its loop (inside fitSigmoid's body the compiler's inlining
 * budget ran out, and each of the 84 calls boxed its arguments and result: most of a fit's garbage).
 * On the grid, exp(−s(x − mid)) = exp(−s(x − xc))·exp(s(mid − xc)), xc the centre of the data:
 * n exponentials per steepness instead of per grid point. Both factors stay far from overflow
 * while s·span ≤ 40·span is; beyond ~12 decades of scale each point is computed directly.
 * `fill`: a slot to write x's scan parts to as they are computed, or null.
 */
function scanGrid(x: ArrayLike<number>, yc: Float64Array, syy: number, lc: number, hc: number, midLo: number, midHi: number, lsLo: number, lsHi: number, xc: number, separable: boolean, ex: Float64Array, grid: Float64Array, fill: ScanSlot | null): void {
  const n = yc.length;
  for (let j = 0; j < S; j++) {
    const ls = lsLo + ((lsHi - lsLo) * j) / (S - 1);
    const sj = Math.exp(ls);
    if (separable) for (let t = 0; t < n; t++) ex[t] = Math.exp(-sj * (x[t]! - xc));
    for (let i = 0; i < M; i++) {
      const mid = midLo + ((midHi - midLo) * i) / (M - 1);
      if (!separable) {
        grid[i * S + j] = sigmoidRss(x, yc, syy, lc, hc, mid, ls);
        continue;
      }
      const em = Math.exp(sj * (mid - xc));
      let suu = 0, sug = 0, sgg = 0, suy = 0, sgy = 0;
      const p = i * S + j;
      for (let t = 0; t < n; t++) {
        const gi = 1 / (1 + ex[t]! * em);
        const ui = 1 - gi;
        const yi = yc[t]!;
        if (fill !== null) {
          fill.g[p * n + t] = gi;
          fill.u[p * n + t] = ui;
        }
        suu += ui * ui; sug += ui * gi; sgg += gi * gi; suy += ui * yi; sgy += gi * yi;
      }
      if (fill !== null) {
        fill.sums[3 * p] = suu;
        fill.sums[3 * p + 1] = sug;
        fill.sums[3 * p + 2] = sgg;
      }
      grid[p] = twoLevelsRssFromSums(suu, sug, sgg, suy, sgy, syy, lc, hc);
    }
  }
  if (fill !== null) fill.n = n;
}

/** g and yc of fitSigmoid by number of points (fitSigmoid is synchronous and keeps neither). */
const FIT_SCRATCH = scratchArrays(2);

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
  const [g, yc] = FIT_SCRATCH(n) as [Float64Array, Float64Array];
  // y centred once; each evaluation forms the basis and its sums in one pass (fitTwoLevelsBounded's sums, in its order).
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i]!;
  my /= n;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    yc[i] = y[i]! - my;
    syy += yc[i]! * yc[i]!;
  }
  const lc = lo - my;
  const hc = hi - my;
  const rssAt = (mid: number, logS: number): number => sigmoidRss(x, yc, syy, lc, hc, mid, logS);

  const lsLo = Math.log(S_MIN);
  const lsHi = Math.log(S_MAX);
  let bestMid = midLo;
  let bestLs = lsLo;
  let best = Infinity;
  const xc = (xMin + xMax) / 2;
  const separable = S_MAX * 1.5 * span < 600;
  if (gridEx.length < n) gridEx = new Float64Array(n);
  // Only the separable scan has x-only parts to keep.
  const slot = separable ? scanSlotOf(x) : null;
  if (slot !== null) scanGridFromSlot(yc, syy, lc, hc, slot, gridRss);
  else scanGrid(x, yc, syy, lc, hc, midLo, midHi, lsLo, lsHi, xc, separable, gridEx, gridRss, separable ? claimScanSlot(x) : null);
  const grid = gridRss;
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
  const refined = refine(x, yc, syy, lc, hc, bestMid, bestLs, lsLo, lsHi);
  if (refined.converged && refined.rss <= best) {
    bestMid = refined.mid;
    bestLs = refined.ls;
  } else {
    // The fallback: Nelder–Mead from the grid's best (the refinement before the Newton one); the better of the two is kept.
    const [m, l] = nelderMead2((m, l) => rssAt(m, clampLs(l)), [bestMid, bestLs], [dm / 2, ds / 2], 100, 1e-9);
    const r = rssAt(m, clampLs(l));
    if (refined.rss <= best && refined.rss <= r) {
      bestMid = refined.mid;
      bestLs = refined.ls;
    } else if (r <= best) {
      bestMid = m;
      bestLs = clampLs(l);
    }
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
