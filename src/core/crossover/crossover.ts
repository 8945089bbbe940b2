import type { Curve, CurvePoint, ScalingFit } from '../types.js';
import { bestFit, fitForms, predict } from '../fit/index.js';
import { fitAffine } from '../fit/affine.js';
import { makeRng, type Rng } from '../random/rng.js';
import { deriveSeed } from '../random/derive-seed.js';
import { normalQuantile } from '../stats/normal.js';
import type { CrossDirection } from './roots.js';
import { judgeByFit, judgeCrossings, type CrossingKind, type JudgedCrossing, type JudgedPoint } from './judge.js';

/**
 * Where one variant of a family overtakes another on the same task (chain of thought vs direct
 * answers, instruction-tuned vs base, few-shot vs zero-shot, with vs without self-consistency):
 * each variant's scaling curve is fitted with the AICc-best form of the verdict's own forms
 * (linear, saturating power, sigmoid in log10 params), the difference d(x) = B(x) − A(x) is
 * oriented so that positive means B is better, and its sign changes over the scale range both
 * variants cover are the crossovers. Seed 001 (Fu et al., "A Closer Look at Large Language Models'
 * Emergent Abilities") puts CoT's crossover over direct answering near 62B.
 *
 * Uncertainty: a seeded bootstrap that refits both curves (form choice included) on every
 * resample. Over test items when per-item scores exist (items resampled jointly for every model of
 * both variants when they share one test set, so the pairing is kept), else over the points'
 * errors: the reported stderr, the seed spread, the binomial error from n, or failing all of them
 * the residual scatter of the variant's fit. Each crossing's interval is the percentile interval
 * of the same-direction crossing nearest the estimate; a resample in which it does not occur is
 * censored to the side the resample says it lies on (B already ahead: below the range), so an
 * interval can be open-ended ("below the smallest model").
 *
 * Ties: where the fitted difference is within z·se of zero (se the observed difference's standard
 * error at the shared models, interpolated in log params; z the interval's own level), the curves
 * are tied, not crossing. Two curves both at their floor (3 of 258 items against 1 of 258) differ by
 * noise, and a sign change of their fits there is not a crossing. When the range starts tied and one
 * variant then leads to the end, the answer is an onset: the size where its lead leaves the band.
 */

export type CrossoverOutcome = 'crosses' | 'never_crosses' | 'crosses_multiple' | 'too_few_points';

export interface CrossingInterval {
  /** Params at the lower end, or null when the interval reaches below the smallest model. */
  readonly low: number | null;
  /** Params at the upper end, or null when it reaches past the largest model. */
  readonly high: number | null;
}

export type { CrossingKind } from './judge.js';

export interface Crossing {
  /** Params where the fitted difference changes sign (a sign change) or leaves the tie band (an onset). */
  readonly params: number;
  readonly direction: CrossDirection;
  /** sign_change: one variant leads, then the other; onset: tied (within noise) below, then one leads. */
  readonly kind: CrossingKind;
  readonly interval: CrossingInterval;
  /**
   * The two shared models it lies between (params): what the ladder resolves by itself. The
   * interval is the fitted forms' between those rungs, so it can be narrower than this.
   */
  readonly between: readonly [number, number];
  /** Share of resamples that have a crossing in this direction inside the range. */
  readonly support: number;
}

export interface DifferencePoint {
  readonly model: string;
  readonly params: number;
  readonly a: number;
  readonly b: number;
  /** Oriented: b − a when higher is better, a − b otherwise. */
  readonly diff: number;
}

export type NoiseSource = 'items' | 'stderr' | 'seeds' | 'binomial' | 'residual';

export interface CrossoverResult {
  readonly outcome: CrossoverOutcome;
  readonly crossings: readonly Crossing[];
  /** When it never crosses: which variant is ahead over the whole range (null when they tie). */
  readonly ahead: 'a' | 'b' | null;
  /** The scale range both variants cover (params), where crossings are looked for. */
  readonly range: readonly [number, number];
  readonly fitA: ScalingFit | null;
  readonly fitB: ScalingFit | null;
  /** Observed differences at the models both variants share. */
  readonly observed: readonly DifferencePoint[];
  /**
   * The observed difference against scale as a line in log10 params: how much B's advantage grows
   * per decade (the self-consistency gain against size), with its standard error; null under 2 shared models.
   */
  readonly trend: { readonly slopePerDecade: number; readonly slopeSe: number } | null;
  /** The fitted difference on a grid over the range, for plots. */
  readonly fitted: readonly { readonly params: number; readonly diff: number }[];
  /** The tie band: |difference| within halfWidth (z · its standard error) at each shared model is a tie. */
  readonly tie: { readonly z: number; readonly band: readonly { readonly params: number; readonly halfWidth: number }[] };
  readonly bootstrap: {
    readonly resamples: number;
    readonly level: number;
    readonly seed: number;
    readonly over: 'items' | 'point_errors';
    /** How each variant's noise was set: one entry per distinct source used. */
    readonly noise: { readonly a: readonly NoiseSource[]; readonly b: readonly NoiseSource[] };
    /** Share of resamples with no crossing, exactly one, and more than one. */
    readonly outcomes: { readonly none: number; readonly once: number; readonly multiple: number };
  };
}

export interface CrossoverOptions {
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Nominal level of each crossing's interval (default 0.9). */
  readonly level?: number;
  readonly seed?: number;
  /** Names this comparison's random stream under `seed` (deriveSeed(seed, 'crossover', streamLabel)). */
  readonly streamLabel?: string;
  /** Fewest points per variant (default 3, the fewest a fitted form with a residual needs). */
  readonly minPoints?: number;
}

/** One variant as per-item scores: the mean over items is the point's value. */
export interface ItemPoint {
  readonly model: string;
  readonly params: number;
  /** Score of each test item; index i is the same item at every point when all have the same length. */
  readonly scores: ArrayLike<number>;
}
export interface ItemVariant {
  readonly higherIsBetter: boolean;
  readonly points: readonly ItemPoint[];
}

/** The standard error of the observed difference between point i of A and point j of B. */
type PairSe = (i: number, j: number) => number;

interface Series {
  readonly models: readonly string[];
  readonly params: readonly number[];
  readonly x: Float64Array;
  readonly y: Float64Array;
}

/** Fills (yA, yB) with one bootstrap replicate. */
type Resampler = (rng: Rng, yA: Float64Array, yB: Float64Array) => void;

const scaleOf = (y: ArrayLike<number>): number => {
  let lo = Infinity;
  let hi = -Infinity;
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
    m = Math.max(m, Math.abs(y[i]!));
  }
  return hi - lo > 0 ? hi - lo : m > 0 ? m : 1;
};

/** The AICc-best form, as the verdict chooses it. */
export function fitVariant(x: ArrayLike<number>, y: ArrayLike<number>): ScalingFit | null {
  return x.length >= 3 ? bestFit(fitForms(x, y, scaleOf(y))) : null;
}

function seriesOf(points: readonly { model: string; params: number }[], values: ArrayLike<number>): Series {
  const order = points.map((_, i) => i).sort((i, j) => points[i]!.params - points[j]!.params);
  return {
    models: order.map((i) => points[i]!.model),
    params: order.map((i) => points[i]!.params),
    x: Float64Array.from(order, (i) => Math.log10(points[i]!.params)),
    y: Float64Array.from(order, (i) => values[i]!),
  };
}

function checkPoints(points: readonly { model: string; params: number }[], which: string): void {
  for (const p of points) {
    if (!(p.params > 0) || !Number.isFinite(p.params)) throw new RangeError(`crossover: variant ${which}, ${p.model}: params must be a positive number, got ${p.params}`);
  }
}

/** The crossover of two curves from their points and reported errors. */
export function crossoverOfCurves(a: Curve, b: Curve, opts: CrossoverOptions = {}): CrossoverResult {
  if (a.higherIsBetter !== b.higherIsBetter) throw new RangeError('crossover: the two variants disagree on whether higher is better');
  checkPoints(a.points, 'a');
  checkPoints(b.points, 'b');
  const sa = seriesOf(a.points, a.points.map((p) => p.value));
  const sb = seriesOf(b.points, b.points.map((p) => p.value));
  const ptsA = [...a.points].sort((p, q) => p.params - q.params);
  const ptsB = [...b.points].sort((p, q) => p.params - q.params);
  const na = pointNoise(ptsA, sa);
  const nb = pointNoise(ptsB, sb);
  const resample: Resampler = (rng, yA, yB) => {
    for (let i = 0; i < yA.length; i++) yA[i] = sa.y[i]! + na.sd[i]! * rng.normal();
    for (let i = 0; i < yB.length; i++) yB[i] = sb.y[i]! + nb.sd[i]! * rng.normal();
  };
  // A fit's residual scatter measures its form's misfit as much as noise: no tie band from it (a
  // 4-point line through a curved trend would tie leads of 0.06); `--items N` gives a measured one.
  const pairSe: PairSe = (i, j) => (na.measured[i]! && nb.measured[j]! ? Math.hypot(na.sd[i]!, nb.sd[j]!) : 0);
  return analyse(sa, sb, a.higherIsBetter, resample, pairSe, 'point_errors', { a: na.sources, b: nb.sources }, opts);
}

/** The crossover from per-item scores: the bootstrap resamples test items. */
export function crossoverOfSamples(a: ItemVariant, b: ItemVariant, opts: CrossoverOptions = {}): CrossoverResult {
  if (a.higherIsBetter !== b.higherIsBetter) throw new RangeError('crossover: the two variants disagree on whether higher is better');
  checkPoints(a.points, 'a');
  checkPoints(b.points, 'b');
  for (const [which, v] of [['a', a], ['b', b]] as const) {
    for (const p of v.points) if (p.scores.length === 0) throw new RangeError(`crossover: variant ${which}, ${p.model}: no item scores`);
  }
  const meanOf = (s: ArrayLike<number>): number => {
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i]!;
    return t / s.length;
  };
  const sa = seriesOf(a.points, a.points.map((p) => meanOf(p.scores)));
  const sb = seriesOf(b.points, b.points.map((p) => meanOf(p.scores)));
  const scoresA = [...a.points].sort((p, q) => p.params - q.params).map((p) => p.scores);
  const scoresB = [...b.points].sort((p, q) => p.params - q.params).map((p) => p.scores);
  const all = [...scoresA, ...scoresB];
  const m = all[0]!.length;
  // One test set (every point scored the same items): resample item indices once for all points,
  // keeping each item's correlation across models and variants. Otherwise each point on its own.
  const shared = all.every((s) => s.length === m);
  const idx = new Int32Array(m);
  const fill = (rng: Rng, sets: readonly ArrayLike<number>[], out: Float64Array): void => {
    for (let i = 0; i < sets.length; i++) {
      const s = sets[i]!;
      let t = 0;
      if (shared) for (let j = 0; j < m; j++) t += s[idx[j]!]!;
      else for (let j = 0; j < s.length; j++) t += s[Math.floor(rng.next() * s.length)]!;
      out[i] = t / s.length;
    }
  };
  const resample: Resampler = (rng, yA, yB) => {
    if (shared) for (let j = 0; j < m; j++) idx[j] = Math.floor(rng.next() * m);
    fill(rng, scoresA, yA);
    fill(rng, scoresB, yB);
  };
  const pairSe: PairSe = (i, j) => itemDiffSe(scoresA[i]!, scoresB[j]!, shared);
  return analyse(sa, sb, a.higherIsBetter, resample, pairSe, 'items', { a: ['items'], b: ['items'] }, opts);
}

/**
 * The standard error of mean(B) − mean(A) over items: paired when both scored the same items, else
 * independent. Floored at half an item on each side (√2 · 0.5/m), as pointNoise floors a 0/n point,
 * so two curves both at 0 of m still have a band.
 */
export function itemDiffSe(a: ArrayLike<number>, b: ArrayLike<number>, paired: boolean): number {
  const m = Math.min(a.length, b.length);
  const floor = (Math.SQRT2 * 0.5) / m;
  const varOf = (get: (k: number) => number, n: number): number => {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += get(k);
    mean /= n;
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (get(k) - mean) ** 2;
    return n > 1 ? ss / (n - 1) : 0;
  };
  const se = paired && a.length === b.length
    ? Math.sqrt(varOf((k) => b[k]! - a[k]!, m) / m)
    : Math.sqrt(varOf((k) => a[k]!, a.length) / a.length + varOf((k) => b[k]!, b.length) / b.length);
  return Math.max(se, floor);
}

/** Each point's standard error and where it came from (see the file's comment). */
function pointNoise(points: readonly CurvePoint[], s: Series): { sd: Float64Array; measured: Uint8Array; sources: NoiseSource[] } {
  const sd = new Float64Array(points.length);
  const measured = new Uint8Array(points.length).fill(1);
  const used = new Set<NoiseSource>();
  let residual: number | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.stderr !== null && Number.isFinite(p.stderr) && p.stderr >= 0) {
      sd[i] = p.stderr;
      used.add('stderr');
    } else if (p.seedSd !== null && p.seeds > 1) {
      sd[i] = p.seedSd / Math.sqrt(p.seeds);
      used.add('seeds');
    } else if (p.n !== null && p.n > 0 && p.value >= 0 && p.value <= 1) {
      sd[i] = Math.sqrt(Math.max(p.value * (1 - p.value), 0.25 / p.n) / p.n); // floored so a 0/n point still moves
      used.add('binomial');
    } else {
      if (residual === null) {
        const f = fitVariant(s.x, s.y);
        residual = f === null ? 0 : Math.sqrt(f.rss / Math.max(f.n - f.k, 1));
      }
      sd[i] = residual;
      measured[i] = 0;
      used.add('residual');
    }
  }
  return { sd, measured, sources: [...used] };
}

const GRID_PLOT = 80;

function analyse(
  sa: Series,
  sb: Series,
  higherIsBetter: boolean,
  resample: Resampler,
  pairSe: PairSe,
  over: 'items' | 'point_errors',
  noise: { a: readonly NoiseSource[]; b: readonly NoiseSource[] },
  opts: CrossoverOptions,
): CrossoverResult {
  const B = opts.resamples ?? 1000;
  const level = opts.level ?? 0.9;
  const seed = opts.seed ?? 0;
  const minPoints = Math.max(3, opts.minPoints ?? 3);
  if (!(level > 0 && level < 1)) throw new RangeError(`crossover: level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(B) || B < 0) throw new RangeError(`crossover: resamples must be a whole number >= 0, got ${B}`);
  const orient = higherIsBetter ? 1 : -1;
  const lo = Math.max(sa.x[0] ?? Infinity, sb.x[0] ?? Infinity);
  const hi = Math.min(sa.x[sa.x.length - 1] ?? -Infinity, sb.x[sb.x.length - 1] ?? -Infinity);
  const matched = matchPoints(sa, sb, orient);
  const observed = matched.map((m) => m.point);
  const trend = trendOf(observed);
  const z = normalQuantile(0.5 + level / 2);
  const bandAt = matched.map((m) => ({ x: Math.log10(m.point.params), halfWidth: z * pairSe(m.i, m.j) }));
  const tie = { z, band: bandAt.map((b) => ({ params: 10 ** b.x, halfWidth: b.halfWidth })) };
  const bootstrap = { resamples: B, level, seed, over, noise, outcomes: { none: 0, once: 0, multiple: 0 } };
  const empty = (fitA: ScalingFit | null, fitB: ScalingFit | null): CrossoverResult => ({
    outcome: 'too_few_points', crossings: [], ahead: null, range: [10 ** lo, 10 ** hi], fitA, fitB, observed, trend, fitted: [], tie, bootstrap: { ...bootstrap, resamples: 0 },
  });
  if (sa.x.length < minPoints || sb.x.length < minPoints || !(hi > lo)) return empty(null, null);
  const fitA = fitVariant(sa.x, sa.y);
  const fitB = fitVariant(sb.x, sb.y);
  if (fitA === null || fitB === null) return empty(fitA, fitB);
  const band = (x: number): number => interpolate(bandAt, x);
  const measured = bandAt.some((b) => b.halfWidth > 0);
  const tol = 1e-9 * Math.max(scaleOf(sa.y), scaleOf(sb.y));
  const judge = (fa: ScalingFit, fb: ScalingFit, yA: ArrayLike<number>, yB: ArrayLike<number>) =>
    !measured ? judgeByFit((x) => orient * (predict(fb, x) - predict(fa, x)), lo, hi, tol, bandAt.map((b) => b.x)) : judgeCrossings(
      matched.map((m, k): JudgedPoint => ({ x: bandAt[k]!.x, d: orient * (yB[m.j]! - yA[m.i]!), band: bandAt[k]!.halfWidth })),
      (x) => orient * (predict(fb, x) - predict(fa, x)),
      band,
    );
  const scan = judge(fitA, fitB, sa.y, sb.y);
  const estimates: readonly JudgedCrossing[] = scan.crossings;
  const fitted = Array.from({ length: GRID_PLOT }, (_, i) => {
    const x = lo + ((hi - lo) * i) / (GRID_PLOT - 1);
    return { params: 10 ** x, diff: orient * (predict(fitB, x) - predict(fitA, x)) };
  });

  // The bootstrap: per crossing, the statistic of each resample (±Infinity when censored).
  const stats = estimates.map(() => new Float64Array(B));
  const support = estimates.map(() => 0);
  let none = 0;
  let once = 0;
  let multiple = 0;
  const rng = makeRng(deriveSeed(seed, 'crossover', opts.streamLabel ?? ''));
  const yA = new Float64Array(sa.x.length);
  const yB = new Float64Array(sb.x.length);
  for (let r = 0; r < B; r++) {
    resample(rng, yA, yB);
    const fa = fitVariant(sa.x, yA)!;
    const fb = fitVariant(sb.x, yB)!;
    const d = (x: number): number => orient * (predict(fb, x) - predict(fa, x));
    const s = judge(fa, fb, yA, yB);
    const found = s.crossings;
    if (found.length === 0) none++;
    else if (found.length === 1) once++;
    else multiple++;
    for (let j = 0; j < estimates.length; j++) {
      const est = estimates[j]!;
      let best = NaN;
      for (const root of found) if (root.direction === est.direction && !(Math.abs(root.x - est.x) >= Math.abs(best - est.x))) best = root.x;
      if (!Number.isNaN(best)) {
        support[j]!++;
        stats[j]![r] = best;
      } else if (found.length === 0 && s.sign === 0) {
        // Tied throughout this resample: no one overtakes anyone in range.
        stats[j]![r] = Infinity;
      } else {
        // Not crossing this way in this resample: the overtaker already ahead at the estimate means
        // its crossing lies below the range (and above it when it is behind there).
        const bAhead = d(est.x) > 0;
        stats[j]![r] = (est.direction === 'b_overtakes_a') === bAhead ? -Infinity : Infinity;
      }
    }
  }
  const alpha = (1 - level) / 2;
  const crossings: Crossing[] = estimates.map((root, j) => {
    const sorted = stats[j]!.sort();
    const qlo = B > 0 ? quantileWithInfinities(sorted, alpha) : NaN;
    const qhi = B > 0 ? quantileWithInfinities(sorted, 1 - alpha) : NaN;
    return {
      params: 10 ** root.x,
      direction: root.direction,
      kind: root.kind,
      between: [10 ** root.between[0], 10 ** root.between[1]],
      interval: { low: Number.isFinite(qlo) ? 10 ** qlo : null, high: Number.isFinite(qhi) ? 10 ** qhi : null },
      support: B > 0 ? support[j]! / B : NaN,
    };
  });
  const outcome: CrossoverOutcome = crossings.length === 0 ? 'never_crosses' : crossings.length === 1 ? 'crosses' : 'crosses_multiple';
  return {
    outcome,
    crossings,
    ahead: crossings.length > 0 ? null : scan.sign > 0 ? 'b' : scan.sign < 0 ? 'a' : null,
    range: [10 ** lo, 10 ** hi],
    fitA,
    fitB,
    observed,
    trend,
    fitted,
    tie,
    bootstrap: { ...bootstrap, outcomes: B > 0 ? { none: none / B, once: once / B, multiple: multiple / B } : { none: NaN, once: NaN, multiple: NaN } },
  };
}

/**
 * Type-7 quantile of sorted values that may hold ±Infinity: interpolating towards an infinite
 * neighbour would give NaN or an arbitrary value, so there the nearer order statistic is taken.
 */
export function quantileWithInfinities(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  const i = Math.floor(h);
  const j = Math.min(n - 1, i + 1);
  const a = sorted[i]!;
  const b = sorted[j]!;
  if (Number.isFinite(a) && Number.isFinite(b)) return a + (h - i) * (b - a);
  if (a === b) return a;
  return h - i < 0.5 ? a : b;
}

/**
 * The models both variants have: by name, else by the nearest params within a tenth of a decade
 * among the models whose name the other variant lacks. Two families compared have their own names,
 * and a variant's model can differ a little in size (a scratchpad model's longer position table).
 */
export const MATCH_DECADES = 0.1;

function matchPoints(sa: Series, sb: Series, orient: number): { point: DifferencePoint; i: number; j: number }[] {
  const out: { point: DifferencePoint; i: number; j: number }[] = [];
  const byName = new Map(sb.models.map((m, i) => [m, i]));
  const namesA = new Set(sa.models);
  const usedB = new Set<number>();
  for (let i = 0; i < sa.models.length; i++) {
    let j = byName.get(sa.models[i]!) ?? -1;
    if (j < 0) {
      let best = MATCH_DECADES;
      for (let k = 0; k < sb.x.length; k++) {
        const gap = Math.abs(sb.x[k]! - sa.x[i]!);
        if (!usedB.has(k) && !namesA.has(sb.models[k]!) && gap <= best) {
          best = gap;
          j = k;
        }
      }
    }
    if (j < 0 || usedB.has(j)) continue;
    usedB.add(j);
    out.push({ point: { model: sa.models[i]!, params: sa.params[i]!, a: sa.y[i]!, b: sb.y[j]!, diff: orient * (sb.y[j]! - sa.y[i]!) }, i, j });
  }
  return out;
}

/** Linear in x between the knots (sorted by x), constant beyond them; 0 with none. */
function interpolate(knots: readonly { x: number; halfWidth: number }[], x: number): number {
  if (knots.length === 0) return 0;
  if (x <= knots[0]!.x) return knots[0]!.halfWidth;
  for (let k = 1; k < knots.length; k++) {
    const a = knots[k - 1]!;
    const b = knots[k]!;
    if (x <= b.x) return b.x > a.x ? a.halfWidth + ((x - a.x) / (b.x - a.x)) * (b.halfWidth - a.halfWidth) : b.halfWidth;
  }
  return knots[knots.length - 1]!.halfWidth;
}

function trendOf(observed: readonly DifferencePoint[]): CrossoverResult['trend'] {
  if (observed.length < 2) return null;
  const f = fitAffine(observed.map((o) => Math.log10(o.params)), observed.map((o) => o.diff));
  return { slopePerDecade: f.a, slopeSe: f.aSe };
}
