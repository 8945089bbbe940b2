import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { checkMix, corpusRow, drawDocument, MARKERS, NEEDLES_ALPHABET, SEED_BILINGUAL_SHARE, SEED_PAIR_SHARE_OF_BILINGUAL, type DocKind } from './needles-corpus.js';
import { isHeldOut, makeLanguagePair, parse } from './toy-language.js';

const pair = makeLanguagePair(3);
const seedMix = { pairs: SEED_BILINGUAL_SHARE * SEED_PAIR_SHARE_OF_BILINGUAL, juxtapositions: SEED_BILINGUAL_SHARE * (1 - SEED_PAIR_SHARE_OF_BILINGUAL) };

function census(mix: { pairs: number; juxtapositions: number }, n: number, seed: number): Record<DocKind, number> {
  const rng = makeRng(seed);
  const c: Record<DocKind, number> = { 'mono-a': 0, 'mono-b': 0, pair: 0, juxtaposition: 0 };
  for (let i = 0; i < n; i++) c[drawDocument(pair, mix, rng).kind]++;
  return c;
}

describe('the needles corpus', () => {
  it('in the seed\'s proportions: 1.4% of documents bilingual, 40% of those translation pairs', () => {
    const n = 100_000;
    const c = census(seedMix, n, 1);
    const bilingual = c.pair + c.juxtaposition;
    // Binomial: 0.014 ± 0.00037 over 100,000 documents; 0.4 ± 0.013 over ~1,400 bilingual ones (3 SE bounds).
    expect(Math.abs(bilingual / n - 0.014)).toBeLessThan(3 * Math.sqrt(0.014 * 0.986 / n));
    expect(Math.abs(c.pair / bilingual - 0.4)).toBeLessThan(3 * Math.sqrt(0.24 / bilingual));
    // Monolingual documents split evenly between the languages.
    expect(Math.abs(c['mono-a'] / (c['mono-a'] + c['mono-b']) - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / n));
  });
  it('has no translation pairs when they are replaced by juxtapositions, and no bilingual text at all in the monolingual mix', () => {
    const none = census({ pairs: 0, juxtapositions: SEED_BILINGUAL_SHARE }, 50_000, 2);
    expect(none.pair).toBe(0);
    expect(none.juxtaposition).toBeGreaterThan(500);
    const mono = census({ pairs: 0, juxtapositions: 0 }, 50_000, 2);
    expect(mono.pair + mono.juxtaposition).toBe(0);
  });
  it('writes pairs as exact translations joined by a marker, juxtapositions as unrelated sentences, never a held-out sentence', () => {
    const rng = makeRng(4);
    const all = [...MARKERS.a, ...MARKERS.b];
    let unrelated = 0, jux = 0;
    for (let i = 0; i < 2000; i++) {
      const d = drawDocument(pair, { pairs: 0.3, juxtapositions: 0.3 }, rng);
      for (const ch of d.text) expect(NEEDLES_ALPHABET).toContain(ch);
      if (d.kind === 'pair') {
        const m = all.find((x) => d.text.includes(x))!;
        const [src, tgt] = d.text.split(m) as [string, string];
        const toB = MARKERS.b.includes(m);
        const s = parse(pair, src.slice(0, -1), toB ? 'a' : 'b');
        expect(s).not.toBeNull();
        expect(parse(pair, tgt.slice(0, -1), toB ? 'b' : 'a')).toEqual(s);
        expect(isHeldOut(pair, s!)).toBe(false);
      } else if (d.kind === 'juxtaposition') {
        jux++;
        const [x, y] = d.text.slice(0, -1).split('. ') as [string, string];
        const sx = parse(pair, x, 'a') ?? parse(pair, y, 'a');
        const sy = parse(pair, x, 'b') ?? parse(pair, y, 'b');
        expect(sx).not.toBeNull();
        expect(sy).not.toBeNull();
        if (JSON.stringify(sx) !== JSON.stringify(sy)) unrelated++;
      } else {
        for (const sentence of d.text.slice(0, -1).split('. ')) expect(parse(pair, sentence, d.kind === 'mono-a' ? 'a' : 'b')).not.toBeNull();
      }
    }
    // Two independent draws from ~140,000 sentences almost never coincide.
    expect(unrelated).toBe(jux);
  });
  it('packs rows of whole documents from a document start, the same from the same seed', () => {
    const r = corpusRow(pair, seedMix, 160, makeRng(8));
    expect(r).toHaveLength(160);
    expect(r).toBe(corpusRow(pair, seedMix, 160, makeRng(8)));
    expect(r).not.toBe(corpusRow(pair, seedMix, 160, makeRng(9)));
    expect(r.split('\n')[0]!.endsWith('.')).toBe(true);
  });
  it('refuses a mix outside [0, 1] or summing above 1, naming the field', () => {
    expect(() => checkMix({ pairs: -0.1, juxtapositions: 0 })).toThrow(/mix\.pairs/);
    expect(() => checkMix({ pairs: 0.6, juxtapositions: 0.6 })).toThrow(/at most 1/);
  });
});
