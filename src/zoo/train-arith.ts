import type { Rng } from '../core/random/rng.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { answerText, answerWidth, arithmeticExamples, type Operation } from '../tasks/arithmetic.js';
import { readArithCorpus, type CorpusRef } from '../tasks/arithmetic-corpus.js';
import type { Gemm } from './engine/gemm.js';
import type { TrainSchedule } from './engine/adamw.js';
import { lmStep } from './lm-step.js';
import { CharTokenizer } from './char-tokenizer.js';
import { Gpt, type GptConfig } from './gpt.js';
import { resumeTrainer, saveTrainingState } from './resumable.js';

/**
 * Trains a GPT on n-digit arithmetic: sequences "a+b=" + the answer zero-padded to a fixed width +
 * "\n", the loss on the answer tokens only. Problems come from the task generator's train split;
 * accuracy is measured on its test split (never trained on) by greedy decoding.
 */
export interface ArithTrainConfig extends TrainSchedule {
  readonly digits: number;
  readonly operation: Operation;
  readonly model: Omit<GptConfig, 'vocabSize' | 'blockSize'>;
  readonly evalEvery: number;
  readonly evalSize: number;
  /** Train on these problems instead of the generator's train split (answers as given, right or wrong). */
  readonly corpus?: CorpusRef;
  /**
   * The answer's digits least significant first (Lee et al. 2023, "Teaching Arithmetic to Small
   * Transformers"): each digit then follows from the operands' digits at its place and the carry
   * out of the digit just written, rather than from a carry chain not yet written.
   */
  readonly reverseAnswer?: boolean;
}

/** A training row: the prompt, the answer as the models write it, and the stop. */
export function formatProblem(a: string, op: Operation, answer: number, digits: number, reverse = false): string {
  return `${a}${answerText(answer, digits, op, reverse)}\n`;
}

/** The GPT an arithmetic run trains: its block holds a prompt "a+b=" and the padded answer. */
export function arithModelConfig(cfg: Pick<ArithTrainConfig, 'digits' | 'operation' | 'model'>): GptConfig {
  const seqLen = 2 * cfg.digits + 2 + answerWidth(cfg.digits, cfg.operation) + 1;
  return { ...cfg.model, vocabSize: new CharTokenizer().vocabSize, blockSize: seqLen - 1 };
}

export class ArithmeticTrainer {
  readonly tok = new CharTokenizer();
  readonly model: Gpt;
  readonly seqLen: number;
  readonly promptLen: number;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  step = 0;
  private readonly rng: Rng;
  private readonly train: { prompt: string; answer: number }[];
  readonly test: { prompt: string; answer: number }[];

  constructor(readonly cfg: ArithTrainConfig, gemm: Gemm, params?: Float32Array) {
    const d = cfg.digits;
    this.promptLen = 2 * d + 2;
    this.seqLen = this.promptLen + answerWidth(d, cfg.operation) + 1;
    this.model = new Gpt(arithModelConfig(cfg), gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'batches'));
    const parse = (e: { input: string; targets: readonly string[] }): { prompt: string; answer: number } => ({ prompt: e.input, answer: Number(e.targets[0]) });
    const space = (10 ** d - (d === 1 ? 0 : 10 ** (d - 1))) ** 2;
    this.train = cfg.corpus ? readArithCorpus(cfg.corpus, d, cfg.operation)
      : arithmeticExamples({ digits: d, operation: cfg.operation, count: Math.min(200_000, Math.floor(space * 0.8)), seed: deriveSeed(cfg.seed, 'train-problems'), split: 'train' }).map(parse);
    this.test = arithmeticExamples({ digits: d, operation: cfg.operation, count: Math.min(cfg.evalSize, Math.floor(space * 0.09)), seed: deriveSeed(cfg.seed, 'test-problems'), split: 'test' }).map(parse);
  }

  /**
   * Continue from a checkpoint: parameters come in through the constructor; here the AdamW moments,
   * the step, and the batch RNG replayed to that step, so a resumed run draws the batches an
   * uninterrupted one would have.
   */
  restore(step: number, m: Float32Array, v: Float32Array): void {
    this.m.set(m);
    this.v.set(v);
    this.step = step;
    for (let s = 0; s < step * this.cfg.batch; s++) this.rng.next();
  }

  /** One optimisation step on a fresh batch; returns the loss. */
  trainStep(): number {
    const B = this.cfg.batch;
    const T = this.seqLen - 1;
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T).fill(-1);
    for (let b = 0; b < B; b++) {
      const p = this.train[Math.floor(this.rng.next() * this.train.length)]!;
      const ids = this.tok.encode(formatProblem(p.prompt, this.cfg.operation, p.answer, this.cfg.digits, this.cfg.reverseAnswer));
      x.set(ids.subarray(0, T), b * T);
      for (let t = this.promptLen - 1; t < T; t++) y[b * T + t] = ids[t + 1]!;
    }
    this.step++;
    return lmStep(this.model, this.m, this.v, this.step, this.cfg, x, y, B, T);
  }

  /** Greedy answers to prompts, in batches. Positions after the prompt start as '0': the causal mask means they cannot matter. */
  answer(prompts: readonly string[], batch = 256): string[] {
    const T = this.seqLen - 1;
    const V = this.tok.vocabSize;
    const out: string[] = [];
    for (let s = 0; s < prompts.length; s += batch) {
      const chunk = prompts.slice(s, s + batch);
      const B = chunk.length;
      const x = new Int32Array(B * T);
      chunk.forEach((p, b) => x.set(this.tok.encode(p.padEnd(T, '0')).subarray(0, T), b * T));
      const w = this.seqLen - this.promptLen;
      const gen: number[][] = chunk.map(() => []);
      for (let k = 0; k < w; k++) {
        this.model.forward(x, B, T, null);
        const pos = this.promptLen - 1 + k;
        for (let b = 0; b < B; b++) {
          const o = (b * T + pos) * V;
          let best = 0;
          for (let v = 1; v < V; v++) if (this.model.probs[o + v]! > this.model.probs[o + best]!) best = v;
          gen[b]!.push(best);
          if (pos + 1 < T) x[b * T + pos + 1] = best;
        }
      }
      for (const g of gen) out.push(this.tok.decode(g));
    }
    return out;
  }

  /** Exact match and per-digit accuracy on the held-out test split. */
  evaluate(): { exact: number; perDigit: number } {
    const w = answerWidth(this.cfg.digits, this.cfg.operation);
    const got = this.answer(this.test.map((p) => p.prompt));
    let exact = 0;
    let digitsRight = 0;
    got.forEach((g, i) => {
      const want = answerText(this.test[i]!.answer, this.cfg.digits, this.cfg.operation, this.cfg.reverseAnswer);
      if (g.slice(0, w) === want) exact++;
      for (let j = 0; j < w; j++) if (g[j] === want[j]) digitsRight++;
    });
    return { exact: exact / got.length, perDigit: digitsRight / (got.length * w) };
  }

  /** Writes the model, the optimiser moments and the run's settings (atomically). */
  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { config: this.model.config, step: this.step, train: this.cfg, task: { digits: this.cfg.digits, operation: this.cfg.operation }, ...extraMeta }, this.m, this.v);
  }

  /** A trainer continuing from a checkpoint; it must hold this configuration's GPT. */
  static resume(file: string, cfg: ArithTrainConfig, gemm: Gemm): ArithmeticTrainer {
    return resumeTrainer(file, 'gpt', arithModelConfig(cfg), (params) => new ArithmeticTrainer(cfg, gemm, params));
  }
}
