import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SiOut } from '../src/experiments/self-improve-findings.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import type { CotJobSpec } from '../src/zoo/trainer.js';
import { runInProcess } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-si-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = { sizes: ['c10k', 'c20k'], labelled: 200, labelDigits: 2, poolDigits: 3, oodDigits: 4, poolCount: 4, paths: 4, rounds: 2, baseSteps: 30, roundSteps: 10, batch: 16, evalCount: 3, scCount: 2 };

// A tiny plan through the whole pipeline: base models on a labelled corpus, two rounds of pool
// sampling over HTTP, filtering and fine-tuning from the parent checkpoints, every member evaluated.
describe('self-improve experiment, end to end', () => {
  it('trains base → round 1 → round 2 for the method and the three controls, and a rerun reuses everything', async () => {
    const r = await runInProcess('self-improve', join(dir, 'a'), tiny, 4);
    const names = r.members.map((m) => m.name);
    expect(names.slice(0, 2)).toEqual(['c10k-base', 'c20k-base']);
    for (const size of ['c10k', 'c20k']) for (const arm of ['majority', 'all', 'oracle', 'labelled']) for (const round of [1, 2]) expect(names).toContain(`${size}-${arm}-r${round}`);
    expect(names).toHaveLength(2 + 2 * 4 * 2);
    // Every round's member starts from its own arm's previous member (round 1: the base model).
    const member = (n: string) => r.members.find((m) => m.name === n)!;
    const parentOf = (n: string) => (member(n).spec as CotJobSpec).parent;
    expect(parentOf('c20k-majority-r1')).toEqual({ file: member('c20k-base').file, identity: member('c20k-base').identity });
    expect(parentOf('c20k-oracle-r2')).toEqual({ file: member('c20k-oracle-r1').file, identity: member('c20k-oracle-r1').identity });
    expect(parentOf('c10k-base')).toBeUndefined();
    // The method and the filtered controls train 1:1 on kept paths and labels, the extra-steps control on labels alone.
    const corpora = (n: string) => (member(n).spec as CotJobSpec).cfg.corpora!;
    expect(corpora('c10k-labelled-r2').map((c) => c.share)).toEqual([1]);
    const all = corpora('c10k-all-r1'); // no filter: every path is kept, so there is always a kept corpus
    expect(all.map((c) => c.share)).toEqual([0.5, 0.5]);
    expect(existsSync(all[0]!.corpus.file)).toBe(true);

    const out = r.findings.data as SiOut;
    expect(out.selection).toHaveLength(2 * 3 * 2);
    for (const s of out.selection) {
      expect(s.keptFraction).toBeGreaterThanOrEqual(0);
      expect(s.keptFraction).toBeLessThanOrEqual(1);
      if (s.arm === 'all') expect(s.keptFraction).toBe(1);
      if (s.arm === 'oracle' && s.keptPaths > 0) expect(s.precision).toBe(1);
    }
    expect(out.selection.filter((s) => s.round === 1).every((s) => s.sampledBy.endsWith('-base'))).toBe(true);
    for (const row of out.rows) for (const v of [row.greedyId, row.greedyOod, row.scId, row.scOod]) expect(v).toBeGreaterThanOrEqual(0);
    expect(r.findings.before).toMatch(/base → r1 → r2/);
    expect(r.findings.charts.map((c) => c.title)).toEqual(['Base → round by round, per arm', 'What the filters kept', 'Gain against size']);

    const s = await DuckStore.open(r.store, { readOnly: true });
    try {
      // Pool sampling: 4 paths per question, by the 2 base models (round 1) and 3 round-1 models per size (round 2).
      const rows = await s.query("SELECT count(DISTINCT run_id)::INTEGER AS runs, min(json_array_length(paths))::INTEGER AS m FROM samples JOIN runs USING (run_id) WHERE runs.task = 'add-unlabelled-pool'");
      expect(rows[0]).toEqual({ runs: 2 + 2 * 3, m: 4 });
    } finally { s.close(); }

    const again = await runInProcess('self-improve', join(dir, 'a'), tiny, 4);
    expect(again.members.every((m) => m.stepsRun === 0)).toBe(true);
    expect(again.findings.data).toEqual(r.findings.data);
  }, 600_000);
});
