import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { openExistingStore } from './open-store.js';
import { startViewer } from '../report/viewer-server.js';
import { DEFAULT_TOKENIZER, tokenizerById } from '../tokenizers/index.js';
import type { CliContext } from './context.js';
import type { DuckStore } from '../store/duckdb-store.js';

export const VIEW_HELP = `emergence view [--store PATH] [--port N] [--host HOST] [--sweep FILE [--redis URL]]

Browses the store in a web browser: runs, the family's report (click a point for its samples), every
sample with its prompt, output, targets, per-token log-probabilities and each metric's score.
Serves 127.0.0.1 only, unless --host names another address explicitly. Ctrl-C stops it.

Options:
  --store PATH   DuckDB file (default ./emergence.duckdb)
  --port N       port (default 8470; 0 picks a free one)
  --host HOST    address to bind (default 127.0.0.1; anything else only when given here)
  --tokenizer T  for token-level metrics (default: each run's own, else ${DEFAULT_TOKENIZER})
  --sweep FILE   also show this sweep's progress at /sweep (per job kind, reloading while jobs are left):
                 from the store a local sweep writes, or from the queue with --redis
  --redis URL    the Redis the sweep was submitted to (with --sweep)
  --queue NAME   its queue (default emergence-sweep)`;

export async function runView(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { store: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, tokenizer: { type: 'string' }, sweep: { type: 'string' }, redis: { type: 'string' }, queue: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    ctx.stdout.write(VIEW_HELP + '\n');
    return 0;
  }
  // Listen for the stop signals first, so one sent the moment the URL is printed is never missed.
  const stopped = new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  const port = values.port === undefined ? 8470 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`expected a port 0..65535, got ${JSON.stringify(values.port)}`, { code: 'USAGE', field: '--port' });
  // Loopback unless the user names another address here: never from the environment or a default.
  const host = values.host ?? '127.0.0.1';
  const storePath = resolve(ctx.cwd, values.store ?? 'emergence.duckdb');
  const place = { field: '--store', hint: 'run emergence eval first, or pass --store' };
  // Checked once here (a missing or broken store is an error now, not on the first page); then each
  // page opens it and lets go, so an eval can write while the viewer is up.
  (await openExistingStore(storePath, place)).close();
  let noted = false;
  const note = (m: string): void => {
    if (!noted) ctx.logger.info(`${m} (and again whenever a page is built while it writes)`);
    noted = true;
  };
  if (values.redis !== undefined && values.sweep === undefined) throw new ConfigError('--redis goes with --sweep', { code: 'USAGE', field: '--redis' });
  // Loaded only when asked for: the viewer alone never pays for the queue's client.
  const sweep = values.sweep === undefined ? null : await (async () => {
    const { readSweep } = await import('./sweep.js');
    const { cfg, jobs } = readSweep(values.sweep!, ctx);
    if (values.redis === undefined) {
      const { storeView } = await import('../sweeps/sweep-view.js');
      return { view: (store: DuckStore) => storeView(cfg.name, store, jobs), close: () => {} };
    }
    const [{ queueView }, { connectRedis, redactUrl }, { DEFAULT_QUEUE }] = await Promise.all([import('../sweeps/sweep-view.js'), import('../sweeps/redis.js'), import('../sweeps/queue.js')]);
    const redis = await connectRedis(values.redis);
    return { view: () => queueView(cfg.name, redactUrl(values.redis!), redis, jobs, values.queue ?? DEFAULT_QUEUE), close: () => redis.disconnect() };
  })();
  const { server, url } = await startViewer(() => openExistingStore(storePath, place, note), {
    host, port, ...(values.tokenizer !== undefined ? { tokenizer: await tokenizerById(values.tokenizer) } : {}), ...(sweep ? { sweep: sweep.view } : {}),
  });
  ctx.stdout.write(`emergence view: ${url}/ (store ${storePath})${sweep ? `; the sweep's progress: ${url}/sweep` : ''}\n`);
  await stopped;
  sweep?.close();
  // Close every connection (browsers keep them alive) so the process can end.
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  // A native handle (DuckDB, a loaded tokenizer) may keep the loop alive after a clean shutdown:
  // a serving command ends when asked to. The timer is unref'd: it only fires if something lingers.
  setTimeout(() => process.exit(0), 100).unref();
  return 0;
}
