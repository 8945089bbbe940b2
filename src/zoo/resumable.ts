import { existsSync, rmSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointMeta } from './checkpoint.js';

/** A trainer whose state is its step, a step function and a checkpoint writer. */
export interface Resumable {
  readonly step: number;
  trainStep(): number;
  save(file: string, extraMeta?: Record<string, unknown>): void;
}

/**
 * Trains to `steps`: reuses a finished checkpoint of the same identity (a content hash of the
 * model, training settings, data and seed), resumes an unfinished one, and replaces one of another
 * identity (a changed setting or seed must not continue an unrelated run). Writes the checkpoint,
 * tagged with its identity, every `saveEvery` steps and at the end, so an interrupted run loses little.
 */
export function trainResumable<T extends Resumable>(o: {
  file: string; identity: string; steps: number; saveEvery: number;
  fresh: () => T; resume: (file: string) => T; onStep?: (t: T, loss: number) => void;
}): { trainer: T; seconds: number; loss: number | null; stepsRun: number } {
  let t: T | null = null;
  if (existsSync(o.file)) {
    if (loadCheckpoint(o.file).meta.identity === o.identity) t = o.resume(o.file);
    else rmSync(o.file);
  }
  t ??= o.fresh();
  const t0 = performance.now();
  const from = t.step;
  let loss: number | null = null;
  while (t.step < o.steps) {
    loss = t.trainStep();
    o.onStep?.(t, loss);
    if (t.step % o.saveEvery === 0 || t.step === o.steps) t.save(o.file, { identity: o.identity });
  }
  return { trainer: t, seconds: (performance.now() - t0) / 1000, loss, stepsRun: t.step - from };
}


/**
 * A checkpoint's parameters and AdamW state, after checking it holds the expected architecture and
 * configuration: what every trainer's `resume` needs.
 */
export function loadTrainingState(path: string, arch: NonNullable<CheckpointMeta['arch']>, config: unknown): { params: Float32Array; m: Float32Array; v: Float32Array; step: number; meta: CheckpointMeta } {
  const c = loadCheckpoint(path);
  if ((c.meta.arch ?? 'gpt') !== arch || JSON.stringify(c.meta.config) !== JSON.stringify(config)) {
    throw new DataError(`the checkpoint holds ${c.meta.arch ?? 'gpt'} ${JSON.stringify(c.meta.config)}, not ${arch} ${JSON.stringify(config)}`, { code: 'CHECKPOINT_MISMATCH', file: path });
  }
  const m = c.extra['adamw.m'];
  const v = c.extra['adamw.v'];
  if (!m || !v || m.length !== c.params.length || v.length !== c.params.length) throw new DataError('not a valid checkpoint: no optimiser state of the model\'s size', { code: 'CHECKPOINT_CORRUPT', file: path });
  return { params: c.params, m, v, step: c.meta.step, meta: c.meta };
}

/** Writes a trainer's checkpoint with its AdamW moments under the names loadTrainingState reads (atomically). */
export function saveTrainingState(file: string, params: Float32Array, meta: CheckpointMeta, m: Float32Array, v: Float32Array): void {
  saveCheckpoint(file, params, meta, { 'adamw.m': m, 'adamw.v': v });
}

/** A trainer resumed from its checkpoint: built on the saved parameters, then its moments and step restored. */
export function resumeTrainer<T extends { restore(step: number, m: Float32Array, v: Float32Array): void }>(
  file: string,
  arch: NonNullable<CheckpointMeta['arch']>,
  config: unknown,
  make: (params: Float32Array) => T,
): T {
  const st = loadTrainingState(file, arch, config);
  const t = make(st.params);
  t.restore(st.step, st.m, st.v);
  return t;
}

/**
 * Where a member starts when it continues another's training (a fine-tune, a round of
 * self-improvement): the parent's checkpoint and its identity. The identity enters the child's
 * spec, so a retrained parent makes a new child rather than a stale one.
 */
export interface ParentRef {
  readonly file: string;
  readonly identity: string;
}

/**
 * A parent's finished weights to start a child from (fresh optimiser moments, step 0), after
 * checking the checkpoint is that parent, finished, and of the child's architecture and configuration.
 */
export function parentParams(parent: ParentRef, arch: NonNullable<CheckpointMeta['arch']>, config: unknown): Float32Array {
  const st = loadTrainingState(parent.file, arch, config);
  if (st.meta.identity !== parent.identity) throw new DataError(`the parent checkpoint is of another run (identity ${String(st.meta.identity)}, planned ${parent.identity})`, { code: 'PARENT_CHANGED', file: parent.file });
  const steps = (st.meta.train as { steps?: unknown } | undefined)?.steps;
  if (typeof steps === 'number' && st.step < steps) throw new DataError(`the parent checkpoint is unfinished (step ${st.step} of ${steps})`, { code: 'PARENT_UNFINISHED', file: parent.file });
  return st.params;
}
