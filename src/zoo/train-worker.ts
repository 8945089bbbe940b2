import { EmergenceError } from '../core/errors.js';
import { loadGemm } from './engine/gemm.js';
import { runTrainJob, type TrainJob } from './train-jobs.js';

/**
 * A child process of the training pool: receives one TrainJob over IPC, trains it with OpenBLAS on
 * one thread (the pool gives each job a core), and answers with progress, then its result or its
 * error. Exits when the parent goes away, so no training outlives an interrupted experiment; the
 * checkpoint written every `saveEvery` steps lets the next run resume.
 */
export type WorkerMessage =
  | { type: 'progress'; step: number; steps: number; lossPerDim: number; dims: number; points: number; params: number }
  | { type: 'done'; name: string; params: number; seconds: number; loss: number | null; stepsRun: number }
  | { type: 'error'; message: string; code: string | null; file: string | null };

const send = (m: WorkerMessage): void => {
  process.send?.(m);
};
/** The last message, then the channel closed once it is flushed (closing earlier loses it). */
const last = (m: WorkerMessage): void => {
  process.send?.(m, undefined, {}, () => process.disconnect());
};

process.on('disconnect', () => process.exit(1));
process.once('message', (job: TrainJob) => {
  try {
    const gemm = loadGemm();
    gemm.setThreads(1);
    const { trainer: _t, ...result } = runTrainJob(job, gemm, (p) => send({ type: 'progress', ...p }));
    last({ type: 'done', ...result });
  } catch (e) {
    const err = e as Error;
    last({ type: 'error', message: err.message, code: e instanceof EmergenceError ? e.code : null, file: e instanceof EmergenceError ? (e.file ?? null) : null });
  }
});
