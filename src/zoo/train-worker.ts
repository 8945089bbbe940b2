import { EmergenceError } from '../core/errors.js';
import { loadGemm } from './engine/gemm.js';
import { runTrainJob, type TrainJob } from './train-jobs.js';

/**
 * A child process of the training pool: trains the jobs it is sent, one after another, with OpenBLAS
 * on the threads the pool gives it, and answers each with its start, progress, then its result or its
 * error. One process serves a whole lane of jobs, so data such as MNIST loads once. Exits when the
 * parent goes away, so no training outlives an interrupted experiment; the checkpoint written every
 * `saveEvery` steps lets the next run resume.
 */
export type WorkerRequest = { readonly type: 'job'; readonly job: TrainJob; readonly threads: number };

export type WorkerMessage =
  | { type: 'start'; name: string; step: number; steps: number }
  | { type: 'progress'; name: string; step: number; steps: number; loss: number; params: number; from: number }
  | { type: 'done'; name: string; params: number; seconds: number; loss: number | null; stepsRun: number }
  | { type: 'error'; name: string; message: string; code: string | null; file: string | null };

const send = (m: WorkerMessage): void => {
  process.send?.(m);
};

process.on('disconnect', () => process.exit(1));
// A job trains synchronously, so 'disconnect' is not heard until it ends: after a kill -9 of the parent
// the worker would train on, orphaned, and write checkpoints beside the next run. Its parent's pid
// changes when it is reparented; the progress callback (every 10 steps, at least once a second) checks it.
const parent = process.ppid;
const orphaned = (): boolean => process.ppid !== parent;
process.on('message', (req: WorkerRequest) => {
  const { job } = req;
  try {
    const gemm = loadGemm();
    gemm.setThreads(req.threads);
    let started = false;
    const { trainer: _t, ...result } = runTrainJob(job, gemm, (p) => {
      if (orphaned()) process.exit(1);
      if (!started) send({ type: 'start', name: job.name, step: p.from, steps: p.steps });
      started = true;
      send({ type: 'progress', name: job.name, ...p });
    });
    send({ type: 'done', ...result });
  } catch (e) {
    const err = e as Error;
    send({ type: 'error', name: job.name, message: err.message, code: e instanceof EmergenceError ? e.code : null, file: e instanceof EmergenceError ? (e.file ?? null) : null });
  }
});
