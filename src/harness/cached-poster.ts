import { createHash } from 'node:crypto';
import type { Poster } from '../providers/openai-compat.js';
import type { DuckStore } from '../store/duckdb-store.js';

/**
 * A cache in front of a model server: identical requests (same servers, path and body, seed
 * included) are answered from the store. The key never includes headers, so no API key reaches it.
 * Keys already stored are held in memory, so a miss costs no query; new entries are written behind,
 * in batches (flush() at the end of a run).
 */
export interface CachedPoster extends Poster {
  readonly hits: () => number;
  flush(): Promise<void>;
}

export async function cachedPoster(inner: Poster, store: DuckStore, serverId: string): Promise<CachedPoster> {
  const known = await store.cacheKeys();
  let hits = 0;
  let pending: [string, string][] = [];
  let writing: Promise<void> = Promise.resolve();
  // Written behind without waiting: a failed write is kept for flush() to throw, never left unhandled.
  let failed: { error: unknown } | null = null;
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length > 0) {
      writing = writing.then(() => (failed === null ? store.cachePutMany(batch) : undefined)).catch((error: unknown) => {
        failed ??= { error };
      });
    }
    await writing;
    if (failed !== null) throw (failed as { error: unknown }).error;
  };
  return {
    hits: () => hits,
    flush,
    async post(path, body, signal) {
      const key = createHash('sha256').update(JSON.stringify([serverId, path, body])).digest('hex');
      if (known.has(key)) {
        const hit = await store.cacheGet(key);
        if (hit !== null) {
          hits++;
          return JSON.parse(hit) as unknown;
        }
      }
      const res = await inner.post(path, body, signal);
      known.add(key);
      pending.push([key, JSON.stringify(res)]);
      if (pending.length >= 256) flush().catch(() => undefined);
      return res;
    },
  };
}
