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
  const b1c = 1 - c.beta1 ** step;
  const b2c = 1 - c.beta2 ** step;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i]!;
    const mi = c.beta1 * m[i]! + (1 - c.beta1) * gi;
    const vi = c.beta2 * v[i]! + (1 - c.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const wd = decay === null || decay[i] ? c.weightDecay : 0;
    p[i] = p[i]! - lr * (mi / b1c / (Math.sqrt(vi / b2c) + c.eps) + wd * p[i]!);
  }
}

/** Scales gradients so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(g: Float32Array, maxNorm: number): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
  const norm = Math.sqrt(s);
  if (norm > maxNorm && norm > 0) {
    const k = maxNorm / norm;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * k;
  }
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
