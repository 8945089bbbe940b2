import type { BacktestStep, Curve, EmergenceMeasures, ScalingFit, Verdict, VerdictClass } from '../types.js';
import { bestFit, fitForms, fitQuadratic } from '../fit/index.js';
import { totalSumOfSquares } from '../fit/goodness.js';
import { chiSquareSurvival, fSurvival } from '../stats/special.js';
import { spearman } from '../stats/describe.js';
import { mannKendall } from '../stats/mann-kendall.js';
import { backtest, reportedErrors } from './backtest.js';
import { shapeMeasures } from './measures.js';
import { metricInfo } from './metric-info.js';
import { reportedNoise } from './noise.js';
import { DEFAULT_THRESHOLDS, type VerdictThresholds } from './thresholds.js';

export interface VerdictOptions {
  /** The headline back-test fits all but this many of the largest models. */
  readonly holdout?: number;
  readonly thresholds?: VerdictThresholds;
}

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '-∞' : 'NaN';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
};
const pct = (v: number): string => `${Math.round(v * 100)}%`;

/** p-value of a fit with k parameters against a constant mean (F test, k-1 and n-k dof). */
function trendPValue(fit: ScalingFit, sst: number): number {
  if (sst <= 0) return 1;
  if (fit.rss <= sst * 1e-15) return 0;
  const d1 = fit.k - 1;
  const d2 = fit.n - fit.k;
  if (d2 <= 0) return 1;
  const f = (sst - fit.rss) / d1 / (fit.rss / d2);
  return fSurvival(f, d1, d2);
}

/** Fixed bounds of the metric, kept only when every value lies inside them. */
function boundsFor(curve: Curve): readonly [number, number] | null {
  const b = metricInfo(curve.key.metric)?.bounds ?? null;
  if (b === null) return null;
  return curve.points.every((p) => p.value >= b[0] && p.value <= b[1]) ? b : null;
}

/** Classify one curve: the analysis of DESIGN.md's Verdict noun. Pure. */
export function verdictFor(curve: Curve, options: VerdictOptions = {}): Verdict {
  const t = options.thresholds ?? DEFAULT_THRESHOLDS;
  const holdout = options.holdout ?? 2;
  const pts = curve.points;
  const n = pts.length;
  if (n === 0) throw new RangeError('verdictFor: curve has no points');
  const sign = curve.higherIsBetter ? 1 : -1;
  const params = Float64Array.from(pts, (p) => p.params);
  const x = Float64Array.from(pts, (p) => Math.log10(p.params));
  const y = Float64Array.from(pts, (p) => p.value);
  const yo = Float64Array.from(pts, (p) => sign * p.value);
  const shape = shapeMeasures(yo, x);
  const bounds = boundsFor(curve);
  const width = bounds === null ? null : bounds[1] - bounds[0];
  let maxAbs = 0;
  for (const v of y) maxAbs = Math.max(maxAbs, Math.abs(v));
  const yScale = shape.range > 0 ? shape.range : maxAbs > 0 ? maxAbs : 1;

  const fits = n >= 3 ? fitForms(x, y, yScale, bounds) : [];
  const best = bestFit(fits);
  const sst = totalSumOfSquares(y);
  const rep = reportedNoise(pts, bounds !== null && bounds[0] === 0 && bounds[1] === 1);
  let noise = 0;
  let noiseSource: EmergenceMeasures['noiseSource'] = 'none';
  if (rep !== null) {
    noise = rep.noise;
    noiseSource = rep.source;
  } else if (best !== null && best.n > best.k) {
    noise = Math.sqrt(best.rss / (best.n - best.k));
    noiseSource = 'residual';
  }
  // Trend. With reported errors: χ² of the values against their inverse-variance weighted mean
  // (is the curve consistent with a constant, given its error bars?). Without: two tests,
  // Bonferroni-corrected (×2): Mann–Kendall asks whether the values move with size in any monotone
  // way, a step included; the F test asks whether the form AICc prefers beats a constant. A
  // straight line cannot see a step and AICc cannot pick the sigmoid on few points, hence the rank test.
  // A proportion measured on n examples is never known better than its binomial error; floor each
  // point there (p̃ = (k + ½)/(n + 1), so 0 of n does not claim zero error, the Jeffreys idea).
  const proportion = bounds !== null && bounds[0] === 0 && bounds[1] === 1;
  const pointNoise = pts.map((p) => {
    const se = p.stderr ?? noise;
    if (!proportion || p.n === null || p.n <= 0) return se;
    const pt = (p.value * p.n + 0.5) / (p.n + 1);
    return Math.max(se, Math.sqrt((pt * (1 - pt)) / p.n));
  });
  let trendP: number | null = null;
  let trendBy = 'none';
  if (rep !== null && n >= 2 && pointNoise.every((se) => se > 0)) {
    let sw = 0;
    let swy = 0;
    for (let i = 0; i < n; i++) {
      const w = 1 / pointNoise[i]! ** 2;
      sw += w;
      swy += w * y[i]!;
    }
    const wMean = swy / sw;
    let chi2 = 0;
    for (let i = 0; i < n; i++) chi2 += ((y[i]! - wMean) / pointNoise[i]!) ** 2;
    trendP = chiSquareSurvival(chi2, n - 1);
    trendBy = `χ² = ${fmt(chi2)} on ${n - 1} dof against a constant, using the reported errors`;
  } else if (n >= 3) {
    const mk = mannKendall(y);
    const formP = best !== null && best.n > best.k ? trendPValue(best, sst) : null;
    const tests = formP === null ? [mk.p] : [mk.p, formP];
    trendP = Math.min(1, Math.min(...tests) * tests.length);
    trendBy = formP !== null && formP <= mk.p ? `${best!.form} fit vs constant, Bonferroni` : 'Mann–Kendall, Bonferroni';
  }
  const measures: EmergenceMeasures = {
    breakthroughness: n >= 2 ? shape.breakthroughness : null,
    linearity: n >= 2 ? shape.linearity : null,
    sharpness: shape.sharpness,
    improvement: shape.improvement,
    range: shape.range,
    spearman: n >= 3 ? spearman(x, yo) : null,
    maxDrawdown: shape.maxDrawdown,
    noise,
    noiseSource,
  };

  // Forecasts are clipped to the metric's fixed bounds, or to its natural limits (a log-likelihood ≤ 0).
  const limits = metricInfo(curve.key.metric)?.limits ?? null;
  const steps: BacktestStep[] = n >= 4 ? backtest(x, y, params, bounds ?? limits, yScale, reportedErrors(pts, proportion)) : [];
  const kHead = n - holdout;
  const headline = steps.find((s) => s.k === kHead) ?? null;
  let surprise: number | null = null;
  let surpriseStep: BacktestStep | null = null;
  if (steps.length > 0 && shape.range > 0) {
    for (const s of steps) {
      // Only a miss in the direction of improvement is a surprise: a model doing worse than forecast is not emergence.
      const miss = (sign * (s.nextActual - s.nextPredicted)) / shape.range;
      if (surprise === null || miss > surprise) {
        surprise = miss;
        surpriseStep = s;
      }
    }
  }

  const reasons: string[] = [];
  const done = (verdict: VerdictClass, qualifier: string | null = null): Verdict => ({
    key: curve.key,
    verdict,
    qualifier,
    reasons,
    measures,
    fits,
    bestForm: best?.form ?? null,
    trendP,
    backtest: steps,
    headline,
    surprise,
  });
  const flatQualifier = (): string | null => {
    if (bounds === null || width === null) return null;
    const tol = t.boundsTolerance * width;
    const worst = curve.higherIsBetter ? bounds[0] : bounds[1];
    const bestEnd = curve.higherIsBetter ? bounds[1] : bounds[0];
    if (pts.every((p) => Math.abs(p.value - worst) <= tol)) return 'at floor';
    if (pts.every((p) => Math.abs(p.value - bestEnd) <= tol)) return 'at ceiling';
    return null;
  };
  const noiseKnown = noiseSource === 'stderr' || noiseSource === 'seeds' || noiseSource === 'binomial';
  const diffSe = t.noiseZ * Math.SQRT2 * noise;

  if (n < t.minPoints) {
    reasons.push(`${n} point${n === 1 ? '' : 's'} < ${t.minPoints}: no fit with a residual and no back-test`);
    return done('too_few_points');
  }
  if (shape.range <= 1e-12 * Math.max(maxAbs, 1)) {
    reasons.push(`every model scores ${fmt(y[0]!)}`);
    return done('flat', flatQualifier());
  }

  const quad = fitQuadratic(x, y);
  const quadP = n > 3 ? (quad.rss <= sst * 1e-15 ? 0 : fSurvival((sst - quad.rss) / 2 / (quad.rss / (n - 3)), 2, n - 3)) : 1;
  const interior = quad.vertex !== null && quad.vertex > x[0]! && quad.vertex < x[n - 1]!;
  const bigDrop = shape.maxDrawdown >= t.nonMonotonicDrop * shape.range && (!noiseKnown || shape.maxDrawdown > diffSe);
  // With reported errors a drop is tested directly (more than z·√2 standard errors of a difference);
  // without, the curve must bend significantly: a quadratic in log-params that turns inside the data.
  if (noiseKnown && bigDrop) {
    reasons.push(`falls ${fmt(shape.maxDrawdown)} below its best (${pct(shape.maxDrawdown / shape.range)} of the range; ${fmt(shape.maxDrawdown / (Math.SQRT2 * noise))} standard errors of a difference)`);
    return done('non_monotonic');
  }
  if (!noiseKnown && quadP < t.trendAlpha && interior && bigDrop && (best === null || quad.rss < best.rss)) {
    const turn = Math.pow(10, quad.vertex!);
    reasons.push(
      `turns at ~${fmt(turn)} params (quadratic in log-params, p = ${fmt(quadP)})`,
      `falls ${fmt(shape.maxDrawdown)} below its best (${pct(shape.maxDrawdown / shape.range)} of the range)`,
    );
    return done('non_monotonic');
  }

  const scaleShare = width !== null ? shape.range / width : null;
  const smallRange = noiseKnown
    ? shape.range <= t.flatNoiseRange * noise
    : scaleShare !== null ? scaleShare <= t.flatShareOfScale : shape.range <= t.flatShareOfMax * maxAbs;
  const smallRangeText = noiseKnown
    ? `range ${fmt(shape.range)} is ${fmt(shape.range / noise)}× the reported standard error ${fmt(noise)}`
    : scaleShare !== null
      ? `range ${fmt(shape.range)} is ${pct(scaleShare)} of the metric's scale [${bounds![0]}, ${bounds![1]}]`
      : `range ${fmt(shape.range)} is ${pct(shape.range / maxAbs)} of the largest value`;
  if (trendP === null || trendP >= t.trendAlpha) {
    reasons.push(`no trend (${trendBy}: p = ${fmt(trendP ?? 1)})`);
    if (smallRange) {
      reasons.push(smallRangeText);
      return done('flat', flatQualifier());
    }
    reasons.push(`${smallRangeText}: too large to call flat`);
    if (!noiseKnown) reasons.push(`with ${n} points and no reported errors the shape cannot be told from noise: add stderr, seeds or n`);
    return done('too_noisy');
  }
  if (noiseKnown && shape.range <= t.flatNoiseMultiple * noise) {
    reasons.push(`range ${fmt(shape.range)} is within ${t.flatNoiseMultiple}× the reported standard error ${fmt(noise)}`);
    return done('flat', flatQualifier());
  }

  reasons.push(`trend (${trendBy}: p = ${fmt(trendP)}); AICc prefers ${best!.form} (R² = ${fmt(best!.r2)})`);
  if (!noiseKnown) reasons.push(`noise unknown (no stderr, seeds, interval or n): judged against the curve's own scatter ${fmt(noise)}`);
  const jumpFrom = shape.jumpFrom >= 0 ? pts[shape.jumpFrom]! : null;
  const jumpTo = shape.jumpTo >= 0 ? pts[shape.jumpTo]! : null;
  const sharp = shape.sharpness !== null && shape.sharpness >= t.sharpShare && (!noiseKnown || shape.largestJump > diffSe);
  const surprising = surprise !== null && surprise >= t.surpriseShare && (!noiseKnown || surprise * shape.range > diffSe);
  const jumpText =
    jumpFrom && jumpTo && shape.sharpness !== null
      ? `${pct(shape.sharpness)} of the improvement came within ${shape.jumpTo - shape.jumpFrom === 1 ? 'one step' : 'one decade'} (${jumpFrom.model} → ${jumpTo.model})`
      : 'no improvement';
  const surpriseText =
    surpriseStep && surprise !== null
      ? `${pts[surpriseStep.k]!.model} beat the forecast from the ${surpriseStep.k} smaller models by ${pct(surprise)} of the range (${fmt(surpriseStep.nextActual)} vs ${fmt(surpriseStep.nextPredicted)})`
      : 'no back-test';
  if (shape.improvement > 0 && sharp && surprising) {
    reasons.push(`sharp: ${jumpText}`, `unpredictable: ${surpriseText}`);
    return done('emergent');
  }
  reasons.push(
    sharp ? `sharp: ${jumpText}; but foreseen: ${surpriseText}` : `gradual: at most ${jumpText}`,
  );
  if (shape.improvement < 0) reasons.push('gets worse with scale');
  return done('smooth');
}
