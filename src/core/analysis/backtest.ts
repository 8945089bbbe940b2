import type { BacktestStep, CurvePoint, ForecastInterval, ScalingFit } from '../types.js';
import { fitConstant, fitLinear, fitPower, predict, type Bounds } from '../fit/index.js';
import { fitAffine } from '../fit/affine.js';
import { forecastNoise, intervalsOf, type ForecastNoise } from '../fit/prediction-interval.js';
import { powerAt, powerGrid, type PowerGrid } from '../fit/power.js';
import { makeFit } from '../fit/goodness.js';
import { chiSquareSurvival } from '../stats/special.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

/**
 * "Would the small models have predicted the big ones?"
 * For k = 3 … n-1: forecast the next model and the largest from the k smallest alone (what a
 * forecaster could have done then), each with a prediction interval. The forecasting law:
 *
 * 1. No change when the error bars show no trend: with reported errors on every fitted point, the
 *    χ² of the values against their inverse-variance weighted mean (the verdict's trend test) at
 *    p >= trendAlpha means no trend has been seen, and the forecast is the largest fitted model's
 *    value, with the interval of one measurement against another (σ·√2). Not seeing a trend is
 *    not evidence of none: a test on 3–6 points has little power, and against the trend it misses
 *    the mean so far is biased by slope·(x* − x̄) where the last value is biased by slope·(x* − x_k).
 *    So the forecast departs from the naive "no change" only on evidence of a trend (a pre-test
 *    estimator). On the validation sets it beat forecasting the mean (docs/forecasts.md).
 * 2. Otherwise the log-linear law or the saturating power law y = c + a·(N/N0)^b (b < 0, c inside
 *    the metric's bounds), whichever would have forecast the larger of the fitted models best from
 *    the smaller ones: a rolling-origin ("leave-future-out") comparison, fitting on the first
 *    j = 3 … k−1 points and scoring the squared errors on points j … k−1. It asks the question a
 *    forecast is for, extrapolation, where AICc asks how well each form fits in sample: on 5–8
 *    points AICc charges the power law 10 more than the line and picks the line for most rising
 *    curves, which then overshoots the saturation every bounded metric has.
 * 3. A multiple-choice accuracy is never forecast below chance (`floor`, from core/analysis/chance):
 *    the expected score of a model that only guesses is 1/k, and a larger model of the family is not
 *    expected to do worse than guessing. Below-chance points are noise about chance, and a line or a
 *    mean through them would forecast that noise. It holds also for tasks scored below guessing
 *    by an answer bias (lm-eval's WSC, where one label everywhere scores 0.365 of 2 choices):
 *    dropping the floor when the fitted points are significantly below chance did worse on the
 *    validation sets. The interval moves with its forecast (it is the spread of one measurement
 *    about the expected score), so it may still reach below chance.
 *
 * The logistic is never forecast from: its midpoint and upper level are not identified by points
 * before its bend (letting it compete made the worst miss 58–73 points on the validation sets).
 * docs/forecasts.md has the comparison of rules, made on OPT, BLOOM and ObsScaling curves and on
 * Pythia's k = 5 step, not on the headline figure it reports. Forecasts and their intervals are
 * clipped to the metric's bounds or natural limits.
 */
export const BACKTEST_MIN_TRAIN = 3;
/** Nominal coverage of every forecast interval. */
export const FORECAST_LEVEL = 0.9;

/** p of the χ² test of the points against their weighted mean, or null when some point has no reported error (`stderr` may be longer than y). */
export function flatnessP(y: ArrayLike<number>, stderr: ArrayLike<number> | null): number | null {
  const n = y.length;
  if (stderr === null || n < 2) return null;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    const se = stderr[i]!;
    if (!(se > 0) || !Number.isFinite(se)) return null;
    sw += 1 / (se * se);
    swy += y[i]! / (se * se);
  }
  const m = swy / sw;
  let chi2 = 0;
  for (let i = 0; i < n; i++) chi2 += ((y[i]! - m) / stderr[i]!) ** 2;
  return chiSquareSurvival(chi2, n - 1);
}

export interface ForecastChoice {
  /** The law forecast from; for 'no_change', the constant through the largest fitted model alone. */
  readonly fit: ScalingFit;
  /** 'no_change' when the fitted points showed no trend, else 'law' (the line or the power law). */
  readonly rule: 'no_change' | 'law';
  /** p of the flatness test on the fitted points (null without reported errors). */
  readonly trendP: number | null;
}

const FIRST_ORIGIN = 3;

/**
 * What the back-test reads of one law's fits on the first j points: the fit itself (the chosen
 * law of a step) and its forecasts of the later points, clipped like a forecast (a step's
 * log-linear forecasts, and each rolling origin's errors).
 */
interface PrefixLaw {
  fit(j: number): ScalingFit;
  /** clip(predict(fit(j), x[t]), bounds), t >= j. */
  forecast(j: number, t: number): number;
}

/**
 * The line's prefix fits kept as their forecasts alone, every prefix from BACKTEST_MIN_TRAIN on
 * (each step reads its own): row j of one n×n table holds the first j points' forecasts of points
 * j … n−1. An audit keeps every curve's steps, and seven fit objects a curve (each a record of
 * boxed numbers) were a fifth of what it kept; a step's chosen line is refitted when read (a
 * closed form, the same fit). The forecasts are predictLinear's sum on fitAffine's coefficients.
 */
class LineForecasts implements PrefixLaw {
  private readonly table: Float64Array;

  /** `table`: n·n entries to fill. */
  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly yScale: number,
    bounds: Bounds,
    table: Float64Array = new Float64Array(x.length * x.length),
  ) {
    const n = x.length;
    this.table = table;
    for (let j = Math.min(BACKTEST_MIN_TRAIN, FIRST_ORIGIN); j < n; j++) {
      const f = fitAffine(x.subarray(0, j), y.subarray(0, j));
      for (let t = j; t < n; t++) this.table[j * n + t] = clip(f.c + f.a * x[t]!, bounds);
    }
  }
  fit(j: number): ScalingFit { return fitLinear(this.x.subarray(0, j), this.y.subarray(0, j), this.yScale); }
  forecast(j: number, t: number): number { return this.table[j * this.x.length + t]!; }
}

/**
 * The power law's prefix fits, each made when first read (a fit is a grid and a Brent search; each
 * step's rolling origin reuses the smaller steps'), and kept as what makes it: its parameters and
 * RSS, unboxed in `kept` (6 entries a prefix: made?, c, a, b, x0, rss). A fit read again is rebuilt
 * from them by makeFit, the fields fitPower's own makeFit call gives; as objects (a record of boxed
 * numbers each) the fits an audit kept were a fifth of its heap.
 */
const POWER_KEPT = 6;
class PowerFits implements PrefixLaw {
  private grid: PowerGrid | null;

  /** `kept`: POWER_KEPT·n zeros. */
  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly yScale: number,
    private readonly bounds: Bounds,
    sharedGrid: PowerGrid | null,
    private readonly kept: Float64Array = new Float64Array(POWER_KEPT * x.length),
  ) {
    this.grid = sharedGrid;
  }
  /** Makes the fit on the first j points and keeps it, unless it is kept: the fit made, or null. */
  private make(j: number): ScalingFit | null {
    const at = POWER_KEPT * j;
    const k = this.kept;
    if (k[at] === 1) return null;
    // The grid is built when a power fit is first made, unless the caller's full-curve fit already built it.
    const f = fitPower(this.x.subarray(0, j), this.y.subarray(0, j), this.yScale, this.bounds, (this.grid ??= powerGrid(this.x)));
    k[at] = 1;
    k[at + 1] = f.params.c!;
    k[at + 2] = f.params.a!;
    k[at + 3] = f.params.b!;
    k[at + 4] = f.params.x0!;
    k[at + 5] = f.rss;
    return f;
  }
  fit(j: number): ScalingFit {
    const fresh = this.make(j);
    if (fresh !== null) return fresh;
    const k = this.kept;
    const at = POWER_KEPT * j;
    return makeFit('power', { c: k[at + 1]!, a: k[at + 2]!, b: k[at + 3]!, x0: k[at + 4]! }, this.y.subarray(0, j), 3, k[at + 5]!, this.yScale);
  }
  forecast(j: number, t: number): number {
    this.make(j);
    const k = this.kept;
    const at = POWER_KEPT * j;
    return clip(powerAt(k[at + 1]!, k[at + 2]!, k[at + 3]!, k[at + 4]!, this.x[t]!), this.bounds);
  }
}

/**
 * Mean squared error of the law forecasting points j … k−1 from points 0 … j−1, over j = FIRST_ORIGIN … k−1
 * (clipped like a forecast). `stopAt`: a mean the caller only compares this one against; once the error
 * terms so far already reach it (each is >= 0, and rounded sums and quotients of such terms never
 * fall), the remaining origins cannot bring the mean under it, so their fits are not made and that
 * lower bound is returned instead.
 */
function rollingOriginError(law: PrefixLaw, y: Float64Array, k: number, stopAt = Infinity): number {
  let count = 0;
  for (let j = FIRST_ORIGIN; j < k; j++) count += k - j;
  if (count === 0) return NaN;
  let sum = 0;
  for (let j = FIRST_ORIGIN; j < k; j++) {
    for (let t = j; t < k; t++) sum += (law.forecast(j, t) - y[t]!) ** 2;
    if (sum / count >= stopAt) return sum / count;
  }
  return sum / count;
}

function choose(
  x: Float64Array,
  y: Float64Array,
  k: number,
  yScale: number,
  line: PrefixLaw,
  power: PrefixLaw,
  stderr: ArrayLike<number> | null,
  trendAlpha: number,
): ForecastChoice {
  const trendP = flatnessP(y.subarray(0, k), stderr); // reads the first k errors
  if (trendP !== null && trendP >= trendAlpha) return { fit: fitConstant(x.subarray(k - 1, k), y.subarray(k - 1, k), yScale), rule: 'no_change', trendP };
  // Ties go to the line, the simpler law. The line's error first: its fits are cheap, and it tells the
  // power law's when to stop (a NaN line error is never beaten, so then no power fit is needed at all).
  if (k > FIRST_ORIGIN) {
    const lineError = rollingOriginError(line, y, k);
    if (lineError === lineError && rollingOriginError(power, y, k, lineError) < lineError) return { fit: power.fit(k), rule: 'law', trendP };
  }
  return { fit: line.fit(k), rule: 'law', trendP };
}

/** The forecasting law for points x, y (see the rule above). `stderr`: reported errors, NaN where unknown. */
export function chooseForecast(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  yScale: number,
  bounds: Bounds = null,
  stderr: ArrayLike<number> | null = null,
  trendAlpha = DEFAULT_THRESHOLDS.trendAlpha,
): ForecastChoice {
  const n = x.length;
  if (n < 2) throw new RangeError(`chooseForecast needs >= 2 points, got ${n}`);
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  return choose(xs, ys, n, yScale, new LineForecasts(xs, ys, yScale, bounds), new PowerFits(xs, ys, yScale, bounds, null), stderr, trendAlpha);
}

/** The fit a forecast from these points uses. */
export function fitForForecast(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  yScale: number,
  bounds: Bounds = null,
  stderr: ArrayLike<number> | null = null,
): ScalingFit {
  return chooseForecast(x, y, yScale, bounds, stderr).fit;
}

/**
 * Each point's reported standard error, by the evidence `reportedNoise` uses (stderr, the seed
 * spread, a reported interval, the binomial error of a proportion over n examples), NaN when
 * there is none. A proportion is never known better than its binomial error (p̃ = (k + ½)/(n + 1)).
 */
export function reportedErrors(points: readonly CurvePoint[], proportion: boolean): Float64Array {
  // A plain loop: Float64Array.from with a mapper iterates generically, on every curve of an audit.
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    let se = NaN;
    if (p.stderr !== null && Number.isFinite(p.stderr)) se = p.stderr;
    else if (p.seedSd !== null && p.seeds > 1) se = p.seedSd / Math.sqrt(p.seeds);
    else if (p.low !== null && p.high !== null) se = (p.high - p.low) / (2 * 1.96);
    if (proportion && p.n !== null && p.n > 0) {
      const pt = (p.value * p.n + 0.5) / (p.n + 1);
      const bin = Math.sqrt((pt * (1 - pt)) / p.n);
      se = Number.isNaN(se) ? bin : Math.max(se, bin);
    }
    out[i] = se;
  }
  return out;
}

function prefix(v: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) out[i] = v[i]!;
  return out;
}

/** What every step of one back-test reads: the curve, its bounds and errors, and the prefix fits of both laws. */
interface BacktestData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Params of the curve's models (a step reports the largest it trained on). */
  readonly params: Float64Array;
  readonly bounds: Bounds;
  readonly yScale: number;
  readonly stderr: ArrayLike<number> | null;
  /** Chance level of the task (multiple-choice accuracy), or null: the floor of its forecasts. */
  readonly chance: number | null;
  readonly line: LineForecasts;
  readonly power: PowerFits;
}

/**
 * Back-test step k. A verdict reads only the log-linear forecast of the next model; the chosen
 * law (power fits on every prefix) and above all its intervals (the power law's profile) cost
 * most of a back-test, so they are computed when first read (a report, the scoreboard's headline
 * step) and kept, the same values an eager computation gives. They are getters on the class, so a
 * step is one small object (an audit keeps every curve's steps): the values read from the curve
 * and the line's forecasts are getters too (as fields each was a boxed number), and the interval
 * function is made for each of the two intervals rather than kept (keeping it kept the power law's
 * profile and the prefix views of every curve whose headline law is the power law). `toJSON` writes
 * every field, and a copy must be made with `stepFields`, not a spread.
 */
class LazyStep implements BacktestStep {
  private chosen: ForecastChoice | null = null;
  private noise: ForecastNoise | null = null;
  private next: ForecastInterval | null = null;
  private largest: ForecastInterval | null = null;

  constructor(
    private readonly d: BacktestData,
    readonly k: number,
  ) {}

  get trainedUpTo(): number { return this.d.params[this.k - 1]!; }
  get nextActual(): number { return this.d.y[this.k]!; }
  get trendNextPredicted(): number { return this.d.line.forecast(this.k, this.k); }
  get largestActual(): number { return this.d.y[this.d.y.length - 1]!; }
  get baselines(): { readonly noChange: number; readonly logLinear: number } {
    return { noChange: this.d.y[this.k - 1]!, logLinear: this.d.line.forecast(this.k, this.d.x.length - 1) };
  }

  private choice(): ForecastChoice {
    const { x, y, yScale, stderr, line, power } = this.d;
    return (this.chosen ??= choose(x, y, this.k, yScale, line, power, stderr === null ? null : prefix(stderr, this.k), DEFAULT_THRESHOLDS.trendAlpha));
  }
  get fit(): ScalingFit { return this.choice().fit; }
  get form(): BacktestStep['form'] { return this.choice().fit.form; }
  get rule(): BacktestStep['rule'] { return this.choice().rule; }
  get trendP(): number | null { return this.choice().trendP; }
  get floor(): number | null { return this.d.chance; }
  /** How far the chance floor lifts the law's forecast at x* (0 when the law is at or above it). */
  private lift(xStar: number): number {
    const raw = clip(predict(this.fit, xStar), this.d.bounds);
    const floor = this.floor;
    return floor !== null && raw < floor ? floor - raw : 0;
  }
  get nextPredicted(): number { return this.forecastAt(this.d.x[this.k]!); }
  get largestPredicted(): number { return this.forecastAt(this.d.x[this.d.x.length - 1]!); }
  private forecastAt(xStar: number): number {
    return clip(predict(this.fit, xStar), this.d.bounds) + this.lift(xStar);
  }
  /** The law's interval at x*, moved with the forecast when the floor lifts it. */
  private intervalFor(xStar: number): ForecastInterval {
    const iv = this.intervals()(xStar);
    const up = this.lift(xStar);
    return up === 0 ? iv : { low: clip(iv.low + up, this.d.bounds), high: clip(iv.high + up, this.d.bounds), level: iv.level };
  }
  get largestAbsError(): number { return Math.abs(this.largestPredicted - this.largestActual); }

  /** σ of one measurement, shared by the two intervals. */
  private spread(): ForecastNoise {
    if (this.noise !== null) return this.noise;
    const { x, y, yScale, stderr } = this.d;
    const k = this.k;
    // σ of one measurement from the reported errors needs every fitted point's.
    let reportedVariance: number | null = 0;
    for (let i = 0; i < k && reportedVariance !== null; i++) {
      const se = stderr === null ? NaN : stderr[i]!;
      reportedVariance = se > 0 && Number.isFinite(se) ? reportedVariance + se ** 2 / k : null;
    }
    // With no change, σ from the k points' scatter about their mean (or their reported errors).
    const from = this.rule === 'no_change' ? fitConstant(x.subarray(0, k), y.subarray(0, k), yScale) : this.fit;
    return (this.noise = forecastNoise(from, reportedVariance, FORECAST_LEVEL));
  }
  /** The law's interval function (each interval its own root search). */
  private intervals(): (xStar: number) => ForecastInterval {
    const { x, y, bounds, yScale } = this.d;
    const k = this.k;
    const noise = this.spread();
    // With no change the forecast is one of the fitted points, so its interval is that of one
    // measurement against another: leverage 1, σ·√2.
    return this.rule === 'no_change'
      ? intervalsOf(this.fit, x.subarray(k - 1, k), y.subarray(k - 1, k), bounds, yScale, noise, FORECAST_LEVEL)
      : intervalsOf(this.fit, x.subarray(0, k), y.subarray(0, k), bounds, yScale, noise, FORECAST_LEVEL);
  }
  get sigma(): number { return this.spread().sigma; }
  get sigmaFrom(): BacktestStep['sigmaFrom'] { return this.spread().from; }
  get nextInterval(): ForecastInterval {
    return (this.next ??= this.intervalFor(this.d.x[this.k]!));
  }
  get largestInterval(): ForecastInterval {
    const last = this.d.x.length - 1;
    if (this.k === last) return this.nextInterval;
    return (this.largest ??= this.intervalFor(this.d.x[last]!));
  }

  toJSON(): BacktestStep {
    return stepFields(this);
  }
}

/** A plain copy of a step with every field (a spread of a back-test's steps would miss the computed ones). */
export function stepFields(s: BacktestStep): BacktestStep {
  return {
    k: s.k,
    trainedUpTo: s.trainedUpTo,
    form: s.form,
    rule: s.rule,
    trendP: s.trendP,
    floor: s.floor,
    nextPredicted: s.nextPredicted,
    nextInterval: s.nextInterval,
    nextActual: s.nextActual,
    trendNextPredicted: s.trendNextPredicted,
    largestPredicted: s.largestPredicted,
    largestInterval: s.largestInterval,
    largestActual: s.largestActual,
    largestAbsError: s.largestAbsError,
    sigma: s.sigma,
    sigmaFrom: s.sigmaFrom,
    baselines: s.baselines,
    fit: s.fit,
  };
}

function clip(v: number, bounds: Bounds): number {
  return bounds === null ? v : Math.min(bounds[1], Math.max(bounds[0], v));
}

/**
 * `bounds`: the metric's scale or natural limits (either end may be infinite): they hold the power
 * law's asymptote and clip every forecast and interval. `stderr`: each point's reported error
 * (NaN where unknown; reportedErrors builds it), or null. `chance`: the chance level of a
 * multiple-choice accuracy (core/analysis/chance), below which no forecast goes, or null.
 * `sharedGrid`: powerGrid(x) if the caller has it (a grid that does not hold a prefix is not used).
 */
export function backtest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  params: ArrayLike<number>,
  bounds: Bounds,
  yScale: number,
  stderr: ArrayLike<number> | null = null,
  chance: number | null = null,
  sharedGrid: PowerGrid | null = null,
): BacktestStep[] {
  const n = x.length;
  const steps: BacktestStep[] = [];
  // The back-test's own copies of x, y and params and the line's table, kept with its steps: one
  // buffer (each Float64Array over 8 values has its own off-heap buffer, costly to make and to sweep).
  const buf = new ArrayBuffer(8 * (3 * n + n * n + POWER_KEPT * n));
  const xAll = new Float64Array(buf, 0, n);
  const yAll = new Float64Array(buf, 8 * n, n);
  const paramsAll = new Float64Array(buf, 16 * n, n);
  for (let i = 0; i < n; i++) {
    xAll[i] = x[i]!;
    yAll[i] = y[i]!;
    paramsAll[i] = params[i]!;
  }
  const line = new LineForecasts(xAll, yAll, yScale, bounds, new Float64Array(buf, 24 * n, n * n));
  // Only the chosen law reads the power fits (when a step's forecast is read): the grid is built then,
  // unless the caller's full-curve fit already built it (`sharedGrid`, powerGrid of these x).
  const power = new PowerFits(xAll, yAll, yScale, bounds, sharedGrid, new Float64Array(buf, 8 * (3 * n + n * n), POWER_KEPT * n));
  const data: BacktestData = { x: xAll, y: yAll, params: paramsAll, bounds, yScale, stderr, chance, line, power };
  for (let k = BACKTEST_MIN_TRAIN; k <= n - 1; k++) steps.push(new LazyStep(data, k));
  return steps;
}
