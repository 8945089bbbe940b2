import type { Sample, Score } from '../types.js';
import type { Rng } from '../random/rng.js';
import { pairedBootstrap, quantileSorted } from '../stats/bootstrap.js';
import { mcnemar } from '../stats/mcnemar.js';
import { metricDef, type MetricContext } from './registry.js';

/**
 * Two models scored on the same items, compared pairwise (an unpaired z-test on paired data
 * throws away the pairing and overstates the p-value; lm-evaluation-harness issue #3831):
 * McNemar's test when the metric is 0/1 on every item (exact by default), else a seeded paired
 * bootstrap of the mean difference. A corpus statistic (corpus BLEU, chrF, TER) is compared by
 * paired bootstrap resampling of its sufficient statistics (Koehn 2004, as sacreBLEU's --paired-bs):
 * the same resampled items for both models, the statistic recombined for each. Items are matched by
 * sample id; only items both models have count. The difference is A − B; `better` reads it through
 * the metric's direction.
 */
export interface PairedComparison {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly n: number;
  readonly meanA: number;
  readonly meanB: number;
  readonly difference: number;
  readonly method: 'mcnemar-exact' | 'mcnemar-chi-square' | 'paired-bootstrap' | 'paired-bootstrap-corpus';
  readonly p: number;
  /** Bootstrap interval of the difference (paired bootstrap only). */
  readonly low: number | null;
  readonly high: number | null;
  /** McNemar's discordant counts: A right and B wrong, A wrong and B right. */
  readonly discordant: { readonly aOnly: number; readonly bOnly: number } | null;
  readonly better: 'a' | 'b' | 'tie';
}

export function comparePaired(
  metric: string,
  a: { readonly name: string; readonly scores: readonly Score[] },
  b: { readonly name: string; readonly scores: readonly Score[] },
  opts: { rng: Rng; resamples?: number; level?: number; exact?: boolean },
): PairedComparison | null {
  const def = metricDef(metric);
  if (!def) throw new RangeError(`unknown metric "${metric}"`);
  const bv = new Map(b.scores.filter((s) => s.metric === def.id).map((s) => [s.sampleId, s.value]));
  const xa: number[] = [];
  const xb: number[] = [];
  for (const s of a.scores) {
    if (s.metric !== def.id) continue;
    const v = bv.get(s.sampleId);
    if (v === undefined) continue;
    xa.push(s.value);
    xb.push(v);
  }
  const n = xa.length;
  if (n === 0) return null;
  const mean = (x: number[]): number => x.reduce((p, q) => p + q, 0) / x.length;
  const meanA = mean(xa);
  const meanB = mean(xb);
  const difference = meanA - meanB;
  const better = difference === 0 ? 'tie' : (difference > 0) === def.higherIsBetter ? 'a' : 'b';
  const binary = !def.continuous && xa.every((v) => v === 0 || v === 1) && xb.every((v) => v === 0 || v === 1);
  if (binary) {
    const m = mcnemar(xa, xb, { exact: opts.exact ?? true });
    return {
      metric: def.id, a: a.name, b: b.name, n, meanA, meanB, difference, method: m.method === 'exact' ? 'mcnemar-exact' : 'mcnemar-chi-square',
      p: m.p, low: null, high: null, discordant: { aOnly: m.b, bOnly: m.c }, better,
    };
  }
  if ((opts.resamples ?? 2000) === 0) {
    return { metric: def.id, a: a.name, b: b.name, n, meanA, meanB, difference, method: 'paired-bootstrap', p: NaN, low: null, high: null, discordant: null, better };
  }
  const r = pairedBootstrap(xa, xb, { rng: opts.rng, resamples: opts.resamples ?? 2000, level: opts.level ?? 0.95 });
  return { metric: def.id, a: a.name, b: b.name, n, meanA, meanB, difference, method: 'paired-bootstrap', p: r.p, low: r.low, high: r.high, discordant: null, better };
}

/** Paired bootstrap of a corpus statistic over the items both models have (see above). */
export function comparePairedCorpus(
  metric: string,
  a: { readonly name: string; readonly samples: readonly Sample[] },
  b: { readonly name: string; readonly samples: readonly Sample[] },
  ctx: MetricContext,
  opts: { rng: Rng; resamples?: number; level?: number },
): PairedComparison | null {
  const def = metricDef(metric);
  if (!def?.corpus) throw new RangeError(`"${metric}" is not a corpus metric`);
  const corpus = def.corpus;
  const statsOf = (ss: readonly Sample[]): Map<string, ArrayLike<number>> => {
    const m = new Map<string, ArrayLike<number>>();
    for (const s of ss) {
      if (!def.kinds.includes(s.kind)) continue;
      const st = corpus.stats(s, ctx);
      if (st !== null) m.set(s.id, st);
    }
    return m;
  };
  const sa = statsOf(a.samples);
  const sb = statsOf(b.samples);
  const xa: ArrayLike<number>[] = [];
  const xb: ArrayLike<number>[] = [];
  for (const [id, st] of sa) {
    const o = sb.get(id);
    if (o === undefined) continue;
    xa.push(st);
    xb.push(o);
  }
  const n = xa.length;
  if (n === 0) return null;
  const meanA = corpus.combine(xa);
  const meanB = corpus.combine(xb);
  const difference = meanA - meanB;
  const better = difference === 0 ? 'tie' : (difference > 0) === def.higherIsBetter ? 'a' : 'b';
  const B = opts.resamples ?? 2000;
  if (B === 0) return { metric: def.id, a: a.name, b: b.name, n, meanA, meanB, difference, method: 'paired-bootstrap-corpus', p: NaN, low: null, high: null, discordant: null, better };
  const diffs = new Float64Array(B);
  const pa: ArrayLike<number>[] = new Array(n);
  const pb: ArrayLike<number>[] = new Array(n);
  let le = 0;
  let ge = 0;
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(opts.rng.next() * n);
      pa[i] = xa[k]!;
      pb[i] = xb[k]!;
    }
    const d = corpus.combine(pa) - corpus.combine(pb);
    diffs[r] = d;
    if (d <= 0) le++;
    if (d >= 0) ge++;
  }
  diffs.sort();
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  return {
    metric: def.id, a: a.name, b: b.name, n, meanA, meanB, difference, method: 'paired-bootstrap-corpus',
    p: Math.min(1, (2 * Math.min(le, ge)) / B), low: quantileSorted(diffs, alpha), high: quantileSorted(diffs, 1 - alpha), discordant: null, better,
  };
}
