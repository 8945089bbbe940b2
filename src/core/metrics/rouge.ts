/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum (Lin 2004) as Google's rouge_score computes them (the package
 * BIG-bench and HF evaluate use; rouge_scorer.py, tokenize.py): text lowercased, every run of
 * characters outside [a-z0-9] replaced by a space, split; with a stemmer, tokens longer than 3
 * characters are stemmed (rouge_score uses NLTK's Porter stemmer). Precision, recall and F of
 * clipped n-gram overlap, of the longest common subsequence (rougeL), or of the summary-level
 * union LCS over newline-separated sentences without double counting (rougeLsum, as ROUGE-1.5.5).
 * `score(target, prediction)` order, 0–1 as rouge_score reports; with several targets the one
 * of highest F is kept (score_multi). The lab's `rouge()` reports that F on 0–100.
 */
export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum' | `rouge${number}`;

export interface RougeScore {
  readonly precision: number;
  readonly recall: number;
  readonly fmeasure: number;
}

/** A word stemmer (Porter for rouge_score's use_stemmer); core takes it as a function and imports none. */
export type Stemmer = (word: string) => string;

export function rougeTokenize(text: string, stemmer?: Stemmer): string[] {
  let toks = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/);
  if (stemmer) toks = toks.map((t) => (t.length > 3 ? stemmer(t) : t));
  return toks.filter((t) => /^[a-z0-9]+$/.test(t));
}

function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

const score = (precision: number, recall: number): RougeScore => ({ precision, recall, fmeasure: fmeasure(precision, recall) });
const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

function ngramScore(target: readonly string[], prediction: readonly string[], n: number): RougeScore {
  const count = (toks: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= toks.length; i++) {
      const k = toks.slice(i, i + n).join(' ');
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const t = count(target);
  const p = count(prediction);
  let overlap = 0;
  for (const [k, c] of t) overlap += Math.min(c, p.get(k) ?? 0);
  const tCount = Math.max(target.length - n + 1, 0);
  const pCount = Math.max(prediction.length - n + 1, 0);
  return score(overlap / Math.max(pCount, 1), overlap / Math.max(tCount, 1));
}

/** Length of the longest common subsequence (dynamic programming, two rows). */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** rouge_scorer.lcs_ind: indices into ref of one LCS, read back as _backtrack_norec does. */
function lcsIndices(ref: readonly string[], can: readonly string[]): number[] {
  const rows = ref.length;
  const cols = can.length;
  const w = cols + 1;
  const t = new Int32Array((rows + 1) * w);
  for (let i = 1; i <= rows; i++) {
    for (let j = 1; j <= cols; j++) {
      t[i * w + j] = ref[i - 1] === can[j - 1] ? t[(i - 1) * w + j - 1]! + 1 : Math.max(t[(i - 1) * w + j]!, t[i * w + j - 1]!);
    }
  }
  const out: number[] = [];
  let i = rows;
  let j = cols;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * w + j - 1]! > t[(i - 1) * w + j]!) j--;
    else i--;
  }
  return out.reverse();
}

/** rouge_scorer._summary_level_lcs: union LCS per reference sentence, each token counted once. */
export function summaryLevelLcs(refSents: readonly (readonly string[])[], canSents: readonly (readonly string[])[]): RougeScore {
  if (refSents.length === 0 || canSents.length === 0) return ZERO;
  let m = 0;
  let n = 0;
  const cntR = new Map<string, number>();
  const cntC = new Map<string, number>();
  for (const s of refSents) for (const t of s) { m++; cntR.set(t, (cntR.get(t) ?? 0) + 1); }
  for (const s of canSents) for (const t of s) { n++; cntC.set(t, (cntC.get(t) ?? 0) + 1); }
  if (m === 0 || n === 0) return ZERO;
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of canSents) for (const i of lcsIndices(r, c)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const t = r[i]!;
      if ((cntC.get(t) ?? 0) > 0 && (cntR.get(t) ?? 0) > 0) {
        hits++;
        cntC.set(t, cntC.get(t)! - 1);
        cntR.set(t, cntR.get(t)! - 1);
      }
    }
  }
  return score(hits / n, hits / m);
}

// rouge_score's get_sents: split on "\n", drop empty strings (a line of spaces stays).
const sentences = (text: string): string[] => text.split('\n').filter((s) => s.length > 0);

/** n of a `rougeN` type, or null for the LCS types; throws on a type rouge_score rejects. */
function rougeN(type: string): number | null {
  if (type === 'rougeL' || type === 'rougeLsum') return null;
  const m = /^rouge([0-9])$/.exec(type);
  if (!m || m[1] === '0') throw new RangeError(`invalid rouge type "${type}": rouge1..rouge9, rougeL or rougeLsum`);
  return Number(m[1]);
}

/** rouge_scorer.RougeScorer([type], use_stemmer).score(target, prediction)[type]. */
export function rougeScore(type: RougeType, target: string, prediction: string, stemmer?: Stemmer): RougeScore {
  const n = rougeN(type);
  if (type === 'rougeLsum') {
    return summaryLevelLcs(sentences(target).map((s) => rougeTokenize(s, stemmer)), sentences(prediction).map((s) => rougeTokenize(s, stemmer)));
  }
  const t = rougeTokenize(target, stemmer);
  const p = rougeTokenize(prediction, stemmer);
  if (n !== null) return ngramScore(t, p, n);
  if (t.length === 0 || p.length === 0) return ZERO;
  const l = lcsLength(t, p);
  return score(l / p.length, l / t.length);
}

/** RougeScorer.score_multi: the target of highest F (the first on ties). */
export function rougeScoreMulti(type: RougeType, targets: readonly string[], prediction: string, stemmer?: Stemmer): RougeScore {
  if (targets.length === 0) throw new RangeError('rouge: no targets');
  let best: RougeScore | null = null;
  for (const t of targets) {
    const s = rougeScore(type, t, prediction, stemmer);
    if (best === null || s.fmeasure > best.fmeasure) best = s;
  }
  return best!;
}

/** The lab's per-sample ROUGE: best F over the targets, 0–100, no stemming. */
export function rouge(type: RougeType, prediction: string, targets: readonly string[]): number {
  let best = 0;
  for (const target of targets) best = Math.max(best, rougeScore(type, target, prediction).fmeasure);
  return 100 * best;
}
