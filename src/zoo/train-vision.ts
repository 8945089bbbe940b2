import { makeRng, type Rng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { MNIST_PIXELS, type MnistSet } from '../tasks/mnist.js';
import { Autoencoder, type AutoencoderConfig } from './autoencoder.js';
import { resumeTrainer, saveTrainingState } from './resumable.js';
import type { CheckpointMeta } from './checkpoint.js';
import { scheduledStep, type TrainSchedule } from './engine/adamw.js';
import type { Gemm } from './engine/gemm.js';
import { Lenet, type LenetConfig } from './lenet.js';

/**
 * Trains the vision families on MNIST: LeNet classifiers on cross-entropy, autoencoders on mean
 * squared reconstruction error. Batches are drawn with replacement by a seeded RNG, so a run resumed
 * from a checkpoint replays the draws and continues exactly as an uninterrupted one would.
 */
export type VisionSpec = { readonly arch: 'lenet'; readonly config: LenetConfig } | { readonly arch: 'autoencoder'; readonly config: AutoencoderConfig };

export type VisionTrainConfig = TrainSchedule;

/** MNIST's training-set pixel mean and standard deviation: the classifier's input standardisation. */
const MNIST_MEAN = 0.1307;
const MNIST_STD = 0.3081;

export class VisionTrainer {
  readonly model: Lenet | Autoencoder;
  step = 0;
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly rng: Rng;
  private readonly x: Float32Array;
  private readonly y: Int32Array;

  constructor(readonly spec: VisionSpec, readonly cfg: VisionTrainConfig, private readonly train: MnistSet, gemm: Gemm, params?: Float32Array) {
    this.model = spec.arch === 'lenet' ? new Lenet(spec.config, gemm, params) : new Autoencoder(spec.config, gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'batches'));
    this.x = new Float32Array(cfg.batch * MNIST_PIXELS);
    this.y = new Int32Array(cfg.batch);
  }

  /** Continue at `step` with the saved AdamW moments; the batch RNG is replayed to that step. */
  restore(step: number, m: Float32Array, v: Float32Array): void {
    this.m.set(m);
    this.v.set(v);
    this.step = step;
    for (let s = 0; s < step * this.cfg.batch; s++) this.rng.next();
  }

  private input(dst: Float32Array, images: Float32Array, from: number, n: number): void {
    const src = images.subarray(from * MNIST_PIXELS, (from + n) * MNIST_PIXELS);
    if (this.spec.arch === 'autoencoder') dst.set(src);
    else for (let i = 0; i < src.length; i++) dst[i] = (src[i]! - MNIST_MEAN) / MNIST_STD;
  }

  /** One optimisation step on a fresh batch; returns its loss. */
  trainStep(): number {
    const B = this.cfg.batch;
    const t = this.train;
    for (let b = 0; b < B; b++) {
      const i = Math.floor(this.rng.next() * t.count);
      this.input(this.x.subarray(b * MNIST_PIXELS, (b + 1) * MNIST_PIXELS), t.images, i, 1);
      this.y[b] = t.labels[i]!;
    }
    const m = this.model;
    m.zeroGrad();
    const loss = m instanceof Lenet ? m.forward(this.x, B, this.y) : m.forward(this.x, B);
    m.backward();
    this.step++;
    scheduledStep(m, this.m, this.v, this.step, this.cfg);
    return loss;
  }

  /**
   * Per-image results on a test set: a classifier's log-probabilities of the ten digits (count × 10),
   * an autoencoder's per-image mean squared error (count).
   */
  evaluate(test: MnistSet, batch = 500): { logProbs: Float32Array | null; squaredError: Float32Array | null } {
    const n = test.count;
    const x = new Float32Array(batch * MNIST_PIXELS);
    const m = this.model;
    const out = new Float32Array(m instanceof Lenet ? n * 10 : n);
    for (let s = 0; s < n; s += batch) {
      const k = Math.min(batch, n - s);
      this.input(x, test.images, s, k);
      const view = x.subarray(0, k * MNIST_PIXELS);
      if (m instanceof Lenet) {
        m.forward(view, k, null);
        for (let i = 0; i < k * 10; i++) out[s * 10 + i] = Math.log(Math.max(m.probs[i]!, 1e-30));
      } else {
        m.forward(view, k);
        out.set(m.rowError.subarray(0, k), s);
      }
    }
    return m instanceof Lenet ? { logProbs: out, squaredError: null } : { logProbs: null, squaredError: out };
  }

  /** Writes the model, the optimiser moments and the run's settings (atomically). */
  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    const meta = { ...this.spec, step: this.step, train: this.cfg, ...extraMeta };
    saveTrainingState(file, this.model.params, meta as CheckpointMeta, this.m, this.v);
  }

  /** A trainer continuing from a checkpoint; it must hold this spec's architecture and configuration. */
  static resume(file: string, spec: VisionSpec, cfg: VisionTrainConfig, train: MnistSet, gemm: Gemm): VisionTrainer {
    return resumeTrainer(file, spec.arch, spec.config, (params) => new VisionTrainer(spec, cfg, train, gemm, params));
  }
}
