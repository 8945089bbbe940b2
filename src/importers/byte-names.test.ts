import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { ByteNames } from './byte-names.js';

/** Records of `width` fields written into one buffer, as a CSV batch lays them out (starts, ends). */
function batch(rows: string[][]): { bytes: Buffer; starts: Int32Array; ends: Int32Array; width: number } {
  const width = rows[0]!.length;
  const bytes = Buffer.from(rows.map((r) => r.join(',')).join('\n'), 'utf8');
  const starts = new Int32Array(rows.length * width);
  const ends = new Int32Array(rows.length * width);
  let at = 0;
  rows.forEach((r, q) => {
    r.forEach((cell, f) => {
      starts[q * width + f] = at;
      at += Buffer.byteLength(cell, 'utf8');
      ends[q * width + f] = at;
      at += 1; // the comma or the newline
    });
  });
  return { bytes, starts, ends, width };
}

const dictionary = (): { names: string[]; byteNames: ByteNames } => {
  const names: string[] = [];
  const byteNames = new ByteNames((s) => {
    const i = names.indexOf(s);
    return i >= 0 ? i : names.push(s) - 1;
  });
  return { names, byteNames };
};

describe('ByteNames.codeColumn', () => {
  it('gives each cell the code of its trimmed text, as code() does, across lengths that share 4-byte words', () => {
    const rng = makeRng(7);
    // Cells that agree in their first words and differ in the last byte, or in length only.
    const vocab = ['pythia-70m', 'pythia-70m-deduped', 'pythia-70n', 'pythia-7', 'pythia-7 ', ' pythia-7', 'acc', 'acc_norm', 'é', 'ü', '', ' ', 'abcd', 'abce', 'abcdabcd', 'abcdabce'];
    const rows = Array.from({ length: 500 }, () => [vocab[Math.floor(rng.next() * vocab.length)]!, rng.next() < 0.7 ? 'same' : vocab[Math.floor(rng.next() * vocab.length)]!]);
    const { bytes, starts, ends, width } = batch(rows);
    const a = dictionary();
    const b = dictionary();
    for (let col = 0; col < width; col++) {
      const out = new Int32Array(rows.length);
      a.byteNames.codeColumn(col, bytes, starts, ends, width, rows.length, out, 0);
      const got = Array.from(out, (c) => a.names[c]);
      const want = rows.map((_, q) => b.names[b.byteNames.code(col, bytes, starts[q * width + col]!, ends[q * width + col]!)]);
      expect(got).toEqual(want);
      expect(got).toEqual(rows.map((r) => r[col]!.trim()));
    }
  });

  it('says a column holds an empty name even when the empty cell repeats the one before it (a later batch)', () => {
    const { byteNames } = dictionary();
    const first = batch([['a'], ['']]);
    expect(byteNames.codeColumn(0, first.bytes, first.starts, first.ends, 1, 2, new Int32Array(2), 0)).toBe(false);
    // The column's previous cell is the empty one: every cell here matches it without a lookup.
    const second = batch([[''], ['']]);
    expect(byteNames.codeColumn(0, second.bytes, second.starts, second.ends, 1, 2, new Int32Array(2), 0)).toBe(false);
    const third = batch([['b'], ['c']]);
    expect(byteNames.codeColumn(0, third.bytes, third.starts, third.ends, 1, 2, new Int32Array(2), 0)).toBe(true);
  });
});
