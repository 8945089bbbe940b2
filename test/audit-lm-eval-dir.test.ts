import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, emergence } from './cli.js';

const FAMILY = join(ROOT, 'test/fixtures/lm-eval-family');
const dir = mkdtempSync(join(tmpdir(), 'emergence-lmeval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const copy = (name: string): string => {
  const to = join(dir, name);
  cpSync(FAMILY, to, { recursive: true });
  return to;
};
/** curve id → (points, min value) from `audit --csv --all`. */
const curves = (args: string[]): { code: number; stderr: string; rows: Map<string, { pts: number; min: number }> } => {
  const r = emergence(['audit', '--csv', '--all', ...args]);
  const lines = r.stdout.trim().split('\n');
  const h = lines[0]?.split(',') ?? [];
  const col = (n: string): number => h.indexOf(n);
  const rows = new Map<string, { pts: number; min: number }>();
  for (const l of lines.slice(1)) {
    const c = l.split(',');
    rows.set([c[col('family')], c[col('task')], c[col('metric')], c[col('shots')]].join('|'), { pts: Number(c[col('points')]), min: Number(c[col('min_value')]) });
  }
  return { code: r.code, stderr: r.stderr, rows };
};
const SAMPLES_ARC = 'samples_toy_arc_2026-01-01T00-00-00.000000.jsonl';

describe('lm-eval output folders as lm-eval writes them (#27)', () => {
  it('reads one model\'s own output folder (today: "no lm-eval runs found")', () => {
    const r = curves([join(FAMILY, 'toy-lm-70m')]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.rows.get('toy/toy-lm|toy_arc|acc|0')?.pts).toBe(1);
    // The bundled run: one model, math_perturbed_full with its samples.
    const bundled = curves([join(ROOT, 'data/lm-eval')]);
    expect(bundled.code).toBe(0);
    expect([...bundled.rows.keys()].some((k) => k.includes('|math_perturbed_full|exact_match|0'))).toBe(true);
  });
  it('a re-run (two timestamps) uses the latest and says so (today: a hard error)', () => {
    const fam = copy('rerun');
    const m = join(fam, 'toy-lm-70m');
    // The re-run gets every answer right: multiple-choice logliks with the gold choice best.
    const rerun = readFileSync(join(m, SAMPLES_ARC), 'utf8').trim().split('\n').map((line) => {
      const d = JSON.parse(line) as { target: number; filtered_resps: [string, string][]; resps: unknown };
      d.filtered_resps = d.filtered_resps.map((_, j) => [j === d.target ? '-0.5' : '-9.0', 'False']);
      d.resps = d.filtered_resps.map((p) => [p]);
      return JSON.stringify(d);
    });
    writeFileSync(join(m, 'samples_toy_arc_2026-02-01T00-00-00.000000.jsonl'), rerun.join('\n') + '\n');
    const r = curves([fam]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/toy-lm-70m: toy_arc was run 2 times \(2026-01-01T00-00-00\.000000, 2026-02-01T00-00-00\.000000\): using the latest, 2026-02-01T00-00-00\.000000/);
    expect(r.rows.get('toy/toy-lm|toy_arc|acc|0')?.pts).toBe(4);
  });
  it('a task with results but no sample log keeps its aggregate, and the user is told (today: dropped silently)', () => {
    const fam = copy('nolog');
    for (const m of readdirSync(fam)) unlinkSync(join(fam, m, 'samples_toy_lambada_2026-01-01T00-00-00.000000.jsonl'));
    const r = curves([fam]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/toy-lm-70m: no sample log for toy_lambada: kept lm-eval's aggregate values/);
    expect(r.rows.get('toy/toy-lm|toy_lambada|acc|0')?.pts).toBe(4);
    expect(r.rows.get('toy/toy-lm|toy_arc|brier_score|0')?.pts).toBe(4); // the logged task is still re-scored
  });
  it('`audit samples_*.jsonl` re-scores one sample log (today: "unsupported file type")', () => {
    const r = curves([join(FAMILY, 'toy-lm-70m', SAMPLES_ARC), join(FAMILY, 'toy-lm-14m', SAMPLES_ARC)]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const two = copy('two');
    for (const m of ['toy-lm-410m', 'toy-lm-1.4b']) rmSync(join(two, m), { recursive: true });
    const folder = curves([two]);
    for (const metric of ['acc', 'acc_norm', 'brier_score']) {
      expect(r.rows.get(`toy/toy-lm|toy_arc|${metric}|0`)?.pts).toBe(2);
      expect(r.rows.get(`toy/toy-lm|toy_arc|${metric}|0`)?.min).toBe(folder.rows.get(`toy/toy-lm|toy_arc|${metric}|0`)?.min);
    }
  });
  it('folder mode keeps the shot count, so its curves line up with the results files (today: shots lost)', () => {
    const folder = curves([FAMILY]);
    const files = readdirSync(FAMILY).map((m) => join(FAMILY, m, readdirSync(join(FAMILY, m)).find((f) => f.startsWith('results_'))!));
    const json = curves(files);
    expect(json.rows.has('toy/toy-lm|toy_arc|acc|0')).toBe(true);
    expect(folder.rows.get('toy/toy-lm|toy_arc|acc|0')?.pts).toBe(json.rows.get('toy/toy-lm|toy_arc|acc|0')?.pts);
  });
});
