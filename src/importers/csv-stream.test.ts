import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { forEachCsvRecord } from './csv-stream.js';
import { CsvSyntaxError, parseCsv } from './csv-text.js';

const records = (chunks: string[]): { line: number; fields: string[] }[] => {
  const out: { line: number; fields: string[] }[] = [];
  forEachCsvRecord(chunks, (fields, line) => out.push({ line, fields: [...fields] }));
  return out;
};

/** Cut a text at random places, so chunk boundaries fall inside quotes, "" escapes and \r\n. */
const cut = (text: string, seed: number): string[] => {
  const rng = makeRng(seed);
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rng.next() * 7);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
};

describe('streaming CSV records', () => {
  const text = '\ufeffa,b,c\r\n1,"x, ""y""",3\n\n"multi\nline","",\n4,5,6\r\n"q"\n7,8,9\rold,mac\r\n\r\n,,\nlast,row\n';
  it('agrees with the whole-text parser, lines included, however the text is cut', () => {
    const want = parseCsv(text).map((r) => ({ line: r.line, fields: r.fields }));
    expect(want.map((r) => r.line)).toEqual([1, 2, 4, 6, 7, 8, 9, 11, 12]);
    expect(records([text])).toEqual(want);
    for (let seed = 0; seed < 200; seed++) expect(records(cut(text, seed))).toEqual(want);
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
