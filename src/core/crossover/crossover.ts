import type { Curve, CurvePoint, ScalingFit } from '../types.js';
import { bestFit, fitForms, predict } from '../fit/index.js';
import { fitAffine } from '../fit/affine.js';
import { makeRng, type Rng } from '../random/rng.js';
import { deriveSeed } from '../random/derive-seed.js';
import { signChanges, type CrossDirection } from './roots.js';

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
 */

export type CrossoverOutcome = 'crosses' | 'never_crosses' | 'crosses_multiple' | 'too_few_points';

export interface CrossingInterval {
  /** Params at the lower end, or null when the interval reaches below the smallest model. */
  readonly low: number | null;
  /** Params at the upper end, or null when it reaches past the largest model. */
  readonly high: number | null;
}

export interface Crossing {
  /** Params where the fitted difference changes sign. */
  readonly params: number;
  readonly direction: CrossDirection;
  readonly interval: CrossingInterval;
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
  return analyse(sa, sb, a.higherIsBetter, resample, 'point_errors', { a: na.sources, b: nb.sources }, opts);
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
  return analyse(sa, sb, a.higherIsBetter, resample, 'items', { a: ['items'], b: ['items'] }, opts);
}

/** Each point's standard error and where it came from (see the file's comment). */
function pointNoise(points: readonly CurvePoint[], s: Series): { sd: Float64Array; sources: NoiseSource[] } {
  const sd = new Float64Array(points.length);
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
      used.add('residual');
    }
  }
  return { sd, sources: [...used] };
}

const GRID_PLOT = 80;

function analyse(
  sa: Series,
  sb: Series,
  higherIsBetter: boolean,
  resample: Resampler,
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
  const observed = matchPoints(sa, sb, orient);
  const trend = trendOf(observed);
  const bootstrap = { resamples: B, level, seed, over, noise, outcomes: { none: 0, once: 0, multiple: 0 } };
  const empty = (fitA: ScalingFit | null, fitB: ScalingFit | null): CrossoverResult => ({
    outcome: 'too_few_points', crossings: [], ahead: null, range: [10 ** lo, 10 ** hi], fitA, fitB, observed, trend, fitted: [], bootstrap: { ...bootstrap, resamples: 0 },
  });
  if (sa.x.length < minPoints || sb.x.length < minPoints || !(hi > lo)) return empty(null, null);
  const fitA = fitVariant(sa.x, sa.y);
  const fitB = fitVariant(sb.x, sb.y);
  if (fitA === null || fitB === null) return empty(fitA, fitB);
  const tol = 1e-9 * Math.max(scaleOf(sa.y), scaleOf(sb.y));
  const scan = signChanges((x) => orient * (predict(fitB, x) - predict(fitA, x)), lo, hi, tol);
  const fitted = Array.from({ length: GRID_PLOT }, (_, i) => {
    const x = lo + ((hi - lo) * i) / (GRID_PLOT - 1);
    return { params: 10 ** x, diff: orient * (predict(fitB, x) - predict(fitA, x)) };
  });

  // The bootstrap: per crossing, the statistic of each resample (±Infinity when censored).
  const stats = scan.roots.map(() => new Float64Array(B));
  const support = scan.roots.map(() => 0);
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
    const s = signChanges(d, lo, hi, tol);
    if (s.roots.length === 0) none++;
    else if (s.roots.length === 1) once++;
    else multiple++;
    for (let j = 0; j < scan.roots.length; j++) {
      const est = scan.roots[j]!;
      let best = NaN;
      for (const root of s.roots) if (root.direction === est.direction && !(Math.abs(root.x - est.x) >= Math.abs(best - est.x))) best = root.x;
      if (!Number.isNaN(best)) {
        support[j]!++;
        stats[j]![r] = best;
      } else {
        // Not crossing this way in this resample: B already ahead at the estimate means the crossing
        // B overtakes A by lies below the range (and above it for the other direction).
        const bAhead = d(est.x) > 0;
        stats[j]![r] = (est.direction === 'b_overtakes_a') === bAhead ? -Infinity : Infinity;
      }
    }
  }
  const alpha = (1 - level) / 2;
  const crossings: Crossing[] = scan.roots.map((root, j) => {
    const sorted = stats[j]!.sort();
    const qlo = B > 0 ? quantileWithInfinities(sorted, alpha) : NaN;
    const qhi = B > 0 ? quantileWithInfinities(sorted, 1 - alpha) : NaN;
    return {
      params: 10 ** root.x,
      direction: root.direction,
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

function matchPoints(sa: Series, sb: Series, orient: number): DifferencePoint[] {
  const out: DifferencePoint[] = [];
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
    out.push({ model: sa.models[i]!, params: sa.params[i]!, a: sa.y[i]!, b: sb.y[j]!, diff: orient * (sb.y[j]! - sa.y[i]!) });
  }
  return out;
}

function trendOf(observed: readonly DifferencePoint[]): CrossoverResult['trend'] {
  if (observed.length < 2) return null;
  const f = fitAffine(observed.map((o) => Math.log10(o.params)), observed.map((o) => o.diff));
  return { slopePerDecade: f.a, slopeSe: f.aSe };
}
