import type { Observation } from '../types.js';
import { metricInfo } from '../analysis/metric-info.js';
import type { ScaleAxis } from './axis.js';

export interface AxisLookup {
  readonly axis: ScaleAxis;
  /** The observation is a value of the axis metric itself (not a curve of its own). */
  isAxis(o: Observation): boolean;
  /** The axis metric for the same model at the same step (on the curve's task when the axis has none). */
  value(o: Observation): number | null;
  position(o: Observation): number | null;
  readonly notes: readonly string[];
}

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/**
 * A continuous metric of the same models as the scale axis. Its value for a point is the
 * metric's value for the same (family, model, step), on the named task, or — when only the
 * metric is named and several tasks report it — on the point's own task (a task's bits per
 * byte beside its accuracy, the ladder's second step). Same shots and labels are preferred;
 * seeds are averaged.
 */
export function axisLookup(observations: readonly Observation[], req: { task: string | null; metric: string }): AxisLookup {
  const mine = observations.filter((o) => o.metric === req.metric && (req.task === null || o.task === req.task));
  const tasks = new Set(mine.map((o) => o.task));
  const fixedTask = req.task ?? (tasks.size === 1 ? [...tasks][0]! : null);
  const notes: string[] = [];
  if (mine.length === 0) {
    throw new RangeError(`no ${req.task === null ? '' : `${req.task} `}${req.metric} values in the input to put on the axis`);
  }
  let dir: boolean | null = mine.find((o) => o.higherIsBetter !== null)?.higherIsBetter ?? metricInfo(req.metric)?.higherIsBetter ?? null;
  if (dir === null) {
    notes.push(`direction of the axis metric ${req.metric} unknown: taken as a loss (lower is better)`);
    dir = false;
  }
  const sign: 1 | -1 = dir ? 1 : -1;
  const index = new Map<string, Observation[]>();
  const keyOf = (family: string, model: string, step: number | null, task: string): string => `${family}\u0000${model}\u0000${step ?? ''}\u0000${task}`;
  let offset = Infinity;
  for (const o of mine) {
    const k = keyOf(o.family, o.model, o.step, o.task);
    const list = index.get(k);
    if (list) list.push(o);
    else index.set(k, [o]);
    if (Number.isFinite(o.value)) offset = Math.min(offset, sign * o.value);
  }
  const name = fixedTask === null ? req.metric : `${fixedTask}:${req.metric}`;
  const axis: ScaleAxis = {
    kind: 'metric',
    name,
    label: `${fixedTask === null ? `each task's ${req.metric}` : `${fixedTask} ${req.metric}`} (${dir ? 'higher' : 'lower'} is better)`,
    metric: { task: fixedTask, metric: req.metric, higherIsBetter: dir, sign, offset },
  };
  const value = (o: Observation): number | null => {
    const list = index.get(keyOf(o.family, o.model, o.step, fixedTask ?? o.task));
    if (!list) return null;
    let pick = list.filter((a) => a.shots === o.shots);
    if (pick.length === 0) pick = list;
    const labelled = pick.filter((a) => sameLabels(a.labels, o.labels));
    if (labelled.length > 0) pick = labelled;
    let s = 0;
    for (const a of pick) s += a.value;
    return s / pick.length;
  };
  return {
    axis,
    isAxis: (o) => o.metric === req.metric && (fixedTask === null || o.task === fixedTask),
    value,
    position: (o) => {
      const v = value(o);
      return v === null ? null : 10 ** (sign * v - offset);
    },
    notes,
  };
}
