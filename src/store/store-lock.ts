import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DuckStore } from './duckdb-store.js';

/**
 * DuckDB lets one process write a database file or several read it, never both: a reader that meets
 * a writer (an `emergence eval` filling the store) gets "Could not set lock". Readers then read a
 * snapshot instead: the file and its write-ahead log copied aside and opened read-only, which
 * DuckDB replays up to the last committed transaction. A copy taken in the middle of a checkpoint
 * may not open; it is taken again a few times before giving up.
 */
export interface LockHolder {
  /** The process holding the file, as DuckDB names it. */
  readonly pid: string | null;
}

/** The holder, when this error is DuckDB refusing a file another process has locked. */
export function lockConflict(e: unknown): LockHolder | null {
  const m = e instanceof Error ? e.message : String(e);
  if (!/Could not set lock on file/i.test(m)) return null;
  return { pid: /PID (\d+)/.exec(m)?.[1] ?? null };
}

export async function openSnapshot(path: string, attempts = 3): Promise<DuckStore> {
  let last: unknown = null;
  for (let i = 0; i < attempts; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'emergence-snapshot-'));
    const copy = join(dir, basename(path));
    const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
    try {
      copyFileSync(path, copy);
      if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${copy}.wal`);
      const store = await DuckStore.open(copy, { readOnly: true, path, onClose: cleanup });
      try {
        await store.query('SELECT count(*) AS n FROM runs');
        return store;
      } catch (e) {
        store.close();
        throw e;
      }
    } catch (e) {
      cleanup();
      last = e;
      await new Promise((r) => setTimeout(r, 100 * (i + 1)));
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/** A writer's open, waiting a little while a reader holds the file for one query (the viewer does). */
export async function openForWriting(path: string, waitMs = 10_000): Promise<DuckStore> {
  const until = Date.now() + waitMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await DuckStore.open(path);
    } catch (e) {
      if (lockConflict(e) === null || Date.now() + delay > until) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
