import { describe, expect, it } from 'vitest';
import { emergence } from './cli.js';
import type { AuditDocument } from '../src/report/audit-document.js';

// Issue #28: verdicts near chance, FDR control across the audit, and its options, on the real CLI.
describe('BLOOM · hendrycksTest-elementary_mathematics', () => {
  const run = emergence(['audit', 'data/pythia_opt_bloom_final_evals.csv', '--family', 'BLOOM', '--task', 'hendrycksTest-elementary_mathematics', '--detail']);
  it('acc_norm (0.22–0.26 then 0.30 on a 4-choice test) reads at chance, not emergent', () => {
    expect(run.code).toBe(0);
    const row = run.stdout.split('\n').find((l) => /^BLOOM\s+hendrycksTest-elementary_mathematics\s+acc_norm/.test(l))!;
    expect(row).toMatch(/\bat_chance\b/);
    expect(run.stdout).toMatch(/every model is within the chance band of 0\.25 \(1\/4 choices/);
    expect(run.stdout).toMatch(/farthest: bloom-7b1 at 0\.299 \(p = 0\.17\d after Šidák\)/);
  });
  it('--detail prints each curve\'s p- and q-values', () => {
    expect(run.stdout).toMatch(/tests: trend p = [\d.e-]+, q = [\d.e-]+; emergence/);
  });
});

describe('FDR options', () => {
  const args = ['audit', 'data/obsscaling_emergent_bigbench_tasks.csv', '--json'];
  const doc = (extra: string[]): AuditDocument => {
    const r = emergence([...args, ...extra]);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as AuditDocument;
  };
  it('the JSON carries the FDR summary and per-curve p and q; --no-fdr drops the q-values and judges each curve alone', () => {
    const withFdr = doc([]);
    expect(withFdr.fdr).toMatchObject({ q: 0.05, method: 'bh' });
    const tested = withFdr.curves.filter((c) => c.verdict !== 'too_few_points');
    expect(withFdr.fdr!.tests).toBe(tested.length);
    for (const c of tested) {
      expect(c.trendQ).not.toBeNull();
      // A q-value is never below its p-value.
      expect(c.trendQ!).toBeGreaterThanOrEqual(c.trendP ?? 1);
    }
    const alone = doc(['--no-fdr']);
    expect(alone.fdr).toBeNull();
    expect(alone.curves.every((c) => c.trendQ === null && c.emergenceQ === null)).toBe(true);
    const em = (d: AuditDocument): number => d.curves.filter((c) => c.verdict === 'emergent' || c.stability?.leaning === 'emergent').length;
    expect(em(alone)).toBeGreaterThanOrEqual(em(withFdr));
    expect(withFdr.fdr!.emergentBefore).toBe(alone.curves.filter((c) => c.verdict === 'emergent' || (c.verdict === 'fragile' && c.stability?.leaning === 'emergent')).length);
  });
  it('a looser --fdr keeps at least as many calls, and --fdr-method by no more than bh', () => {
    const loose = doc(['--fdr', '0.5']);
    const strict = doc(['--fdr', '0.05', '--fdr-method', 'by']);
    const def = doc([]);
    expect(loose.fdr!.emergentAfter).toBeGreaterThanOrEqual(def.fdr!.emergentAfter);
    expect(strict.fdr!.emergentAfter).toBeLessThanOrEqual(def.fdr!.emergentAfter);
    expect(strict.fdr!.smoothAfter).toBeLessThanOrEqual(def.fdr!.smoothAfter);
  });
  it('bad values exit 2 and name the option', () => {
    for (const [extra, field] of [[['--fdr', '0'], '--fdr'], [['--fdr', 'x'], '--fdr'], [['--fdr-method', 'holm'], '--fdr-method'], [['--no-fdr', '--fdr', '0.1'], '--no-fdr'], [['--chance', 'task'], '--chance'], [['--chance', 'task=1.5'], '--chance']] as const) {
      const r = emergence([...args, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(field);
      expect(r.stdout).toBe('');
    }
  });
  it('--chance puts a task in its chance band', () => {
    const r = emergence(['audit', 'data/obsscaling_emergent_bigbench_tasks.csv', '--task', 'parsinlu_qa', '--chance', 'parsinlu_qa=0.25', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as AuditDocument;
    const tested = d.curves.filter((c) => c.verdict !== 'too_few_points');
    expect(tested.length).toBeGreaterThan(0);
    for (const c of tested) expect(c.chance).toMatchObject({ level: 0.25, source: 'given' });
    expect(tested.some((c) => c.verdict === 'at_chance')).toBe(true);
  });
});
