import { pySplit } from './py-text.js';
import { sumStats } from './bleu.js';

/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU 2.x computes them
 * (sacrebleu/metrics/chrf.py): character n-grams of order 1..charOrder over the text with
 * whitespace removed (kept with `whitespace`), plus word n-grams of order 1..wordOrder over words
 * with one leading or trailing punctuation mark split off (chrF++ is wordOrder 2), β-weighted F.
 * Default (effective order): precision and recall averaged over the orders present on both
 * sides, then one F; `epsSmoothing`: one F per order with 1e-16 for empty orders, averaged over
 * all orders (chrF++.py, Moses, NLTK). The best reference is the one of highest segment F.
 * Corpus chrF sums the statistics over segments. Scores are 0–100. Defaults: 6, 0, β = 2.
 */
export interface ChrfOptions {
  readonly charOrder?: number;
  readonly wordOrder?: number;
  readonly beta?: number;
  readonly lowercase?: boolean;
  readonly whitespace?: boolean;
  readonly epsSmoothing?: boolean;
}

/** Per order (char orders first, then word orders): [hyp count, ref count, matches]. */
export type ChrfStats = Float64Array;

// Python's string.punctuation, as chrF's _remove_punctuation checks it.
const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function orders(o: ChrfOptions | undefined): [number, number] {
  const c = o?.charOrder ?? 6;
  const w = o?.wordOrder ?? 0;
  if (!(Number.isInteger(c) && c >= 0)) throw new RangeError(`char_order must be a whole number >= 0, got ${c}`);
  if (!(Number.isInteger(w) && w >= 0)) throw new RangeError(`word_order must be a whole number >= 0, got ${w}`);
  if (c + w === 0) throw new RangeError('char_order + word_order must be at least 1');
  return [c, w];
}

function counts(items: readonly string[], n: number, sep: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= items.length; i++) {
    const k = items.slice(i, i + n).join(sep);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** CHRF._remove_punctuation: splits one trailing, else one leading, punctuation mark off each word. */
export function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    const cps = Array.from(w);
    if (cps.length === 1) out.push(w);
    else if (PUNCTS.has(cps[cps.length - 1]!)) out.push(cps.slice(0, -1).join(''), cps[cps.length - 1]!);
    else if (PUNCTS.has(cps[0]!)) out.push(cps[0]!, cps.slice(1).join(''));
    else out.push(w);
  }
  return out;
}

function allNgrams(line: string, charOrder: number, wordOrder: number, whitespace: boolean): Map<string, number>[] {
  const text = whitespace ? line : pySplit(line).join('');
  // Code-point boundaries in UTF-16 units, so an n-gram is one substring (Python slices code points).
  const starts: number[] = [];
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0xdc00 || c > 0xdfff || k === 0 || (text.charCodeAt(k - 1) & 0xfc00) !== 0xd800) starts.push(k);
  }
  starts.push(text.length);
  const nCp = starts.length - 1;
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= charOrder; n++) {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= nCp; i++) {
      const k = text.slice(starts[i]!, starts[i + n]!);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    out.push(m);
  }
  if (wordOrder > 0) {
    const words = chrfWords(line);
    for (let n = 1; n <= wordOrder; n++) out.push(counts(words, n, ' '));
  }
  return out;
}

/** CHRF._compute_f_score. The order count is stats.length / 3. */
export function chrfFromStats(stats: ArrayLike<number>, o: ChrfOptions = {}): number {
  if (stats.length === 0 || stats.length % 3 !== 0) throw new RangeError(`chrF statistics: expected 3 numbers per order, got ${stats.length}`);
  const nOrders = stats.length / 3;
  const beta = o.beta ?? 2;
  const factor = beta * beta;
  const eps = 1e-16;
  let score = 0;
  let avgPrec = 0;
  let avgRec = 0;
  let eff = 0;
  for (let i = 0; i < nOrders; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      eff++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / nOrders;
  if (eff === 0) return 0;
  avgPrec /= eff;
  avgRec /= eff;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
}

export function chrfStats(hypothesis: string, references: readonly string[], o: ChrfOptions = {}): ChrfStats {
  const [charOrder, wordOrder] = orders(o);
  const nOrders = charOrder + wordOrder;
  const prep = (s: string): string => (o.lowercase ? s.toLowerCase() : s);
  const hyp = allNgrams(prep(hypothesis), charOrder, wordOrder, o.whitespace ?? false);
  let best: ChrfStats = new Float64Array(3 * nOrders);
  let bestF = -1;
  for (const r of references) {
    const ref = allNgrams(prep(r), charOrder, wordOrder, o.whitespace ?? false);
    const s = new Float64Array(3 * nOrders);
    for (let i = 0; i < nOrders; i++) {
      let hypCount = 0;
      let match = 0;
      const rm = ref[i]!;
      for (const [g, c] of hyp[i]!) {
        hypCount += c;
        const rc = rm.get(g);
        if (rc !== undefined) match += Math.min(c, rc);
      }
      let refCount = 0;
      for (const c of rm.values()) refCount += c;
      // sacreBLEU: hypothesis n-grams do not count where the reference has none of that order.
      s[3 * i] = rm.size > 0 ? hypCount : 0;
      s[3 * i + 1] = refCount;
      s[3 * i + 2] = match;
    }
    const f = chrfFromStats(s, o);
    if (f > bestF) {
      bestF = f;
      best = s;
    }
  }
  return best;
}

export function sentenceChrf(hypothesis: string, references: readonly string[], o: ChrfOptions = {}): number {
  return chrfFromStats(chrfStats(hypothesis, references, o), o);
}

export function corpusChrf(stats: readonly ArrayLike<number>[], o: ChrfOptions = {}): number {
  return chrfFromStats(sumStats(stats, stats[0]?.length ?? 18), o);
}
