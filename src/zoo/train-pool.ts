import { fork } from 'node:child_process';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { packageRoot } from '../importers/bundled.js';
import { describeProgress, type JobProgress, type JobResult, type TrainJob } from './train-jobs.js';
import type { WorkerMessage } from './train-worker.js';

/**
 * Trains independent jobs (a family's sizes) in `jobs` worker processes at once. A 2-core machine
 * gains because the small models' steps are too small for OpenBLAS to use both cores: one core
 * trains the largest size while the other trains the rest. Jobs start largest first (longest
 * processing time first keeps the cores evenly loaded). Each job is seeded and independent, so the
 * checkpoints equal a sequential run's. A failed job stops the pool with its error.
 */
export async function trainPool(list: readonly TrainJob[], jobs: number, onProgress: (status: string) => void): Promise<JobResult[]> {
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive integer, not ${jobs}`);
  const worker = join(packageRoot(), 'dist', 'src', 'zoo', 'train-worker.js');
  // A step's work grows with layers × width² (the matrix products) and the run's steps.
  const cost = (j: TrainJob): number => j.cfg.model.nLayer * j.cfg.model.nEmbd ** 2 * j.cfg.steps;
  const queue = [...list].sort((a, b) => cost(b) - cost(a));
  const status = new Map<string, JobProgress>();
  const results = new Map<string, JobResult>();
  const show = (): void => onProgress([...status].map(([name, p]) => describeProgress(name, p)).join(' · '));
  const children = new Set<ReturnType<typeof fork>>();
  const runOne = (job: TrainJob): Promise<void> => new Promise((resolve, reject) => {
    const child = fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
    children.add(child);
    let settled = false;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      children.delete(child);
      status.delete(job.name);
      if (err) reject(err);
      else resolve();
    };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        status.set(job.name, m);
        show();
      } else if (m.type === 'done') {
        results.set(job.name, { name: m.name, params: m.params, seconds: m.seconds, loss: m.loss, stepsRun: m.stepsRun });
        finish(null);
      } else finish(new DataError(m.message, { code: m.code ?? 'TRAIN_FAILED', ...(m.file ? { file: m.file } : {}) }));
    });
    child.on('error', (e) => finish(e));
    child.on('exit', (code, signal) => {
      if (!results.has(job.name)) finish(new Error(`training ${job.name} stopped (${signal ?? `exit code ${code}`}) before it finished`));
    });
    child.send(job);
  });
  const lane = async (): Promise<void> => {
    try {
      for (let job = queue.shift(); job; job = queue.shift()) await runOne(job);
    } catch (e) {
      queue.length = 0;
      throw e;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, list.length) }, lane));
  } finally {
    for (const c of children) c.kill();
  }
  return list.map((j) => results.get(j.name)!);
}
