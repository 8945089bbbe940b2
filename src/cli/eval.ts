import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { assembleCurves } from '../core/curves/assemble.js';
import { audit } from '../core/analysis/audit.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { EXAMPLE_CONFIG, parseEvalConfig, type EvalConfig } from '../harness/config.js';
import { runIdFor, runModelTask } from '../harness/run-eval.js';
import { cachedPoster } from '../harness/cached-poster.js';
import { loadTasks } from '../harness/load-tasks.js';
import { authHeaders, modelPool, modelProvider, modelTokenizer } from '../harness/model-provider.js';
import { checkTokenizerId } from '../tokenizers/index.js';
import { openStoreForWriting } from './open-store.js';
import { catchInterrupt, exitCodeFor } from './interrupt.js';
import { observationsFromStore } from '../store/store-curves.js';
import type { Tokenizer } from '../core/types.js';
import type { ProgressUpdate } from '../core/progress/progress.js';
import type { HttpPool } from '../providers/http-pool.js';
import { auditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import { fmtNum, jsonReplacer } from '../report/format.js';
import type { CliContext } from './context.js';

export const EVAL_HELP = `emergence eval --config eval.yaml [options]

Runs the tasks on every model of a family through OpenAI-compatible servers, keeps every sample
(prompt, output, log-probabilities) in the store, then prints per-metric scores and the family's audit.
Interrupted or failed runs continue with --resume; nothing is lost and nothing counted twice.

Options:
  --config FILE        the run (see the example below)
  --store PATH         DuckDB file (default: the config's store, else ./emergence.duckdb)
  -j, --concurrency N  requests in flight per model (default: each provider's concurrency)
  --limit N            only the first N examples of each task
  --resume             continue runs already in the store (skip stored samples)
  --retry-errors       with --resume: redo samples stored with an error
  --json               print the final scores and audit as one JSON document
  --quiet              no progress on stderr (otherwise samples done, rate, ETA, requests in flight
                       and retries: a bar on a terminal, a line every 10 s in a log file;
                       EMERGENCE_PROGRESS_INTERVAL=seconds changes it)
  -h, --help

Exit codes: 0 ok; 1 internal error; 2 bad config or input, or samples still failing after their
retries (they are stored as errors: rerun with --resume --retry-errors), or no server listening;
130 interrupted by Ctrl-C (every finished sample is stored; the message gives the --resume command).

Example eval.yaml:
${EXAMPLE_CONFIG}`;

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function version(ctx: CliContext): Record<string, string> {
  return { node: process.version, 'emergence-lab': '0.1.0', ...(ctx.env.GIT_SHA ? { git: ctx.env.GIT_SHA } : {}) };
}

export async function runEvalCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      store: { type: 'string' },
      concurrency: { type: 'string', short: 'j' },
      limit: { type: 'string' },
      resume: { type: 'boolean' },
      'retry-errors': { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    ctx.stdout.write(EVAL_HELP + '\n');
    return 0;
  }
  if (values.config === undefined) throw new ConfigError('--config is required', { code: 'USAGE', field: '--config', hint: "see 'emergence eval --help' for an example" });
  const whole = (name: string, v: string | undefined): number | null => {
    if (v === undefined) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError(`expected a whole number >= 1, got ${JSON.stringify(v)}`, { code: 'USAGE', field: `--${name}` });
    return n;
  };
  const limit = whole('limit', values.limit);
  const concurrency = whole('concurrency', values.concurrency);
  if (values['retry-errors'] && !values.resume) throw new ConfigError('--retry-errors goes with --resume', { code: 'USAGE', field: '--retry-errors' });
  const file = resolve(ctx.cwd, values.config);
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new ConfigError('is a directory', { code: 'CONFIG_READ', file: values.config });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError('cannot read the config file', { code: 'CONFIG_READ', file: values.config });
  }
  const cfg = parseEvalConfig(text, values.config);
  const cfgAbs: EvalConfig = { ...cfg, file };
  const tasks = loadTasks(cfgAbs);
  // Keys come from the environment, by the name the config gives; they go only into request headers.
  const headersFor = (envName: string | null): Record<string, string> => authHeaders(ctx.env, envName, values.config!);
  if (cfg.tokenizer !== null) checkTokenizerId(cfg.tokenizer);
  // Every replica is probed before the store opens; the answer also names each model's tokenizer.
  const tokenizers = new Map<string, Tokenizer>();
  for (const model of cfg.models) tokenizers.set(model.name, await modelTokenizer(model, cfg.tokenizer, headersFor(model.provider.apiKeyEnv), (m) => ctx.logger.warn(m)));
  const storePath = values.store ?? (cfg.store === null ? resolve(ctx.cwd, 'emergence.duckdb') : resolve(dirname(file), cfg.store));
  const store = await openStoreForWriting(storePath, { field: values.store !== undefined ? '--store' : 'store' });
  const log = ctx.logger;
  // Ctrl-C stops sending, cancels what is in flight, writes every finished sample and says how to resume.
  const interrupt = catchInterrupt(() => log.warn('interrupted: writing the finished samples (Ctrl-C again to quit at once)'));
  let stored = 0;
  let totalErrors = 0;
  let lastError = '';
  try {
    // Everything that can refuse the run is checked before any request is sent.
    for (const model of cfg.models) {
      for (const task of tasks) {
        if (task.kind !== 'generate' && model.provider.api !== 'completions') {
          throw new ConfigError(`task ${task.id} is ${task.kind}: it needs log-likelihoods, which api: chat cannot give`, { code: 'CONFIG_FIELD', file: values.config, field: 'api' });
        }
        const runId = runIdFor(cfgAbs, model, task);
        const existing = await store.doneSampleIds(runId);
        if (existing.size > 0 && !values.resume) {
          throw new ConfigError(`the store already holds ${existing.size} samples of ${model.name} · ${task.id} (run ${runId})`, {
            code: 'RUN_EXISTS', file: storePath, hint: 'pass --resume to continue it, or --store for a new store',
          });
        }
      }
    }
    // Models run at once (each has its own servers and its own concurrency); tasks of a model in turn.
    // One progress line for the whole run: samples over every (model, task), with the requests in
    // flight and the retries, so a slow or failing server shows as such rather than as silence.
    const key = (model: string, task: string): string => `${model}\u0000${task}`;
    const counts = new Map(cfg.models.flatMap((model) => tasks.map((task) => [key(model.name, task.id), { done: 0, skipped: 0, total: Math.min(limit ?? Infinity, task.examples.length), errors: 0 }] as const)));
    const pools = new Map<string, HttpPool>();
    const running = new Map<string, string>();
    let lastRetry = '';
    const snapshot = (): ProgressUpdate => {
      let done = 0;
      let skipped = 0;
      let total = 0;
      let errors = 0;
      for (const c of counts.values()) {
        done += c.done;
        skipped += c.skipped;
        total += c.total;
        errors += c.errors;
      }
      let inFlight = 0;
      let retries = 0;
      for (const p of pools.values()) {
        inFlight += p.requestsInFlight;
        retries += p.stats.retries;
      }
      const now = [...running.values()].join(', ');
      return {
        phase: 'evaluating', unit: 'samples', done, total, skipped,
        detail: `${count(inFlight, 'request')} in flight, ${count(retries, 'retry', 'retries')}${lastRetry ? ` (last: ${lastRetry})` : ''}, ${count(errors, 'error')}${now ? ` · ${now}` : ''}`,
      };
    };
    // A function: the heartbeat reads the requests in flight and the retries as they are when it draws.
    const show = (): void => log.progress(snapshot);
    await Promise.all(cfg.models.map(async (model) => {
      const pool = modelPool(model, {
        headers: headersFor(model.provider.apiKeyEnv), concurrency, seed: cfg.seed,
        onRetry: (r) => {
          lastRetry = `${model.name} attempt ${r.attempt + 1}: ${r.reason}`;
          show();
        },
      });
      pools.set(model.name, pool);
      const cache = cfg.cache ? await cachedPoster(pool, store, `${model.provider.baseUrls.join(',')}|${model.provider.model}`) : null;
      const poster = cache ?? pool;
      const provider = modelProvider(model, poster);
      for (const task of tasks) {
        const runId = runIdFor(cfgAbs, model, task);
        const c = counts.get(key(model.name, task.id))!;
        const r = await runModelTask(cfgAbs, { model, task, runId }, provider, store, tokenizers.get(model.name)!, {
          limit, retryErrors: values['retry-errors'] ?? false, concurrency, versions: version(ctx), signal: interrupt.signal,
          onProgress: (p) => {
            Object.assign(c, { done: p.done, skipped: p.skipped, total: p.total, errors: p.errors });
            running.set(model.name, `${p.label} ${p.done}/${p.total}`);
            show();
          },
        });
        await cache?.flush();
        stored += r.done;
        if (interrupt.signal.aborted) break;
        running.delete(model.name);
        log.info(`${model.name} · ${task.id}: ${r.done}/${r.total} samples (${r.skipped} from an earlier run), ${count(r.errors, 'error')}, ${count(pool.stats.retries, 'retry', 'retries')}`);
        totalErrors += r.errors;
        if (r.errors > 0) {
          const rows = await store.query('SELECT error FROM samples WHERE run_id = $1 AND error IS NOT NULL LIMIT 1', [runId]);
          lastError = String(rows[0]?.error ?? '');
        }
      }
    }));
    log.done();
    const sig = interrupt.received();
    if (sig !== null) {
      const resume = ['emergence', 'eval', ...argv.filter((a) => a !== '--resume'), '--resume'].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
      ctx.stderr.write(`emergence eval: interrupted (${sig}): ${stored} samples are in ${storePath}, nothing half-written; to continue: ${resume}\n`);
      return exitCodeFor(sig);
    }
    // Scores per (model, task, metric) from what this config stored, then the family's audit.
    const runIds = cfg.models.flatMap((model) => tasks.map((task) => runIdFor(cfgAbs, model, task)));
    const subset = new Map(cfg.models.flatMap((model) => tasks.map((task) => [runIdFor(cfgAbs, model, task), new Set(task.examples.slice(0, limit ?? undefined).map((e) => e.id))] as const)));
    // Each run's token metrics with the tokenizer it recorded, as `audit` of this store will score them.
    const { observations, summaries } = await observationsFromStore(store, { seed: cfg.seed, metrics: cfg.metrics, runIds, keep: (run, id) => subset.get(run)?.has(id) ?? false });
    const rows = summaries.map((s) => ({ model: s.run.model, params: s.run.params, task: s.run.task, metric: s.metric, value: s.value, low: s.interval?.low ?? null, high: s.interval?.high ?? null, se: s.interval?.se ?? null, n: s.n, continuous: s.continuous, tokenizer: s.tokenizer }));
    const curves = assembleCurves(observations).curves;
    const report = audit(curves);
    const doc = auditDocument(curves, report, [storePath], 2, DEFAULT_THRESHOLDS);
    if (values.json) ctx.stdout.write(JSON.stringify({ kind: 'emergence-eval', version: 1, store: storePath, scores: rows, audit: doc }, jsonReplacer, 2) + '\n');
    else {
      const lines = ['model\ttask\tmetric\tn\tvalue\t95% interval'];
      for (const r of rows) lines.push(`${r.model}\t${r.task}\t${r.metric}\t${r.n}\t${fmtNum(r.value, 4)}\t${r.low === null ? '-' : `[${fmtNum(r.low, 4)}, ${fmtNum(r.high, 4)}]`}${r.tokenizer ? `\t(${r.tokenizer})` : ''}`);
      ctx.stdout.write(lines.join('\n') + '\n\n' + auditTable(doc, { showAll: true }));
    }
  } finally {
    interrupt.dispose();
    store.close();
  }
  if (totalErrors > 0) {
    ctx.stderr.write(`emergence eval: error: ${totalErrors} samples failed after their retries (last: ${lastError}); they are stored as errors: rerun with --resume --retry-errors\n`);
    return 2;
  }
  return 0;
}
