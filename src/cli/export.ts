import { renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { openExistingStore } from './open-store.js';
import { trackTemp } from './interrupt.js';
import type { CliContext } from './context.js';

export const EXPORT_HELP = `emergence export --out FILE [options]

Exports the store to a file DuckDB, Spark, pandas or a warehouse can read.

Options:
  --store PATH                 DuckDB file (default ./emergence.duckdb)
  --table runs|samples|scores  what to export (default scores, joined with each run's family, model, params, task)
  --format csv|json|parquet    (default: from --out's extension, else csv)
  --out FILE                   written atomically
  -h, --help`;

export async function runExport(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { store: { type: 'string' }, table: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' }, quiet: { type: 'boolean' } } });
  if (values.help) {
    ctx.stdout.write(EXPORT_HELP + '\n');
    return 0;
  }
  if (!values.out) throw new ConfigError('--out is required', { code: 'USAGE', field: '--out' });
  const table = values.table ?? 'scores';
  if (table !== 'runs' && table !== 'samples' && table !== 'scores') throw new ConfigError(`expected runs, samples or scores, got ${JSON.stringify(table)}`, { code: 'USAGE', field: '--table' });
  const ext = /\.(csv|json|parquet)$/i.exec(values.out)?.[1]?.toLowerCase();
  const format = values.format ?? ext ?? 'csv';
  if (format !== 'csv' && format !== 'json' && format !== 'parquet') throw new ConfigError(`expected csv, json or parquet, got ${JSON.stringify(format)}`, { code: 'USAGE', field: '--format' });
  const storePath = resolve(ctx.cwd, values.store ?? 'emergence.duckdb');
  const out = resolve(ctx.cwd, values.out);
  const tmp = `${out}.${process.pid}.tmp`;
  const tracked = trackTemp(tmp);
  const store = await openExistingStore(storePath, { field: '--store' }, (m) => ctx.logger.info(m));
  try {
    await store.export(table, format, tmp);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    tracked.release();
    store.close();
  }
  ctx.logger.info(`wrote ${values.out} (${table}, ${format})`);
  return 0;
}
