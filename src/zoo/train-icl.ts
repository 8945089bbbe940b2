import { makeRng, type Rng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { samplePrompt, type IclPrompt, type MixtureComponent } from '../tasks/function-classes.js';
import { resumeTrainer, saveTrainingState } from './resumable.js';
import { scheduledStep, type TrainSchedule } from './engine/adamw.js';
import type { Gemm } from './engine/gemm.js';
import { IclTransformer, iclTokens, type IclConfig } from './icl-transformer.js';

/**
 * Pretrains the in-context regressor on prompts from a mixture of function classes, with Garg et
 * al.'s curriculum: the active input dimension and the number of points start small and grow every
 * `every` steps, so early training sees easy problems. Prompts are drawn from a seeded RNG, and a
 * resumed run regenerates the prompts it skips, so it continues exactly as an uninterrupted one.
 */
export interface IclTrainConfig extends TrainSchedule {
  readonly model: IclConfig;
  readonly mixture: readonly MixtureComponent[];
  /** Standard deviation of the noise added to every y. */
  readonly noise: number;
  readonly curriculum: { readonly dimsStart: number; readonly pointsStart: number; readonly every: number } | null;
}

export class IclTrainer {
  readonly model: IclTransformer;
  step = 0;
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly rng: Rng;
  /** Batches drawn from `rng` so far: a resumed trainer catches up only when it trains again, so loading a finished model costs no replay. */
  private drawn = 0;

  constructor(readonly cfg: IclTrainConfig, gemm: Gemm, params?: Float32Array) {
    const most = Math.max(...cfg.mixture.map((c) => (c.cls.kind === 'sparse_linear' ? c.cls.nonzero : 0)));
    if (cfg.curriculum && cfg.curriculum.dimsStart < most) throw new RangeError(`the curriculum starts at ${cfg.curriculum.dimsStart} dimensions, below a sparse class's ${most} non-zero coefficients`);
    this.model = new IclTransformer(cfg.model, gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'batches'));
  }

  /** The curriculum's (active dimensions, points) at a step. */
  stage(step: number): { dims: number; points: number } {
    const { dims, points } = this.cfg.model;
    const c = this.cfg.curriculum;
    if (!c) return { dims, points };
    const n = Math.floor(step / c.every);
    return { dims: Math.min(dims, c.dimsStart + n), points: Math.min(points, c.pointsStart + 2 * n) };
  }

  private batch(step: number): IclPrompt[] {
    while (this.drawn < step) this.draw(this.drawn);
    return this.draw(step);
  }

  private draw(step: number): IclPrompt[] {
    this.drawn = step + 1;
    const s = this.stage(step);
    return Array.from({ length: this.cfg.batch }, () => samplePrompt(this.cfg.mixture, { d: this.cfg.model.dims, points: s.points, activeDims: s.dims, noise: this.cfg.noise }, this.rng));
  }

  restore(step: number, m: Float32Array, v: Float32Array): void {
    this.m.set(m);
    this.v.set(v);
    this.step = step;
  }

  /** One optimisation step on a fresh batch; returns the mean squared error over its x positions. */
  trainStep(): number {
    const prompts = this.batch(this.step);
    const { tokens, targets, T } = iclTokens(prompts, this.cfg.model.dims, prompts[0]!.points);
    const m = this.model;
    m.zeroGrad();
    const loss = m.forward(tokens, prompts.length, T, targets);
    m.backward();
    this.step++;
    scheduledStep(m, this.m, this.v, this.step, this.cfg);
    return loss;
  }

  /** Predictions at every x position: row p, column k is the prediction of y_k from the k points before it. */
  predict(prompts: readonly IclPrompt[], batch = 64): Float64Array[] {
    const out: Float64Array[] = [];
    for (let s = 0; s < prompts.length; s += batch) {
      const chunk = prompts.slice(s, s + batch);
      const P = chunk[0]!.points;
      const { tokens, T } = iclTokens(chunk, this.cfg.model.dims, P);
      this.model.forward(tokens, chunk.length, T, null);
      chunk.forEach((_, b) => out.push(Float64Array.from({ length: P }, (_, k) => this.model.preds[b * T + 2 * k]!)));
    }
    return out;
  }

  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { arch: 'icl', config: this.cfg.model, step: this.step, train: this.cfg, ...extraMeta }, this.m, this.v);
  }

  static resume(file: string, cfg: IclTrainConfig, gemm: Gemm): IclTrainer {
    return resumeTrainer(file, 'icl', cfg.model, (params) => new IclTrainer(cfg, gemm, params));
  }
}
