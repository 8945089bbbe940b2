import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DataError, ProviderError } from '../core/errors.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import type { Task, Tokenizer } from '../core/types.js';
import type { ModelConfig } from '../harness/config.js';
import { cachedPoster } from '../harness/cached-poster.js';
import { loadTask } from '../harness/load-tasks.js';
import { authHeaders, modelPool, modelProvider, modelTokenizer } from '../harness/model-provider.js';
import { runModelTask } from '../harness/run-eval.js';
import type { DuckStore } from '../store/duckdb-store.js';
import { tokenizerById } from '../tokenizers/index.js';
import type { Gemm } from '../zoo/engine/gemm.js';
import { loadModelFiles, startModelServer } from '../zoo/serve.js';
import { provenance } from '../experiments/provenance.js';
import { trainPool } from '../zoo/train-pool.js';
import { checkpointName, type EvalSweepJob, type SweepJob, type TrainSweepJob } from './sweep-jobs.js';

/**
 * Runs one sweep job into a store, the same way in a local sweep and in a worker. Idempotent by
 * construction: a member's checkpoint is reused when its identity matches (training resumes from the
 * last checkpoint), an eval run skips the samples its store holds (a store keeps a sample once), and
 * the job is recorded as done only after everything it wrote is committed. A job that ends with
 * samples still failing after their retries throws, so the queue retries it (those samples are redone).
 */
export interface JobEnv {
  readonly store: DuckStore;
  readonly modelsDir: string;
  readonly gemm: Gemm;
  /** The process's environment: API keys are read from it by the names the config gives. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly versions: Readonly<Record<string, string>>;
  /** Names the worker in the job records. */
  readonly worker: string;
  readonly warn: (message: string) => void;
  readonly progress: (message: string) => void;
  /** Tokenizers and tasks already resolved, kept across the jobs of one process. */
  readonly cache: JobCache;
}

export interface JobCache {
  readonly tokenizers: Map<string, Promise<Tokenizer>>;
  readonly tasks: Map<string, Task>;
}

/** A process's job environment: the provenance every run records, and an empty cache. */
export function jobEnv(o: Omit<JobEnv, 'versions' | 'cache'>): JobEnv {
  return { ...o, versions: provenance(o.gemm), cache: { tokenizers: new Map(), tasks: new Map() } };
}

export interface JobOutcome {
  /** Samples stored by this job's run, and how many of them an earlier attempt had stored. */
  readonly samples: number;
  readonly skipped: number;
  readonly seconds: number;
  /** False when the store already recorded the job done (nothing was run). */
  readonly ran: boolean;
}

export async function runSweepJob(job: SweepJob, env: JobEnv): Promise<JobOutcome> {
  const t0 = performance.now();
  if ((await env.store.doneJobIds()).has(job.id)) return { samples: 0, skipped: 0, seconds: 0, ran: false };
  const r = job.kind === 'train' ? await train(job, env) : await evaluate(job, env);
  const seconds = (performance.now() - t0) / 1000;
  await env.store.recordJob({ jobId: job.id, kind: job.kind, worker: env.worker, seconds });
  return { ...r, seconds, ran: true };
}

async function train(job: TrainSweepJob, env: JobEnv): Promise<{ samples: number; skipped: number }> {
  // In a child process of the training pool: this process's event loop stays free for the queue's heartbeats.
  const file = join(env.modelsDir, checkpointName(job.train.name, job.train.identity));
  await trainPool([{ ...job.train, file } as Parameters<typeof trainPool>[0][number]], 1, (s) => env.progress(`${job.family}/${job.train.name}: ${s.line}`));
  return { samples: 0, skipped: 0 };
}

async function evaluate(job: EvalSweepJob, env: JobEnv): Promise<{ samples: number; skipped: number }> {
  const key = JSON.stringify(job.task);
  let task = env.cache.tasks.get(key);
  if (!task) env.cache.tasks.set(key, (task = loadTask(job.task, job.cfg.file)));
  let model = job.cfg.models[0]!;
  let served: Server | null = null;
  let tokenizer: Tokenizer;
  let headers: Record<string, string> = {};
  try {
    if (job.member !== null) {
      const file = join(env.modelsDir, checkpointName(job.member.name, job.member.identity));
      if (!existsSync(file)) {
        throw new DataError(`the checkpoint of ${job.member.name} (trained by job ${job.member.trainId}) is not in the models directory`, {
          code: 'CHECKPOINT_MISSING', file, hint: 'workers on several machines need one models directory they all reach (--models on a shared file system)',
        });
      }
      const loaded = loadModelFiles([{ name: model.provider.model, file }], env.gemm);
      let unseeded = 0;
      const s = await startModelServer(loaded, { host: '127.0.0.1', port: 0, drawSeed: () => deriveSeed(job.seed, 'serve-unseeded', unseeded++) });
      served = s.server;
      model = { ...model, params: loaded[0]!.params, provider: { ...model.provider, baseUrls: [s.url] } };
      tokenizer = await tokenizerById('char');
    } else {
      headers = authHeaders(env.env, model.provider.apiKeyEnv, job.cfg.file);
      const tkey = `${model.provider.baseUrls.join(',')}|${model.provider.model}|${job.cfg.tokenizer}`;
      let t = env.cache.tokenizers.get(tkey);
      if (!t) {
        const m = model;
        env.cache.tokenizers.set(tkey, (t = modelTokenizer(m, job.cfg.tokenizer, headers, env.warn)));
        t.catch(() => env.cache.tokenizers.delete(tkey)); // a server down now may be up for the retry
      }
      tokenizer = await t;
    }
    const cfg = { ...job.cfg, models: [model] };
    const pool = modelPool(model, { headers, concurrency: null, seed: job.seed });
    const cache = cfg.cache && job.member === null ? await cachedPoster(pool, env.store, `${model.provider.baseUrls.join(',')}|${model.provider.model}`) : null;
    const provider = modelProvider(model, cache ?? pool);
    const r = await runModelTask(cfg, { model, task, runId: job.runId }, provider, env.store, tokenizer, {
      limit: null, retryErrors: true, concurrency: null, versions: env.versions,
      onProgress: (p) => env.progress(`${p.label}: ${p.done}/${p.total}`),
    });
    await cache?.flush();
    if (r.errors > 0) {
      throw new ProviderError(`${r.errors} of ${r.total} samples of ${model.name} · ${task.id} failed after their retries`, { code: 'SAMPLES_FAILED', hint: 'they are stored as errors and redone when the job is retried' });
    }
    return { samples: r.total, skipped: r.skipped };
  } finally {
    if (served) {
      served.closeAllConnections();
      await new Promise<void>((res) => served!.close(() => res()));
    }
  }
}
