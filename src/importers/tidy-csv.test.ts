import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { importTidyCsv } from './tidy-csv.js';

const H = 'family,model,params,task,metric,value';
const err = (text: string): DataError => {
  try {
    importTidyCsv(text, 'r.csv');
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
};

describe('tidy CSV', () => {
  it('reads required and optional columns, and K/M/B suffixes for params', () => {
    const r = importTidyCsv(`${H},shots,seed,stderr,n,higher_is_better\nP,p-70m,70M,lambada,acc,0.18,0,1,0.005,5153,true\n`, 'r.csv');
    expect(r.observations[0]).toMatchObject({ family: 'P', params: 7e7, value: 0.18, shots: 0, seed: '1', stderr: 0.005, n: 5153, higherIsBetter: true });
    expect(r.observations[0]!.source).toEqual({ file: 'r.csv', line: 2 });
  });
  it('makes a column that sorts models into series a curve label and a constant one a point attribute', () => {
    const rows = ['a', 'b', 'a-d', 'b-d'].map((m, i) => `P,${m},${i % 2 ? 2e8 : 1e8},t,acc,0.${i},${m.endsWith('-d')},x`);
    const text = `${H},deduped,note\n${rows.join('\n')}\nO,c,1e8,t,acc,0.3,,y\n`;
    const r = importTidyCsv(text, 'r.csv');
    expect(r.observations.map((o) => o.labels)).toEqual([{ deduped: 'false' }, { deduped: 'false' }, { deduped: 'true' }, { deduped: 'true' }, {}]);
    expect(r.observations[0]!.extra).toEqual({ note: 'x' });
    expect(r.warnings).toEqual(['r.csv: unknown columns: deduped split curves as labels; note kept as point attributes']);
  });
  it('a value that splits curves in one family and rides along in the next keeps its role per family, row after row', () => {
    // P's deduped sorts its models into series (a label); O's is one value (an attribute). The rows
    // follow one another with the same value, so a row must not take the previous row's objects across families.
    const rows = ['a', 'b', 'a-d', 'b-d'].map((m, i) => `P,${m},${i % 2 ? 2e8 : 1e8},t,acc,0.${i},${m.endsWith('-d')}`);
    const text = `${H},deduped\n${rows.join('\n')}\nO,c,1e8,t,acc,0.3,true\nO,d,2e8,t,acc,0.4,true\n`;
    const r = importTidyCsv(text, 'r.csv');
    expect(r.observations.map((o) => o.labels)).toEqual([{ deduped: 'false' }, { deduped: 'false' }, { deduped: 'true' }, { deduped: 'true' }, {}, {}]);
    expect(r.observations.map((o) => o.extra)).toEqual([{}, {}, {}, {}, { deduped: 'true' }, { deduped: 'true' }]);
  });
  // Issue #27: one eval_date per model split every model into its own one-point curve.
  it('a column with one value per model rides along instead of splitting every model apart', () => {
    const rows = ['a', 'b', 'c', 'd'].flatMap((m, i) => ['t1', 't2'].map((t) => `P,${m},${(i + 1) * 1e8},${t},acc,0.${i},2024-0${i + 1}-01`));
    const r = importTidyCsv(`${H},eval_date\n${rows.join('\n')}\n`, 'r.csv');
    expect(r.observations.every((o) => Object.keys(o.labels).length === 0)).toBe(true);
    expect(r.observations[2]!.extra).toEqual({ eval_date: '2024-02-01' });
    expect(r.warnings[1]).toMatch(/eval_date takes one value per model, so it rides along .*--split-by eval_date/);
  });
  it('a column that varies within one model (a prompt variant) still splits', () => {
    const rows = ['a', 'b'].flatMap((m, i) => ['p1', 'p2'].map((v, j) => `P,${m},${(i + 1) * 1e8},t,acc,0.${i}${j},${v}`));
    const r = importTidyCsv(`${H},prompt\n${rows.join('\n')}\n`, 'r.csv');
    expect(r.observations.map((o) => o.labels.prompt)).toEqual(['p1', 'p2', 'p1', 'p2']);
  });
  it('--split-by names exactly the columns that split; --ignore drops a column', () => {
    const rows = ['a', 'b', 'c', 'd'].map((m, i) => `P,${m},${(i + 1) * 1e8},t,acc,0.${i},${i < 2 ? 'x' : 'y'},2024-0${i + 1}-01,some words ${i}`);
    const text = `${H},group,eval_date,comment\n${rows.join('\n')}\n`;
    const byDate = importTidyCsv(text, 'r.csv', { splitBy: ['eval_date'] });
    expect(byDate.observations.map((o) => o.labels)).toEqual(rows.map((_, i) => ({ eval_date: `2024-0${i + 1}-01` })));
    expect(byDate.observations[0]!.extra).toEqual({ group: 'x', comment: 'some words 0' });
    const ignored = importTidyCsv(text, 'r.csv', { ignore: ['comment'] });
    expect(ignored.observations[0]!.labels).toEqual({ group: 'x' });
    expect(ignored.observations[0]!.extra).toEqual({ eval_date: '2024-01-01' });
    expect(ignored.warnings[0]).toBe('r.csv: unknown columns: group split curves as labels; eval_date kept as point attributes; comment ignored');
  });
  it('missing column → line 1 names it', () => {
    const e = err('family,model,task,metric,value\nP,a,t,acc,0.1\n');
    expect(e.describe()).toBe('r.csv:1: missing required column "params" (hint: a tidy CSV needs family,model,params,task,metric,value)');
  });
  it('non-numeric value → file:line and field', () => {
    expect(err(`${H}\nP,a,1e8,t,acc,0.1\nP,b,2e8,t,acc,high\n`).describe()).toBe('r.csv:3: "value": expected a finite number, got "high"');
  });
  it('negative and zero params', () => {
    expect(err(`${H}\nP,a,-5,t,acc,0.1\n`).describe()).toBe('r.csv:2: "params": must be > 0, got -5');
    expect(err(`${H}\nP,a,0,t,acc,0.1\n`).describe()).toBe('r.csv:2: "params": must be > 0, got 0');
  });
  it('empty file and header-only file', () => {
    expect(err('').code).toBe('EMPTY_FILE');
    expect(err(`${H}\n`).describe()).toBe('r.csv:1: no data rows after the header');
  });
  it('wrong field count and bad booleans', () => {
    expect(err(`${H}\nP,a,1e8,t,acc\n`).describe()).toBe('r.csv:2: expected 6 fields, got 5');
    expect(err(`${H},higher_is_better\nP,a,1e8,t,acc,0.1,maybe\n`).describe()).toMatch(/^r.csv:2: "higher_is_better": expected true or false/);
  });
  it('NaN and infinite values are refused', () => {
    expect(err(`${H}\nP,a,1e8,t,acc,NaN\n`).field).toBe('value');
    expect(err(`${H}\nP,a,1e8,t,acc,inf\n`).field).toBe('value');
  });
});
