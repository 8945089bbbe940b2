import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CotOut, SizeRow } from '../src/experiments/cot-findings.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { runInProcess } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-cot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A tiny plan through the whole pipeline: both styles of two sizes trained in the pool, served on
// 127.0.0.1, asked over HTTP (greedy and sampled with votes), every sample in DuckDB, audited.
describe('cot-crossover experiment, end to end', () => {
  it('trains both styles per size, evaluates greedy and voted answers over HTTP, and reports both', async () => {
    const r = await runInProcess('cot-crossover', join(dir, 'a'), { sizes: ['c20k', 'c50k'], maxDigits: 2, oodDigits: [3], steps: 30, batch: 16, evalCount: 6, scCount: 3, samples: 5 }, 3);
    expect(r.members.map((m) => m.name)).toEqual(['c20k-direct', 'c20k-scratchpad', 'c50k-direct', 'c50k-scratchpad']);
    const families = [...new Set(r.curves.map((c) => `${c.key.family}/${c.key.task}`))].sort();
    expect(families).toEqual([
      'lab-cot-direct/add-in-distribution', 'lab-cot-direct/add-out-of-distribution', 'lab-cot-direct/add-self-consistency',
      'lab-cot-scratchpad/add-in-distribution', 'lab-cot-scratchpad/add-out-of-distribution', 'lab-cot-scratchpad/add-self-consistency',
    ]);
    const data = r.findings.data as { sizes: SizeRow[]; selfConsistency: CotOut['sc'] };
    expect(data.sizes.map((s) => s.size)).toEqual(['c20k', 'c50k']);
    for (const s of data.sizes) for (const v of [s.direct.id, s.scratchpad.id, s.direct.ood, s.scratchpad.ood]) expect(v).toBeGreaterThanOrEqual(0);
    // Votes over the first K of 5 samples: K = 1 and 5 are measured, 10 and 20 need more samples than were drawn.
    for (const p of data.selfConsistency) {
      expect(p.byK.map((b) => b.k)).toEqual([1, 5, 10, 20]);
      expect(p.byK.map((b) => b.problems)).toEqual([6, 6, 0, 0]);
    }
    const s = await DuckStore.open(r.store, { readOnly: true });
    try {
      const rows = await s.query("SELECT count(*)::INTEGER AS n FROM samples WHERE paths IS NOT NULL");
      // Self-consistency: 3 problems per in-distribution length (1 and 2 digits), 4 members.
      expect(rows[0]!.n).toBe(4 * 6);
      const scratch = await s.query("SELECT raw_output FROM samples JOIN runs USING (run_id) WHERE runs.family = 'lab-cot-scratchpad' LIMIT 1");
      expect(typeof scratch[0]!.raw_output).toBe('string');
    } finally { s.close(); }
    expect(r.findings.before).toMatch(/scratch SC@5/);
  }, 180_000);
});
