import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng, type Rng } from '../core/random/rng.js';
import { checkMix, corpusRow, NEEDLES_ALPHABET, type CorpusMix } from '../tasks/needles-corpus.js';
import { makeLanguagePair, type LanguagePair } from '../tasks/toy-language.js';
import type { TrainSchedule } from './engine/adamw.js';
import type { Gemm } from './engine/gemm.js';
import { CharTokenizer } from './char-tokenizer.js';
import { Gpt, type GptConfig } from './gpt.js';
import { lmStep } from './lm-step.js';
import { resumeTrainer, saveTrainingState } from './resumable.js';
import type { TrunkConfig } from './trunk.js';

/**
 * Trains a GPT by language modelling on the needles corpus (tasks/needles-corpus.ts): rows of
 * `context` + 1 characters packed with whole documents of the toy languages A and B, the loss on
 * every next character. Whether the corpus holds translation pairs, juxtapositions or neither is its
 * `mix`; nothing in training marks a pair as special, so translation is learnt only as far as the
 * pairs in the stream teach it. The language pair and the row stream are functions of the config,
 * so a worker rebuilds them and a resumed run replays the stream to its step.
 */
export interface NeedlesTrainConfig extends TrainSchedule {
  /** Seed of the language pair (the cipher and the held-out sentences): one per family. */
  readonly languageSeed: number;
  readonly mix: CorpusMix;
  /** Characters per row the loss is taken over (the model's context is this long). */
  readonly context: number;
  readonly model: TrunkConfig;
}

export function needlesModelConfig(cfg: NeedlesTrainConfig): GptConfig {
  return { ...cfg.model, vocabSize: NEEDLES_ALPHABET.length, blockSize: cfg.context };
}

export class NeedlesTrainer {
  readonly tok = new CharTokenizer(NEEDLES_ALPHABET);
  readonly model: Gpt;
  step = 0;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly rng: Rng;
  private readonly pair: LanguagePair;

  constructor(readonly cfg: NeedlesTrainConfig, gemm: Gemm, params?: Float32Array) {
    checkMix(cfg.mix);
    this.pair = makeLanguagePair(cfg.languageSeed);
    this.model = new Gpt(needlesModelConfig(cfg), gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'rows'));
  }

  private row(): Int32Array {
    return this.tok.encode(corpusRow(this.pair, this.cfg.mix, this.cfg.context + 1, this.rng));
  }

  restore(step: number, m: Float32Array, v: Float32Array): void {
    this.m.set(m);
    this.v.set(v);
    for (let s = 0; s < step * this.cfg.batch; s++) this.row();
    this.step = step;
  }

  trainStep(): number {
    const B = this.cfg.batch, T = this.cfg.context;
    const x = new Int32Array(B * T), y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const ids = this.row();
      x.set(ids.subarray(0, T), b * T);
      y.set(ids.subarray(1, T + 1), b * T);
    }
    this.step++;
    return lmStep(this.model, this.m, this.v, this.step, this.cfg, x, y, B, T);
  }

  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { config: this.model.config, step: this.step, train: this.cfg, alphabet: NEEDLES_ALPHABET, ...extraMeta }, this.m, this.v);
  }

  static resume(file: string, cfg: NeedlesTrainConfig, gemm: Gemm): NeedlesTrainer {
    return resumeTrainer(file, 'gpt', needlesModelConfig(cfg), (params) => new NeedlesTrainer(cfg, gemm, params));
  }
}
