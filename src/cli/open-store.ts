import { statSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { DuckStore } from '../store/duckdb-store.js';
import { lockConflict, openForWriting, openSnapshot } from '../store/store-lock.js';

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/^IO Error: /, '');

/**
 * An existing store, opened read-only for the commands that only read it (audit, export, view). A
 * missing file or one that is not a DuckDB database is one clear error naming it, instead of DuckDB
 * creating an empty store or failing with its own message. While another process writes it (an
 * eval), they read a snapshot of what it has committed so far, and say so through `note`.
 */
export async function openExistingStore(path: string, place: { field?: string; hint?: string } = {}, note?: (message: string) => void): Promise<DuckStore> {
  try {
    statSync(path);
  } catch {
    throw new ConfigError('no such store', { code: 'STORE_MISSING', file: path, ...place });
  }
  try {
    return await DuckStore.open(path, { readOnly: true });
  } catch (e) {
    const holder = lockConflict(e);
    if (holder === null) throw new ConfigError(`not a readable DuckDB store: ${firstLine(e)}`, { code: 'STORE_UNREADABLE', file: path, ...place });
    try {
      const snap = await openSnapshot(path);
      note?.(`${path} is being written by another process${holder.pid ? ` (PID ${holder.pid})` : ''}: reading a snapshot of what it has committed so far`);
      return snap;
    } catch (e2) {
      throw new ConfigError(`the store is being written by another process${holder.pid ? ` (PID ${holder.pid})` : ''} and a snapshot of it could not be read (${firstLine(e2)})`, {
        code: 'STORE_BUSY', file: path, ...place, hint: 'try again in a moment, or when the writer (an emergence eval or experiment) has finished',
      });
    }
  }
}

/**
 * The store `eval` writes. A reader holding it for a moment (the viewer opens it per page) is waited
 * for; another writer, or a file that is not a DuckDB database, is one clear error naming it.
 */
export async function openStoreForWriting(path: string, place: { field?: string } = {}): Promise<DuckStore> {
  try {
    return await openForWriting(path);
  } catch (e) {
    const holder = lockConflict(e);
    if (holder !== null) {
      throw new ConfigError(`the store is open in another process${holder.pid ? ` (PID ${holder.pid})` : ''}, which holds DuckDB's lock on it`, {
        code: 'STORE_BUSY', file: path, ...place, hint: 'wait for that eval or experiment to finish, or pass --store for another store',
      });
    }
    throw new ConfigError(`cannot open the store: ${firstLine(e)}`, { code: 'STORE_UNREADABLE', file: path, ...place, hint: 'is it a DuckDB store written by emergence? pass --store for a new one' });
  }
}
