import type { Gpt } from './gpt.js';
import { scheduledStep, type TrainSchedule } from './engine/adamw.js';

/**
 * One optimisation step of a language model on a batch of token rows (B, T) with targets (−1 where
 * no loss is taken): gradients, then clipping and AdamW at the schedule's rate for step `step`
 * (counted from 1). The arithmetic and chain-of-thought trainers differ only in how they build rows
 * (and where each row starts in the position table, `shift`).
 */
export function lmStep(model: Gpt, m: Float32Array, v: Float32Array, step: number, schedule: TrainSchedule, x: Int32Array, y: Int32Array, B: number, T: number, shift: Int32Array | null = null): number {
  model.zeroGrad();
  const loss = model.forward(x, B, T, y, shift);
  model.backward();
  scheduledStep(model, m, v, step, schedule);
  return loss;
}
