import { pyRstrip, pySplit } from './py-text.js';
import { sacreBleuTokenize, type SacreBleuTokenizer } from './sacrebleu-tokenizers.js';

export { tokenize13a } from './sacrebleu-tokenizers.js';

/**
 * BLEU (Papineni et al. 2002) exactly as sacreBLEU 2.x computes it (Post 2018,
 * sacrebleu/metrics/bleu.py): the segment optionally lowercased, right-stripped and tokenized,
 * clipped n-gram matches up to `maxNgramOrder` against the per-n-gram maximum over references,
 * the closest reference length (ties → shorter) for the brevity penalty, then one of the four
 * smoothing methods of Chen & Cherry 2014 (`none`, `floor` = method 1, `add-k` = method 2,
 * `exp` = method 3, NIST). Corpus BLEU sums the statistics over segments first; sentence BLEU
 * uses the effective order (orders with no hypothesis n-grams are dropped), as sacreBLEU
 * recommends. Scores are 0–100. The defaults are sacreBLEU's: 13a, exp, order 4, case kept.
 */
export type SmoothMethod = 'none' | 'floor' | 'add-k' | 'exp';
export const SMOOTH_METHODS: readonly SmoothMethod[] = ['none', 'floor', 'add-k', 'exp'];
/** sacreBLEU's BLEU.SMOOTH_DEFAULTS: the value a method uses when smooth_value is not given. */
export const SMOOTH_DEFAULTS: Readonly<Record<SmoothMethod, number | null>> = { none: null, floor: 0.1, 'add-k': 1, exp: null };

export interface BleuTokenOptions {
  readonly tokenize?: SacreBleuTokenizer;
  readonly lowercase?: boolean;
  readonly maxNgramOrder?: number;
}
export interface BleuScoreOptions {
  readonly smoothMethod?: SmoothMethod;
  /** For `floor` and `add-k`; null or absent takes SMOOTH_DEFAULTS. */
  readonly smoothValue?: number | null;
  readonly effectiveOrder?: boolean;
}
export type BleuOptions = BleuTokenOptions & BleuScoreOptions;

/** Sufficient statistics of one segment: [hypLen, refLen, correct_1..N, total_1..N], N the max order. */
export type BleuStats = Float64Array;

/** Everything compute_bleu reports. */
export interface BleuResult {
  readonly score: number;
  readonly counts: readonly number[];
  readonly totals: readonly number[];
  readonly precisions: readonly number[];
  readonly bp: number;
  readonly sysLen: number;
  readonly refLen: number;
}

function order(o: BleuTokenOptions | undefined): number {
  const n = o?.maxNgramOrder ?? 4;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`max_ngram_order must be a whole number >= 1, got ${n}`);
  return n;
}

function preprocess(line: string, o: BleuTokenOptions | undefined): string[] {
  const s = o?.lowercase ? line.toLowerCase() : line;
  return pySplit(sacreBleuTokenize(o?.tokenize ?? '13a', pyRstrip(s)));
}

function ngramCounts(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // Tokens hold no whitespace, so a space-free separator cannot collide; the order prefixes the key.
      const key = `${n}\u0000${tokens.slice(i, i + n).join('\u0001')}`;
      m.set(key, (m.get(key) ?? 0) + 1);
    }
  }
  return m;
}

export function bleuStats(hypothesis: string, references: readonly string[], o?: BleuTokenOptions): BleuStats {
  const maxOrder = order(o);
  const hyp = preprocess(hypothesis, o);
  const refMax = new Map<string, number>();
  const refLens: number[] = [];
  for (const r of references) {
    const toks = preprocess(r, o);
    refLens.push(toks.length);
    for (const [k, c] of ngramCounts(toks, maxOrder)) refMax.set(k, Math.max(refMax.get(k) ?? 0, c));
  }
  let refLen = -1;
  let bestDiff = -1;
  for (const l of refLens) {
    const d = Math.abs(hyp.length - l);
    if (bestDiff === -1 || d < bestDiff || (d === bestDiff && l < refLen)) {
      bestDiff = d;
      refLen = l;
    }
  }
  const out = new Float64Array(2 + 2 * maxOrder);
  out[0] = hyp.length;
  out[1] = Math.max(refLen, 0);
  for (const [k, c] of ngramCounts(hyp, maxOrder)) {
    const n = Number(k.slice(0, k.indexOf('\u0000'))) - 1;
    out[2 + maxOrder + n]! += c;
    const r = refMax.get(k);
    if (r !== undefined) out[2 + n]! += Math.min(c, r);
  }
  return out;
}

/** sacreBLEU's utils.my_log: log with log(0) floored. */
const myLog = (x: number): number => (x === 0 ? -9999999999 : Math.log(x));

/** sacrebleu BLEU.compute_bleu from sufficient statistics; the max order is (stats.length − 2) / 2. */
export function computeBleu(stats: ArrayLike<number>, o: BleuScoreOptions = {}): BleuResult {
  if (stats.length < 4 || stats.length % 2 !== 0) throw new RangeError(`BLEU statistics: expected [sys_len, ref_len, correct×N, total×N], got ${stats.length} numbers`);
  const maxOrder = (stats.length - 2) / 2;
  const method = o.smoothMethod ?? 'exp';
  const smoothValue = o.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const sysLen = stats[0]!;
  const refLen = stats[1]!;
  const correct = Array.from({ length: maxOrder }, (_, i) => stats[2 + i]!);
  const total = Array.from({ length: maxOrder }, (_, i) => stats[2 + maxOrder + i]!);
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuResult => ({ score, counts: correct, totals: total, precisions, bp, sysLen, refLen });
  // sacreBLEU #141: no match of any order is 0 whatever the smoothing.
  if (!correct.some((c) => c > 0)) return result(0);
  let smoothMteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (method === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (o.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (method === 'floor') precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
    } else precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return result(bp * Math.exp(logSum / effOrder));
}

export function bleuFromStats(stats: ArrayLike<number>, o: BleuScoreOptions = {}): number {
  return computeBleu(stats, o).score;
}

/** Sentence BLEU: effective order on unless the options say otherwise. */
export function sentenceBleu(hypothesis: string, references: readonly string[], o: BleuOptions = {}): number {
  return bleuFromStats(bleuStats(hypothesis, references, o), { effectiveOrder: true, ...o });
}

export function sumStats(stats: readonly ArrayLike<number>[], width: number): Float64Array {
  const sum = new Float64Array(width);
  for (const s of stats) {
    if (s.length !== width) throw new RangeError(`statistics of ${s.length} numbers where ${width} were expected`);
    for (let i = 0; i < width; i++) sum[i]! += s[i]!;
  }
  return sum;
}

export function corpusBleu(stats: readonly ArrayLike<number>[], o: BleuScoreOptions = {}): number {
  return bleuFromStats(sumStats(stats, stats[0]?.length ?? 10), o);
}
