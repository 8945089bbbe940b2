import { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { DuckStore, MERGED_TABLES, type MergedTable } from './duckdb-store.js';

/**
 * `sweep collect`: the workers' shards merged into one store. Each shard is read from a copy of its
 * file and write-ahead log (a shard whose worker is still running, or was killed mid-write, opens at
 * its last committed transaction), and merged keyed as every write is, so a sample that two workers
 * stored (a job retried after its worker died) counts once. The whole merge goes to a temporary file
 * renamed over the store at the end: an interrupted collect leaves the store as it was.
 */
export interface ShardMerge {
  readonly file: string;
  /** Rows the shard holds, and rows the store gained from it (the rest it had already). */
  readonly rows: Readonly<Record<MergedTable, number>>;
  readonly gained: Readonly<Record<MergedTable, number>>;
}

/** The shard files named: files as given, folders as every *.duckdb in them; the output store is left out. */
export function shardFiles(paths: readonly string[], out: string): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ConfigError('no such shard or folder', { code: 'STORE_MISSING', file: p });
    }
    if (st.isDirectory()) files.push(...readdirSync(p).filter((f) => f.endsWith('.duckdb')).sort().map((f) => join(p, f)));
    else files.push(p);
  }
  const unique = [...new Set(files.map((f) => resolve(f)))].filter((f) => f !== resolve(out));
  if (unique.length === 0) throw new ConfigError('no shard to merge (no *.duckdb file there)', { code: 'STORE_MISSING', file: paths[0]! });
  return unique;
}

export async function mergeShards(out: string, shards: readonly string[], progress: (m: string) => void = () => {}): Promise<{ shards: ShardMerge[]; total: Record<MergedTable, number> }> {
  const work = mkdtempSync(join(tmpdir(), 'emergence-collect-'));
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  try {
    if (existsSync(out)) {
      copyFileSync(out, tmp);
      if (existsSync(`${out}.wal`)) copyFileSync(`${out}.wal`, `${tmp}.wal`);
    }
    const store = await DuckStore.open(tmp, { path: out });
    const merged: ShardMerge[] = [];
    try {
      for (const [i, shard] of shards.entries()) {
        progress(`collect: shard ${i + 1}/${shards.length}: ${shard}`);
        const copy = join(work, `${i}.duckdb`);
        copyFileSync(shard, copy);
        if (existsSync(`${shard}.wal`)) copyFileSync(`${shard}.wal`, `${copy}.wal`);
        const rows = await countRows(copy, shard);
        const gained = await store.mergeFrom(copy);
        merged.push({ file: shard, rows, gained });
      }
      const total = {} as Record<MergedTable, number>;
      for (const t of MERGED_TABLES) total[t] = Number((await store.query(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
      store.close();
      renameSync(tmp, out);
      rmSync(`${out}.wal`, { force: true });
      if (existsSync(`${tmp}.wal`)) renameSync(`${tmp}.wal`, `${out}.wal`);
      return { shards: merged, total };
    } catch (e) {
      store.close();
      throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.wal`, { force: true });
  }
}

async function countRows(copy: string, shown: string): Promise<Record<MergedTable, number>> {
  let s: DuckStore;
  try {
    // Opened for writing, so its schema is today's (a shard of an older version gains the new columns and tables).
    s = await DuckStore.open(copy, { path: shown });
  } catch (e) {
    throw new ConfigError(`not a readable DuckDB store: ${(e as Error).message.split('\n')[0]}`, { code: 'STORE_UNREADABLE', file: shown });
  }
  try {
    const rows = {} as Record<MergedTable, number>;
    for (const t of MERGED_TABLES) rows[t] = Number((await s.query(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
    return rows;
  } finally {
    s.close();
  }
}
