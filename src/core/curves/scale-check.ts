import type { Curve } from '../types.js';
import { metricInfo } from '../analysis/metric-info.js';

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

/**
 * Values outside the known scale of their metric, one message per metric. The verdict treats a
 * metric's bounds as given only when every value lies inside them, so accuracy written in
 * percent (25.0–27.4) silently loses its floor and ceiling and reads differently from the same
 * values as fractions; an `acc` of 1.5 is simply wrong. Neither is rescaled here: the user says.
 */
export function scaleWarnings(curves: readonly Curve[]): string[] {
  const byMetric = new Map<string, { bounds: readonly [number, number]; outside: number; total: number; min: number; max: number; sources: Set<string> }>();
  for (const c of curves) {
    const bounds = metricInfo(c.key.metric)?.bounds;
    if (!bounds) continue;
    let s = byMetric.get(c.key.metric);
    if (!s) byMetric.set(c.key.metric, (s = { bounds, outside: 0, total: 0, min: Infinity, max: -Infinity, sources: new Set() }));
    const [lo, hi] = bounds;
    let min = s.min;
    let max = s.max;
    let outside = 0;
    for (const p of c.points) {
      const v = p.value;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v < lo || v > hi) outside++;
    }
    s.total += c.points.length;
    s.min = min;
    s.max = max;
    if (outside > 0) {
      s.outside += outside;
      for (const f of c.sources) s.sources.add(f);
    }
  }
  const out: string[] = [];
  for (const [metric, s] of byMetric) {
    if (s.outside === 0) continue;
    const [lo, hi] = s.bounds;
    const percent = lo === 0 && hi === 1 && s.min >= 0 && s.max <= 100;
    const files = [...s.sources].slice(0, 3).join(', ');
    out.push(
      `${metric}: ${s.outside} of ${s.total} values outside its scale [${lo}, ${hi}] (values ${fmt(s.min)}–${fmt(s.max)}${files ? `, in ${files}` : ''})` +
        (percent ? ': they look like percent; divide by 100, or the verdict reads them without the metric\'s floor and ceiling' : ': check the metric name or the values'),
    );
  }
  return out;
}
