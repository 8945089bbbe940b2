import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { observationsOf } from '../core/curves/observation-table.js';
import { DataError } from '../core/errors.js';
import { importFile, importTable } from './load.js';
import { importTidyTable } from './tidy-columns.js';
import { importTidyCsv, type ColumnRoles } from './tidy-csv.js';

/** The text's UTF-8 bytes cut into pieces of `size` bytes (a record, a quote, a \r\n or a character split anywhere). */
const pieces = (text: string, size: number): Buffer[] => {
  const all = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let at = 0; at < all.length; at += size) out.push(all.subarray(at, at + size));
  return out;
};

const columnWise = (text: string, size: number, roles: ColumnRoles = {}) => {
  const r = importTidyTable(pieces(text, size), 'x.csv', roles);
  return { observations: observationsOf(r.table), warnings: r.warnings, columns: r.columns };
};

const failure = (f: () => unknown): { message: string; code: string; line: number | undefined; field: string | undefined } => {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return { message: e.message, code: e.code, line: e.line, field: e.field };
    throw e;
  }
  throw new Error('expected a DataError');
};

const HEAD = 'family,model,params,task,metric,shots,seed,value,stderr,n,higher_is_better,deduped,note\n';
const CASES: Record<string, string> = {
  plain: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.25,0.01,1000,true,false,a\nPythia,p-160m,1.6e8,arc,acc,0,,0.3,,1000,,false,b\nPythia,p-70m,70M,arc,acc,0,,0.26,0.01,1000,true,true,c\nPythia,p-160m,1.6e8,arc,acc,0,,0.31,,1000,,true,d\n`,
  quoted: `${HEAD}"Pythia","p-70m",70M,"arc, easy",acc,0,,0.25,,,,false,"say ""hi"""\nPythia,"p-160m",160M,"arc, easy",acc,0,,0.3,,,,false,"two\nlines"\nPythia,p-410m,410M,"arc, easy",acc,0,,0.35,,,,false,""\n`,
  crlf: `${HEAD.replace('\n', '\r\n')}Pythia,p-70m,70M,arc,acc,0,1,0.25,,,,false,a\r\nPythia,p-70m,70M,arc,acc,0,2,0.27,,,,false,a\r\n\r\nPythia,p-160m,160M,arc,acc,0,1,0.3,,,,false,a\r\n`,
  bom: `\ufeff${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,ü\nPythia,p-160m,160M,arc,acc,0,,0.3,,,,false,日本\n`,
  missing: `${HEAD}Pythia,p-70m,70M,arc,acc,,,0.25,,,,,\nPythia,p-160m,160M,arc,acc,,,0.3,,,,,\n\n\nPythia,p-410m,410M,arc,acc, , ,0.32,,,,,`,
  spaces: `${HEAD} Pythia , p-70m ,70M, arc , acc ,0,,0.25,,,,false,x\nPythia,p-160m, 160M ,arc,acc,0,,0.3 ,,,,false,x\n`,
  noTrailingNewline: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,a\nPythia,p-160m,160M,arc,acc,0,,0.3,,,,false,"q"`,
};

describe('importTidyTable (the column-wise reader) against importTidyCsv (the row reader)', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`${name}: the same observations and warnings, whatever the chunk size`, () => {
      const want = importTidyCsv(text, 'x.csv');
      for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
        const got = columnWise(text, size);
        expect(got.observations, `chunks of ${size}`).toEqual(want.observations);
        expect(got.warnings).toEqual(want.warnings);
        expect(got.columns).toEqual(want.columns);
      }
    });
  }

  it('the same labels and attributes under --split-by and --ignore', () => {
    for (const roles of [{ splitBy: ['note'] }, { ignore: ['deduped'] }, { splitBy: [] }]) {
      const want = importTidyCsv(CASES.plain!, 'x.csv', roles);
      expect(columnWise(CASES.plain!, 5, roles)).toEqual({ observations: want.observations, warnings: want.warnings, columns: want.columns });
    }
  });

  const BAD: Record<string, string> = {
    badNumber: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,a\nPythia,p-160m,160M,arc,acc,0,,0.3x,,,,false,a\n`,
    infinite: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,inf,,,,false,a\n`,
    badParams: `${HEAD}Pythia,p-70m,-70,arc,acc,0,,0.25,,,,false,a\n`,
    emptyValue: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,,,,,false,a\n`,
    emptyModel: `${HEAD}Pythia, ,70M,arc,acc,0,,0.2,,,,false,a\n`,
    fractionalShots: `${HEAD}Pythia,p-70m,70M,arc,acc,0.5,,0.2,,,,false,a\n`,
    badBool: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.2,,,maybe,false,a\n`,
    twoFaults: `${HEAD}Pythia,p-70m,x,arc,acc,0,,y,,,,false,a\n`,
    // Read a column at a time, the params column's fault (line 4) is seen before the stderr one (line 3).
    faultsAcrossRows: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,a\nPythia,p-160m,160M,arc,acc,0,,0.3,-1,,,false,a\nPythia,p-410m,0,arc,acc,0,,0.3,,,,false,a\n`,
    lateInLongFile: `${HEAD}${'Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,a\n'.repeat(5000)}Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,a,extra\n`,
    fieldCount: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.2\n`,
    quoteInField: `${HEAD}Pythia,p"70m,70M,arc,acc,0,,0.2,,,,false,a\n`,
    afterQuote: `${HEAD}Pythia,"p-70m"x,70M,arc,acc,0,,0.2,,,,false,a\n`,
    unterminated: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.2,,,,false,"a\nb\n`,
    lineAfterQuotedNewlines: `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.2,,,,false,"a\nb"\nPythia,p-160m,160M,arc,acc,0,,zz,,,,false,a\n`,
    missingColumn: 'family,model,task,metric,value\nPythia,p,arc,acc,0.2\n',
    duplicateColumn: 'family,model,params,task,metric,value,value\n',
    headerOnly: HEAD,
  };
  for (const [name, text] of Object.entries(BAD)) {
    it(`${name}: the same error, naming the same line and column`, () => {
      const want = failure(() => importTidyCsv(text, 'x.csv'));
      for (const size of [1, 4, 1 << 20]) expect(failure(() => columnWise(text, size)), `chunks of ${size}`).toEqual(want);
    });
  }

  it('a bad number names its line and column', () => {
    expect(failure(() => columnWise(BAD.badNumber!, 3))).toMatchObject({ code: 'CSV_VALUE', line: 3, field: 'value', message: 'expected a finite number, got "0.3x"' });
    expect(failure(() => columnWise(BAD.lineAfterQuotedNewlines!, 3))).toMatchObject({ line: 4, field: 'value' });
    expect(failure(() => columnWise(BAD.faultsAcrossRows!, 1 << 20))).toMatchObject({ line: 3, field: 'stderr', message: 'must be >= 0, got -1' });
    expect(failure(() => columnWise(BAD.lateInLongFile!, 1 << 20))).toMatchObject({ line: 5002, code: 'CSV_FIELD_COUNT' });
  });
});

describe('files', () => {
  it('a .csv.gz reads as the .csv does, to the same observations and curves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emergence-columns-'));
    try {
      const plain = join(dir, 'r.csv');
      const gz = join(dir, 'r.csv.gz');
      writeFileSync(plain, CASES.crlf!);
      writeFileSync(gz, gzipSync(Buffer.from(CASES.crlf!)));
      const a = importFile(plain).observations;
      const b = importFile(gz).observations;
      expect(b.map((o) => ({ ...o, source: { ...o.source, file: '' } }))).toEqual(a.map((o) => ({ ...o, source: { ...o.source, file: '' } })));
      expect(importTable(gz).table.length).toBe(3);
      expect(a).toEqual(importTidyCsv(CASES.crlf!, plain).observations);
      const bad = join(dir, 'bad.csv.gz');
      writeFileSync(bad, gzipSync(Buffer.from(BAD_LINE_3)));
      expect(failure(() => importFile(bad))).toMatchObject({ line: 3, field: 'value' });
      // A byte-order mark and blank lines are an empty file; a line of a space is a header with an empty name.
      const emptyFile = { message: 'empty file', code: 'EMPTY_FILE', line: undefined, field: undefined };
      const cases = [
        ['blank.csv', '\ufeff \n\r\n', { message: 'column 1 has an empty name', code: 'CSV_HEADER', line: 1, field: undefined }],
        ['bom.csv', '\ufeff\n\n', emptyFile],
        ['empty.csv', '', emptyFile],
      ] as const;
      for (const [name, text, want] of cases) {
        const f = join(dir, name);
        writeFileSync(f, text);
        expect(failure(() => importFile(f)), name).toEqual(want);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const BAD_LINE_3 = `${HEAD}Pythia,p-70m,70M,arc,acc,0,,0.25,,,,false,a\nPythia,p-160m,160M,arc,acc,0,,nope,,,,false,a\n`;
