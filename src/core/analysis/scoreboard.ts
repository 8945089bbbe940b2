import type { Curve, Verdict } from '../types.js';
import { quantileSorted } from '../stats/bootstrap.js';
import { metricInfo } from './metric-info.js';

/**
 * Can forecasting be trusted on this data? For every curve's headline back-test (fit all but the
 * `holdout` largest models, predict the largest), the absolute error of the lab's forecast beside
 * two naive ones from the same points: no change from the largest fitted model, and the
 * log-linear law always. Per task family, as median, 90th percentile (numpy's linear
 * interpolation) and maximum, with the share of real values that fell inside the forecast's
 * interval (its empirical coverage, against the nominal level).
 *
 * Errors on a metric with fixed bounds are in points of its scale (100·error/width: accuracy
 * points for a fraction), so acc, acc_norm and BLEU pool; an unbounded metric (perplexity) keeps
 * its own units and its own rows.
 */
export const SCORE_METHODS = ['forecast', 'no_change', 'log_linear'] as const;
export type ScoreMethod = (typeof SCORE_METHODS)[number];

export interface ErrorSummary {
  readonly median: number;
  readonly p90: number;
  readonly max: number;
  readonly mean: number;
}

export interface ScoreboardRow {
  /** Task family (see taskFamily), or '(all)'. */
  readonly taskFamily: string;
  /** 'points' (share of a bounded metric's scale, ×100) or the metric whose units the errors are in. */
  readonly unit: string;
  readonly curves: number;
  readonly errors: Readonly<Record<ScoreMethod, ErrorSummary>>;
  /** Share of real values inside the forecast's interval, and the interval's median width (in `unit`). */
  readonly coverage: number;
  readonly medianWidth: number;
  /** Curves where the forecast missed by less than no change did. */
  readonly beatsNoChange: number;
}

export interface Scoreboard {
  /** Nominal level of the intervals (every forecast has the same). */
  readonly level: number | null;
  readonly rows: readonly ScoreboardRow[];
}

// lm-eval suites whose subtasks are named <suite>_<subject> rather than <suite>-<subject>.
const SUITES = ['mmlu', 'bigbench', 'blimp', 'crows_pairs', 'arithmetic', 'hendrycksTest'];

/**
 * The family a task belongs to: `hendrycksTest-anatomy` → hendrycksTest, `mmlu_anatomy` → mmlu,
 * `arithmetic_3da` → arithmetic; otherwise the text before the first '-', ':' or '/', or the task itself.
 */
export function taskFamily(task: string): string {
  for (const s of SUITES) if (task.startsWith(s + '_') || task.startsWith(s + '-')) return s;
  const cut = task.search(/[-:/]/);
  return cut > 0 ? task.slice(0, cut) : task;
}

function summarise(values: number[]): ErrorSummary {
  const s = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return { median: quantileSorted(s, 0.5), p90: quantileSorted(s, 0.9), max: s[s.length - 1]!, mean: sum / s.length };
}

interface Entry {
  readonly errors: Record<ScoreMethod, number>;
  readonly covered: boolean;
  readonly width: number;
}

/**
 * `curves[i]` is the curve of `verdicts[i]` (for the bounds check on its points). Only the key, the
 * headline back-test and the points are read, so the report's page can rebuild it for a filtered subset.
 */
export function scoreboard(curves: readonly Pick<Curve, 'points'>[], verdicts: readonly Pick<Verdict, 'key' | 'headline'>[]): Scoreboard {
  const groups = new Map<string, { taskFamily: string; unit: string; entries: Entry[] }>();
  let level: number | null = null;
  const add = (taskFamilyName: string, unit: string, e: Entry): void => {
    const id = `${taskFamilyName}\u0000${unit}`;
    const g = groups.get(id) ?? { taskFamily: taskFamilyName, unit, entries: [] };
    g.entries.push(e);
    groups.set(id, g);
  };
  verdicts.forEach((v, i) => {
    const h = v.headline;
    if (h === null) return;
    const b = metricInfo(v.key.metric)?.bounds ?? null;
    const inBounds = b !== null && curves[i]!.points.every((p) => p.value >= b[0] && p.value <= b[1]);
    const scale = inBounds ? 100 / (b[1] - b[0]) : 1;
    const unit = inBounds ? 'points' : v.key.metric;
    const actual = h.largestActual;
    const e: Entry = {
      errors: {
        forecast: scale * Math.abs(h.largestPredicted - actual),
        no_change: scale * Math.abs(h.baselines.noChange - actual),
        log_linear: scale * Math.abs(h.baselines.logLinear - actual),
      },
      covered: actual >= h.largestInterval.low && actual <= h.largestInterval.high,
      width: scale * (h.largestInterval.high - h.largestInterval.low),
    };
    level = h.largestInterval.level;
    add('(all)', unit, e);
    add(taskFamily(v.key.task), unit, e);
  });
  const rows: ScoreboardRow[] = [...groups.values()].map((g) => {
    const errors = {} as Record<ScoreMethod, ErrorSummary>;
    for (const m of SCORE_METHODS) errors[m] = summarise(g.entries.map((e) => e.errors[m]));
    const widths = Float64Array.from(g.entries, (e) => e.width).sort();
    return {
      taskFamily: g.taskFamily,
      unit: g.unit,
      curves: g.entries.length,
      errors,
      coverage: g.entries.filter((e) => e.covered).length / g.entries.length,
      medianWidth: quantileSorted(widths, 0.5),
      beatsNoChange: g.entries.filter((e) => e.errors.forecast < e.errors.no_change - 1e-9).length,
    };
  });
  rows.sort(
    (a, b) =>
      Number(b.taskFamily === '(all)') - Number(a.taskFamily === '(all)') ||
      Number(b.unit === 'points') - Number(a.unit === 'points') ||
      a.unit.localeCompare(b.unit) ||
      b.curves - a.curves ||
      a.taskFamily.localeCompare(b.taskFamily),
  );
  return { level, rows };
}
