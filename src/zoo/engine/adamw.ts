import { kernels } from './kernels.js';

/**
 * AdamW (Kingma & Ba 2015; decoupled weight decay, Loshchilov & Hutter 2019), as torch.optim.AdamW:
 *   m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  p ← p − lr·(m̂/(√v̂ + ε) + wd·p)
 * with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t). Parameters, gradients and moments are flat Float32Arrays;
 * `decay` marks which parameters get weight decay (matrices yes, biases and norms no, as nanoGPT).
 */
export interface AdamWConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}
export const ADAMW_DEFAULTS: AdamWConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

export function adamwStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, decay: Uint8Array | null, step: number, c: AdamWConfig, lr = c.lr): void {
  if (step < 1) throw new RangeError(`adamwStep: step counts from 1, got ${step}`);
  kernels().adamw(p, g, m, v, decay, 1 - c.beta1 ** step, 1 - c.beta2 ** step, lr, c.beta1, c.beta2, c.eps, c.weightDecay);
}

/** Scales gradients so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(g: Float32Array, maxNorm: number): number {
  const k = kernels();
  const norm = Math.sqrt(k.sumSquares(g));
  if (norm > maxNorm && norm > 0) k.scaleInPlace(g, maxNorm / norm);
  return norm;
}

/** What every trainer of the zoo takes for its optimisation: steps, batch, schedule, decay and seed. */
export interface TrainSchedule {
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly weightDecay: number;
  readonly seed: number;
}

/** Learning rate at a step (from 0): linear warmup, then cosine decay to a tenth (nanoGPT's schedule). */
export function warmupCosineLr(step: number, s: { lr: number; warmup: number; steps: number }): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  const p = Math.min(1, (step - s.warmup) / Math.max(1, s.steps - s.warmup));
  return 0.1 * s.lr + 0.45 * s.lr * (1 + Math.cos(Math.PI * p));
}

/**
 * One optimisation step of a trainer, after its backward pass: clip the gradient to norm 1, then
 * AdamW at the schedule's rate for `step` (counting from 1), with the schedule's weight decay.
 */
export function scheduledStep(model: { params: Float32Array; grads: Float32Array; decay: Uint8Array }, m: Float32Array, v: Float32Array, step: number, s: TrainSchedule): void {
  clipGradNorm(model.grads, 1);
  adamwStep(model.params, model.grads, m, v, model.decay, step, { ...ADAMW_DEFAULTS, weightDecay: s.weightDecay }, warmupCosineLr(step - 1, s));
}
