import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { forEachCsvByteRecord, type CsvBatch } from './csv-bytes.js';
import { CsvSyntaxError, parseCsv } from './csv-text.js';

/** The text's UTF-8 bytes cut into pieces of `size` bytes (a record, a quote, a \r\n or a character split anywhere). */
const pieces = (text: string, size: number): Buffer[] => {
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let at = 0; at < all.length; at += size) out.push(all.subarray(at, at + size));
  return out;
};

/** The same bytes cut at random places, so chunk boundaries fall inside quotes, "" escapes and \r\n. */
const cut = (text: string, seed: number): Buffer[] => {
  const rng = makeRng(seed);
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; ) {
    const n = 1 + Math.floor(rng.next() * 7);
    out.push(all.subarray(i, i + n));
    i += n;
  }
  return out;
};

const records = (chunks: Buffer[]): { line: number; fields: string[] }[] => {
  const got: { line: number; fields: string[] }[] = [];
  forEachCsvByteRecord(chunks, (b, s, e, count, line) => {
    got.push({ line, fields: Array.from({ length: count }, (_, f) => b.toString('utf8', s[f]!, e[f]!)) });
  });
  return got;
};

describe('forEachCsvByteRecord', () => {
  const text = '\ufeffa,b,c\r\n1,"x, ""y""",3\n\n"multi\nline","",\n4,5,6\r\n"q"\n7,8,9\rold,mac\r\n\r\n,,\nlast,row\n';
  it('agrees with the whole-text parser, lines included, however the bytes are cut', () => {
    const want = parseCsv(text).map((r) => ({ line: r.line, fields: r.fields }));
    expect(want.map((r) => r.line)).toEqual([1, 2, 4, 6, 7, 8, 9, 11, 12]);
    expect(records(pieces(text, 1 << 20))).toEqual(want);
    for (let seed = 0; seed < 200; seed++) expect(records(cut(text, seed))).toEqual(want);
  });

  it('gives the records and lines of parseCsv on random CSVs cut anywhere', () => {
    const rng = makeRng(18);
    const atoms = ['a', 'bc', ' ', '1.5', 'ü', '日', '""', '"x,y"', '"q""q"', '"l1\nl2"', '"cr\r\nlf"', ''];
    const ends = ['\n', '\r\n', '\r', '\n\n'];
    for (let t = 0; t < 300; t++) {
      const rows: string[] = [];
      const nRows = 1 + Math.floor(rng.next() * 6);
      for (let r = 0; r < nRows; r++) {
        const nf = 1 + Math.floor(rng.next() * 4);
        rows.push(Array.from({ length: nf }, () => atoms[Math.floor(rng.next() * atoms.length)]!).join(',') + ends[Math.floor(rng.next() * ends.length)]!);
      }
      const text = (rng.next() < 0.2 ? '\ufeff' : '') + rows.join('');
      const want = parseCsv(text).map((r) => ({ line: r.line, fields: r.fields }));
      for (const size of [1, 2, 3, 1000]) expect(records(pieces(text, size)), `${JSON.stringify(text)} in chunks of ${size}`).toEqual(want);
    }
  });

  it('with a batch sink, gives the same records in the same order, plain ones of its width in batches', () => {
    const rng = makeRng(19);
    const atoms = ['a', 'bc', ' ', '1.5', 'ü', '日', '', '"x,y"', '"q""q"', '"l1\nl2"'];
    const ends = ['\n', '\r\n', '\r', '\n\n', '\r\n\r\n'];
    let batched = 0;
    for (let t = 0; t < 300; t++) {
      const rows: string[] = [];
      const nRows = 1 + Math.floor(rng.next() * 40);
      for (let r = 0; r < nRows; r++) {
        // mostly 3 fields (the sink's width) and plain, some wider or narrower, some quoted
        const nf = rng.next() < 0.8 ? 3 : 1 + Math.floor(rng.next() * 5);
        const atom = (): string => atoms[Math.floor(rng.next() * (rng.next() < 0.8 ? 7 : atoms.length))]!;
        rows.push(Array.from({ length: nf }, atom).join(',') + ends[Math.floor(rng.next() * (rng.next() < 0.7 ? 2 : ends.length))]!);
      }
      const text = rows.join('');
      const want = parseCsv(text).map((r) => ({ line: r.line, fields: r.fields }));
      for (const size of [1, 7, 1000]) {
        const got: { line: number; fields: string[] }[] = [];
        const sink = {
          width: 3,
          onBatch: (bt: CsvBatch): void => {
            for (let r = 0; r < bt.records; r++) {
              got.push({ line: bt.lines[r]!, fields: Array.from({ length: bt.width }, (_, f) => bt.bytes.toString('utf8', bt.starts[r * bt.width + f]!, bt.ends[r * bt.width + f]!)) });
              batched++;
            }
          },
        };
        forEachCsvByteRecord(pieces(text, size), (b, st, en, count, line) => {
          got.push({ line, fields: Array.from({ length: count }, (_, f) => b.toString('utf8', st[f]!, en[f]!)) });
        }, sink);
        expect(got, `${JSON.stringify(text)} in chunks of ${size}`).toEqual(want);
      }
    }
    expect(batched).toBeGreaterThan(5000); // the batch path was taken, not only the record path
  });

  it('names the line of a syntax error', () => {
    const line = (t: string): number => {
      try {
        records(cut(t, 3));
      } catch (e) {
        if (e instanceof CsvSyntaxError) return e.line;
        throw e;
      }
      return -1;
    };
    expect(line('a,b\n1,2\n3,x"y\n')).toBe(3);
    expect(line('a,b\n"1\n\n",2\n"3,4\n')).toBe(5);
    expect(line('a,b\n"1"x,2\n')).toBe(2);
  });
});
