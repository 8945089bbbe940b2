/**
 * How the forecasting rule of core/analysis/backtest.ts was chosen: candidate rules for "which law
 * do we forecast from" compared on headline-style back-tests of the bundled data. The rule was
 * picked on the validation sets (OPT and BLOOM, Pythia's k = n−3 step, ObsScaling's families);
 * the Pythia headline (fit ≤2.8B, predict 12B) is the test set issue #18 reports, printed last.
 * Errors are in points of the metric's scale; "cover" is the share of real values inside the
 * shipped rule's 90% interval. Run: npm run bench:forecast
 */
import { fileURLToPath } from 'node:url';
import { loadCurves } from '../src/importers/load.js';
import { bestFit, fitConstant, fitLinear, fitPower, fitSigmoid, predict } from '../src/core/fit/index.js';
import { chooseForecast, flatnessP, FORECAST_LEVEL } from '../src/core/analysis/backtest.js';
import { forecastNoise, predictionInterval } from '../src/core/fit/prediction-interval.js';
import { metricInfo } from '../src/core/analysis/metric-info.js';
import { quantileSorted } from '../src/core/stats/bootstrap.js';
import type { Curve, ScalingFit } from '../src/core/types.js';

type B = readonly [number, number];
type Rule = (x: Float64Array, y: Float64Array, se: Float64Array, b: B, ys: number) => ScalingFit;
const clip = (v: number, b: B): number => Math.min(b[1], Math.max(b[0], v));
const FIT: Record<string, (x: Float64Array, y: Float64Array, ys: number, b: B) => ScalingFit> = {
  constant: (x, y, ys) => fitConstant(x, y, ys),
  linear: (x, y, ys) => fitLinear(x, y, ys),
  power: (x, y, ys, b) => fitPower(x, y, ys, b),
  sigmoid: (x, y, ys, b) => fitSigmoid(x, y, ys, b),
};
const MIN_POINTS: Record<string, number> = { constant: 1, linear: 2, power: 3, sigmoid: 4 };

/** AICc among the forms whose AICc is defined (n >= k + 2; the line always; the constant from 4 points, where the line's AICc is defined). */
function aicc(x: Float64Array, y: Float64Array, b: B, ys: number, withConstant: boolean): ScalingFit {
  const n = x.length;
  const fits = [fitLinear(x, y, ys)];
  if (withConstant && n >= 4) fits.push(fitConstant(x, y, ys));
  if (n >= 5) fits.push(fitPower(x, y, ys, b));
  if (n >= 6) fits.push(fitSigmoid(x, y, ys, b));
  return bestFit(fits)!;
}

/** The form with the smallest squared error forecasting points j… from points …j−1, j = 3 … n−1. */
function rollingOrigin(x: Float64Array, y: Float64Array, b: B, ys: number, forms: string[]): ScalingFit {
  const n = x.length;
  let best = '';
  let bestErr = Infinity;
  for (const f of forms) {
    const first = Math.max(MIN_POINTS[f]!, 3);
    if (n - 1 < first) continue;
    let e = 0;
    let m = 0;
    for (let j = first; j < n; j++) {
      const fit = FIT[f]!(x.subarray(0, j), y.subarray(0, j), ys, b);
      for (let t = j; t < n; t++) {
        e += (clip(predict(fit, x[t]!), b) - y[t]!) ** 2;
        m++;
      }
    }
    if (e / m < bestErr) {
      bestErr = e / m;
      best = f;
    }
  }
  return best === '' ? fitLinear(x, y, ys) : FIT[best]!(x, y, ys, b);
}

const flat = (y: Float64Array, se: Float64Array): boolean => {
  const p = flatnessP(y, se);
  return p !== null && p >= 0.05;
};
const RULES: Record<string, Rule> = {
  'AICc (line, power, logistic)': (x, y, se, b, ys) => aicc(x, y, b, ys, false),
  'AICc with the constant': (x, y, se, b, ys) => aicc(x, y, b, ys, true),
  'flat gate, then AICc with the constant': (x, y, se, b, ys) => (flat(y, se) ? fitConstant(x, y, ys) : aicc(x, y, b, ys, true)),
  'rolling origin (constant, line, power)': (x, y, se, b, ys) => rollingOrigin(x, y, b, ys, ['constant', 'linear', 'power']),
  'flat gate, then rolling origin (line, power): shipped': (x, y, se, b, ys) => chooseForecast(x, y, ys, b, se).fit,
  'flat gate, then rolling origin (line, power, logistic)': (x, y, se, b, ys) => (flat(y, se) ? fitConstant(x, y, ys) : rollingOrigin(x, y, b, ys, ['linear', 'power', 'sigmoid'])),
  'flat gate, then the power law (5+ points)': (x, y, se, b, ys) => (flat(y, se) ? fitConstant(x, y, ys) : x.length >= 5 ? fitPower(x, y, ys, b) : fitLinear(x, y, ys)),
  'always the power law': (x, y, se, b, ys) => fitPower(x, y, ys, b),
  'always the constant': (x, y, se, b, ys) => fitConstant(x, y, ys),
  'always log-linear': (x, y, se, b, ys) => fitLinear(x, y, ys),
};

function evaluate(name: string, curves: readonly Curve[], holdout: number): void {
  const errs: Record<string, number[]> = { 'no change': [] };
  let inside = 0;
  let used = 0;
  for (const c of curves) {
    const b = metricInfo(c.key.metric)?.bounds;
    const pts = c.points;
    const n = pts.length;
    const k = n - holdout;
    if (!b || k < 3 || !pts.every((p) => p.value >= b[0] && p.value <= b[1])) continue;
    used++;
    const x = Float64Array.from(pts.slice(0, k), (p) => Math.log10(p.params));
    const y = Float64Array.from(pts.slice(0, k), (p) => p.value);
    const se = Float64Array.from(pts.slice(0, k), (p) => p.stderr ?? NaN);
    const xs = Math.log10(pts[n - 1]!.params);
    const actual = pts[n - 1]!.value;
    const ys = Math.max(...y) - Math.min(...y) || 1;
    const w = 100 / (b[1] - b[0]);
    errs['no change']!.push(w * Math.abs(y[k - 1]! - actual));
    for (const [r, rule] of Object.entries(RULES)) {
      const f = rule(x, y, se, b, ys);
      (errs[r] ??= []).push(w * Math.abs(clip(predict(f, xs), b) - actual));
      if (r.endsWith('shipped')) {
        const rv = se.every((s) => s > 0) ? se.reduce((s, v) => s + v * v, 0) / k : null;
        const iv = predictionInterval(f, x, y, xs, b, ys, forecastNoise(f, rv, FORECAST_LEVEL), FORECAST_LEVEL);
        if (actual >= iv.low && actual <= iv.high) inside++;
      }
    }
  }
  console.log(`\n${name}, fit all but the ${holdout} largest: ${used} curves (shipped rule's 90% interval holds ${((100 * inside) / used).toFixed(1)}%)`);
  for (const [r, e] of Object.entries(errs)) {
    const s = Float64Array.from(e).sort();
    console.log(`  ${r.padEnd(56)} median ${quantileSorted(s, 0.5).toFixed(2).padStart(6)}  p90 ${quantileSorted(s, 0.9).toFixed(2).padStart(6)}  max ${s[s.length - 1]!.toFixed(2).padStart(6)}`);
  }
}

const data = (f: string): string => fileURLToPath(new URL(`../../data/${f}`, import.meta.url));
const finals = loadCurves([data('pythia_opt_bloom_final_evals.csv')]).curves.filter(
  (c) => (c.key.metric === 'acc' || c.key.metric === 'acc_norm') && !c.key.task.startsWith('lambada'),
);
const obs = loadCurves([data('obsscaling_emergent_bigbench_tasks.csv'), data('obsscaling_benchmarks.csv')]).curves;
console.log('Validation (the rule was chosen on these):');
evaluate('OPT and BLOOM multiple choice', finals.filter((c) => c.key.family !== 'Pythia'), 2);
evaluate('OPT and BLOOM multiple choice', finals.filter((c) => c.key.family !== 'Pythia'), 3);
evaluate('Pythia multiple choice', finals.filter((c) => c.key.family === 'Pythia'), 3);
evaluate('ObsScaling families (5+ models)', obs.filter((c) => c.points.length >= 5), 2);
evaluate('ObsScaling families (6+ models)', obs.filter((c) => c.points.length >= 6), 3);
console.log('\nTest (issue #18\'s headline):');
evaluate('Pythia multiple choice', finals.filter((c) => c.key.family === 'Pythia'), 2);
