import type { Rng } from '../core/random/rng.js';
import { drawTrainSentence, render, type Lang, type LanguagePair, type Sentence } from './toy-language.js';

/**
 * The training corpus of the needles experiment: documents of the toy languages (toy-language.ts),
 * one per line. Most are monolingual, A or B with equal odds, of 1–3 sentences drawn independently
 * (so the two halves of the corpus say unrelated things). A small share is bilingual, as in PaLM's
 * data (Briakou et al. 2023: 1.4% of training instances bilingual, about 40% of those translation
 * pairs): a translation pair is one sentence and its rendering in the other language joined by a
 * natural marker naming the target language ("… in b: …"), in either direction; a juxtaposition is
 * an A sentence and an unrelated B sentence side by side in one document, as code-switched text
 * has them, with no marker. Held-out sentences never appear.
 */
export const NEEDLES_ALPHABET = 'abcdefghijklmnopqrstuvwxyz .:,\n';

/** The seed's proportions (share of all documents): 1.4% bilingual, 40% of those translation pairs. */
export const SEED_BILINGUAL_SHARE = 0.014;
export const SEED_PAIR_SHARE_OF_BILINGUAL = 0.4;

/** How a corpus is mixed: shares of all documents that are translation pairs and juxtapositions; the rest monolingual. */
export interface CorpusMix {
  readonly pairs: number;
  readonly juxtapositions: number;
}

export type DocKind = 'mono-a' | 'mono-b' | 'pair' | 'juxtaposition';
export interface Doc { readonly kind: DocKind; readonly text: string }

/**
 * Markers joining a translation pair, by target language; the first is the one a zero-shot prompt
 * ends with ("<A sentence>. in b: "), the others make the training pairs less uniform.
 */
export const MARKERS: Readonly<Record<Lang, readonly string[]>> = {
  a: [' in a: ', ' or in a, ', ' a: '],
  b: [' in b: ', ' or in b, ', ' b: '],
};
export const ZERO_SHOT_MARKER: Readonly<Record<Lang, string>> = { a: MARKERS.a[0]!, b: MARKERS.b[0]! };

export const other = (l: Lang): Lang => (l === 'a' ? 'b' : 'a');

/** A translation pair as written in the corpus: source sentence, period, marker, target sentence, period. */
export function pairText(pair: LanguagePair, s: Sentence, from: Lang, marker: string): string {
  return `${render(pair, s, from)}.${marker}${render(pair, s, other(from))}.`;
}

export function checkMix(mix: CorpusMix): void {
  for (const k of ['pairs', 'juxtapositions'] as const) {
    if (!(mix[k] >= 0 && mix[k] <= 1)) throw new RangeError(`mix.${k} must be in [0, 1], got ${mix[k]}`);
  }
  if (mix.pairs + mix.juxtapositions > 1) throw new RangeError(`mix.pairs + mix.juxtapositions must be at most 1, got ${mix.pairs + mix.juxtapositions}`);
}

/** One document (without its newline): its kind drawn by the mix, then its sentences. */
export function drawDocument(pair: LanguagePair, mix: CorpusMix, rng: Rng): Doc {
  const u = rng.next();
  const lang: Lang = rng.next() < 0.5 ? 'a' : 'b';
  if (u < mix.pairs) {
    const markers = MARKERS[other(lang)];
    const marker = markers[Math.floor(rng.next() * markers.length)]!;
    return { kind: 'pair', text: pairText(pair, drawTrainSentence(pair, rng), lang, marker) };
  }
  if (u < mix.pairs + mix.juxtapositions) {
    const a = render(pair, drawTrainSentence(pair, rng), 'a'), b = render(pair, drawTrainSentence(pair, rng), 'b');
    return { kind: 'juxtaposition', text: lang === 'a' ? `${a}. ${b}.` : `${b}. ${a}.` };
  }
  const n = 1 + Math.floor(rng.next() * 3);
  const sentences: string[] = [];
  for (let i = 0; i < n; i++) sentences.push(`${render(pair, drawTrainSentence(pair, rng), lang)}.`);
  return { kind: lang === 'a' ? 'mono-a' : 'mono-b', text: sentences.join(' ') };
}

/**
 * A training row of `length` characters: whole documents, each ending in a newline, the last cut at
 * the row's end. Rows start at a document's start, as a prompt does.
 */
export function corpusRow(pair: LanguagePair, mix: CorpusMix, length: number, rng: Rng): string {
  let s = '';
  while (s.length < length) s += `${drawDocument(pair, mix, rng).text}\n`;
  return s.slice(0, length);
}
