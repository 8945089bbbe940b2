import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blankSample } from '../core/sample.js';
import { DuckStore, type StoredSample } from './duckdb-store.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stored = (i: number): StoredSample => ({
  sample: { ...blankSample(`s${i}`, 'toy', 'add3', 'generate', { file: 'x' }), prompt: `p${i}`, output: String(i), targets: [String(i)] },
  rawOutput: String(i), paths: null, targetTokens: null, latencyMs: 1, error: null,
  scores: [{ sampleId: `s${i}`, metric: 'exact_match', value: 1, tokenizer: null }],
});

describe('DuckStore', () => {
  // A resumed eval answers its requests from the cache (reads) while sample batches are written:
  // both go through the store's one connection, where a query started during another's pending
  // execution (the appender's flush inside a batch's transaction) closed it.
  it('reads interleaved with batch writes on the one connection all succeed, every sample stored once', async () => {
    const store = await DuckStore.open(join(dir, 'interleave.duckdb'));
    try {
      await store.cachePutMany(Array.from({ length: 500 }, (_, i) => [`k${i}`, `{"v":${i}}`] as const));
      const work: Promise<unknown>[] = [];
      for (let b = 0; b < 20; b++) {
        work.push(store.writeSamples('run', Array.from({ length: 100 }, (_, i) => stored(b * 100 + i))));
        for (let k = 0; k < 25; k++) work.push(store.cacheGet(`k${b * 25 + k}`), store.doneSampleIds('run'));
      }
      const results = await Promise.allSettled(work);
      expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason).split('\n')[0])).toEqual([]);
      const rows = await store.query('SELECT count(*) AS n, count(DISTINCT sample_id) AS d, (SELECT count(*) FROM scores) AS s FROM samples');
      expect(rows[0]).toEqual({ n: 2000n, d: 2000n, s: 2000n });
      expect(await store.cacheGet('k499')).toBe('{"v":499}');
    } finally {
      store.close();
    }
  });
});
