import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Gemm } from './engine/gemm.js';
import { trainResumable } from './resumable.js';
import { TRAINERS, type Arch, type JobSpecs, type Trainer, type TrainerKind } from './trainer.js';

/**
 * A training run as data, so it can cross a process boundary: what to train (an arch and its spec),
 * its identity (a content hash of spec and seed: the checkpoint is reused only when it matches), where
 * its checkpoint lives, and how often to save it. `runTrainJob` is the one place a job becomes a
 * trainer, whether it runs here or in a worker process of the pool.
 */
export type TrainJob = {
  readonly [A in Arch]: { readonly name: string; readonly arch: A; readonly spec: JobSpecs[A]; readonly identity: string; readonly file: string; readonly saveEvery: number };
}[Arch];

export interface JobProgress {
  readonly step: number;
  readonly steps: number;
  /** Bias-corrected moving average of the training loss. */
  readonly loss: number;
  readonly params: number;
  /** The step this run began at (above 0 when it resumed a checkpoint). */
  readonly from: number;
}

/** One job's progress in a few words, as the pool's status line and the in-process trainer show it. */
export function describeProgress(name: string, p: JobProgress): string {
  return `${name} ${p.step}/${p.steps} (loss ${p.loss.toFixed(4)})`;
}

export interface JobResult {
  readonly name: string;
  readonly params: number;
  readonly seconds: number;
  readonly loss: number | null;
  readonly stepsRun: number;
}

interface Bound {
  fresh(gemm: Gemm): Trainer;
  resume(file: string, gemm: Gemm): Trainer;
  readonly steps: number;
  readonly costPerStep: number;
}
const bind = <S>(k: TrainerKind<S>, spec: S): Bound => ({
  fresh: (g) => k.fresh(spec, g), resume: (f, g) => k.resume(f, spec, g), steps: k.steps(spec), costPerStep: k.costPerStep(spec),
});

/** A job's trainer kind bound to its spec. */
export function jobKind(job: TrainJob): Bound {
  switch (job.arch) {
    case 'arith': return bind(TRAINERS.arith, job.spec);
    case 'vision': return bind(TRAINERS.vision, job.spec);
    case 'icl': return bind(TRAINERS.icl, job.spec);
    case 'cot': return bind(TRAINERS.cot, job.spec);
    case 'moelm': return bind(TRAINERS.moelm, job.spec);
    case 'rag': return bind(TRAINERS.rag, job.spec);
    case 'bursty': return bind(TRAINERS.bursty, job.spec);
    case 'needles': return bind(TRAINERS.needles, job.spec);
  }
}

/** Trains (or resumes, or reuses) one job's model; reports progress every 10 steps, and at least every second when steps are slow. */
export function runTrainJob(job: TrainJob, gemm: Gemm, onProgress: (p: JobProgress) => void = () => {}): JobResult & { trainer: Trainer } {
  const kind = jobKind(job);
  mkdirSync(dirname(job.file), { recursive: true });
  let avg = 0;
  let n = 0;
  let reported = performance.now();
  const r = trainResumable({
    file: job.file, identity: job.identity, steps: kind.steps, saveEvery: job.saveEvery,
    fresh: () => kind.fresh(gemm),
    resume: (f) => kind.resume(f, gemm),
    onStep: (t, loss) => {
      avg = 0.98 * avg + 0.02 * loss;
      n++;
      if (t.step % 10 === 0 || t.step === kind.steps || performance.now() - reported >= 1000) {
        reported = performance.now();
        onProgress({ step: t.step, steps: kind.steps, loss: avg / (1 - 0.98 ** n), params: t.model.numParams, from: t.step - n });
      }
    },
  });
  return { name: job.name, params: r.trainer.model.numParams, seconds: r.seconds, loss: r.loss, stepsRun: r.stepsRun, trainer: r.trainer };
}
