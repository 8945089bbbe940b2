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
  // A resumed eval answers requests from the cache (reads) while it writes sample batches, all on the
  // store's one connection. A read executing when a batch's appender flushed closed it ("unsuccessful
  // or closed pending query result") and the eval died with exit 1. Reads run back to back here, so
  // one is executing at every flush unless the store gives each statement its turn.
  it('reads running back to back while batches are written all succeed, every sample stored once', async () => {
    const store = await DuckStore.open(join(dir, 'interleave.duckdb'));
    try {
      await store.cachePutMany(Array.from({ length: 500 }, (_, i) => [`k${i}`, `{"v":${i}}`] as const));
      let writing = true;
      const readers = Array.from({ length: 4 }, async (_, r) => {
        let reads = 0;
        while (writing) {
          await store.cacheGet(`k${(reads * 4 + r) % 500}`);
          await store.query('SELECT count(*) AS n FROM range(200000)');
          reads++;
        }
        return reads;
      });
      const batches = Array.from({ length: 20 }, (_, b) => store.writeSamples('run', Array.from({ length: 100 }, (_, i) => stored(b * 100 + i))));
      const written = await Promise.allSettled(batches);
      writing = false;
      const read = await Promise.allSettled(readers);
      const failures = [...written, ...read].filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason).split('\n')[0]);
      expect(failures).toEqual([]);
      expect(read.every((r) => r.status === 'fulfilled' && r.value > 0)).toBe(true);
      const rows = await store.query('SELECT count(*) AS n, count(DISTINCT sample_id) AS d, (SELECT count(*) FROM scores) AS s FROM samples');
      expect(rows[0]).toEqual({ n: 2000n, d: 2000n, s: 2000n });
      expect(await store.cacheGet('k499')).toBe('{"v":499}');
    } finally {
      store.close();
    }
  });
});
