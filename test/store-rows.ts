import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of a query on a store file, opened read-only and closed again (what the CLI left on disk). */
export async function storeRows(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  const r = (await c.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
  c.closeSync();
  inst.closeSync();
  return r;
}
