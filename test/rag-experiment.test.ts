import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemberResult } from '../src/experiments/rag-findings.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { parseCitations } from '../src/tasks/rag-prompts.js';
import { emergence } from './cli.js';
import { expectRerunAndEvalResume, runInProcess } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-rag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = { sizes: ['r15k', 'r35k'], k: 3, entities: 20, maxMentions: 6, steps: 30, batch: 8, evalPerDecile: 2, swapPerDecile: 1 };
const ARGS = ['--sizes', 'r15k,r35k', '--k', '3', '--entities', '20', '--max-mentions', '6', '--steps', '30', '--batch', '8', '--eval-per-decile', '2', '--swap-per-decile', '1'];

// A tiny plan through the whole pipeline: both settings of two sizes trained in the pool, served on
// 127.0.0.1, asked over HTTP (closed book, with passages, with swapped passages), stored, audited.
describe('rag-citations experiment, end to end', () => {
  it('trains both settings per size, asks every band and the index swap over HTTP, and reports answers, citations and swaps', async () => {
    const r = await runInProcess('rag-citations', join(dir, 'a'), TINY, 3);
    expect(r.members.map((m) => m.name)).toEqual(['r15k-closed', 'r15k-open', 'r35k-closed', 'r35k-open']);
    const tasks = [...new Set(r.curves.map((c) => `${c.key.family}/${c.key.task}/${c.key.metric}`))].sort();
    expect(tasks).toEqual(['closed-book-head', 'closed-book-tail', 'closed-book-torso'].flatMap((t) => [`lab-rag-closed/${t}/exact_match`, `lab-rag-closed/${t}/target_loglik`])
      .concat(['index-swap', 'open-book-head', 'open-book-tail', 'open-book-torso'].flatMap((t) => [`lab-rag-open/${t}/exact_match`, `lab-rag-open/${t}/target_loglik`])));
    const data = r.findings.data as { members: MemberResult[]; retrievalRecall: { k: number; overall: number }[]; world: { deciles: { asked: number }[] } };
    // 20 entities × 4 relations: 8 facts per decile, 2 of them asked.
    expect(data.world.deciles.map((d) => d.asked)).toEqual(new Array(10).fill(2));
    expect(data.retrievalRecall.map((x) => x.k)).toEqual([1, 2, 3]);
    for (const m of data.members) {
      expect(m.answered).toBe(20);
      for (const v of [...m.em, ...m.ll]) expect(v).not.toBeNull();
      if (m.setting === 'open') {
        expect(m.swap!.asked).toBeGreaterThan(0);
        expect(m.swap!.grounded! + m.swap!.memorised! + m.swap!.other!).toBeCloseTo(1, 12);
        expect(m.citations!.retrieved.answers).toBe(20);
      } else expect(m.citations).toBeNull();
    }
    const s = await DuckStore.open(r.store, { readOnly: true });
    try {
      const rows = await s.query("SELECT s.prompt, s.raw_output FROM samples s JOIN runs USING (run_id) WHERE runs.task = 'open-book-head'");
      expect(rows.length).toBe(2 * 4);
      for (const row of rows) {
        expect(String(row.prompt)).toMatch(/^\[1\] .*\n\[2\] .*\n\[3\] .*\nq: [a-z]+ [a-z ]+ $/);
        expect(typeof row.raw_output).toBe('string');
        parseCitations(String(row.raw_output));
      }
    } finally { s.close(); }
    expect(r.findings.before).toMatch(/cite recall/);
    expect(r.findings.before).toMatch(/closed appears at/);
    expect(r.findings.charts[0]!.charts.map((c) => c.title)).toContain('Closed book: exact match by popularity band');
  }, 120_000);

  it('through the CLI: a rerun reuses every member with the same curves; kill -9 in evaluation, then the same command stores the rest once', async () => {
    await expectRerunAndEvalResume({
      args: (sub) => ['rag-citations', '--dir', join(dir, sub), '--seed', '4', ...ARGS],
      members: 4,
      killAt: /r35k-closed · closed-book-head: \d+ samples/,
      html: join(dir, 'report.html'),
      htmlTitle: /With retrieval: exact match by popularity band/,
    });
  }, 240_000);

  it('lists the experiment, generates its help, and refuses a bad option with exit 2 naming it', () => {
    const list = emergence(['experiment', 'list']);
    expect(list.stdout).toMatch(/^rag-citations {2,}Does closed-book recall/m);
    const help = emergence(['experiment', 'rag-citations', '--help']);
    expect(help.stdout).toMatch(/--swap-per-decile N/);
    const bad = emergence(['experiment', 'rag-citations', '--k', '12']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"--k": expected a whole number in 1\.\.9, got "12"/);
  });
});
