import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { optionTableHelp, parseOptionTable, type OptionTable } from '../experiments/options.js';
import { loadTask } from '../harness/load-tasks.js';
import { mergeShards, shardFiles } from '../store/merge-shards.js';
import { openExistingStore, openStoreForWriting } from './open-store.js';
import { DEFAULT_QUEUE, submitSweep, sweepStatus } from '../sweeps/queue.js';
import { connectRedis, redactUrl } from '../sweeps/redis.js';
import { jobEnv } from '../sweeps/run-job.js';
import { runSweepLocally } from '../sweeps/run-local.js';
import { EXAMPLE_SWEEP, parseSweepConfig, type SweepConfig } from '../sweeps/sweep-config.js';
import { expandSweep, type SweepJob } from '../sweeps/sweep-jobs.js';
import { statusTable } from '../sweeps/status-table.js';
import { statusView, storeView } from '../sweeps/sweep-view.js';
import { jsonReplacer } from '../report/format.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import type { CliContext } from './context.js';

const RUN_OPTIONS = {
  config: { type: 'string', arg: 'FILE', help: 'the sweep (see the example below)' },
  redis: { type: 'string', arg: 'URL', help: 'enqueue the jobs on this Redis for `emergence worker`s (redis://host:6379); without it the sweep runs in this process' },
  queue: { type: 'string', arg: 'NAME', help: `the queue's name on that Redis (default ${DEFAULT_QUEUE})` },
  store: { type: 'string', arg: 'PATH', help: "without --redis: the DuckDB store (default: the config's store, else ./sweep.duckdb)" },
  models: { type: 'string', arg: 'DIR', help: 'without --redis: where trained members go (default ./emergence-models)' },
  jobs: { type: 'string', arg: 'N', short: 'j', help: 'without --redis: jobs at once (default: the cores for training, 4 for evals)' },
  json: { type: 'boolean', arg: '', help: 'print the result as one JSON document' },
  quiet: { type: 'boolean', arg: '', help: 'no progress on stderr' },
  help: { type: 'boolean', arg: '', short: 'h', help: 'this help' },
} as const satisfies OptionTable;

const STATUS_OPTIONS = {
  config: RUN_OPTIONS.config, redis: { type: 'string', arg: 'URL', help: 'the Redis the sweep was submitted to; without it, the progress of a local sweep from its store' }, queue: RUN_OPTIONS.queue,
  store: { type: 'string', arg: 'PATH', help: "without --redis: the local sweep's store (default: the config's store, else ./sweep.duckdb)" },
  json: RUN_OPTIONS.json, quiet: RUN_OPTIONS.quiet, help: RUN_OPTIONS.help,
} as const satisfies OptionTable;

const COLLECT_OPTIONS = {
  store: { type: 'string', arg: 'PATH', help: "the store to merge into (default: the config's store); created if absent, written atomically" },
  config: { type: 'string', arg: 'FILE', help: "the sweep: its store is the default, and what the shards lack of its jobs is reported" },
  json: RUN_OPTIONS.json, quiet: RUN_OPTIONS.quiet, help: RUN_OPTIONS.help,
} as const satisfies OptionTable;

export const SWEEP_HELP = `emergence sweep --config sweep.yaml [--redis URL] [options]
emergence sweep status --config sweep.yaml [--redis URL]
emergence sweep collect --store PATH SHARD|DIR...

Expands a sweep (families × models × tasks × seeds × settings) into train and eval jobs whose ids
are their content identities, the same as a run's or a trained member's. Without --redis every job
runs here, into one store; rerunning resumes. With --redis the jobs go on a BullMQ queue for
'emergence worker' processes on any machine, and re-submitting enqueues only what the queue lacks.
'sweep status' counts the jobs per kind with an ETA; 'sweep collect' merges the workers' store
shards into one store that audit, view and export read. See docs/sweeps.md.

Options:
${optionTableHelp(RUN_OPTIONS)}

status:
${optionTableHelp(STATUS_OPTIONS)}

collect (SHARD: a worker's DuckDB file; DIR: every *.duckdb in it):
${optionTableHelp(COLLECT_OPTIONS)}

Exit codes: 0 ok; 1 internal error; 2 bad config, Redis unreachable, or jobs that failed.

Example sweep.yaml:
${EXAMPLE_SWEEP}`;

/** The sweep file and its jobs (the viewer's --sweep reads it too). */
export function readSweep(path: string, ctx: CliContext): { cfg: SweepConfig; jobs: SweepJob[] } {
  const file = resolve(ctx.cwd, path);
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new ConfigError('is a directory', { code: 'CONFIG_READ', file: path });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('cannot read the sweep file', { code: 'CONFIG_READ', file: path });
  }
  const cfg = { ...parseSweepConfig(text, path), file };
  // Paths inside the jobs are absolute, so a worker anywhere reads the same task files.
  const abs: SweepConfig = { ...cfg, families: cfg.families.map((f) => ({ ...f, configs: f.configs.map((c) => ({ ...c, file })) })) };
  return { cfg: abs, jobs: expandSweep(abs, loadTask) };
}

const need = (v: string | undefined, field: string): string => {
  if (v === undefined) throw new ConfigError(`${field} is required`, { code: 'USAGE', field, hint: "see 'emergence sweep --help'" });
  return v;
};

export async function runSweep(argv: string[], ctx: CliContext): Promise<number> {
  if (argv[0] === 'status') return status(argv.slice(1), ctx);
  if (argv[0] === 'collect') return collect(argv.slice(1), ctx);
  const { values } = parseOptionTable(RUN_OPTIONS, argv);
  if (values.help) {
    ctx.stdout.write(SWEEP_HELP + '\n');
    return 0;
  }
  const { cfg, jobs } = readSweep(need(values.config, '--config'), ctx);
  const counts = `${jobs.filter((j) => j.kind === 'train').length} train and ${jobs.filter((j) => j.kind === 'eval').length} eval jobs`;
  if (values.redis !== undefined) {
    const redis = await connectRedis(values.redis);
    try {
      const r = await submitSweep(redis, jobs, values.queue ?? DEFAULT_QUEUE);
      if (values.json) ctx.stdout.write(JSON.stringify({ kind: 'emergence-sweep-submit', version: 1, sweep: cfg.name, redis: redactUrl(values.redis), ...r }, null, 2) + '\n');
      else {
        const by = (k: string): number => r.enqueued.filter((j) => j.kind === k).length;
        ctx.stdout.write(`sweep ${cfg.name} (${counts}): enqueued ${r.enqueued.length} (${by('train')} train, ${by('eval')} eval) on ${redactUrl(values.redis)}; ${r.present} already queued or done; ${r.deferred} evals wait for their member's training${r.retried ? `; ${r.retried} failed jobs retried` : ''}\n`);
      }
    } finally {
      redis.disconnect();
    }
    return 0;
  }
  const jobsAtOnce = values.jobs === undefined ? null : Number(values.jobs);
  if (jobsAtOnce !== null && (!Number.isInteger(jobsAtOnce) || jobsAtOnce < 1)) throw new ConfigError(`expected a whole number >= 1, got ${JSON.stringify(values.jobs)}`, { code: 'USAGE', field: '--jobs' });
  const storePath = storePathOf(cfg, values.store, ctx);
  const gemm = loadGemm((m) => ctx.logger.warn(m));
  const store = await openStoreForWriting(storePath, { field: values.store !== undefined ? '--store' : 'store' });
  ctx.logger.info(`sweep ${cfg.name}: ${counts}, into ${storePath}`);
  try {
    const r = await runSweepLocally(jobs, jobEnv({
      store, modelsDir: resolve(ctx.cwd, values.models ?? 'emergence-models'), gemm, env: ctx.env, worker: 'local',
      warn: (m) => ctx.logger.warn(m), progress: (m) => ctx.logger.progress(m),
    }), { jobs: jobsAtOnce, log: (m) => ctx.logger.info(m) });
    ctx.logger.done();
    if (values.json) ctx.stdout.write(JSON.stringify({ kind: 'emergence-sweep', version: 1, sweep: cfg.name, store: storePath, ...r }, jsonReplacer, 2) + '\n');
    else ctx.stdout.write(`sweep ${cfg.name}: ran ${r.ran.train} train and ${r.ran.eval} eval jobs (${r.samples} samples), ${r.skipped} already in ${storePath}${r.failed.length ? `; ${r.failed.length} failed` : ''}\n`);
    if (r.failed.length > 0) {
      ctx.stderr.write(`emergence sweep: error: ${r.failed.length} jobs failed (first: ${r.failed[0]!.message}); rerun the same command to retry them\n`);
      return 2;
    }
    return 0;
  } finally {
    store.close();
  }
}

async function status(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseOptionTable(STATUS_OPTIONS, argv);
  if (values.help) {
    ctx.stdout.write(SWEEP_HELP + '\n');
    return 0;
  }
  const { cfg, jobs } = readSweep(need(values.config, '--config'), ctx);
  if (values.redis === undefined) {
    // A local sweep: its store records each job when done (read from a snapshot while the sweep writes it).
    const store = await openExistingStore(storePathOf(cfg, values.store, ctx), { field: values.store !== undefined ? '--store' : 'store', hint: 'a sweep on a queue: pass --redis' });
    try {
      const v = await storeView(cfg.name, store, jobs);
      ctx.stdout.write(values.json ? JSON.stringify({ kind: 'emergence-sweep-status', version: 1, sweep: cfg.name, ...v }, null, 2) + '\n' : statusTable(v));
    } finally {
      store.close();
    }
    return 0;
  }
  const redis = await connectRedis(values.redis);
  try {
    const s = await sweepStatus(redis, jobs, values.queue ?? DEFAULT_QUEUE);
    ctx.stdout.write(values.json ? JSON.stringify({ kind: 'emergence-sweep-status', version: 1, sweep: cfg.name, ...s }, null, 2) + '\n' : statusTable(statusView(cfg.name, redactUrl(values.redis), s)));
    return 0;
  } finally {
    redis.disconnect();
  }
}

/** A local sweep's store: --store, else the file's store (relative to it), else ./sweep.duckdb. */
function storePathOf(cfg: SweepConfig, store: string | undefined, ctx: CliContext): string {
  return store !== undefined ? resolve(ctx.cwd, store) : cfg.store !== null ? resolve(dirname(cfg.file), cfg.store) : resolve(ctx.cwd, 'sweep.duckdb');
}

async function collect(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseOptionTable(COLLECT_OPTIONS, argv, { positionals: true });
  if (values.help) {
    ctx.stdout.write(SWEEP_HELP + '\n');
    return 0;
  }
  const sweep = values.config !== undefined ? readSweep(values.config, ctx) : null;
  const out = values.store !== undefined ? resolve(ctx.cwd, values.store)
    : sweep?.cfg.store != null ? resolve(dirname(sweep.cfg.file), sweep.cfg.store) : need(undefined, '--store');
  if (positionals.length === 0) throw new ConfigError('name the shards to merge (files or folders of *.duckdb)', { code: 'USAGE', hint: 'emergence sweep collect --store all.duckdb shards/' });
  const shards = shardFiles(positionals.map((p) => resolve(ctx.cwd, p)), out);
  const r = await mergeShards(out, shards, (m) => ctx.logger.progress(m));
  ctx.logger.done();
  let missing: string[] = [];
  if (sweep) {
    const store = await openStoreForWriting(out);
    try {
      const have = await store.doneJobIds();
      missing = sweep.jobs.filter((j) => !have.has(j.id)).map((j) => j.id);
    } finally {
      store.close();
    }
  }
  if (values.json) ctx.stdout.write(JSON.stringify({ kind: 'emergence-sweep-collect', version: 1, store: out, ...r, ...(sweep ? { missingJobs: missing } : {}) }, null, 2) + '\n');
  else {
    ctx.stdout.write([
      ...r.shards.map((s) => `${s.file}: +${s.gained.samples} samples (${s.rows.samples - s.gained.samples} already collected), +${s.gained.runs} runs, +${s.gained.sweep_jobs} jobs`),
      `${out}: ${r.total.samples} samples of ${r.total.runs} runs, ${r.total.sweep_jobs} jobs done${sweep ? `; ${missing.length === 0 ? 'every job of the sweep is in' : `${missing.length} of ${sweep.jobs.length} jobs of the sweep are not done yet`}` : ''}`,
    ].join('\n') + '\n');
  }
  return 0;
}
