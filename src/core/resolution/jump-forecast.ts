import type { ScalingFit } from '../types.js';
import { predict, type Bounds } from '../fit/index.js';
import { chooseForecast } from '../analysis/backtest.js';
import { signChanges } from '../crossover/roots.js';

/**
 * "Would the smaller half of the family have said where exact match jumps?" (Schaeffer et al. 2023;
 * Hu et al. 2023 forecast a 2.4B model's pass rate from smaller ones). A route extrapolates one
 * quantity measured on the smaller models with the back-test's forecasting law (chooseForecast:
 * flat when the error bars show no trend, else the log-linear or saturating power law by rolling
 * origin) and reads the size at which it reaches the route's threshold, the image of exact match =
 * 50% under the route's mapping. Sizes are log10(parameters); errors are in decades.
 */
export interface SizedValue {
  readonly params: number;
  readonly value: number;
  /** Standard error of `value` (the flatness test reads it), null when unknown. */
  readonly stderr: number | null;
}

export interface RouteSpec {
  readonly name: string;
  /** The quantity's value that maps to exact match = 50%. */
  readonly threshold: number;
  /** The quantity's bounds (the power law's asymptote stays inside them; forecasts are clipped). */
  readonly bounds: Bounds;
  /** How the threshold was derived, in words. */
  readonly mapping: string;
}

export interface CrossingForecast {
  readonly route: string;
  readonly mapping: string;
  readonly threshold: number;
  /** Members the forecast saw (the smaller half). */
  readonly fittedOn: number;
  readonly fit: ScalingFit;
  /** Forecast log10(params) of the crossing; null when the fitted law does not reach the threshold within `searchDecades` beyond the largest fitted size. */
  readonly crossingLog10: number | null;
  /** crossing − observed, in decades of parameters; null when either is unknown. */
  readonly errorDecades: number | null;
}

/** Observed crossing of `threshold` upwards: linear interpolation in log10(params) between the first bracketing sizes; null when no bracket (never reaches, or already above at the smallest). */
export function observedCrossing(points: readonly SizedValue[], threshold: number): { log10: number | null; where: 'between' | 'below_smallest' | 'not_reached' } {
  if (points.length === 0) return { log10: null, where: 'not_reached' };
  if (points[0]!.value >= threshold) return { log10: null, where: 'below_smallest' };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!, b = points[i]!;
    if (b.value >= threshold) {
      const xa = Math.log10(a.params), xb = Math.log10(b.params);
      return { log10: xa + ((threshold - a.value) / (b.value - a.value)) * (xb - xa), where: 'between' };
    }
  }
  return { log10: null, where: 'not_reached' };
}

/** The smaller half of a ladder sorted by size: floor(n/2) members, at least 2. */
export function smallerHalf<T>(sorted: readonly T[]): readonly T[] {
  return sorted.slice(0, Math.max(2, Math.floor(sorted.length / 2)));
}

export function forecastCrossing(fitted: readonly SizedValue[], route: RouteSpec, observed: number | null, searchDecades = 4): CrossingForecast {
  if (fitted.length < 2) throw new RangeError(`forecastCrossing needs >= 2 sizes, got ${fitted.length}`);
  for (let i = 1; i < fitted.length; i++) if (!(fitted[i]!.params > fitted[i - 1]!.params)) throw new RangeError('forecastCrossing: sizes must rise strictly');
  const x = fitted.map((p) => Math.log10(p.params));
  const y = fitted.map((p) => p.value);
  for (const [i, v] of y.entries()) if (!Number.isFinite(v)) throw new RangeError(`forecastCrossing (${route.name}): value ${v} at ${fitted[i]!.params} parameters`);
  const se = fitted.every((p) => p.stderr !== null) ? fitted.map((p) => p.stderr!) : null;
  const lo = Math.min(...y), hi = Math.max(...y);
  const yScale = hi - lo > 0 ? hi - lo : 1;
  const { fit } = chooseForecast(x, y, yScale, route.bounds, se);
  const clip = (v: number): number => (route.bounds === null ? v : Math.min(route.bounds[1], Math.max(route.bounds[0], v)));
  const d = (t: number): number => clip(predict(fit, t)) - route.threshold;
  const x0 = x[0]!, x1 = x.at(-1)! + searchDecades;
  let crossingLog10: number | null;
  if (d(x0) >= 0) crossingLog10 = x0;
  else {
    const up = signChanges(d, x0, x1, 0).roots.find((r) => r.direction === 'b_overtakes_a');
    crossingLog10 = up ? up.x : null;
  }
  return {
    route: route.name, mapping: route.mapping, threshold: route.threshold, fittedOn: fitted.length, fit, crossingLog10,
    errorDecades: crossingLog10 !== null && observed !== null ? crossingLog10 - observed : null,
  };
}
