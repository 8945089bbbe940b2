import { loadCv, mutualInformation } from '../core/analysis/routing.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng, type Rng } from '../core/random/rng.js';
import { DOMAIN_ALPHABET, DOMAINS, domainRow, heldOutAdditions } from '../tasks/domain-mix.js';
import type { TrainSchedule } from './engine/adamw.js';
import type { Gemm } from './engine/gemm.js';
import { CharTokenizer } from './char-tokenizer.js';
import { generateBatch } from './generate.js';
import { Gpt, type GptConfig } from './gpt.js';
import { lmStep } from './lm-step.js';
import { loadTrainingState, saveTrainingState } from './resumable.js';

/**
 * Trains a GPT, dense or with mixture-of-experts blocks, on the four-domain character corpus
 * (tasks/domain-mix.ts): rows of T+1 characters, each of a domain drawn uniformly, the loss on every
 * next character. Every `evalEvery` steps (and at the end) it measures the validation loss on fixed
 * held-out rows, keeping the curve with the training wall-clock so far (evaluation time excluded);
 * the curve rides in the checkpoint, so a resumed run continues it.
 */
export interface MoeLmTrainConfig extends TrainSchedule {
  readonly model: Omit<GptConfig, 'vocabSize' | 'blockSize'>;
  /** Characters per row the loss is taken over (the context is this long). */
  readonly context: number;
  readonly evalEvery: number;
  /** Validation rows per domain. */
  readonly evalRows: number;
}

export interface CurvePointMoe { readonly step: number; readonly seconds: number; readonly valLoss: number }

/** One MoE block's routing over the validation rows (every pass of the batch size, as in training). */
export interface RoutingFigures {
  readonly layer: number;
  /** Tokens whose first choice was each expert, summed over the passes. */
  readonly load: number[];
  readonly loadCv: number;
  /** Share of the k·tokens assignments dropped over capacity, and of tokens with every assignment dropped. */
  readonly droppedShare: number;
  readonly tokensPassedShare: number;
  /** Mean router entropy (nats; ln E is uniform). */
  readonly entropy: number;
  /** I(first-choice expert; domain) in bits and as a share of H(domain). */
  readonly miBits: number;
  readonly miShare: number;
}

export interface MoeLmEvaluation {
  readonly valLoss: number;
  readonly domainLoss: Record<string, number>;
  readonly routing: RoutingFigures[];
}

export const moeLmTokenizer = (): CharTokenizer => new CharTokenizer(DOMAIN_ALPHABET);

export function moeLmModelConfig(cfg: MoeLmTrainConfig): GptConfig {
  return { ...cfg.model, vocabSize: DOMAIN_ALPHABET.length, blockSize: cfg.context };
}

export class MoeLmTrainer {
  readonly tok = moeLmTokenizer();
  readonly model: Gpt;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly rng: Rng;
  step = 0;
  /** Training seconds so far (evaluations excluded), and the validation curve. */
  seconds = 0;
  history: CurvePointMoe[] = [];
  private readonly val: { x: Int32Array; y: Int32Array; domain: number[] };

  constructor(readonly cfg: MoeLmTrainConfig, gemm: Gemm, params?: Float32Array) {
    this.model = new Gpt(moeLmModelConfig(cfg), gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'batches'));
    // Validation rows interleave the domains, so each pass of the batch size routes a mixture as training does.
    const vr = makeRng(deriveSeed(cfg.seed, 'validation'));
    const rows: { ids: Int32Array; d: number }[] = [];
    for (let i = 0; i < cfg.evalRows; i++) DOMAINS.forEach((d, k) => rows.push({ ids: this.tok.encode(domainRow(d, cfg.context + 1, vr)), d: k }));
    this.val = this.pack(rows);
  }

  private pack(rows: { ids: Int32Array; d: number }[]): { x: Int32Array; y: Int32Array; domain: number[] } {
    const T = this.cfg.context;
    const x = new Int32Array(rows.length * T), y = new Int32Array(rows.length * T);
    rows.forEach((r, b) => {
      x.set(r.ids.subarray(0, T), b * T);
      y.set(r.ids.subarray(1, T + 1), b * T);
    });
    return { x, y, domain: rows.map((r) => r.d) };
  }

  private batch(): { x: Int32Array; y: Int32Array } {
    const rows: { ids: Int32Array; d: number }[] = [];
    for (let b = 0; b < this.cfg.batch; b++) {
      const d = Math.floor(this.rng.next() * DOMAINS.length);
      rows.push({ ids: this.tok.encode(domainRow(DOMAINS[d]!, this.cfg.context + 1, this.rng)), d });
    }
    return this.pack(rows);
  }

  /** One optimisation step (cross-entropy + load balance); returns the cross-entropy. Evaluates on schedule. */
  trainStep(): number {
    const t0 = performance.now();
    const { x, y } = this.batch();
    this.step++;
    const loss = lmStep(this.model, this.m, this.v, this.step, this.cfg, x, y, this.cfg.batch, this.cfg.context);
    this.seconds += (performance.now() - t0) / 1000;
    if ((this.cfg.evalEvery > 0 && this.step % this.cfg.evalEvery === 0) || this.step === this.cfg.steps) {
      if (this.history.at(-1)?.step !== this.step) this.history.push({ step: this.step, seconds: this.seconds, valLoss: this.evaluate().valLoss });
    }
    return loss;
  }

  /** Validation loss (overall and per domain) and each MoE block's routing figures, in passes of the training batch size. */
  evaluate(): MoeLmEvaluation {
    const T = this.cfg.context, B = this.cfg.batch, D = DOMAINS.length;
    const rows = this.val.domain.length;
    const sum = new Array<number>(D).fill(0), count = new Array<number>(D).fill(0);
    type Acc = { layer: number; load: number[]; joint: number[][]; dropped: number; passed: number; tokens: number; assignments: number; entropy: number };
    const acc = new Map<number, Acc>();
    for (let s = 0; s < rows; s += B) {
      const n = Math.min(B, rows - s);
      const x = this.val.x.subarray(s * T, (s + n) * T), y = this.val.y.subarray(s * T, (s + n) * T);
      this.model.forward(x, n, T, y);
      const V = this.model.config.vocabSize, probs = this.model.probs;
      for (let b = 0; b < n; b++) {
        const d = this.val.domain[s + b]!;
        for (let t = 0; t < T; t++) {
          sum[d]! -= Math.log(Math.max(1e-30, probs[(b * T + t) * V + y[b * T + t]!]!));
          count[d]!++;
        }
      }
      for (const st of this.model.moeStats()) {
        const E = st.first.length;
        let a = acc.get(st.layer);
        if (!a) acc.set(st.layer, (a = { layer: st.layer, load: new Array<number>(E).fill(0), joint: Array.from({ length: E }, () => new Array<number>(D).fill(0)), dropped: 0, passed: 0, tokens: 0, assignments: 0, entropy: 0 }));
        for (let e = 0; e < E; e++) a.load[e]! += st.first[e]!;
        for (let i = 0; i < st.tokens; i++) a.joint[st.top1[i]!]![this.val.domain[s + Math.floor(i / T)]!]!++;
        a.dropped += st.dropped;
        a.passed += st.tokensDropped;
        a.tokens += st.tokens;
        a.assignments += st.tokens * (this.model.config.moe!.topK);
        a.entropy += st.entropy * st.tokens;
      }
    }
    const total = sum.reduce((p, q) => p + q, 0) / count.reduce((p, q) => p + q, 0);
    const domainLoss = Object.fromEntries(DOMAINS.map((d, k) => [d, sum[k]! / count[k]!]));
    const routing = [...acc.values()].map((a): RoutingFigures => {
      const mi = mutualInformation(a.joint);
      return { layer: a.layer, load: a.load, loadCv: loadCv(a.load), droppedShare: a.dropped / a.assignments, tokensPassedShare: a.passed / a.tokens, entropy: a.entropy / a.tokens, miBits: mi.bits, miShare: mi.ofDomainEntropy };
    });
    return { valLoss: total, domainLoss, routing };
  }

  /** Greedy answers (3 digits) to held-out addition prompts, through KV-cache generation as the server decodes. */
  answerAdditions(count: number): { prompt: string; answer: string; output: string }[] {
    const problems = heldOutAdditions().slice(0, count);
    const out: { prompt: string; answer: string; output: string }[] = [];
    for (let s = 0; s < problems.length; s += 64) {
      const chunk = problems.slice(s, s + 64);
      const gen = generateBatch(this.model, chunk.map((p) => ({ prompt: this.tok.encode(p.prompt), options: { maxTokens: 3, temperature: 0 } })));
      chunk.forEach((p, i) => out.push({ ...p, output: this.tok.decode(gen[i]!.tokens) }));
    }
    return out;
  }

  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { config: this.model.config, step: this.step, train: this.cfg, seconds: this.seconds, history: this.history, ...extraMeta }, this.m, this.v);
  }

  /** Continues from a checkpoint: parameters, moments, the step and curve, and the batch stream replayed to that step. */
  static resume(file: string, cfg: MoeLmTrainConfig, gemm: Gemm): MoeLmTrainer {
    const st = loadTrainingState(file, 'gpt', moeLmModelConfig(cfg));
    const t = new MoeLmTrainer(cfg, gemm, st.params);
    t.m.set(st.m);
    t.v.set(st.v);
    for (let s = 0; s < st.step; s++) t.batch();
    t.step = st.step;
    const meta = st.meta as { seconds?: number; history?: CurvePointMoe[] };
    t.seconds = meta.seconds ?? 0;
    t.history = meta.history ?? [];
    return t;
  }
}
