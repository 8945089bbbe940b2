import { adamwStep, ADAMW_DEFAULTS } from '../src/zoo/engine/adamw.js';

/** What a timed training step needs of a model: a loss pass with its backward, and its parameters. */
export interface TrainableModel {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly decay: Uint8Array;
  readonly numParams: number;
  zeroGrad(): void;
  backward(): void;
}

/**
 * Times full training steps (zero grad, `forward`, backward, AdamW) after `warmup` untimed ones:
 * the median and the fastest, in ms. The median resists the machine's other work.
 */
export function timeTrainingSteps(m: TrainableModel, forward: () => void, steps: number, warmup = 3): { median: number; min: number } {
  const mo = new Float32Array(m.numParams);
  const vo = new Float32Array(m.numParams);
  const times: number[] = [];
  for (let s = 1; s <= steps + warmup; s++) {
    const t0 = performance.now();
    m.zeroGrad();
    forward();
    m.backward();
    adamwStep(m.params, m.grads, mo, vo, m.decay, s, ADAMW_DEFAULTS);
    if (s > warmup) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1]!, min: times[0]! };
}
