import type { Curve, CurveKey } from '../types.js';
import { curveId } from '../curves/key.js';

/**
 * Which curves are the two variants to compare: `prompting=direct,cot` names a field (a label, or
 * one of the key's columns family, task, metric, shots) and its two values. Curves that agree on
 * everything else form a pair. Shots are ignored when only one curve of each value is left, since
 * a variant often fixes its own shot count (ObsScaling: GSM8K direct 5-shot, CoT 8-shot); when a
 * value has several shot counts, the pairs are those with equal shots.
 */
export interface CompareSpec {
  readonly field: string;
  /** The baseline (A) and the variant (B): positive differences mean B is better. */
  readonly a: string;
  readonly b: string;
}

export interface CurvePair {
  /** The shared part of the two keys: the compared field and (when they differ) shots removed. */
  readonly id: string;
  readonly a: Curve;
  readonly b: Curve;
}

export interface Pairing {
  readonly pairs: readonly CurvePair[];
  /** Curves with one of the two values that found no partner (their curve ids). */
  readonly unpaired: readonly string[];
}

const COLUMNS = ['family', 'task', 'metric', 'shots'] as const;
type Column = (typeof COLUMNS)[number];
const isColumn = (f: string): f is Column => (COLUMNS as readonly string[]).includes(f);

/** `field=a,b` → the spec, or a message saying what is wrong. */
export function parseCompareSpec(text: string): CompareSpec | string {
  const m = /^([^=\s]+)=([^,]+),([^,]+)$/.exec(text.trim());
  if (!m) return `expected FIELD=A,B (for example prompting=direct,cot), got ${JSON.stringify(text)}`;
  const [, field, a, b] = m;
  if (a!.trim() === b!.trim()) return `the two values must differ, got ${JSON.stringify(a)} twice`;
  return { field: field!, a: a!.trim(), b: b!.trim() };
}

export function fieldValue(key: CurveKey, field: string): string | undefined {
  if (isColumn(field)) return field === 'shots' ? (key.shots === null ? undefined : String(key.shots)) : key[field];
  return key.labels[field];
}

function without(key: CurveKey, field: string, dropShots: boolean): CurveKey {
  const labels = { ...key.labels };
  delete labels[field];
  return {
    family: field === 'family' ? '' : key.family,
    task: field === 'task' ? '' : key.task,
    metric: field === 'metric' ? '' : key.metric,
    shots: field === 'shots' || dropShots ? null : key.shots,
    labels,
  };
}

export function pairCurves(curves: readonly Curve[], spec: CompareSpec): Pairing {
  const groups = new Map<string, { a: Curve[]; b: Curve[] }>();
  for (const c of curves) {
    const v = fieldValue(c.key, spec.field);
    if (v !== spec.a && v !== spec.b) continue;
    const g = curveId(without(c.key, spec.field, true));
    let e = groups.get(g);
    if (!e) groups.set(g, (e = { a: [], b: [] }));
    (v === spec.a ? e.a : e.b).push(c);
  }
  const pairs: CurvePair[] = [];
  const unpaired: string[] = [];
  for (const [g, { a, b }] of groups) {
    if (a.length === 1 && b.length === 1) {
      pairs.push({ id: g, a: a[0]!, b: b[0]! });
      continue;
    }
    const usedB = new Set<Curve>();
    for (const ca of a) {
      const cb = b.find((c) => !usedB.has(c) && c.key.shots === ca.key.shots);
      if (cb) {
        usedB.add(cb);
        pairs.push({ id: curveId(without(ca.key, spec.field, false)), a: ca, b: cb });
      } else unpaired.push(curveId(ca.key));
    }
    for (const cb of b) if (!usedB.has(cb)) unpaired.push(curveId(cb.key));
  }
  pairs.sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
  return { pairs, unpaired: unpaired.sort() };
}
