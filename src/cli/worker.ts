import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { optionTableHelp, parseOptionTable, type OptionTable } from '../experiments/options.js';
import { DuckStore } from '../store/duckdb-store.js';
import { DEFAULT_QUEUE, startWorker } from '../sweeps/queue.js';
import { connectRedis, redactUrl } from '../sweeps/redis.js';
import { jobEnv, runSweepJob } from '../sweeps/run-job.js';
import { describeJob } from '../sweeps/sweep-jobs.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import type { CliContext } from './context.js';
import { lockConflict } from '../store/store-lock.js';

const OPTIONS = {
  redis: { type: 'string', arg: 'URL', help: 'the Redis the sweeps are submitted to (redis://host:6379)' },
  queue: { type: 'string', arg: 'NAME', help: `the queue (default ${DEFAULT_QUEUE})` },
  concurrency: { type: 'string', arg: 'N', help: 'jobs at once (default 1; each train job takes a process)' },
  store: { type: 'string', arg: 'PATH', help: "this worker's DuckDB shard (default ./emergence-shards/<host>-<pid>.duckdb); one writer per shard" },
  models: { type: 'string', arg: 'DIR', help: 'trained members (default ./emergence-models): on several machines, one folder they all reach' },
  'lock-ms': { type: 'string', arg: 'MS', help: "a job's lease, renewed every half of it: a dead worker's job is retried elsewhere after about this (default 30000)" },
  verbose: { type: 'boolean', arg: '', help: 'also log every write to the shard and the training steps' },
  quiet: { type: 'boolean', arg: '', help: 'no log lines on stderr' },
  help: { type: 'boolean', arg: '', short: 'h', help: 'this help' },
} as const satisfies OptionTable;

export const WORKER_HELP = `emergence worker --redis URL [options]

Pulls sweep jobs (train and eval) from the queue and runs them, writing samples to its own DuckDB
shard, until SIGINT or SIGTERM (it then finishes the jobs it holds). Run as many as you like, on any
machine that reaches the Redis; 'emergence sweep collect' merges their shards. See docs/sweeps.md.

Options:
${optionTableHelp(OPTIONS)}`;

const whole = (v: string | undefined, field: string, dflt: number, min: number): number => {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new ConfigError(`expected a whole number >= ${min}, got ${JSON.stringify(v)}`, { code: 'USAGE', field });
  return Number(v);
};

export async function runWorker(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseOptionTable(OPTIONS, argv);
  if (values.help) {
    ctx.stdout.write(WORKER_HELP + '\n');
    return 0;
  }
  if (values.redis === undefined) throw new ConfigError('--redis is required', { code: 'USAGE', field: '--redis', hint: "see 'emergence worker --help'" });
  const concurrency = whole(values.concurrency, '--concurrency', 1, 1);
  const lockMs = whole(values['lock-ms'], '--lock-ms', 30_000, 1000);
  const name = `${hostname()}-${process.pid}`;
  const shard = resolve(ctx.cwd, values.store ?? `emergence-shards/${name}.duckdb`);
  const log = ctx.logger;
  const redis = await connectRedis(values.redis);
  mkdirSync(dirname(shard), { recursive: true });
  let store: DuckStore;
  try {
    store = await DuckStore.open(shard, values.verbose ? { onWrite: (what) => log.info(`${name}: writing ${what}`) } : {});
  } catch (e) {
    redis.disconnect();
    if (lockConflict(e)) throw new ConfigError('this shard is open in another process: each worker needs a shard of its own', { code: 'STORE_BUSY', file: shard, field: '--store' });
    throw new ConfigError(`cannot open the shard: ${(e as Error).message.split('\n')[0]}`, { code: 'STORE_UNREADABLE', file: shard, field: '--store' });
  }
  const gemm = loadGemm((m) => log.warn(m));
  const env = jobEnv({ store, modelsDir: resolve(ctx.cwd, values.models ?? 'emergence-models'), gemm, env: ctx.env, worker: name, warn: (m) => log.warn(m), progress: () => {} });
  const w = startWorker(redis, {
    queue: values.queue ?? DEFAULT_QUEUE, concurrency, lockMs, name,
    run: async (job) => {
      // --verbose shows a member's training as it goes (every 10 steps); an eval's progress is its write lines.
      const progress = values.verbose && job.kind === 'train' ? (m: string): void => log.info(`${name}: ${m}`) : (): void => {};
      const r = await runSweepJob(job, { ...env, progress });
      log.info(`${name}: ${describeJob(job)}: ${r.ran ? `done in ${r.seconds.toFixed(2)} s${job.kind === 'eval' ? `, ${r.samples} samples (${r.skipped} stored by an earlier attempt)` : ''}` : 'already in this shard'}`);
    },
    onError: (e) => log.warn(`${name}: the queue: ${e.message.replaceAll(values.redis!, redactUrl(values.redis!))}`),
    onEvent: (e) => {
      if (e.type === 'start') log.info(`${name}: ${describeJob(e.job)}: started (${e.job.id})`);
      else if (e.type === 'failed') log.warn(`${name}: ${describeJob(e.job)} failed: ${e.error?.message ?? 'unknown'}`);
    },
  });
  log.info(`${name}: pulling jobs from ${redactUrl(values.redis)} (queue ${values.queue ?? DEFAULT_QUEUE}, ${concurrency} at once) into ${shard}`);
  const signal = await new Promise<NodeJS.Signals>((res) => {
    const stop = (sig: NodeJS.Signals): void => {
      process.on(sig, () => process.exit(sig === 'SIGTERM' ? 143 : 130)); // a second signal: at once
      res(sig);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info(`${name}: ${signal}: finishing the jobs in hand`);
  await w.close();
  store.close();
  redis.disconnect();
  return 0;
}
