import { describe, expect, it } from 'vitest';
import { MARKERS } from './needles-corpus.js';
import { LONGEST_SENTENCE, translationTask } from './needles-tasks.js';
import { isHeldOut, LEXICON, makeLanguagePair, parse } from './toy-language.js';

const pair = makeLanguagePair(2);
const spec = { count: 30, context: 128, seed: 5 };

describe('translation tasks', () => {
  it('asks zero-shot with the sentence and the marker, and the target is the held-out sentence in the other language', () => {
    const t = translationTask(pair, { ...spec, from: 'a', shots: 0 });
    expect(t.id).toBe('a-to-b-0shot');
    for (const e of t.examples) {
      expect(e.input.endsWith('. in b: ')).toBe(true);
      const s = parse(pair, e.input.slice(0, -'. in b: '.length), 'a');
      expect(s).not.toBeNull();
      expect(isHeldOut(pair, s!)).toBe(true);
      expect(parse(pair, e.targets[0]!, 'b')).toEqual(s);
    }
  });
  it('puts `shots` training pairs, one per line, before the same query, and fits the context with room for the answer', () => {
    const zero = translationTask(pair, { ...spec, from: 'b', shots: 0 });
    for (const [shots, context] of [[1, 128], [2, 192]] as const) {
    const few = translationTask(pair, { ...spec, context, from: 'b', shots });
    few.examples.forEach((e, i) => {
      const lines = e.input.split('\n');
      expect(lines).toHaveLength(shots + 1);
      expect(lines[shots]).toBe(zero.examples[i]!.input);
      expect(e.targets).toEqual(zero.examples[i]!.targets);
      expect(e.input.length + LONGEST_SENTENCE + 1).toBeLessThanOrEqual(context);
      for (const shot of lines.slice(0, shots)) {
        const [src, tgt] = shot.split(MARKERS.a[0]!) as [string, string];
        const s = parse(pair, src.slice(0, -1), 'b');
        expect(s).not.toBeNull();
        expect(isHeldOut(pair, s!)).toBe(false);
        expect(parse(pair, tgt.slice(0, -1), 'a')).toEqual(s);
      }
    });
    }
  });
  it('is the same from the same seed, and 29 characters is the longest sentence of the grammar', () => {
    expect(translationTask(pair, { ...spec, from: 'a', shots: 1 })).toEqual(translationTask(pair, { ...spec, from: 'a', shots: 1 }));
    const longest = (xs: readonly string[]) => Math.max(...xs.map((w) => w.length));
    // det adj noun verb det adj noun, six spaces.
    expect(2 * (longest(LEXICON.det) + longest(LEXICON.adj) + longest(LEXICON.noun)) + longest(LEXICON.verb) + 6).toBe(LONGEST_SENTENCE);
  });
  it('refuses shots that cannot fit the context', () => {
    expect(() => translationTask(pair, { ...spec, context: 64, from: 'a', shots: 3 })).toThrow(/do not fit a context of 64/);
  });
});
