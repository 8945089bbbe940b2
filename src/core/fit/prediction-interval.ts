import type { ForecastInterval, ScalingFit } from '../types.js';
import { normalQuantile } from '../stats/normal.js';
import { studentTwoSidedQuantile } from '../stats/student-quantile.js';
import { FORMS, predict, type Bounds } from './index.js';
import { asymptoteRssFromSums } from './bounded-affine.js';
import { B_MAX, B_MIN } from './power.js';
import { expRows } from './exp-rows.js';

/**
 * How far a forecast may be off: a prediction interval for the value a new, larger model will be
 * measured at, by profile likelihood (Kalbfleisch 1971; the "predictive profile" of Mathiasen
 * 1979). The unseen measurement v is treated as one more point at x*, with the same noise as
 * the others; v is inside the interval when refitting the form with (x*, v) added raises the RSS
 * by at most q·σ²:
 *
 *   D(v) = min over the form's parameters of [RSS(θ) + (v − f(x*; θ))²] − RSS_min ≤ q·σ².
 *
 * For the constant and the straight line this is exactly the textbook interval
 * ŷ ± √q·σ·√(1 + h), h the leverage of x* (Draper & Smith §1.4); for the power law and the
 * logistic it follows the curvature and the bounds of the form (an interval can be one-sided
 * against an asymptote), where a Wald interval would be symmetric by fiat. It is chosen over a
 * bootstrap because back-tests fit six or so points: a resample of six points with replacement
 * has four or fewer distinct models 2/3 of the time, too few for a 3- or 4-parameter form, and
 * the refits would cost a hundredfold more on every curve of every audit.
 *
 * σ: the points' reported standard errors when they are known (a point cannot be known better
 * than its sampling error), raised to the residual scatter RSS/(n − k) when the curve scatters
 * more than its error bars; q = z² when the reported errors are used, t²(n − k) when σ is the
 * residual estimate. What this does not cover — the uncertainty of which form was chosen, and
 * a law that holds on the small models but bends beyond them — is why the interval's coverage is
 * measured on the back-tests (docs/forecasts.md) rather than assumed.
 */
export interface ForecastNoise {
  /** σ of one measurement, in the metric's units (Infinity when nothing can estimate it). */
  readonly sigma: number;
  readonly from: 'reported' | 'residual' | 'none';
  /** √q: the half-width of the interval in σ when the form is a constant fitted to many points. */
  readonly multiplier: number;
}

/** σ and its multiplier for a fit; `reportedVariance`: the mean squared reported standard error of the fitted points, or null. */
export function forecastNoise(fit: ScalingFit, reportedVariance: number | null, level: number): ForecastNoise {
  const dof = fit.n - fit.k;
  const residual = dof > 0 ? fit.rss / dof : NaN;
  const reported = reportedVariance !== null && reportedVariance > 0 ? reportedVariance : null;
  if (reported !== null && !(residual > reported)) {
    return { sigma: Math.sqrt(reported), from: 'reported', multiplier: normalQuantile((1 + level) / 2) };
  }
  if (dof > 0) return { sigma: Math.sqrt(residual), from: 'residual', multiplier: studentTwoSidedQuantile(level, dof) };
  return { sigma: Infinity, from: 'none', multiplier: Infinity };
}

const clip = (v: number, b: Bounds): number => (b === null ? v : Math.min(b[1], Math.max(b[0], v)));

/** Leverage of x* for the form's closed-form cases (constant, line), or null for the nonlinear forms. */
function closedFormLeverage(fit: ScalingFit, x: ArrayLike<number>, xStar: number): number | null {
  const n = x.length;
  if (fit.form === 'constant') return 1 / n;
  if (fit.form !== 'linear') return null;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (x[i]! - m) ** 2;
  return sxx > 0 ? 1 / n + (xStar - m) ** 2 / sxx : Infinity;
}

/** The exponent grid of the power law's profile, in t = ln(−b); 241 points, 0.024 apart. */
const PROFILE_GRID = 241;

/**
 * Smallest value of r over the grid, refined by the parabola through the smallest and its two
 * neighbours (the grid is even in t).
 */
function gridMin(r: Float64Array): number {
  let i = 0;
  for (let j = 1; j < r.length; j++) if (r[j]! < r[i]!) i = j;
  if (i === 0 || i === r.length - 1) return r[i]!;
  const a = r[i - 1]!, b = r[i]!, c = r[i + 1]!;
  const curvature = a - 2 * b + c;
  return curvature > 0 ? Math.max(b - (a - c) ** 2 / (8 * curvature), 0) : b;
}

/** Each profile exponent's rate in the basis exp(rate·(x − x0)) = 10^(b·(x − x0)): rate = b·ln 10, as the sums have always been formed. */
const PROFILE_RATES = ((): Float64Array => {
  const rates = new Float64Array(PROFILE_GRID);
  const tLo = Math.log(-B_MAX);
  const tHi = Math.log(-B_MIN);
  for (let j = 0; j < PROFILE_GRID; j++) rates[j] = -Math.exp(tLo + ((tHi - tLo) * j) / (PROFILE_GRID - 1)) * Math.LN10;
  return rates;
})();
/** The profile's basis rows by distance from the smallest model: one audit's curves share their models. */
const PROFILE_ROWS = expRows(PROFILE_RATES);

/**
 * D(v) for the saturating power law without refitting: for each exponent on a fine grid, the sums
 * over the fitted points are computed once per fit, and adding the point (x*, v) updates them in
 * O(1); the minimum over the grid (refined by a parabola) is compared with the same minimum without
 * the point, so the two approximations cancel. It makes an interval ~100× cheaper than refits.
 * The grid's arrays are one module-wide scratch set, claimed by the profile being read: an audit
 * builds a profile per curve, and fresh arrays for each were most of its garbage. Everything here
 * is synchronous, and a profile whose grid was taken by another refills it when read again.
 * The sums with the new point that do not depend on v (Σg, Σg², and the variance of g) are taken
 * once per x*, so a root search's evaluations only add the terms in v.
 */
const scratch = {
  sg: new Float64Array(PROFILE_GRID),
  sgg: new Float64Array(PROFILE_GRID),
  sgy: new Float64Array(PROFILE_GRID),
  r: new Float64Array(PROFILE_GRID),
  /** The basis at gsAt. */
  gs: new Float64Array(PROFILE_GRID),
  rows: [] as Float64Array[],
  /** With the point at gsAt added: Σg, Σg² and Σg² − (Σg)²/(n + 1), for asymptoteRssWithPoint. */
  sgAt: new Float64Array(PROFILE_GRID),
  sggAt: new Float64Array(PROFILE_GRID),
  vggAt: new Float64Array(PROFILE_GRID),
  owner: null as PowerProfile | null,
  gsAt: NaN,
};

/**
 * asymptoteRssFromSums(n, sg, sgg, sy, sgy, syy, l, h) with vgg = sgg − sg²/n and a = syy − sy²/n
 * given: the same operations in the same order on the same values, so bit for bit its RSS
 * (bounded-affine.ts; prediction-interval.test.ts checks every branch against it).
 */
export function asymptoteRssWithPoint(n: number, sg: number, sgg: number, vgg: number, sy: number, syIn: number, sgy: number, syy: number, a0: number, l: number, h: number): number {
  if (vgg > 1e-300 * n) {
    const vgy = sgy - (sg * sy) / n;
    const a = vgy / vgg;
    const c = syIn - (a * sg) / n;
    if (c >= l && c <= h) return Math.max(a0 - (vgy * vgy) / vgg, 0);
    const cb = c < l ? l : c > h ? h : c;
    const ab = sgg > 0 ? (sgy - cb * sg) / sgg : 0;
    return Math.max(syy - 2 * cb * sy + n * cb * cb - 2 * ab * (sgy - cb * sg) + ab * ab * sgg, 0);
  }
  const cb = syIn < l ? l : syIn > h ? h : syIn;
  return Math.max(syy - 2 * cb * sy + n * cb * cb, 0);
}

class PowerProfile {
  private readonly n: number;
  private readonly my: number;
  private readonly yc: Float64Array;
  private readonly sy: number;
  private readonly syy: number;
  private readonly l: number;
  private readonly h: number;
  private readonly x0: number;
  private readonly rssMin: number;

  constructor(
    fit: ScalingFit,
    private readonly x: ArrayLike<number>,
    y: ArrayLike<number>,
    bounds: Bounds,
  ) {
    const n = x.length;
    this.n = n;
    this.x0 = fit.params.x0!;
    let my = 0;
    for (let i = 0; i < n; i++) my += y[i]!;
    my /= n;
    this.yc = new Float64Array(n);
    let sy = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      this.yc[i] = y[i]! - my;
      sy += this.yc[i]!;
      syy += this.yc[i]! ** 2;
    }
    this.my = my;
    this.sy = sy;
    this.syy = syy;
    this.l = (bounds?.[0] ?? -Infinity) - my;
    this.h = (bounds?.[1] ?? Infinity) - my;
    this.fill();
    this.rssMin = gridMin(scratch.r);
  }

  /** Puts this profile's sums on the shared grid (r: the RSS at each exponent without the new point). */
  private fill(): void {
    scratch.owner = this;
    scratch.gsAt = NaN;
    const { n, x, x0, yc, sy, syy, l, h } = this;
    const { sg, sgg, sgy, r, rows } = scratch;
    const reuses = PROFILE_ROWS.reuses;
    for (let i = 0; i < n; i++) rows[i] = PROFILE_ROWS.row(x[i]! - x0);
    if (PROFILE_ROWS.reuses === reuses) {
      // No slot changed hands while the rows were gathered, so all n are valid: each exponent's sums in registers.
      for (let j = 0; j < PROFILE_GRID; j++) {
        let a1 = 0, a2 = 0, a3 = 0;
        for (let i = 0; i < n; i++) {
          const g = rows[i]![j]!;
          a1 += g;
          a2 += g * g;
          a3 += g * yc[i]!;
        }
        sg[j] = a1;
        sgg[j] = a2;
        sgy[j] = a3;
      }
    } else {
      // A row gathered early may have been replaced by a later one: point by point instead (each row used
      // before the next is asked for), each exponent's sums still adding the points in order.
      sg.fill(0);
      sgg.fill(0);
      sgy.fill(0);
      for (let i = 0; i < n; i++) {
        const row = PROFILE_ROWS.row(x[i]! - x0);
        const yi = yc[i]!;
        for (let j = 0; j < PROFILE_GRID; j++) {
          const g = row[j]!;
          sg[j]! += g;
          sgg[j]! += g * g;
          sgy[j]! += g * yi;
        }
      }
    }
    for (let j = 0; j < PROFILE_GRID; j++) r[j] = asymptoteRssFromSums(n, sg[j]!, sgg[j]!, sy, sgy[j]!, syy, l, h);
  }

  /** D(·) at x*. */
  at(xStar: number): (v: number) => number {
    const { n, sy, syy, l, h } = this;
    const n1 = n + 1;
    return (v: number): number => {
      if (scratch.owner !== this) this.fill();
      const { sg, sgg, sgy, r, gs, sgAt, sggAt, vggAt } = scratch;
      if (scratch.gsAt !== xStar) {
        scratch.gsAt = xStar;
        gs.set(PROFILE_ROWS.row(xStar - this.x0));
        for (let j = 0; j < PROFILE_GRID; j++) {
          const g = gs[j]!;
          const s1 = sg[j]! + g;
          const s2 = sgg[j]! + g * g;
          sgAt[j] = s1;
          sggAt[j] = s2;
          vggAt[j] = s2 - (s1 * s1) / n1;
        }
      }
      const w = v - this.my;
      const syW = sy + w;
      const syyW = syy + w * w;
      const syIn = syW / n1;
      const a0 = syyW - (syW * syW) / n1;
      // r is overwritten with the RSS with the point: rssMin, the minimum without it, was taken at construction.
      for (let j = 0; j < PROFILE_GRID; j++) {
        r[j] = asymptoteRssWithPoint(n1, sgAt[j]!, sggAt[j]!, vggAt[j]!, syW, syIn, sgy[j]! + gs[j]! * w, syyW, a0, l, h);
      }
      return gridMin(r) - this.rssMin;
    };
  }
}

/**
 * The prediction interval at xStar for `fit` (fitted to x, y under `bounds`), clipped to the bounds.
 * For the power law D(v) comes from precomputed sums (powerExcess); for the logistic each
 * evaluation is one refit on n + 1 points. Each end is a root
 * of √D(v) − √q·σ, which is close to linear in v (D is close to quadratic), so regula falsi
 * (Illinois variant) from the straight line's interval finds it in a few refits.
 */
export function predictionInterval(
  fit: ScalingFit,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xStar: number,
  bounds: Bounds,
  yScale: number,
  noise: ForecastNoise,
  level: number,
): ForecastInterval {
  return predictionIntervals(fit, x, y, [xStar], bounds, yScale, noise, level)[0]!;
}

/** The same at several x* from one fit: the power law's profile sums are shared. */
export function predictionIntervals(
  fit: ScalingFit,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xStars: readonly number[],
  bounds: Bounds,
  yScale: number,
  noise: ForecastNoise,
  level: number,
): ForecastInterval[] {
  return xStars.map(intervalsOf(fit, x, y, bounds, yScale, noise, level));
}

/** The interval at any x* from one fit, the power law's profile built on the first call and shared by the rest. */
export function intervalsOf(
  fit: ScalingFit,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  bounds: Bounds,
  yScale: number,
  noise: ForecastNoise,
  level: number,
): (xStar: number) => ForecastInterval {
  const profiled = fit.form === 'power' && Number.isFinite(noise.sigma) && noise.sigma > 0;
  let profile: PowerProfile | null = null;
  return (xStar) => intervalAt(fit, x, y, xStar, bounds, yScale, noise, level, profiled ? (profile ??= new PowerProfile(fit, x, y, bounds)) : null);
}

function intervalAt(
  fit: ScalingFit,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xStar: number,
  bounds: Bounds,
  yScale: number,
  noise: ForecastNoise,
  level: number,
  profile: PowerProfile | null,
): ForecastInterval {
  const lo = bounds?.[0] ?? -Infinity;
  const hi = bounds?.[1] ?? Infinity;
  const centre = predict(fit, xStar);
  if (!Number.isFinite(noise.sigma) || !Number.isFinite(noise.multiplier)) return { low: lo, high: hi, level };
  const half = noise.multiplier * noise.sigma;
  const h = closedFormLeverage(fit, x, xStar);
  if (h !== null) {
    const w = half * Math.sqrt(1 + h);
    return { low: clip(centre - w, bounds), high: clip(centre + w, bounds), level };
  }
  if (!(half > 0)) return { low: clip(centre, bounds), high: clip(centre, bounds), level };
  let excess: (v: number) => number;
  if (profile !== null) excess = profile.at(xStar);
  else {
    const n = x.length;
    const xa = new Float64Array(n + 1);
    const ya = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      xa[i] = x[i]!;
      ya[i] = y[i]!;
    }
    xa[n] = xStar;
    const def = FORMS[fit.form];
    excess = (v: number): number => {
      ya[n] = v;
      return def.fit(xa, ya, yScale, bounds).rss - fit.rss;
    };
  }
  const f = (v: number): number => Math.sqrt(Math.max(excess(v), 0)) - half;
  const first = half * Math.sqrt(1 + (closedFormLeverage({ ...fit, form: 'linear' }, x, xStar) ?? 1));
  const tol = 1e-3 * noise.sigma;
  const start = clip(centre, bounds);
  const end = (dir: 1 | -1): number => {
    const limit = dir > 0 ? hi : lo;
    const beyond = (v: number): boolean => (dir > 0 ? v >= limit : v <= limit);
    // Bracket: a inside (f < 0), b outside (f >= 0), widening from the line's interval.
    let a = start;
    let fa = -half;
    let b = start + dir * first;
    let fb = NaN;
    for (let i = 0; i < 60; i++) {
      if (beyond(b)) {
        b = limit;
        fb = f(b);
        if (fb < 0) return limit;
        break;
      }
      fb = f(b);
      if (fb >= 0) break;
      a = b;
      fa = fb;
      b = start + 2 * (b - start);
    }
    if (!(fb >= 0)) return limit;
    let side = 0;
    for (let i = 0; i < 40 && Math.abs(b - a) > tol; i++) {
      const c = b - (fb * (b - a)) / (fb - fa);
      const fc = f(c);
      if (Math.abs(fc) <= 1e-3 * half) return c;
      if (fc < 0) {
        a = c;
        fa = fc;
        if (side === -1) fb /= 2;
        side = -1;
      } else {
        b = c;
        fb = fc;
        if (side === 1) fa /= 2;
        side = 1;
      }
    }
    return (a + b) / 2;
  };
  return { low: end(-1), high: end(1), level };
}
