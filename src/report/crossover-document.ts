import type { Curve, CurveKey } from '../core/types.js';
import { crossoverOfCurves, type CrossoverResult } from '../core/crossover/crossover.js';
import { pairCurves, type CompareSpec } from '../core/crossover/pair.js';
import { curveId, familyLabel } from '../core/curves/key.js';

/**
 * The comparison of two variants (`emergence audit --compare FIELD=A,B`): one entry per pair of
 * curves with both curves' points and the crossover analysis. The one model the table, `--json`
 * and the report's crossover panels are built from.
 */
export interface CrossoverEntry {
  /** The pair's shared key as a curve id (compared field removed). */
  readonly id: string;
  /** `family [labels]` without the compared field, for tables. */
  readonly label: string;
  readonly task: string;
  readonly metric: string;
  readonly higherIsBetter: boolean;
  readonly a: { readonly id: string; readonly key: CurveKey; readonly points: Curve['points'] };
  readonly b: { readonly id: string; readonly key: CurveKey; readonly points: Curve['points'] };
  readonly result: CrossoverResult;
}

export interface CrossoverDocument {
  readonly kind: 'emergence-crossover';
  readonly version: 1;
  readonly inputs: readonly string[];
  readonly compare: CompareSpec;
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
  /** `--items`: the test-set size assumed where the source reports no error, or null. */
  readonly items: number | null;
  readonly pairs: readonly CrossoverEntry[];
  /** Curves with one of the two values that had no partner. */
  readonly unpaired: readonly string[];
}

export function crossoverDocument(
  curves: readonly Curve[],
  spec: CompareSpec,
  inputs: readonly string[],
  opts: {
    level: number; resamples: number; seed: number;
    /** Test items behind each value whose source gives neither stderr nor n: its error is then binomial. */
    items?: number | undefined;
    onPair?: (done: number, total: number) => void;
  },
): CrossoverDocument {
  const withItems = (c: Curve): Curve =>
    opts.items === undefined ? c : { ...c, points: c.points.map((p) => (p.stderr === null && p.n === null ? { ...p, n: opts.items! } : p)) };
  const paired = pairCurves(curves, spec);
  const pairs = paired.pairs;
  const unpaired = [...paired.unpaired];
  const entries: CrossoverEntry[] = [];
  for (const [i, p] of pairs.entries()) {
    if (p.a.higherIsBetter !== p.b.higherIsBetter) {
      unpaired.push(curveId(p.a.key), curveId(p.b.key)); // not comparable: one is a loss, the other a score
      continue;
    }
    const labels = { ...p.a.key.labels };
    delete labels[spec.field];
    entries.push({
      id: p.id,
      label: familyLabel({ ...p.a.key, family: spec.field === 'family' ? `${spec.a} vs ${spec.b}` : p.a.key.family, labels }),
      task: p.a.key.task,
      metric: spec.field === 'metric' ? `${spec.a} vs ${spec.b}` : p.a.key.metric,
      higherIsBetter: p.a.higherIsBetter,
      a: { id: curveId(p.a.key), key: p.a.key, points: p.a.points },
      b: { id: curveId(p.b.key), key: p.b.key, points: p.b.points },
      // Each pair its own seed stream, so filtering pairs does not change another pair's interval.
      result: crossoverOfCurves(withItems(p.a), withItems(p.b), { level: opts.level, resamples: opts.resamples, seed: opts.seed, streamLabel: p.id }),
    });
    opts.onPair?.(i + 1, pairs.length);
  }
  return { kind: 'emergence-crossover', version: 1, inputs, compare: spec, level: opts.level, resamples: opts.resamples, seed: opts.seed, items: opts.items ?? null, pairs: entries, unpaired: unpaired.sort() };
}
