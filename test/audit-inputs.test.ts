import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, emergence } from './cli.js';
import { writeFreeTextCsv } from './free-text-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const H = 'family,model,params,task,metric,value';
const file = (name: string, text: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const csvRows = (out: string): string[][] => out.trim().split('\n').slice(1).map((l) => l.split(','));

/** 6 models of one family on two tasks, acc rising with size, each model with its own eval date. */
const perModelDates = (): string => {
  const rows = [1, 2, 3, 4, 5, 6].flatMap((i) => ['t1', 't2'].map((t) => `P,p-${i},${i * 1e8},${t},acc,${(0.2 + 0.1 * i).toFixed(2)},2024-05-0${i}`));
  return `${H},eval_date\n${rows.join('\n')}\n`;
};

describe('issue #27, inputs as a researcher has them', () => {
  it('a per-model eval_date column does not turn every model into a one-point curve', () => {
    const r = emergence(['audit', '--csv', file('dates.csv', perModelDates())]);
    expect(r.code).toBe(0);
    const rows = csvRows(r.stdout);
    expect(rows).toHaveLength(2); // one curve per task, not 12 one-point curves
    expect(r.stderr).toMatch(/eval_date takes one value per model, so it rides along/);
  });
  it('--split-by and --ignore say which columns split; a column no CSV has is a usage error', () => {
    const text = perModelDates().replace('eval_date', 'batch').replace(/2024-05-0(\d)/g, (_, d: string) => (Number(d) <= 3 ? 'a' : 'b'));
    const f = file('batch.csv', text);
    expect(csvRows(emergence(['audit', '--csv', f]).stdout)).toHaveLength(4); // batch sorts models into series: 2 tasks × 2 batches
    expect(csvRows(emergence(['audit', '--csv', '--ignore', 'batch', f]).stdout)).toHaveLength(2);
    const byDate = emergence(['audit', '--csv', '--all', '--split-by', 'eval_date', file('dates2.csv', perModelDates())]);
    expect(csvRows(byDate.stdout)).toHaveLength(12);
    const bad = emergence(['audit', '--quiet', '--split-by', 'nope', f]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/--split-by.*no input CSV has a column "nope"/);
  });
  it('accuracy in percent, or an acc of 1.5, is warned about', () => {
    const pct = [25.0, 25.4, 26.0, 26.6, 27.4].map((v, i) => `P,p-${i},${(i + 1) * 1e8},t,acc,${v}`).join('\n');
    const r = emergence(['audit', file('pct.csv', `${H}\n${pct}\n`)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: acc: 5 of 5 values outside its scale \[0, 1\] \(values 25–27\.4, in .*pct\.csv\): they look like percent/);
    const over = emergence(['audit', file('over.csv', `${H}\nP,a,1e8,t,acc,0.3\nP,b,2e8,t,acc,0.4\nP,c,4e8,t,acc,1.5\n`)]);
    expect(over.stderr).toMatch(/warning: acc: 1 of 3 values outside its scale \[0, 1\]/);
  });
  it('reads .csv.gz like .csv, and an error in it still names the line', () => {
    const text = perModelDates();
    const plain = emergence(['audit', '--csv', file('same.csv', text)]);
    const gz = emergence(['audit', '--csv', file('same.csv.gz', gzipSync(text))]);
    expect(gz.code).toBe(0);
    expect(gz.stdout).toBe(plain.stdout);
    const bad = emergence(['audit', '--quiet', file('bad.csv.gz', gzipSync(`${H}\nP,a,1e8,t,acc,0.5\nP,b,2e8,t,acc,n/a\n`))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/bad\.csv\.gz:3: "value": expected a finite number, got "n\/a"/);
    const notGz = emergence(['audit', '--quiet', file('fake.csv.gz', text)]);
    expect(notGz.code).toBe(2);
    expect(notGz.stderr.trim()).toMatch(/fake\.csv\.gz: not a readable gzip file/);
  });
  // Issue #27: "a 55 MB CSV with a free-text column ran out of string space after 50 s at 3.5 GB".
  it('a 55 MB CSV with a free-text column is read in bounded memory', async () => {
    const f = join(dir, 'free.csv');
    const rows = await writeFreeTextCsv(f, 2000, 640);
    expect(rows).toBe(80_000);
    // main took 2.2 GB here (80,000 one-point curves); 700 MB of heap is plenty for 8,000 curves of 10 points.
    const r = spawnSync(process.execPath, ['--max-old-space-size=700', CLI, 'audit', '--csv', f], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 1 << 28 });
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.status).toBe(0);
    const out = csvRows(r.stdout);
    expect(out).toHaveLength(8000);
    expect(r.stderr).toMatch(/80000 observations → 8000 curves in \d+ ms \(reading \d+ ms, analysis \d+ ms\)/);
  }, 120_000);
});
