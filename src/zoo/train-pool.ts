import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../core/errors.js';
import { packageRoot } from '../importers/bundled.js';
import { describeProgress, jobKind, type JobProgress, type JobResult, type TrainJob } from './train-jobs.js';
import type { WorkerMessage, WorkerRequest } from './train-worker.js';

/** What the pool reports as it goes: one status line of the jobs in flight and the time left. */
export interface PoolStatus {
  readonly line: string;
  readonly trained: number;
  readonly members: number;
  /** Steps reached over every job, those resumed from a checkpoint (not trained here) among them. */
  readonly stepsDone: number;
  readonly stepsSkipped: number;
  readonly stepsTotal: number;
  /** Seconds until every job is done, from the work done so far (null until there is a rate). */
  readonly etaSeconds: number | null;
}

/**
 * Trains independent jobs (a family's members, any architecture) in `lanes` worker processes at once,
 * each lane one process that trains its jobs in turn on cores/lanes OpenBLAS threads. A 2-core machine
 * gains from 2 lanes when the models' products are too small for OpenBLAS to use both cores: one core
 * trains the largest member while the other trains the rest. Jobs start costliest first (longest
 * processing time first keeps the lanes evenly loaded). Each job is seeded and independent, so the
 * checkpoints equal a sequential run's. A failed job stops the pool with its error.
 */
export async function trainPool(list: readonly TrainJob[], lanes: number, onProgress: (s: PoolStatus) => void, onDone: (r: JobResult) => void = () => {}): Promise<JobResult[]> {
  if (!Number.isInteger(lanes) || lanes < 1) throw new RangeError(`lanes must be a positive integer, not ${lanes}`);
  const worker = join(packageRoot(), 'dist', 'src', 'zoo', 'train-worker.js');
  const cost = new Map(list.map((j) => {
    const k = jobKind(j);
    return [j.name, { perStep: k.costPerStep, steps: k.steps }];
  }));
  const total = (j: TrainJob): number => cost.get(j.name)!.perStep * cost.get(j.name)!.steps;
  const queue = [...list].sort((a, b) => total(b) - total(a));
  const n = Math.min(lanes, list.length);
  const threads = Math.max(1, Math.floor(availableParallelism() / Math.max(1, n)));
  const status = new Map<string, JobProgress>();
  const from = new Map<string, number>();
  const results = new Map<string, JobResult>();
  const t0 = performance.now();
  const show = (): void => {
    let done = 0;
    let left = 0;
    let stepsDone = 0;
    let stepsSkipped = 0;
    let stepsTotal = 0;
    for (const j of list) {
      const c = cost.get(j.name)!;
      const finished = results.get(j.name);
      const at = finished ? c.steps : (status.get(j.name)?.step ?? from.get(j.name) ?? 0);
      done += c.perStep * Math.max(0, at - (from.get(j.name) ?? at));
      left += c.perStep * (c.steps - at);
      stepsDone += at;
      stepsSkipped += finished && finished.stepsRun === 0 ? c.steps : (from.get(j.name) ?? 0);
      stepsTotal += c.steps;
    }
    const secs = (performance.now() - t0) / 1000;
    const etaSeconds = done > 0 ? (left / done) * secs : null;
    const line = [...status].map(([name, p]) => describeProgress(name, p)).join(' · ');
    onProgress({ line: `${results.size}/${list.length} trained${line ? `; ${line}` : ''}`, etaSeconds, trained: results.size, members: list.length, stepsDone, stepsSkipped, stepsTotal });
  };
  const children = new Set<ChildProcess>();
  const lane = (): Promise<void> => new Promise((resolve, reject) => {
    if (queue.length === 0) return resolve();
    const child = fork(worker, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } });
    children.add(child);
    let current: TrainJob | null = null;
    let settled = false;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      children.delete(child);
      child.kill();
      if (err) {
        queue.length = 0;
        reject(err);
      } else resolve();
    };
    const next = (): void => {
      current = queue.shift() ?? null;
      if (!current) return finish(null);
      const req: WorkerRequest = { type: 'job', job: current, threads };
      child.send(req);
    };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') from.set(m.name, m.step);
      else if (m.type === 'progress') {
        status.set(m.name, m);
        show();
      } else if (m.type === 'done') {
        status.delete(m.name);
        const r: JobResult = { name: m.name, params: m.params, seconds: m.seconds, loss: m.loss, stepsRun: m.stepsRun };
        results.set(m.name, r);
        onDone(r);
        show();
        next();
      } else finish(new DataError(m.message, { code: m.code ?? 'TRAIN_FAILED', ...(m.file ? { file: m.file } : {}) }));
    });
    child.on('error', (e) => finish(e));
    child.on('exit', (code, signal) => {
      if (current && !results.has(current.name)) finish(new Error(`training ${current.name} stopped (${signal ?? `exit code ${code}`}) before it finished`));
    });
    next();
  });
  try {
    await Promise.all(Array.from({ length: n }, lane));
  } finally {
    for (const c of children) c.kill();
  }
  return list.map((j) => results.get(j.name)!);
}
