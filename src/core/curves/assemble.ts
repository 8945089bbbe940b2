import type { Curve, CurveKey, CurvePoint, Observation } from '../types.js';
import { mean, sampleSd } from '../stats/describe.js';
import { metricInfo } from '../analysis/metric-info.js';
import { compareKeys, curveId } from './key.js';
import { fixedAxis, PARAMS_AXIS, type AxisRequest, type ScaleAxis } from './axis.js';
import { axisLookup, type AxisLookup } from './axis-lookup.js';

/** Two observations that cannot both be true. The importer turns this into a DataError naming both places. */
export interface Conflict {
  readonly first: Observation;
  readonly second: Observation;
  readonly what: string;
}

export interface Assembled {
  readonly curves: Curve[];
  readonly conflicts: Conflict[];
  /** Metrics whose direction nobody stated and the registry does not know (assumed higher is better). */
  readonly unknownDirection: string[];
  /** Models reported at several training steps: only the last step enters the scale curve. */
  readonly droppedEarlierSteps: number;
  /** The scale axis every curve is on. */
  readonly axis: ScaleAxis;
  /** What the axis could not place: points without a value on it, and why. */
  readonly axisNotes: string[];
}

export interface AssembleOptions {
  /** The scale axis (default parameters). */
  readonly axis?: AxisRequest;
}

/**
 * Group observations into curves, one per (family, task, metric, shots, labels), one point per
 * model. Rows for the same model that differ only in seed are averaged and their spread kept;
 * the same (model, seed) reported twice must agree exactly; a model must have one size.
 * For a model reported at several training steps the last step is the model's point: the
 * scale axis is parameters, and earlier checkpoints belong on a training curve.
 */
export function assembleCurves(observations: readonly Observation[], options: AssembleOptions = {}): Assembled {
  const conflicts: Conflict[] = [];
  const unknown = new Set<string>();
  let droppedEarlierSteps = 0;
  const request = options.axis ?? { kind: 'params' };
  const lookup: AxisLookup | null = request.kind === 'metric' ? axisLookup(observations, request) : null;
  const axis: ScaleAxis = lookup ? lookup.axis : request.kind === 'metric' ? PARAMS_AXIS : fixedAxis(request.kind);
  const axisNotes: string[] = lookup ? [...lookup.notes] : [];
  let unplaced = 0;
  let nonPositive = 0;
  const byCurve = new Map<string, { key: CurveKey; obs: Observation[] }>();
  // Importers share one labels object among rows with the same labels: its id is computed once.
  const labelIds = new WeakMap<object, string>();
  let prev: Observation | null = null;
  let prevGroup: { key: CurveKey; obs: Observation[] } | null = null;
  for (const o of observations) {
    if (lookup?.isAxis(o)) continue;
    // Files list a curve's rows together: a row of the previous row's curve needs no key.
    if (prev !== null && o.labels === prev.labels && o.family === prev.family && o.task === prev.task && o.metric === prev.metric && o.shots === prev.shots) {
      prevGroup!.obs.push(o);
      continue;
    }
    let lid = labelIds.get(o.labels);
    if (lid === undefined) labelIds.set(o.labels, (lid = curveId({ family: '', task: '', metric: '', shots: null, labels: o.labels })));
    const id = `${o.family}\u0000${o.task}\u0000${o.metric}\u0000${o.shots ?? ''}\u0000${lid}`;
    let g = byCurve.get(id);
    if (!g) byCurve.set(id, (g = { key: { family: o.family, task: o.task, metric: o.metric, shots: o.shots, labels: o.labels }, obs: [] }));
    g.obs.push(o);
    prev = o;
    prevGroup = g;
  }

  // A model's checkpoints on a step or tokens axis are its training curve: one curve per model.
  if (axis.kind === 'step' || axis.kind === 'tokens') {
    for (const [id, g] of [...byCurve]) {
      const steps = new Map<string, Set<number | null>>();
      for (const o of g.obs) {
        const set = steps.get(o.model) ?? new Set();
        set.add(o.step);
        steps.set(o.model, set);
      }
      if (![...steps.values()].some((st) => st.size > 1)) continue;
      byCurve.delete(id);
      for (const model of steps.keys()) {
        const key: CurveKey = { ...g.key, labels: { ...g.key.labels, model } };
        byCurve.set(curveId(key), { key, obs: g.obs.filter((o) => o.model === model) });
      }
    }
  }

  const curves: Curve[] = [];
  for (const { key, obs } of byCurve.values()) {
    // On the parameters axis a point is a model; on any other axis, a model at one step.
    const byModel = new Map<string, Observation[]>();
    const perStep = axis.kind !== 'params';
    for (const o of obs) {
      const id = perStep ? `${o.model}\u0000${o.step ?? ''}` : o.model;
      const list = byModel.get(id);
      if (list) list.push(o);
      else byModel.set(id, [o]);
    }
    const checkpoints = perStep && new Set(obs.map((o) => o.model)).size < byModel.size;
    const points: CurvePoint[] = [];
    let direction: boolean | null = null;
    for (const o of obs) {
      if (o.higherIsBetter === null) continue;
      if (direction === null) direction = o.higherIsBetter;
      else if (direction !== o.higherIsBetter) {
        conflicts.push({ first: obs.find((p) => p.higherIsBetter === direction)!, second: o, what: 'higher_is_better disagrees within one curve' });
      }
    }
    const positionOf = (first: Observation): number | null => {
      if (axis.kind === 'tokens') return first.tokens;
      if (axis.kind === 'step') return first.step;
      if (axis.kind === 'flops') return first.flops ?? (first.tokens !== null ? 6 * first.params * first.tokens : null);
      if (lookup) return lookup.position(first);
      return first.params;
    };
    const placed = (position: number | null): boolean => {
      if (position === null) unplaced++;
      else if (!(position > 0) || !Number.isFinite(position)) nonPositive++;
      else return true;
      return false;
    };
    const point = (first: Observation, position: number, value: number, stderr: number | null, low: number | null, high: number | null, n: number | null, seeds: number, seedSd: number | null): CurvePoint => ({
      model: checkpoints && first.step !== null ? `${first.model}@${first.step}` : first.model,
      params: position,
      value,
      stderr,
      low,
      high,
      n,
      seeds,
      seedSd,
      tokens: first.tokens,
      step: first.step,
      extra: first.extra,
      ...(axis.kind !== 'params' ? { x: lookup ? lookup.value(first)! : position, modelParams: first.params } : {}),
      ...(first.flops !== undefined && first.flops !== null ? { flops: first.flops } : {}),
    });
    for (const list0 of byModel.values()) {
      if (list0.length === 1) {
        // One row for the model (one seed, one step): the point is the row.
        const o = list0[0]!;
        const position = positionOf(o);
        if (placed(position)) points.push(point(o, position!, 0 + o.value, o.stderr, o.low ?? null, o.high ?? null, o.n, 1, null));
        continue;
      }
      let list = list0;
      const model = list0[0]!.model;
      const lastStep = list.reduce<number | null>((m, o) => (o.step === null ? m : m === null ? o.step : Math.max(m, o.step)), null);
      if (lastStep !== null && list.some((o) => o.step !== null && o.step !== lastStep)) {
        droppedEarlierSteps += list.filter((o) => o.step !== lastStep).length;
        list = list.filter((o) => o.step === lastStep || o.step === null);
      }
      const first = list[0]!;
      const bySeed = new Map<string, Observation>();
      for (const o of list) {
        if (o.params !== first.params) conflicts.push({ first, second: o, what: `model ${model} has two sizes (${first.params} and ${o.params})` });
        const seedKey = o.seed ?? '';
        const prev = bySeed.get(seedKey);
        if (prev === undefined) bySeed.set(seedKey, o);
        else if (prev.value !== o.value) {
          const seedText = o.seed === null ? 'no seed' : `seed ${o.seed}`;
          conflicts.push({ first: prev, second: o, what: `duplicate point (${model}, ${seedText}) with conflicting values ${prev.value} and ${o.value}` });
        }
      }
      const position = positionOf(first);
      if (!placed(position)) continue;
      const runs = [...bySeed.values()];
      const values = runs.map((o) => o.value);
      const sd = sampleSd(values);
      const m = runs.length;
      const only = runs.length === 1 ? runs[0]! : null;
      const stderrs = runs.flatMap((o) => (o.stderr === null ? [] : [o.stderr]));
      const stderr = m > 1 ? sd! / Math.sqrt(m) : stderrs.length > 0 ? stderrs[0]! : null;
      const ns = runs.flatMap((o) => (o.n === null ? [] : [o.n]));
      points.push(point(first, position!, mean(values), stderr, only?.low ?? null, only?.high ?? null, ns.length > 0 ? ns[0]! : null, m, sd));
    }
    if (points.length === 0) continue;
    points.sort((a, b) => a.params - b.params || a.model.localeCompare(b.model));
    if (direction === null) {
      const info = metricInfo(key.metric);
      if (info) direction = info.higherIsBetter;
      else {
        unknown.add(key.metric);
        direction = true;
      }
    }
    const sources = [...new Set(obs.map((o) => o.source.file))];
    curves.push({ key, higherIsBetter: direction, points, sources, ...(axis.kind !== 'params' ? { axis } : {}) });
  }
  curves.sort((a, b) => compareKeys(a.key, b.key));
  if (unplaced > 0) {
    const what = axis.kind === 'flops' ? 'no flops (and no tokens for 6·N·D)' : axis.kind === 'metric' ? `no ${axis.name} for the same model and step` : `no ${axis.kind}`;
    axisNotes.push(`${unplaced} points left out: ${what}`);
  }
  if (nonPositive > 0) axisNotes.push(`${nonPositive} points left out: ${axis.kind} 0 cannot be placed on a log axis`);
  return { curves, conflicts, unknownDirection: [...unknown].sort(), droppedEarlierSteps, axis, axisNotes };
}
