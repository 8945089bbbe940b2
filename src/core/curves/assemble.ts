import type { Curve, CurveKey, CurvePoint, Observation } from '../types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
import { mean, sampleSd } from '../stats/describe.js';
import { metricInfo } from '../analysis/metric-info.js';
import { curveId, sortCurves } from './key.js';
import { observationAt, observationsOf, tableOf, type ObservationTable } from './observation-table.js';
import { fixedAxis, PARAMS_AXIS, type AxisRequest, type ScaleAxis } from './axis.js';
import { axisLookup, type AxisLookup } from './axis-lookup.js';
import { PairCodes } from './pair-codes.js';

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

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);

const byPosition = (a: CurvePoint, b: CurvePoint): number => a.params - b.params || a.model.localeCompare(b.model);

/**
 * Group observations into curves, one per (family, task, metric, shots, labels), one point per
 * model. Rows for the same model that differ only in seed are averaged and their spread kept;
 * the same (model, seed) reported twice must agree exactly; a model must have one size.
 * For a model reported at several training steps the last step is the model's point: the
 * scale axis is parameters, and earlier checkpoints belong on a training curve.
 * Works on the columns (a table, or the observations made into one): rows are grouped by their
 * codes, and an object is made per point, not per row.
 */
export function assembleCurves(input: readonly Observation[] | ObservationTable, options: AssembleOptions = {}): Assembled {
  const t = Array.isArray(input) ? tableOf([input as readonly Observation[]]) : (input as ObservationTable);
  const names = t.names;
  const conflicts: Conflict[] = [];
  const unknown = new Set<string>();
  let droppedEarlierSteps = 0;
  const request = options.axis ?? { kind: 'params' };
  // A metric axis looks values up by observation: rare and small, so rows become objects there.
  const objects = request.kind === 'metric' ? observationsOf(t) : null;
  const lookup: AxisLookup | null = request.kind === 'metric' ? axisLookup(objects!, request) : null;
  const axis: ScaleAxis = lookup ? lookup.axis : request.kind === 'metric' ? PARAMS_AXIS : fixedAxis(request.kind);
  const axisNotes: string[] = lookup ? [...lookup.notes] : [];
  let unplaced = 0;
  let nonPositive = 0;
  const obsAt = (i: number): Observation => (objects ? objects[i]! : observationAt(t, i));
  const { model, step } = t;
  const { groupOf, groupKeys } = curveOfRow(t, lookup ? (i) => lookup.isAxis(objects![i]!) : null);
  const start = new Int32Array(groupKeys.length + 1);
  for (let i = 0; i < t.length; i++) if (groupOf[i]! >= 0) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < groupKeys.length; g++) start[g + 1]! += start[g]!;
  const rows = new Int32Array(start[groupKeys.length]!);
  const fill = start.slice(0, groupKeys.length);
  for (let i = 0; i < t.length; i++) if (groupOf[i]! >= 0) rows[fill[groupOf[i]!]!++] = i;
  let groups: { key: CurveKey; rows: Int32Array }[] = groupKeys.map((key, g) => ({ key, rows: rows.subarray(start[g]!, start[g + 1]!) }));

  // A model's checkpoints on a step or tokens axis are its training curve: one curve per model.
  if (axis.kind === 'step' || axis.kind === 'tokens') {
    const split: { key: CurveKey; rows: Int32Array }[] = [];
    groups = groups.filter((g) => {
      const steps = new Map<number, Set<number>>();
      for (const r of g.rows) {
        const set = steps.get(model[r]!) ?? new Set();
        set.add(step[r]!);
        steps.set(model[r]!, set);
      }
      if (![...steps.values()].some((st) => st.size > 1)) return true;
      for (const m of steps.keys()) {
        const key: CurveKey = { ...g.key, labels: { ...g.key.labels, model: names[m]! } };
        split.push({ key, rows: g.rows.filter((r) => model[r] === m) });
      }
      return false;
    });
    groups.push(...split);
  }

  const perStep = axis.kind !== 'params';
  const positionOf = (r: number): number | null => {
    if (axis.kind === 'tokens') return nullIfNaN(t.tokens[r]!);
    if (axis.kind === 'step') return nullIfNaN(step[r]!);
    if (axis.kind === 'flops') return !Number.isNaN(t.flops[r]!) ? t.flops[r]! : !Number.isNaN(t.tokens[r]!) ? 6 * t.params[r]! * t.tokens[r]! : null;
    if (lookup) return lookup.position(objects![r]!);
    return t.params[r]!;
  };
  const placed = (position: number | null): boolean => {
    if (position === null) unplaced++;
    else if (!(position > 0) || !Number.isFinite(position)) nonPositive++;
    else return true;
    return false;
  };
  // A point's position in the axis's units on a non-default axis (undefined on parameters).
  const xOf = (r: number, position: number): number | undefined => (axis.kind === 'params' ? undefined : lookup ? lookup.value(objects![r]!)! : position);

  // Where each model's rows are within the curve being built: a slot per model code, reset after the curve.
  const slotOfModel = new Int32Array(names.length).fill(-1);
  const next = new Int32Array(t.length);
  let longest = 0;
  for (const g of groups) longest = Math.max(longest, g.rows.length);
  const heads = new Int32Array(longest);
  const tails = new Int32Array(longest);
  const counts = new Int32Array(longest);
  const curves: Curve[] = [];
  const sourcesOf = new Map<string | number, readonly string[]>();
  for (const { key, rows: obs } of groups) {
    // On the parameters axis a point is a model; on any other axis, a model at one step.
    let slots = 0; // heads[s], tails[s], counts[s]: the first and last row of point s, and its row count
    const perStepSlot = perStep ? new Map<string, number>() : null;
    for (const r of obs) {
      let s: number;
      if (perStepSlot) {
        const id = `${model[r]}\u0000${nullIfNaN(step[r]!) ?? ''}`;
        s = perStepSlot.get(id) ?? -1;
        if (s < 0) perStepSlot.set(id, slots);
      } else {
        s = slotOfModel[model[r]!]!;
        if (s < 0) slotOfModel[model[r]!] = slots;
      }
      next[r] = -1;
      if (s < 0) {
        heads[slots] = r;
        tails[slots] = r;
        counts[slots++] = 1;
      } else {
        next[tails[s]!] = r;
        tails[s] = r;
        counts[s]!++;
      }
    }
    if (!perStepSlot) for (let s = 0; s < slots; s++) slotOfModel[model[heads[s]!]!] = -1;
    let checkpoints = false;
    if (perStep) {
      const models = new Set<number>();
      for (const r of obs) models.add(model[r]!);
      checkpoints = models.size < slots;
    }
    const points: CurvePoint[] = [];
    let direction: boolean | null = null;
    for (const r of obs) {
      const h = t.higherIsBetter[r]!;
      if (h < 0) continue;
      if (direction === null) direction = h === 1;
      else if (direction !== (h === 1)) {
        const want = direction ? 1 : 0;
        const first = obs.find((p) => t.higherIsBetter[p] === want)!;
        conflicts.push({ first: obsAt(first), second: obsAt(r), what: 'higher_is_better disagrees within one curve' });
      }
    }
    for (let s = 0; s < slots; s++) {
      if (counts[s] === 1) {
        // One row for the model (one seed, one step): the point is the row.
        const r = heads[s]!;
        const position = positionOf(r);
        if (placed(position)) points.push(pointAt(t, r, checkpoints, position!, 0 + t.value[r]!, nullIfNaN(t.stderr[r]!), nullIfNaN(t.low[r]!), nullIfNaN(t.high[r]!), nullIfNaN(t.n[r]!), 1, null, xOf(r, position!)));
        continue;
      }
      let list: number[] = [];
      for (let r = heads[s]!; r >= 0; r = next[r]!) list.push(r);
      const modelName = names[model[list[0]!]!]!;
      let lastStep: number | null = null;
      for (const r of list) if (!Number.isNaN(step[r]!)) lastStep = lastStep === null ? step[r]! : Math.max(lastStep, step[r]!);
      if (lastStep !== null && list.some((r) => !Number.isNaN(step[r]!) && step[r] !== lastStep)) {
        droppedEarlierSteps += list.filter((r) => step[r] !== lastStep).length;
        list = list.filter((r) => step[r] === lastStep || Number.isNaN(step[r]!));
      }
      const first = list[0]!;
      const bySeed = new Map<string, number>();
      for (const r of list) {
        if (t.params[r] !== t.params[first]) conflicts.push({ first: obsAt(first), second: obsAt(r), what: `model ${modelName} has two sizes (${t.params[first]} and ${t.params[r]})` });
        const seedKey = t.seed[r]! < 0 ? '' : names[t.seed[r]!]!;
        const prevRow = bySeed.get(seedKey);
        if (prevRow === undefined) bySeed.set(seedKey, r);
        else if (t.value[prevRow] !== t.value[r]) {
          const seedText = t.seed[r]! < 0 ? 'no seed' : `seed ${names[t.seed[r]!]}`;
          conflicts.push({ first: obsAt(prevRow), second: obsAt(r), what: `duplicate point (${modelName}, ${seedText}) with conflicting values ${t.value[prevRow]} and ${t.value[r]}` });
        }
      }
      const position = positionOf(first);
      if (!placed(position)) continue;
      const runs = [...bySeed.values()];
      const values = runs.map((r) => t.value[r]!);
      const sd = sampleSd(values);
      const m = runs.length;
      const only = runs.length === 1 ? runs[0]! : -1;
      const se = runs.find((r) => !Number.isNaN(t.stderr[r]!));
      const stderr = m > 1 ? sd! / Math.sqrt(m) : se !== undefined ? t.stderr[se]! : null;
      const withN = runs.find((r) => !Number.isNaN(t.n[r]!));
      points.push(pointAt(t, first, checkpoints, position!, mean(values), stderr, only < 0 ? null : nullIfNaN(t.low[only]!), only < 0 ? null : nullIfNaN(t.high[only]!), withN !== undefined ? t.n[withN]! : null, m, sd, xOf(first, position!)));
    }
    if (points.length === 0) continue;
    // Files mostly list a curve's models by size already: only an unsorted curve is sorted.
    for (let q = 1; q < points.length; q++) {
      if (byPosition(points[q - 1]!, points[q]!) > 0) {
        points.sort(byPosition);
        break;
      }
    }
    if (direction === null) {
      const info = metricInfo(key.metric);
      if (info) direction = info.higherIsBetter;
      else {
        unknown.add(key.metric);
        direction = true;
      }
    }
    const fileCodes: number[] = [];
    for (const r of obs) if (!fileCodes.includes(t.file[r]!)) fileCodes.push(t.file[r]!);
    // Curves from the same files share one list (most come from one file).
    const sourcesId = fileCodes.length === 1 ? fileCodes[0]! : fileCodes.join(',');
    let sources = sourcesOf.get(sourcesId);
    if (sources === undefined) sourcesOf.set(sourcesId, (sources = fileCodes.map((f) => t.files[f]!)));
    curves.push(axis.kind !== 'params' ? { key, higherIsBetter: direction, points, sources, axis } : { key, higherIsBetter: direction, points, sources });
  }
  sortCurves(curves);
  if (unplaced > 0) {
    const what = axis.kind === 'flops' ? 'no flops (and no tokens for 6·N·D)' : axis.kind === 'metric' ? `no ${axis.name} for the same model and step` : `no ${axis.kind}`;
    axisNotes.push(`${unplaced} points left out: ${what}`);
  }
  if (nonPositive > 0) axisNotes.push(`${nonPositive} points left out: ${axis.kind} 0 cannot be placed on a log axis`);
  return { curves, conflicts, unknownDirection: [...unknown].sort(), droppedEarlierSteps, axis, axisNotes };
}

/**
 * Which curve each row is on (-1: a row of the metric axis, no curve's point), curves numbered in
 * order of first appearance, with their keys. A curve's key is five integers (the shots value and
 * the label set's id given codes), coded a pair at a time: no string per curve.
 */
function curveOfRow(t: ObservationTable, isAxis: ((i: number) => boolean) | null): { groupOf: Int32Array; groupKeys: CurveKey[] } {
  const { names, family, task, metric, shots, labels } = t;
  // Label sets with the same names and values are one curve, whichever object carries them.
  const labelCode = new Int32Array(t.labelSets.length);
  const byLabelId = new Map<string, number>();
  t.labelSets.forEach((l, i) => {
    const id = curveId({ family: '', task: '', metric: '', shots: null, labels: l });
    let c = byLabelId.get(id);
    if (c === undefined) byLabelId.set(id, (c = byLabelId.size));
    labelCode[i] = c;
  });
  const shotsCode = new Map<number, number>(); // SameValueZero: one code for NaN (no shots), as for a text key
  const pairs = [new PairCodes(), new PairCodes(), new PairCodes(), new PairCodes()];
  const groupOf = new Int32Array(t.length);
  const groupKeys: CurveKey[] = [];
  const n = t.length;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (isAxis !== null && isAxis(i)) {
      groupOf[i] = -1;
      continue;
    }
    // Files list a curve's rows together: a row of the previous row's curve needs no key (NaN: both without shots).
    const sh = shots[i]!;
    if (prev >= 0 && labels[i] === labels[prev] && family[i] === family[prev] && task[i] === task[prev] && metric[i] === metric[prev] && (sh === shots[prev] || (sh !== sh && shots[prev] !== shots[prev]))) {
      groupOf[i] = groupOf[prev]!;
      prev = i;
      continue;
    }
    let sc = shotsCode.get(sh);
    if (sc === undefined) shotsCode.set(sh, (sc = shotsCode.size));
    const g = pairs[3]!.code(pairs[2]!.code(pairs[1]!.code(pairs[0]!.code(family[i]!, task[i]!), metric[i]!), sc), labelCode[labels[i]!]!);
    if (g === groupKeys.length) {
      groupKeys.push({ family: names[family[i]!]!, task: names[task[i]!]!, metric: names[metric[i]!]!, shots: nullIfNaN(sh), labels: t.labelSets[labels[i]!]! });
    }
    groupOf[i] = g;
    prev = i;
  }
  return { groupOf, groupKeys };
}

/**
 * The point of row `first` (a model, or a model at a step when `checkpoints`), its fields in one
 * order whatever the axis, so every point has one shape (and the JSON one order); `x` is the
 * position in the axis's units, undefined on the parameters axis. Outside `assembleCurves`' closure:
 * a million points are most of its time.
 */
function pointAt(t: ObservationTable, first: number, checkpoints: boolean, position: number, value: number, stderr: number | null, low: number | null, high: number | null, n: number | null, seeds: number, seedSd: number | null, x: number | undefined): CurvePoint {
  const name = t.names[t.model[first]!]!;
  const st = nullIfNaN(t.step[first]!);
  const p: Mutable<CurvePoint> = {
    model: checkpoints && st !== null ? `${name}@${st}` : name,
    params: position,
    value,
    stderr,
    low,
    high,
    n,
    seeds,
    seedSd,
    tokens: nullIfNaN(t.tokens[first]!),
    step: st,
    extra: t.extraSets[t.extra[first]!]!,
  };
  if (x !== undefined) {
    p.x = x;
    p.modelParams = t.params[first]!;
  }
  if (!Number.isNaN(t.flops[first]!)) p.flops = t.flops[first]!;
  return p;
}
