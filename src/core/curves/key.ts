import type { CurveKey } from '../types.js';

/** A stable string id for a curve key (used for grouping, sorting and the report). */
export function curveId(k: CurveKey): string {
  const labels = Object.keys(k.labels)
    .sort()
    .map((name) => `${name}=${k.labels[name]}`)
    .join(',');
  return [k.family, k.task, k.metric, k.shots === null ? '' : `${k.shots}-shot`, labels].join('|');
}

/** The same key without the metric: curves that differ only in metric are "metric swaps" of each other. */
export function swapGroupId(k: CurveKey): string {
  return curveId({ ...k, metric: '' });
}

/** `Pythia [deduped=true]`: the family with its labels, for tables. */
export function familyLabel(k: CurveKey): string {
  const names = Object.keys(k.labels).sort();
  if (names.length === 0) return k.family;
  return `${k.family} [${names.map((n) => `${n}=${k.labels[n]}`).join(',')}]`;
}

// localeCompare with no locale is this collator's compare (ECMA-402), without building one per call.
const collator = new Intl.Collator();

/** Order curves by family, labels, task, metric, shots: the table's reading order. */
export function compareKeys(a: CurveKey, b: CurveKey): number {
  return compareLabelled(a, familyLabel(a), b, familyLabel(b));
}

function compareLabelled(a: CurveKey, labA: string, b: CurveKey, labB: string): number {
  const cmp = collator.compare;
  return cmp(a.family, b.family) || cmp(labA, labB) || cmp(a.task, b.task) || cmp(a.metric, b.metric) || (a.shots ?? -1) - (b.shots ?? -1);
}

/** Sort curves in place by `compareKeys`, each key's family label made once (a million-row file has 10^5 curves). */
export function sortCurves<C extends { readonly key: CurveKey }>(curves: C[]): C[] {
  const labelOf = new Map<C, string>();
  for (const c of curves) labelOf.set(c, familyLabel(c.key));
  return curves.sort((a, b) => compareLabelled(a.key, labelOf.get(a)!, b.key, labelOf.get(b)!));
}
