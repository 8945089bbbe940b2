import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { blankSample } from '../core/sample.js';
import { DuckStore, type StoredSample } from './duckdb-store.js';
import { mergeShards, shardFiles } from './merge-shards.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stored = (i: number, error: string | null = null): StoredSample => ({
  sample: { ...blankSample(`s${i}`, 'toy', 'add3', 'generate', { file: 'x' }), prompt: `p${i}`, output: error ? null : String(i), targets: [String(i)] },
  rawOutput: error ? null : String(i), paths: null, targetTokens: null, latencyMs: 1, error,
  scores: error ? [] : [{ sampleId: `s${i}`, metric: 'exact_match', value: 1, tokenizer: null }],
});
const run = { runId: 'r', family: 'toy', model: 'toy', params: 1, task: 'add3', taskSource: 'x', settings: {}, seed: 0, versions: {} };

async function shard(name: string, samples: StoredSample[], jobs: string[]): Promise<string> {
  const f = join(dir, 'shards', name);
  const s = await DuckStore.open(f);
  await s.upsertRun(run);
  await s.writeSamples('r', samples);
  for (const j of jobs) await s.recordJob({ jobId: j, kind: 'eval', worker: name, seconds: 1 });
  s.close();
  return f;
}

it('merges shards keyed as every write is: an overlap counts once, a clean copy replaces an errored one, a second collect adds nothing', async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'shards'));
  // Shard a has samples 0..5 (sample 5 errored: its worker died before the job's retry redid it); shard b
  // is the retry elsewhere: samples 3..9, all clean. Expected: 10 samples, 10 scores, none errored.
  await shard('a.duckdb', [0, 1, 2, 3, 4].map((i) => stored(i)).concat([stored(5, 'PROVIDER_HTTP: 500')]), []);
  await shard('b.duckdb', [3, 4, 5, 6, 7, 8, 9].map((i) => stored(i)), ['eval-r']);
  const out = join(dir, 'all.duckdb');
  const files = shardFiles([join(dir, 'shards')], out);
  expect(files.map((f) => f.slice(-8))).toEqual(['a.duckdb', 'b.duckdb']);
  const r = await mergeShards(out, files);
  expect(r.shards.map((s) => [s.rows.samples, s.gained.samples])).toEqual([[6, 6], [7, 5]]);
  expect(r.total).toMatchObject({ runs: 1, samples: 10, scores: 10, sweep_jobs: 1 });
  const s = await DuckStore.open(out, { readOnly: true });
  try {
    expect(await s.query('SELECT count(*) AS n, count(error) AS e, count(DISTINCT sample_id) AS d FROM samples')).toEqual([{ n: 10n, e: 0n, d: 10n }]);
  } finally {
    s.close();
  }
  const again = await mergeShards(out, files);
  expect(again.shards.map((x) => x.gained.samples)).toEqual([0, 0]);
  expect(again.total.samples).toBe(10);
  expect(existsSync(join(dir, `.all.duckdb.${process.pid}.tmp`))).toBe(false);
});
