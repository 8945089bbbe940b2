import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SizeGap } from '../src/experiments/needles-findings.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { emergence } from './cli.js';
import { expectRerunAndEvalResume, runInProcess } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-needles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = { sizes: ['n25k', 'n60k'], bilingual: 0.2, doses: [0.02], steps: 20, batch: 4, context: 128, evalCount: 3, shots: 1 };
const ARGS = ['--sizes', 'n25k,n60k', '--bilingual', '0.2', '--doses', '0.02', '--steps', '20', '--batch', '4', '--context', '128', '--eval-count', '3', '--shots', '1'];
const TASKS = ['a-to-b-0shot', 'a-to-b-1shot', 'b-to-a-0shot', 'b-to-a-1shot'];

// A tiny plan through the whole pipeline: four corpora × two sizes trained in the pool, served on
// 127.0.0.1, asked to translate both ways zero- and one-shot over HTTP, stored, audited.
describe('needles experiment, end to end', () => {
  it('trains every size per condition, asks both directions zero- and few-shot, and reports the gap and the dose curve', async () => {
    const r = await runInProcess('needles', join(dir, 'a'), TINY, 3);
    expect(r.members.map((m) => m.name)).toEqual(['n25k-full', 'n60k-full', 'n25k-no-pairs', 'n60k-no-pairs', 'n25k-none', 'n60k-none', 'n25k-dose-2pct', 'n60k-dose-2pct']);
    const keys = [...new Set(r.curves.map((c) => `${c.key.family}/${c.key.task}/${c.key.metric}`))].sort();
    expect(keys).toEqual(['dose-2pct', 'full', 'no-pairs', 'none'].flatMap((c) => TASKS.flatMap((t) => [`lab-needles-${c}/${t}/chrf`, `lab-needles-${c}/${t}/exact_match`])).sort());
    const data = r.findings.data as { gaps: SizeGap[]; dose: { size: string; points: { pairs: number; zero: number | null }[] }[]; targetShares: { share: number | null }[] };
    expect(data.gaps.map((g) => g.size)).toEqual(['n25k', 'n60k']);
    for (const g of data.gaps) {
      for (const v of [g.full.zero, g.noPairs.zero, g.none.zero, g.full.few]) expect(v).not.toBeNull();
      expect(g.gapZero).toBeCloseTo(g.full.zero! - g.noPairs.zero!, 12);
    }
    // The dose curve: no-pairs (0), the dose (2%), full (0.2 × 0.4 = 8%).
    expect(data.dose[0]!.points.map((p) => p.pairs)).toEqual([0, 0.02, 0.2 * 0.4]);
    expect(data.targetShares).toHaveLength(8 * 4);
    const s = await DuckStore.open(r.store, { readOnly: true });
    try {
      const rows = await s.query("SELECT s.prompt FROM samples s JOIN runs USING (run_id) WHERE runs.task = 'a-to-b-0shot'");
      expect(rows.length).toBe(8 * 3);
      for (const row of rows) expect(String(row.prompt)).toMatch(/^[a-z ]+\. in b: $/);
      const few = await s.query("SELECT s.prompt FROM samples s JOIN runs USING (run_id) WHERE runs.task = 'b-to-a-1shot'");
      for (const row of few) expect(String(row.prompt)).toMatch(/^[a-z ]+\. in a: [a-z ]+\.\n[a-z ]+\. in a: $/);
    } finally { s.close(); }
    expect(r.findings.before).toMatch(/The ablation gap against size/);
    expect(r.findings.charts[0]!.charts.map((c) => c.title)).toContain('Dose curve: zero-shot chrF against the translation-pair share');
  }, 240_000);

  it('through the CLI: a rerun reuses every member with the same curves; kill -9 in evaluation resumes to the same curves, each sample stored once', async () => {
    await expectRerunAndEvalResume({
      args: (sub) => ['needles', '--dir', join(dir, sub), '--seed', '4', ...ARGS],
      members: 8,
      killAt: /n60k-no-pairs · a-to-b-0shot: \d+ samples/,
      html: join(dir, 'report.html'),
      htmlTitle: /Ablation gap \(full − no-pairs chrF\) against size/,
    });
  }, 400_000);

  it('lists the experiment, generates its help, and refuses a bad option with exit 2 naming it', () => {
    const list = emergence(['experiment', 'list']);
    expect(list.stdout).toMatch(/^needles {2,}Does translation come/m);
    const help = emergence(['experiment', 'needles', '--help']);
    expect(help.stdout).toMatch(/--pair-share X/);
    // The quick dose is computed (0.014 × 0.4): the help prints it as a person would write it.
    expect(help.stdout).toMatch(/quick\s+0\.0056,\s+full\s+0\.0224,0\.0896,0\.2\)/);
    const bad = emergence(['experiment', 'needles', '--shots', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"--shots": expected a whole number in 1\.\.8, got "0"/);
    const tight = emergence(['experiment', 'needles', '--shots', '2', '--context', '96']);
    expect(tight.code).toBe(2);
    expect(tight.stderr).toMatch(/--shots.*2 shots with answers do not fit a context of 96/);
  });
});
