import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng, type Rng } from '../core/random/rng.js';

/**
 * A toy language A and its "translation" B, for the needles experiment (Briakou, Cherry & Foster 2023,
 * "Searching for Needles in a Haystack", ACL: translation ability from incidental bilingual text).
 * A is a small English-like grammar of short words (a sentence is at most 29 characters, so a
 * pair and a few-shot prompt fit a small context), S → NP V NP, NP → DET (ADJ) NOUN ("the old fox sees a cat").
 * B is the same sentence with every letter through a fixed cipher (a seeded cyclic permutation of
 * a–z, so no letter maps to itself) and another word order: verb last, adjective after its noun
 * (SOV, postnominal adjectives: "hpo ctf nkq e sek ioot" for the sentence above under some cipher).
 * A sentence is a structure rendered in either language, so a translation pair is exact by
 * construction and either side can be parsed back.
 */
export const LEXICON = {
  det: ['the', 'a'],
  adj: ['red', 'big', 'old', 'shy', 'wet', 'odd'],
  noun: ['cat', 'dog', 'owl', 'fox', 'cow', 'elk', 'pig', 'yak', 'rat', 'bee'],
  verb: ['sees', 'likes', 'bites', 'finds', 'hears', 'helps', 'feeds', 'fears'],
} as const;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** The probability that a noun phrase has an adjective. */
const ADJ_PROB = 0.5;
/** Sentences whose hash falls in this share are never in a training document: the test sentences. */
export const HELD_OUT_SHARE = 0.1;

export type Lang = 'a' | 'b';

export interface NounPhrase { readonly det: number; readonly adj: number | null; readonly noun: number }
export interface Sentence { readonly subj: NounPhrase; readonly verb: number; readonly obj: NounPhrase }

/** A language pair: the seed fixes the cipher (and the held-out sentences). */
export interface LanguagePair {
  readonly seed: number;
  /** cipher[i] is the B letter of the A letter LETTERS[i]; decipher its inverse. */
  readonly cipher: string;
  readonly decipher: string;
}

/**
 * A seeded cyclic permutation of the alphabet (Sattolo's algorithm, Sattolo 1986): one cycle through
 * all 26 letters, so no letter is its own image and B shares no word with A.
 */
export function makeLanguagePair(seed: number): LanguagePair {
  const rng = makeRng(deriveSeed(seed, 'cipher'));
  const p = Array.from(LETTERS);
  for (let i = p.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * i);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  const inverse = new Array<string>(26);
  p.forEach((c, i) => (inverse[LETTERS.indexOf(c)] = LETTERS[i]!));
  return { seed, cipher: p.join(''), decipher: inverse.join('') };
}

/** Letters through a table (cipher or decipher); other characters unchanged. */
export function applyCipher(text: string, table: string): string {
  let out = '';
  for (const c of text) {
    const i = LETTERS.indexOf(c);
    out += i < 0 ? c : table[i]!;
  }
  return out;
}

const pick = (rng: Rng, n: number): number => Math.floor(rng.next() * n);

function drawNp(rng: Rng): NounPhrase {
  const det = pick(rng, LEXICON.det.length);
  const adj = rng.next() < ADJ_PROB ? pick(rng, LEXICON.adj.length) : null;
  return { det, adj, noun: pick(rng, LEXICON.noun.length) };
}

/** One sentence of the grammar, uniform over its choices (held-out ones included). */
export function drawAnySentence(rng: Rng): Sentence {
  const subj = drawNp(rng);
  const verb = pick(rng, LEXICON.verb.length);
  return { subj, verb, obj: drawNp(rng) };
}

const npA = (np: NounPhrase): string[] => [LEXICON.det[np.det]!, ...(np.adj === null ? [] : [LEXICON.adj[np.adj]!]), LEXICON.noun[np.noun]!];
const npB = (np: NounPhrase): string[] => [LEXICON.det[np.det]!, LEXICON.noun[np.noun]!, ...(np.adj === null ? [] : [LEXICON.adj[np.adj]!])];

/** A sentence's words in a language, without the final period. */
export function render(pair: LanguagePair, s: Sentence, lang: Lang): string {
  if (lang === 'a') return [...npA(s.subj), LEXICON.verb[s.verb]!, ...npA(s.obj)].join(' ');
  return applyCipher([...npB(s.subj), ...npB(s.obj), LEXICON.verb[s.verb]!].join(' '), pair.cipher);
}

/** Whether a sentence is one of the held-out test sentences (a hash of its A rendering, fixed by the pair's seed). */
export function isHeldOut(pair: LanguagePair, s: Sentence): boolean {
  return deriveSeed(pair.seed, 'held-out', render(pair, s, 'a')) / 2 ** 32 < HELD_OUT_SHARE;
}

/** A training sentence: drawn as drawAnySentence, redrawn while it is held out. */
export function drawTrainSentence(pair: LanguagePair, rng: Rng): Sentence {
  for (;;) {
    const s = drawAnySentence(rng);
    if (!isHeldOut(pair, s)) return s;
  }
}

/** A test sentence: drawn as drawAnySentence, redrawn until it is held out. */
export function drawTestSentence(pair: LanguagePair, rng: Rng): Sentence {
  for (;;) {
    const s = drawAnySentence(rng);
    if (isHeldOut(pair, s)) return s;
  }
}

function parseNp(words: readonly string[], at: number, lang: Lang): { np: NounPhrase; next: number } | null {
  const det = (LEXICON.det as readonly string[]).indexOf(words[at] ?? '');
  if (det < 0) return null;
  const wordAt = (i: number, cls: 'adj' | 'noun'): number => (LEXICON[cls] as readonly string[]).indexOf(words[i] ?? '');
  if (lang === 'a') {
    const adj = wordAt(at + 1, 'adj');
    const noun = wordAt(adj < 0 ? at + 1 : at + 2, 'noun');
    return noun < 0 ? null : { np: { det, adj: adj < 0 ? null : adj, noun }, next: at + (adj < 0 ? 2 : 3) };
  }
  const noun = wordAt(at + 1, 'noun');
  if (noun < 0) return null;
  const adj = wordAt(at + 2, 'adj');
  return { np: { det, adj: adj < 0 ? null : adj, noun }, next: at + (adj < 0 ? 2 : 3) };
}

/** The sentence a text renders in a language (words only, no period), or null when it is not one. */
export function parse(pair: LanguagePair, text: string, lang: Lang): Sentence | null {
  const words = (lang === 'a' ? text : applyCipher(text, pair.decipher)).trim().split(/ +/);
  const verbAt = (i: number): number => (LEXICON.verb as readonly string[]).indexOf(words[i] ?? '');
  const first = parseNp(words, 0, lang);
  if (!first) return null;
  if (lang === 'a') {
    const verb = verbAt(first.next);
    const obj = verb < 0 ? null : parseNp(words, first.next + 1, lang);
    return obj && obj.next === words.length ? { subj: first.np, verb, obj: obj.np } : null;
  }
  const second = parseNp(words, first.next, lang);
  if (!second) return null;
  const verb = verbAt(second.next);
  return verb >= 0 && second.next + 1 === words.length ? { subj: first.np, verb, obj: second.np } : null;
}
