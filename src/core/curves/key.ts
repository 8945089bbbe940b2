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

/**
 * Sort curves in place by `compareKeys`. A million-row file has 10^5 curves and a few thousand
 * distinct names: each distinct family, family label, task and metric is ranked once by the
 * collator (names the collator calls equal share a rank), a family label is built once per
 * family and label set (curves of one file share their label objects), and the sort compares
 * ranks held in typed arrays, ties in their first order.
 */
export function sortCurves<C extends { readonly key: CurveKey }>(curves: C[]): C[] {
  const ranker = (): { add(s: string): void; rank(s: string): number } => {
    const seen = new Set<string>();
    let ranks: Map<string, number> | null = null;
    return {
      add: (s) => void seen.add(s),
      rank: (s) => {
        if (ranks === null) {
          ranks = new Map();
          let r = 0;
          let prev: string | null = null;
          for (const v of [...seen].sort(collator.compare)) {
            if (prev !== null && collator.compare(prev, v) !== 0) r++;
            ranks.set(v, r);
            prev = v;
          }
        }
        return ranks.get(s)!;
      },
    };
  };
  const n = curves.length;
  const labelOf = new Map<Readonly<Record<string, string>>, Map<string, string>>();
  const labels = curves.map((c) => {
    let byFamily = labelOf.get(c.key.labels);
    if (byFamily === undefined) labelOf.set(c.key.labels, (byFamily = new Map()));
    let l = byFamily.get(c.key.family);
    if (l === undefined) byFamily.set(c.key.family, (l = familyLabel(c.key)));
    return l;
  });
  const fam = ranker(), lab = ranker(), task = ranker(), metric = ranker();
  curves.forEach((c, i) => {
    fam.add(c.key.family);
    lab.add(labels[i]!);
    task.add(c.key.task);
    metric.add(c.key.metric);
  });
  const f = new Int32Array(n), l = new Int32Array(n), t = new Int32Array(n), m = new Int32Array(n), sh = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = curves[i]!.key;
    f[i] = fam.rank(k.family);
    l[i] = lab.rank(labels[i]!);
    t[i] = task.rank(k.task);
    m[i] = metric.rank(k.metric);
    sh[i] = k.shots ?? -1;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => f[x]! - f[y]! || l[x]! - l[y]! || t[x]! - t[y]! || m[x]! - m[y]! || sh[x]! - sh[y]! || x - y);
  const was = curves.slice();
  for (let i = 0; i < n; i++) curves[i] = was[order[i]!]!;
  return curves;
}
