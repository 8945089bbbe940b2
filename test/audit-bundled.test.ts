import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emergence, ROOT } from './cli.js';
import type { AuditDocument } from '../src/report/audit-document.js';

const tmp = mkdtempSync(join(tmpdir(), 'emergence-audit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('emergence audit on the bundled data', () => {
  const run = emergence(['audit']);
  it('exits 0, prints the table on stdout and progress/warnings on stderr', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^family\s+task\s+metric\s+shots\s+pts\s+range\s+B\s+L\s+verdict\s+back-test/);
    expect(run.stderr).toMatch(/no files given: auditing the bundled data/);
  });
  it("Pythia's IPA transliterate: exact match flat at floor, BLEU rising, and the swap summary says so", () => {
    const rows = run.stdout.split('\n').filter((l) => /^Pythia\s+ipa_transliterate/.test(l));
    expect(rows.find((l) => /exact_match/.test(l))).toMatch(/0–0 .* flat \(at floor\)/);
    const bleu = rows.find((l) => /bleu/.test(l))!;
    expect(bleu).toMatch(/0\.03–0\.579/);
    expect(bleu).not.toMatch(/flat/);
    expect(run.stdout).toMatch(/Pythia · ipa_transliterate \(2-shot\): bleu: smooth \(emergent before FDR\) {2}↔ {2}exact_match: flat \(at floor\)/);
  });
  it('prints the metric-swap summary and the meta-analysis', () => {
    expect(run.stdout).toMatch(/Metric swap: \d+ \(family, task\) pairs scored under several metrics; the verdict changes with the metric in \d+\./);
    expect(run.stdout).toMatch(/Meta-analysis: \d+ of \d+ curves read emergent; by metric:/);
  });
  it('says how many emergent calls survive false-discovery control across the audit', () => {
    const m = /False-discovery control \(Benjamini–Hochberg, q = 0\.05\) across (\d+) tested curves: (\d+) of (\d+) emergent calls survive/.exec(run.stdout);
    expect(m).not.toBeNull();
    const [tested, after, before] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(tested).toBeGreaterThan(1000);
    expect(after).toBeLessThanOrEqual(before);
    expect(run.stdout).toMatch(/\d+ curves at chance/);
  });
});

describe('the back-test of pythia-12b LAMBADA from the models up to 2.8B', () => {
  const run = emergence(['audit', 'data/pythia_opt_bloom_final_evals.csv', '--family', 'Pythia', '--task', 'lambada_openai', '--metric', 'acc', '--json', '--quiet']);
  const doc = JSON.parse(run.stdout) as AuditDocument;
  const curve = doc.curves.find((c) => c.key.shots === 0 && c.key.labels.deduped === 'false' && c.key.labels.variant === 'standard')!;
  it('reports the prediction, the real value and the error', () => {
    expect(run.code).toBe(0);
    expect(curve.points.map((p) => p.model)).toEqual(['pythia-70m', 'pythia-160m', 'pythia-410m', 'pythia-1b', 'pythia-1.4b', 'pythia-2.8b', 'pythia-6.9b', 'pythia-12b']);
    const h = curve.headline!;
    expect(h.k).toBe(6);
    expect(h.trainedUpTo).toBe(2775208960);
    expect(h.largestActual).toBeCloseTo(0.7046380749078207, 12);
    expect(h.largestAbsError).toBeCloseTo(Math.abs(h.largestPredicted - h.largestActual), 12);
    expect(curve.verdict).toBe('smooth');
  });
  it('the table shows the prediction beside the real value', () => {
    const table = emergence(['audit', 'data/pythia_opt_bloom_final_evals.csv', '--family', 'Pythia', '--task', 'lambada_openai', '--metric', 'acc', '--quiet']).stdout;
    const row = table.split('\n').find((l) => /^Pythia \[deduped=false,variant=standard\]\s+lambada_openai\s+acc\s+0 /.test(l))!;
    expect(row).toMatch(/pred 0\.\d+, real 0\.705 at 11\.8B \(err 0\.\d+; \w+ fit ≤2\.78B\)/);
  });
});

describe('outputs', () => {
  it('--csv has one row per curve', () => {
    const r = emergence(['audit', 'data/obsscaling_emergent_bigbench_tasks.csv', '--csv', '--quiet', '--family', 'Pythia']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^family,labels,task,metric,shots,points,/);
    expect(lines.length - 1).toBe(8); // Pythia: 7 tasks, IPA under two metrics
  });
  it('--out writes the file atomically and nothing to stdout', () => {
    const out = join(tmp, 'audit.json');
    const r = emergence(['audit', 'data/obsscaling_emergent_bigbench_tasks.csv', '--json', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as AuditDocument;
    expect(doc.kind).toBe('emergence-audit');
    expect(doc.curves.length).toBeGreaterThan(100);
  });
  it('the product runs from a copy without ../shared or the source tree (dist + data only)', () => {
    const pkg = join(tmp, 'pkg');
    for (const p of ['dist', 'data', 'package.json']) cpSync(join(ROOT, p), join(pkg, p), { recursive: true });
    // Its installed dependencies, as `npm install emergence-lab` would give it; nothing else of the source tree.
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const r = emergence(['audit', '--quiet', '--family', 'Pythia', '--task', 'ipa*'], { cwd: tmp, cli: join(pkg, 'dist/src/cli/main.js') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/flat \(at floor\)/);
  });
});
