/**
 * The y range of one panel. Intervals and fitted lines are clipped to the metric's scale (an
 * accuracy's ±1.96·se interval at 0.002 would otherwise pull the axis to -0.03), the range is
 * padded by 8% and then clamped to the scale, so an accuracy axis never runs below 0 or above 1.
 * Observed values always stay in view, even off the scale (accuracy given in percent): the
 * plot must show the data, and the audit warns about the scale.
 */
export function yDomain(observed: readonly number[], extra: readonly number[], limits: readonly [number, number] | null): [number, number] {
  const seen = observed.filter(Number.isFinite);
  const all = [...seen, ...extra.filter(Number.isFinite).map((v) => clipTo(limits, v))];
  if (all.length === 0) return limits && Number.isFinite(limits[0]) && Number.isFinite(limits[1]) ? [limits[0], limits[1]] : [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const span = hi - lo;
  // A constant curve (exact match at 0 everywhere) still needs a readable axis around its value.
  const pad = span > 1e-12 ? 0.08 * span : Math.max(0.1 * Math.abs(hi), 0.05);
  lo -= pad;
  hi += pad;
  if (limits) {
    lo = Math.max(lo, limits[0]);
    hi = Math.min(hi, limits[1]);
  }
  if (seen.length > 0) {
    lo = Math.min(lo, ...seen);
    hi = Math.max(hi, ...seen);
  }
  return [lo, hi];
}

/** A value clipped to the metric's scale (or left alone when it has none). */
export const clipTo = (limits: readonly [number, number] | null, v: number): number => (limits ? Math.min(limits[1], Math.max(limits[0], v)) : v);
