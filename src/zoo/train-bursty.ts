import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import { makeZipf, type Zipf } from '../core/random/zipf.js';
import { checkSequenceSpec, drawSequence, type SequenceKind, type SequenceSpec, type VectorSequence } from '../tasks/bursty-sequences.js';
import { makeClassWorld, type ClassWorld, type ClassWorldSpec } from '../tasks/class-clusters.js';
import { scheduledStep, type TrainSchedule } from './engine/adamw.js';
import type { Gemm } from './engine/gemm.js';
import { ExemplarTransformer, sequenceTokens, type ExemplarConfig } from './exemplar-transformer.js';
import { loadTrainingState, saveTrainingState } from './resumable.js';

/**
 * Trains the exemplar classifier on bursty / Zipfian sequences of a class world (Chan et al. 2022,
 * arXiv 2205.05055; Reddy 2024, arXiv 2312.03002) and measures, every `evaluation.every` steps,
 * in-context accuracy (fresh classes, arbitrary labels) and in-weights accuracy (a trained class
 * absent from the context) on fixed held-out sequences: in-context learning can be transient
 * (Singh et al. 2023, arXiv 2311.08360), so the curve against step is the result, not its end.
 * Each step's batch comes from its own seed, so a resumed run trains on what an uninterrupted one does.
 */
export interface BurstyTrainConfig extends TrainSchedule {
  readonly model: ExemplarConfig;
  readonly world: ClassWorldSpec;
  readonly sequences: SequenceSpec;
  /** Zipf exponent of the class law over the world's classes (0: uniform). */
  readonly alpha: number;
  readonly evaluation: { readonly every: number; readonly sequences: number; readonly seed: number };
}

/** One evaluation during training: accuracy and mean cross-entropy of the query on each held-out set. */
export interface BurstyCheckpoint {
  readonly step: number;
  readonly icl: number;
  readonly iwl: number;
  readonly iclLoss: number;
  readonly iwlLoss: number;
}

export type EvalKind = Exclude<SequenceKind, 'train'>;
export const EVAL_KINDS: readonly EvalKind[] = ['icl', 'iwl'];

export class BurstyTrainer {
  readonly model: ExemplarTransformer;
  step = 0;
  readonly m: Float32Array;
  readonly v: Float32Array;
  history: BurstyCheckpoint[] = [];
  readonly world: ClassWorld;
  private readonly zipf: Zipf;
  private evalSets: Map<EvalKind, { tokens: Float32Array; targets: Int32Array }> | null = null;

  constructor(readonly cfg: BurstyTrainConfig, gemm: Gemm, params?: Float32Array) {
    const { model, world, sequences } = cfg;
    if (model.dims !== world.dims || model.labels !== world.labels || model.context !== sequences.context) {
      throw new RangeError(`the model (D ${model.dims}, L ${model.labels}, N ${model.context}) does not match the data (D ${world.dims}, L ${world.labels}, N ${sequences.context})`);
    }
    if (!(Number.isInteger(cfg.evaluation.every) && cfg.evaluation.every >= 1)) throw new RangeError(`evaluation.every must be a whole number >= 1, got ${cfg.evaluation.every}`);
    checkSequenceSpec(sequences, world.classes);
    this.world = makeClassWorld(world);
    this.zipf = makeZipf(world.classes, cfg.alpha);
    this.model = new ExemplarTransformer(model, gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
  }

  private tokensOf(seqs: readonly VectorSequence[]): { tokens: Float32Array; targets: Int32Array } {
    return sequenceTokens(seqs, this.world.labelVectors, this.cfg.model.dims, this.cfg.model.context);
  }

  /** The held-out sequences of a set, drawn once from the evaluation seed (the same at every checkpoint). */
  sequences(kind: EvalKind, count = this.cfg.evaluation.sequences): VectorSequence[] {
    const rng = makeRng(deriveSeed(this.cfg.evaluation.seed, kind));
    return Array.from({ length: count }, () => drawSequence(kind, this.world, this.cfg.sequences, this.zipf, rng));
  }

  private evalSet(kind: EvalKind): { tokens: Float32Array; targets: Int32Array } {
    this.evalSets ??= new Map(EVAL_KINDS.map((k) => [k, this.tokensOf(this.sequences(k))]));
    return this.evalSets.get(kind)!;
  }

  /** Log-probabilities of every label for each held-out sequence of a set (n, L), and the query labels. */
  logProbs(kind: EvalKind, chunk = 256): { logProbs: Float32Array; targets: Int32Array } {
    const { tokens, targets } = this.evalSet(kind);
    const { labels: L, dims: D } = this.cfg.model;
    const T = 2 * this.cfg.model.context + 1;
    const n = targets.length;
    const out = new Float32Array(n * L);
    for (let s = 0; s < n; s += chunk) {
      const b = Math.min(chunk, n - s);
      this.model.forward(tokens.subarray(s * T * D, (s + b) * T * D), b, null);
      for (let i = 0; i < b * L; i++) out[s * L + i] = Math.log(Math.max(this.model.probs[i]!, 1e-30));
    }
    return { logProbs: out, targets };
  }

  /** Accuracy (argmax is the query's label) and mean cross-entropy on each held-out set. */
  evaluate(): BurstyCheckpoint {
    const r: Record<string, number> = {};
    const L = this.cfg.model.labels;
    for (const kind of EVAL_KINDS) {
      const { logProbs, targets } = this.logProbs(kind);
      let right = 0;
      let ce = 0;
      for (let i = 0; i < targets.length; i++) {
        let best = 0;
        for (let l = 1; l < L; l++) if (logProbs[i * L + l]! > logProbs[i * L + best]!) best = l;
        if (best === targets[i]) right++;
        ce -= logProbs[i * L + targets[i]!]!;
      }
      r[kind] = right / targets.length;
      r[`${kind}Loss`] = ce / targets.length;
    }
    return { step: this.step, icl: r.icl!, iwl: r.iwl!, iclLoss: r.iclLoss!, iwlLoss: r.iwlLoss! };
  }

  private record(): void {
    if (this.history.at(-1)?.step !== this.step) this.history.push(this.evaluate());
  }

  restore(step: number, m: Float32Array, v: Float32Array, history: BurstyCheckpoint[]): void {
    this.m.set(m);
    this.v.set(v);
    this.step = step;
    this.history = history;
  }

  /** One optimisation step on a fresh batch; returns the query's mean cross-entropy. Evaluates before the first step and on schedule. */
  trainStep(): number {
    if (this.step === 0) this.record();
    const rng = makeRng(deriveSeed(this.cfg.seed, 'batch', this.step));
    const { tokens, targets } = this.tokensOf(Array.from({ length: this.cfg.batch }, () => drawSequence('train', this.world, this.cfg.sequences, this.zipf, rng)));
    const m = this.model;
    m.zeroGrad();
    const loss = m.forward(tokens, this.cfg.batch, targets);
    m.backward();
    this.step++;
    scheduledStep(m, this.m, this.v, this.step, this.cfg);
    if (this.step % this.cfg.evaluation.every === 0 || this.step === this.cfg.steps) this.record();
    return loss;
  }

  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { arch: 'bursty', config: this.cfg.model, step: this.step, train: this.cfg, history: this.history, ...extraMeta }, this.m, this.v);
  }

  /** Continues from a checkpoint: parameters, moments, step and the curve so far. */
  static resume(file: string, cfg: BurstyTrainConfig, gemm: Gemm): BurstyTrainer {
    const st = loadTrainingState(file, 'bursty', cfg.model);
    const t = new BurstyTrainer(cfg, gemm, st.params);
    t.restore(st.step, st.m, st.v, (st.meta as { history?: BurstyCheckpoint[] }).history ?? []);
    return t;
  }
}
