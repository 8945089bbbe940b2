import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Gemm } from './engine/gemm.js';
import { trainResumable } from './resumable.js';
import { IclTrainer, type IclTrainConfig } from './train-icl.js';

/**
 * A training run as data, so it can cross a process boundary: what to train, where its checkpoint
 * lives, and how often to save it. `runTrainJob` is the one place a job becomes a trainer, whether
 * it runs here or in a worker process of the pool.
 */
export interface TrainJob {
  readonly name: string;
  readonly arch: 'icl';
  readonly cfg: IclTrainConfig;
  readonly file: string;
  readonly saveEvery: number;
}

export interface JobProgress {
  readonly step: number;
  readonly steps: number;
  /** Bias-corrected moving average of the loss, divided by the curriculum's active dimensions. */
  readonly lossPerDim: number;
  readonly dims: number;
  readonly points: number;
  readonly params: number;
}

/** One job's progress in a few words, as the pool's status line and the in-process trainer show it. */
export function describeProgress(name: string, p: JobProgress): string {
  return `${name} ${p.step}/${p.steps} (d ${p.dims}, ${p.points} pts, loss/d ${p.lossPerDim.toFixed(4)})`;
}

export interface JobResult {
  readonly name: string;
  readonly params: number;
  readonly seconds: number;
  readonly loss: number | null;
  readonly stepsRun: number;
}

/** Trains (or resumes, or reuses) one job's model; reports progress every 10 steps. */
export function runTrainJob(job: TrainJob, gemm: Gemm, onProgress: (p: JobProgress) => void = () => {}): JobResult & { trainer: IclTrainer } {
  const cfg = job.cfg;
  mkdirSync(dirname(job.file), { recursive: true });
  let avg = 0;
  let n = 0;
  const r = trainResumable({
    file: job.file, settings: cfg, steps: cfg.steps, saveEvery: job.saveEvery,
    fresh: () => new IclTrainer(cfg, gemm),
    resume: (f) => IclTrainer.resume(f, cfg, gemm),
    onStep: (t, loss) => {
      avg = 0.98 * avg + 0.02 * loss;
      n++;
      if (t.step % 10 !== 0) return;
      const st = t.stage(t.step);
      onProgress({ step: t.step, steps: cfg.steps, lossPerDim: avg / (1 - 0.98 ** n) / st.dims, dims: st.dims, points: st.points, params: t.model.numParams });
    },
  });
  return { name: job.name, params: r.trainer.model.numParams, seconds: r.seconds, loss: r.loss, stepsRun: r.stepsRun, trainer: r.trainer };
}
