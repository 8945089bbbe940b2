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
    expect(row).toMatch(/pred 0\.\d+ \[0\.\d+–0\.\d+\], real 0\.705 at 11\.8B \(err 0\.\d+; \w+ fit ≤2\.78B\)/);
  });
});

describe('forecasts on the Pythia, OPT and BLOOM final evaluations', () => {
  const file = 'data/pythia_opt_bloom_final_evals.csv';
  const out = join(tmp, 'finals.json'); // the document is larger than spawnSync's stdout buffer
  emergence(['audit', file, '--json', '--quiet', '--out', out]);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as AuditDocument;
  it('no forecast or interval leaves [0, 1] for accuracy, at any back-test step', () => {
    let steps = 0;
    for (const c of doc.curves.filter((c) => c.key.metric === 'acc' || c.key.metric === 'acc_norm')) {
      for (const s of c.backtest) {
        for (const v of [s.nextPredicted, s.largestPredicted, s.nextInterval.low, s.nextInterval.high, s.largestInterval.low, s.largestInterval.high]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(s.largestInterval.low).toBeLessThanOrEqual(s.largestPredicted);
        expect(s.largestInterval.high).toBeGreaterThanOrEqual(s.largestPredicted);
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(2000);
  });
  it('the deduped 5-shot MMLU computer-science curve, flat within its error bars up to 2.8B, forecasts no change from 2.8B (it forecast 1.0)', () => {
    const c = doc.curves.find((c) => c.key.family === 'Pythia' && c.key.task === 'hendrycksTest-high_school_computer_science' && c.key.metric === 'acc' && c.key.shots === 5 && c.key.labels.deduped === 'true')!;
    const h = c.headline!;
    expect(h.rule).toBe('no_change');
    expect(h.floor).toBe(0.25);
    expect(h.largestPredicted).toBeCloseTo(0.31, 12);
    expect(h.largestActual).toBeCloseTo(0.3, 12);
    const table = emergence(['audit', file, '--task', 'hendrycksTest-high_school_computer_science', '--metric', 'acc', '--detail', '--quiet']).stdout;
    const row = table.split('\n').find((l) => /^Pythia \[deduped=true,variant=standard\]\s+hendrycksTest-high_school_computer_science\s+acc\s+5 /.test(l))!;
    expect(row).toMatch(/pred 0\.31 \[0\.\d+–0\.\d+\], real 0\.3 at 11\.8B \(err 0\.01; no trend: no change from 2\.78B\)/);
  });
  it('a multiple-choice accuracy is never forecast below chance (1/4 for MMLU, 1/2 for WSC), at any back-test step', () => {
    let floored = 0;
    for (const c of doc.curves.filter((c) => c.key.metric === 'acc' || c.key.metric === 'acc_norm')) {
      const chance = c.key.task.startsWith('hendrycksTest-') ? 0.25 : c.key.task === 'wsc' ? 0.5 : null;
      if (chance === null) continue;
      for (const s of c.backtest) {
        expect(s.floor).toBe(chance);
        expect(s.largestPredicted).toBeGreaterThanOrEqual(chance);
        expect(s.nextPredicted).toBeGreaterThanOrEqual(chance);
        if (s.largestPredicted === chance) floored++;
      }
    }
    expect(floored).toBeGreaterThan(100);
  });
  it('the scoreboard of the JSON agrees with the errors recomputed from the points (no change) and the steps', () => {
    const sb = doc.scoreboard;
    expect(sb.level).toBe(0.9);
    const all = sb.rows.find((r) => r.taskFamily === '(all)' && r.unit === 'points')!;
    const bounded = doc.curves.filter((c) => c.headline !== null && ['acc', 'acc_norm', 'pct_stereotype'].includes(c.key.metric));
    expect(all.curves).toBe(bounded.length);
    // numpy.percentile's default (linear interpolation) by hand
    const p90 = (v: number[]): number => {
      const s = [...v].sort((a, b) => a - b);
      const h = 0.9 * (s.length - 1);
      return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
    };
    const noChange = bounded.map((c) => 100 * Math.abs(c.points[c.headline!.k - 1]!.value - c.points[c.points.length - 1]!.value));
    expect(all.errors.no_change.p90).toBeCloseTo(p90(noChange), 9);
    expect(all.errors.no_change.max).toBeCloseTo(Math.max(...noChange), 9);
    expect(all.errors.forecast.p90).toBeCloseTo(p90(bounded.map((c) => 100 * c.headline!.largestAbsError)), 9);
    const inside = bounded.filter((c) => c.headline!.largestActual >= c.headline!.largestInterval.low && c.headline!.largestActual <= c.headline!.largestInterval.high);
    expect(all.coverage).toBeCloseTo(inside.length / bounded.length, 12);
    expect(sb.rows.some((r) => r.taskFamily === 'hendrycksTest')).toBe(true);
    expect(sb.rows.some((r) => r.unit === 'ppl')).toBe(true); // perplexity keeps its own units
  });
  it("issue #18's acceptance on Pythia: the forecast's p90 error is no worse than no change's, and its worst miss is at most 20 points", () => {
    const pythia = join(tmp, 'pythia.json');
    emergence(['audit', file, '--family', 'Pythia', '--metric', 'acc,acc_norm', '--json', '--quiet', '--out', pythia]);
    const all = (JSON.parse(readFileSync(pythia, 'utf8')) as AuditDocument).scoreboard.rows.find((r) => r.taskFamily === '(all)' && r.unit === 'points')!;
    expect(all.errors.forecast.p90).toBeLessThanOrEqual(all.errors.no_change.p90);
    expect(all.errors.forecast.max).toBeLessThanOrEqual(20);
  });
  it('--scoreboard prints the three distributions per task family', () => {
    const text = emergence(['audit', file, '--family', 'Pythia', '--scoreboard', '--quiet']).stdout;
    const at = text.indexOf('Forecast scoreboard');
    expect(at).toBeGreaterThan(0);
    const lines = text.slice(at).split('\n');
    expect(lines[1]).toMatch(/^task family\s+unit\s+curves\s+forecast\s+no change\s+log-linear\s+beats no change\s+inside 90% interval\s+median width$/);
    const num = '\\d+\\.\\d\\d';
    expect(lines.find((l) => l.startsWith('hendrycksTest'))).toMatch(new RegExp(`^hendrycksTest\\s+points\\s+\\d+(\\s+${num} / ${num} / ${num}){3}\\s+\\d+\\.\\d%\\s+\\d+\\.\\d%\\s+${num}$`));
    expect(emergence(['audit', file, '--family', 'Pythia', '--quiet']).stdout).not.toMatch(/Forecast scoreboard/);
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
