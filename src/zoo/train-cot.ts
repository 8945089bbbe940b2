import type { Rng } from '../core/random/rng.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { readCompletionCorpus, type CorpusRef } from '../tasks/arithmetic-corpus.js';
import { completionFor, drawProblem, SCRATCHPAD_ALPHABET, type AnswerStyle } from '../tasks/scratchpad.js';
import type { Gemm } from './engine/gemm.js';
import type { TrainSchedule } from './engine/adamw.js';
import { lmStep } from './lm-step.js';
import { CharTokenizer } from './char-tokenizer.js';
import { Gpt, type GptConfig } from './gpt.js';
import { resumeTrainer, saveTrainingState } from './resumable.js';

/**
 * Trains a GPT on n-digit addition with n drawn uniformly from [minDigits, maxDigits] at every
 * sequence, answering directly or through a scratchpad (tasks/scratchpad.ts); the loss is on
 * everything after the prompt. Two members with the same seed see the same problems in the same
 * order whatever their style: only the targets differ. The context holds evalDigits-digit problems,
 * so the model can be asked beyond its training lengths. With `shiftPositions`, every training row
 * starts at a random place in the position table (uniform over the places where it fits; its own
 * seed stream, so the problems stay the same): every position embedding is trained on short
 * problems, and a longer test problem asks for a longer algorithm, not for untrained embeddings.
 * Without it, positions past the training lengths are never trained.
 *
 * With `corpora`, rows come from outside instead of the generator: each row of a batch is drawn from
 * one corpus by its share, then uniformly within it, its completion taken as given (a model's own
 * filtered paths mixed 1:1 with a labelled set, for self-improvement). maxDigits then only sizes the
 * training rows; a longer completion is cut at the row's end.
 */
export interface CotTrainConfig extends TrainSchedule {
  readonly style: AnswerStyle;
  readonly minDigits: number;
  readonly maxDigits: number;
  readonly evalDigits: number;
  /** Start each training row at a random position (randomized positions); absent means false. */
  readonly shiftPositions?: boolean;
  /** Train on these corpora (shares summing to 1) instead of generated problems; absent means generated. */
  readonly corpora?: readonly { readonly corpus: CorpusRef; readonly share: number }[];
  readonly model: Omit<GptConfig, 'vocabSize' | 'blockSize'>;
}

/** The longest sequence of n-digit problems: "a+b=" and the completion, newline included. */
export function sequenceLength(style: AnswerStyle, n: number): number {
  const nines = '9'.repeat(n);
  return 2 * n + 2 + completionFor(style, nines, nines).length;
}

export function cotModelConfig(cfg: CotTrainConfig): GptConfig {
  return { ...cfg.model, vocabSize: SCRATCHPAD_ALPHABET.length, blockSize: sequenceLength(cfg.style, cfg.evalDigits) - 1 };
}

export class CotTrainer {
  readonly tok = new CharTokenizer(SCRATCHPAD_ALPHABET);
  readonly model: Gpt;
  /** Positions of a training sequence: the longest maxDigits problem. */
  readonly T: number;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  step = 0;
  private readonly rng: Rng;
  private readonly positions: Rng;
  private readonly rows: readonly (readonly { readonly prompt: string; readonly completion: string }[])[] | null;

  constructor(readonly cfg: CotTrainConfig, gemm: Gemm, params?: Float32Array) {
    if (!(cfg.minDigits >= 1 && cfg.minDigits <= cfg.maxDigits && cfg.maxDigits <= cfg.evalDigits)) throw new RangeError(`need 1 <= minDigits <= maxDigits <= evalDigits, got ${cfg.minDigits}, ${cfg.maxDigits}, ${cfg.evalDigits}`);
    this.model = new Gpt(cotModelConfig(cfg), gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'problems'));
    this.positions = makeRng(deriveSeed(cfg.seed, 'positions'));
    this.T = sequenceLength(cfg.style, cfg.maxDigits) - 1;
    const parts = cfg.corpora;
    if (parts !== undefined && (parts.length === 0 || parts.some((p) => !(p.share > 0)) || Math.abs(parts.reduce((s, p) => s + p.share, 0) - 1) > 1e-9)) throw new RangeError(`corpora: need at least one corpus and positive shares summing to 1, got ${JSON.stringify(parts?.map((p) => p.share))}`);
    this.rows = parts === undefined ? null : parts.map((p) => readCompletionCorpus(p.corpus, SCRATCHPAD_ALPHABET));
  }

  /** One training row from the corpora: a corpus by share, then a row uniformly (two draws of the problem stream). */
  private corpusRow(rows: NonNullable<CotTrainer['rows']>): { prompt: string; completion: string } {
    const u = this.rng.next();
    let at = 0;
    let acc = this.cfg.corpora![0]!.share;
    while (u >= acc && at < rows.length - 1) acc += this.cfg.corpora![++at]!.share;
    const part = rows[at]!;
    return part[Math.floor(this.rng.next() * part.length)]!;
  }

  /** The RNG draws of one step: a digit count per sequence, then rejection-sampled operands, and each row's first position. Replayed on resume. */
  private batch(): { problems: { prompt: string; completion: string }[]; shift: Int32Array | null } {
    const span = this.cfg.maxDigits - this.cfg.minDigits + 1;
    const rows = this.rows;
    const problems = Array.from({ length: this.cfg.batch }, () => {
      if (rows !== null) return this.corpusRow(rows);
      const { a, b } = drawProblem(this.cfg.minDigits + Math.floor(this.rng.next() * span), 'train', () => this.rng.next());
      return { prompt: `${a}+${b}=`, completion: completionFor(this.cfg.style, a, b) };
    });
    if (!this.cfg.shiftPositions) return { problems, shift: null };
    const places = this.model.config.blockSize - this.T + 1;
    return { problems, shift: Int32Array.from(problems, () => Math.floor(this.positions.next() * places)) };
  }

  restore(step: number, m: Float32Array, v: Float32Array): void {
    this.m.set(m);
    this.v.set(v);
    for (let s = 0; s < step; s++) this.batch();
    this.step = step;
  }

  trainStep(): number {
    const B = this.cfg.batch, T = this.T;
    const x = new Int32Array(B * T).fill(this.tok.encode('\n')[0]!);
    const y = new Int32Array(B * T).fill(-1);
    const { problems, shift } = this.batch();
    problems.forEach(({ prompt, completion }, r) => {
      const ids = this.tok.encode(prompt + completion);
      const n = Math.min(T, ids.length - 1);
      x.set(ids.subarray(0, n), r * T);
      for (let t = prompt.length - 1; t < n; t++) y[r * T + t] = ids[t + 1]!;
    });
    this.step++;
    return lmStep(this.model, this.m, this.v, this.step, this.cfg, x, y, B, T, shift);
  }

  /** Writes the model, the optimiser moments, the run's settings and the tokenizer's alphabet (atomically). */
  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { config: this.model.config, step: this.step, train: this.cfg, alphabet: SCRATCHPAD_ALPHABET, ...extraMeta }, this.m, this.v);
  }

  static resume(file: string, cfg: CotTrainConfig, gemm: Gemm): CotTrainer {
    return resumeTrainer(file, 'gpt', cotModelConfig(cfg), (params) => new CotTrainer(cfg, gemm, params));
  }
}
