import type { Verdict, VerdictClass } from '../types.js';
import { swapGroupId } from '../curves/key.js';

/**
 * The audit's two summaries across curves: the metric swap (does the verdict of one (family,
 * task) change with the metric?) and the meta-analysis (how often each metric reads emergent).
 * They need only each curve's key and call, so the report's page recomputes them for whatever
 * subset of curves its filters keep.
 */
export type JudgedCurve = Pick<Verdict, 'key' | 'verdict' | 'qualifier'>;

/** For one (family, task, shots, labels): the verdict under each metric, and whether they disagree. */
export interface MetricSwap {
  readonly family: string;
  readonly task: string;
  readonly shots: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly entries: readonly { readonly metric: string; readonly verdict: VerdictClass; readonly qualifier: string | null }[];
  /** True when the metrics give different verdicts (too_few_points ignored). */
  readonly changes: boolean;
  /** Metrics under which the curve reads emergent, and under which it does not. */
  readonly emergentUnder: readonly string[];
  readonly notEmergentUnder: readonly string[];
}

/** Meta-analysis row, in the spirit of Schaeffer et al. 2023 §4: emergence counted by metric. */
export interface MetricShare {
  readonly metric: string;
  /** Curves with enough points for a verdict. */
  readonly curves: number;
  readonly emergent: number;
  /** emergent / curves. */
  readonly share: number;
  /** This metric's share of all emergent curves. */
  readonly shareOfEmergent: number;
}

const judged = (v: JudgedCurve): boolean => v.verdict !== 'too_few_points';

export function metricSwaps(verdicts: readonly JudgedCurve[]): MetricSwap[] {
  const groups = new Map<string, JudgedCurve[]>();
  for (const v of verdicts) {
    const id = swapGroupId(v.key);
    const g = groups.get(id);
    if (g) g.push(v);
    else groups.set(id, [v]);
  }
  const out: MetricSwap[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const k = g[0]!.key;
    const classes = new Set(g.filter(judged).map((v) => v.verdict));
    out.push({
      family: k.family,
      task: k.task,
      shots: k.shots,
      labels: k.labels,
      entries: g.map((v) => ({ metric: v.key.metric, verdict: v.verdict, qualifier: v.qualifier })),
      changes: classes.size > 1,
      emergentUnder: g.filter((v) => v.verdict === 'emergent').map((v) => v.key.metric),
      notEmergentUnder: g.filter((v) => judged(v) && v.verdict !== 'emergent').map((v) => v.key.metric),
    });
  }
  return out;
}

export function metaAnalysis(verdicts: readonly JudgedCurve[]): MetricShare[] {
  const by = new Map<string, { curves: number; emergent: number }>();
  let totalEmergent = 0;
  for (const v of verdicts) {
    if (!judged(v)) continue;
    const row = by.get(v.key.metric) ?? { curves: 0, emergent: 0 };
    row.curves++;
    if (v.verdict === 'emergent') {
      row.emergent++;
      totalEmergent++;
    }
    by.set(v.key.metric, row);
  }
  return [...by.entries()]
    .map(([metric, r]) => ({
      metric,
      curves: r.curves,
      emergent: r.emergent,
      share: r.emergent / r.curves,
      shareOfEmergent: totalEmergent > 0 ? r.emergent / totalEmergent : 0,
    }))
    .sort((a, b) => b.share - a.share || b.curves - a.curves || a.metric.localeCompare(b.metric));
}

