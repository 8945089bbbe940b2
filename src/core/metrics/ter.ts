import { pyRstrip, pySplit } from './py-text.js';

/**
 * Translation edit rate (Snover et al. 2006) as sacreBLEU 2.x computes it
 * (sacrebleu/metrics/ter.py, lib_ter.py, tokenizers/tokenizer_ter.py): a re-implementation of
 * Tercom. Greedy block shifts (at most 10 words, at most 50 positions away, at most 1,000
 * candidates per segment) are applied while they lower the word edit distance, which is computed
 * in a beam of 25 around the length-scaled diagonal; edits = shifts + edit distance. With several
 * references the fewest edits count against the average reference length. Corpus TER is
 * Σ edits / Σ reference lengths, 0–100, lower is better. Options are sacreBLEU's: `normalized`,
 * `noPunct`, `asianSupport`, `caseSensitive` (off by default: text is lowercased).
 */
export interface TerOptions {
  readonly normalized?: boolean;
  readonly noPunct?: boolean;
  readonly asianSupport?: boolean;
  readonly caseSensitive?: boolean;
}

const MAX_SHIFT_SIZE = 10;
const MAX_SHIFT_DIST = 50;
const BEAM_WIDTH = 25;
const MAX_SHIFT_CANDIDATES = 1000;

const ASIAN_PUNCT = /([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])/g;
const FULL_WIDTH_PUNCT = /([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])/g;

function normalizeGeneralAndWestern(sent: string): string {
  let s = sent.replace(/\n-/g, '').replace(/\n/g, ' ');
  s = s.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  s = s.replace(/'s /g, " 's ").replace(/'s$/g, " 's");
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return s;
}

function normalizeAsian(sent: string): string {
  let s = sent.replace(/([\u4e00-\u9fff\u3400-\u4dbf])/g, ' $1 ');
  s = s.replace(/([\u31c0-\u31ef\u2e80-\u2eff])/g, ' $1 ');
  s = s.replace(/([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])/g, ' $1 ');
  s = s.replace(/([\u3200-\u3f22])/g, ' $1 ');
  // Tercom's own (odd) patterns, kept as written: `^` inside the group is a start anchor.
  s = s.replace(/(^|^[\u3040-\u309f])([\u3040-\u309f]+)(?=$|^[\u3040-\u309f])/g, '$1 $2 ');
  s = s.replace(/(^|^[\u30a0-\u30ff])([\u30a0-\u30ff]+)(?=$|^[\u30a0-\u30ff])/g, '$1 $2 ');
  s = s.replace(/(^|^[\u31f0-\u31ff])([\u31f0-\u31ff]+)(?=$|^[\u31f0-\u31ff])/g, '$1 $2 ');
  return s.replace(ASIAN_PUNCT, ' $1 ').replace(FULL_WIDTH_PUNCT, ' $1 ');
}

/** sacrebleu TercomTokenizer, after TER's rstrip. */
export function tercomTokenize(sent: string, o: TerOptions = {}): string[] {
  let s = pyRstrip(sent);
  if (s === '') return [];
  if (!o.caseSensitive) s = s.toLowerCase();
  if (o.normalized) {
    s = normalizeGeneralAndWestern(s);
    if (o.asianSupport) s = normalizeAsian(s);
  }
  if (o.noPunct) {
    s = s.replace(/[.,?:;!"()]/g, '');
    if (o.asianSupport) s = s.replace(ASIAN_PUNCT, '').replace(FULL_WIDTH_PUNCT, '');
  }
  return pySplit(s);
}

// Edit operations of the trace: no-op, substitution, insertion, deletion.
const NOP = 0;
const SUB = 1;
const INS = 2;
const DEL = 3;
const UNDEF = 4;

/**
 * lib_ter.BeamEditDistance without its cache (the cache only skips recomputing identical rows):
 * word edit distance from hyp to ref and the trace of operations (INS consumes a ref word).
 */
function beamEditDistance(hyp: readonly string[], ref: readonly string[]): { dist: number; trace: Uint8Array } {
  const nh = hyp.length;
  const nr = ref.length;
  const w = nr + 1;
  const cost = new Float64Array((nh + 1) * w).fill(Infinity);
  const op = new Uint8Array((nh + 1) * w).fill(UNDEF);
  for (let j = 0; j <= nr; j++) {
    cost[j] = j;
    op[j] = INS;
  }
  const ratio = nh > 0 ? nr / nh : 1;
  const beam = BEAM_WIDTH < ratio / 2 ? Math.ceil(ratio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
  for (let i = 1; i <= nh; i++) {
    const diag = Math.floor(i * ratio);
    const minJ = Math.max(0, diag - beam);
    const maxJ = i === nh ? nr + 1 : Math.min(nr + 1, diag + beam);
    const row = i * w;
    const prev = (i - 1) * w;
    for (let j = minJ; j < maxJ; j++) {
      if (j === 0) {
        cost[row] = cost[prev]! + 1;
        op[row] = DEL;
        continue;
      }
      // Tercom prefers no-op/substitution, then (after the flip) insertion, then deletion: strict < keeps the first.
      const same = hyp[i - 1] === ref[j - 1];
      let best = cost[prev + j - 1]! + (same ? 0 : 1);
      let bestOp = same ? NOP : SUB;
      const up = cost[prev + j]! + 1;
      if (up < best) {
        best = up;
        bestOp = DEL;
      }
      const left = cost[row + j - 1]! + 1;
      if (left < best) {
        best = left;
        bestOp = INS;
      }
      if (best < cost[row + j]!) {
        cost[row + j] = best;
        op[row + j] = bestOp;
      }
    }
  }
  const rev: number[] = [];
  let i = nh;
  let j = nr;
  while (i > 0 || j > 0) {
    const o = op[i * w + j]!;
    rev.push(o);
    if (o === NOP || o === SUB) {
      i--;
      j--;
    } else if (o === INS) j--;
    else if (o === DEL) i--;
    else throw new RangeError(`TER: no path through the beam at (${i}, ${j})`);
  }
  return { dist: cost[nh * w + nr]!, trace: Uint8Array.from(rev.reverse()) };
}

function editDistance(hyp: readonly string[], ref: readonly string[]): number {
  return beamEditDistance(hyp, ref).dist;
}

/** lib_ter.trace_to_alignment on the flipped trace (rewriting ref into hyp). */
function alignment(trace: Uint8Array, nh: number, nr: number): { align: Int32Array; refErr: Uint8Array; hypErr: Uint8Array } {
  const align = new Int32Array(nr).fill(-2);
  const refErr = new Uint8Array(nr);
  const hypErr = new Uint8Array(nh);
  let ph = -1;
  let pr = -1;
  for (const raw of trace) {
    const o = raw === INS ? DEL : raw === DEL ? INS : raw; // the flip
    if (o === NOP || o === SUB) {
      ph++;
      pr++;
      align[pr] = ph;
      hypErr[ph] = o === SUB ? 1 : 0;
      refErr[pr] = o === SUB ? 1 : 0;
    } else if (o === INS) {
      ph++;
      hypErr[ph] = 1;
    } else {
      pr++;
      align[pr] = ph;
      refErr[pr] = 1;
    }
  }
  return { align, refErr, hypErr };
}

function performShift(words: readonly string[], start: number, length: number, target: number): string[] {
  if (target < start) return [...words.slice(0, target), ...words.slice(start, start + length), ...words.slice(target, start), ...words.slice(start + length)];
  if (target > start + length) return [...words.slice(0, start), ...words.slice(start + length, target), ...words.slice(start, start + length), ...words.slice(target)];
  return [...words.slice(0, start), ...words.slice(start + length, length + target), ...words.slice(start, start + length), ...words.slice(length + target)];
}

const anySet = (a: Uint8Array, from: number, to: number): boolean => {
  for (let k = from; k < to && k < a.length; k++) if (a[k]) return true;
  return false;
};

/** lib_ter._shift: the shift that lowers the edit distance most, ranked as Tercom ranks them. */
function bestShift(h: readonly string[], r: readonly string[], checked: number): { delta: number; words: readonly string[]; checked: number } {
  const pre = beamEditDistance(h, r);
  const { align, refErr, hypErr } = alignment(pre.trace, h.length, r.length);
  let best: { gain: number; length: number; negStart: number; negIdx: number; words: string[] } | null = null;
  const better = (c: NonNullable<typeof best>, b: typeof best): boolean => {
    if (b === null) return true;
    if (c.gain !== b.gain) return c.gain > b.gain;
    if (c.length !== b.length) return c.length > b.length;
    if (c.negStart !== b.negStart) return c.negStart > b.negStart;
    return c.negIdx > b.negIdx; // equal on all four: the same shifted words
  };
  outer: for (let sh = 0; sh < h.length; sh++) {
    for (let sr = 0; sr < r.length; sr++) {
      if (Math.abs(sr - sh) > MAX_SHIFT_DIST) continue;
      let length = 0;
      while (h[sh + length] === r[sr + length] && length < MAX_SHIFT_SIZE) {
        length++;
        // One (start_h, start_r, length) candidate of _find_shifted_pairs.
        if (anySet(hypErr, sh, sh + length) && anySet(refErr, sr, sr + length) && !(sh <= align[sr]! && align[sr]! < sh + length)) {
          let prevIdx = -1;
          for (let offset = -1; offset < length; offset++) {
            let idx: number;
            if (sr + offset === -1) idx = 0;
            else if (sr + offset < r.length && align[sr + offset] !== -2) idx = align[sr + offset]! + 1;
            else break;
            if (idx === prevIdx) continue;
            prevIdx = idx;
            const shifted = performShift(h, sh, length, idx);
            const cand = { gain: pre.dist - editDistance(shifted, r), length, negStart: -sh, negIdx: -idx, words: shifted };
            checked++;
            if (better(cand, best)) best = cand;
          }
          if (checked >= MAX_SHIFT_CANDIDATES) break outer;
        }
        if (h.length === sh + length || r.length === sr + length) break;
      }
    }
  }
  return best === null ? { delta: 0, words: h, checked } : { delta: best.gain, words: best.words, checked };
}

/** lib_ter.translation_edit_rate: [edits, reference length] of one hypothesis against one reference. */
export function translationEditRate(hyp: readonly string[], ref: readonly string[]): [number, number] {
  if (ref.length === 0) return [hyp.length, 0];
  let shifts = 0;
  let words = hyp;
  let checked = 0;
  for (;;) {
    const s = bestShift(words, ref, checked);
    checked = s.checked;
    if (checked >= MAX_SHIFT_CANDIDATES) break;
    if (s.delta <= 0) break;
    shifts++;
    words = s.words;
  }
  return [shifts + editDistance(words, ref), ref.length];
}

/** Sufficient statistics of one segment: [best edits, average reference length]. */
export function terStats(hypothesis: string, references: readonly string[], o: TerOptions = {}): Float64Array {
  if (references.length === 0) throw new RangeError('TER needs at least one reference');
  const h = tercomTokenize(hypothesis, o);
  let best = Infinity;
  let refLen = 0;
  for (const r of references) {
    const [e, l] = translationEditRate(h, tercomTokenize(r, o));
    refLen += l;
    if (e < best) best = e;
  }
  return Float64Array.of(best, refLen / references.length);
}

/** TER._compute_score_from_stats, 0–100. */
export function terFromStats(stats: ArrayLike<number>): number {
  const edits = stats[0]!;
  const refLen = stats[1]!;
  if (refLen > 0) return (100 * edits) / refLen;
  return edits > 0 ? 100 : 0;
}

export function corpusTer(stats: readonly ArrayLike<number>[]): number {
  let e = 0;
  let l = 0;
  for (const s of stats) {
    e += s[0]!;
    l += s[1]!;
  }
  return terFromStats([e, l]);
}

export function sentenceTer(hypothesis: string, references: readonly string[], o: TerOptions = {}): number {
  return terFromStats(terStats(hypothesis, references, o));
}
