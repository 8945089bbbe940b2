import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { applyCipher, drawAnySentence, drawTestSentence, drawTrainSentence, HELD_OUT_SHARE, isHeldOut, LEXICON, makeLanguagePair, parse, render, type Sentence } from './toy-language.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

describe('the cipher', () => {
  it('is a permutation of a–z with no fixed letter, and deciphering inverts it', () => {
    for (const seed of [1, 2, 3, 99]) {
      const p = makeLanguagePair(seed);
      expect([...p.cipher].sort().join('')).toBe(LETTERS);
      for (let i = 0; i < 26; i++) expect(p.cipher[i]).not.toBe(LETTERS[i]);
      expect(applyCipher(applyCipher(LETTERS, p.cipher), p.decipher)).toBe(LETTERS);
      expect(applyCipher(applyCipher('the cat. in b: x', p.decipher), p.cipher)).toBe('the cat. in b: x');
    }
  });
  it('is one cycle through all 26 letters (Sattolo)', () => {
    const p = makeLanguagePair(5);
    let c = 'a', n = 0;
    do { c = p.cipher[LETTERS.indexOf(c)]!; n++; } while (c !== 'a');
    expect(n).toBe(26);
  });
  it('is fixed by the seed and differs between seeds', () => {
    expect(makeLanguagePair(7)).toEqual(makeLanguagePair(7));
    expect(makeLanguagePair(7).cipher).not.toBe(makeLanguagePair(8).cipher);
  });
});

describe('rendering and word order', () => {
  const pair = makeLanguagePair(1);
  const s: Sentence = { subj: { det: 0, adj: 2, noun: 3 }, verb: 0, obj: { det: 1, adj: null, noun: 0 } };
  it('renders A as SVO with adjectives before nouns, B as SOV with adjectives after, ciphered', () => {
    expect(render(pair, s, 'a')).toBe('the old fox sees a cat');
    expect(applyCipher(render(pair, s, 'b'), pair.decipher)).toBe('the fox old a cat sees');
  });
  it('parses back what it renders in both languages, and refuses what is not a sentence', () => {
    const rng = makeRng(3);
    for (let i = 0; i < 500; i++) {
      const x = drawAnySentence(rng);
      expect(parse(pair, render(pair, x, 'a'), 'a')).toEqual(x);
      expect(parse(pair, render(pair, x, 'b'), 'b')).toEqual(x);
    }
    expect(parse(pair, 'the old fox sees a', 'a')).toBeNull();
    expect(parse(pair, 'the old fox sees a cat', 'b')).toBeNull();
    expect(parse(pair, 'the fox old a cat sees', 'a')).toBeNull();
  });
});

describe('sentence statistics', () => {
  const pair = makeLanguagePair(11);
  it('draws adjectives in half the noun phrases and words uniformly', () => {
    const rng = makeRng(4);
    const n = 20_000;
    let adj = 0;
    const verbs = new Array<number>(LEXICON.verb.length).fill(0);
    for (let i = 0; i < n; i++) {
      const s = drawAnySentence(rng);
      adj += (s.subj.adj === null ? 0 : 1) + (s.obj.adj === null ? 0 : 1);
      verbs[s.verb]!++;
    }
    // Binomial standard errors: adj share 0.5 ± 0.0035 over 40,000 phrases; each verb 1/8 ± 0.0023.
    expect(adj / (2 * n)).toBeCloseTo(0.5, 1);
    expect(Math.abs(adj / (2 * n) - 0.5)).toBeLessThan(0.012);
    for (const v of verbs) expect(Math.abs(v / n - 1 / 8)).toBeLessThan(0.008);
  });
  it('holds out about a tenth of the sentences: training never draws one, the test only those', () => {
    const rng = makeRng(5);
    let held = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) held += isHeldOut(pair, drawAnySentence(rng)) ? 1 : 0;
    // ± 3 standard errors of a binomial share of 0.1 over 20,000.
    expect(Math.abs(held / n - HELD_OUT_SHARE)).toBeLessThan(3 * Math.sqrt(0.09 / n));
    for (let i = 0; i < 2000; i++) {
      expect(isHeldOut(pair, drawTrainSentence(pair, rng))).toBe(false);
      expect(isHeldOut(pair, drawTestSentence(pair, rng))).toBe(true);
    }
  });
  it('draws the same sentences from the same seed', () => {
    const a = makeRng(9), b = makeRng(9);
    for (let i = 0; i < 100; i++) expect(render(pair, drawTrainSentence(pair, a), 'b')).toBe(render(pair, drawTrainSentence(pair, b), 'b'));
  });
});
