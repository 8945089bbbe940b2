import type { Rng } from '../core/random/rng.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeWorld, type Question, type World, type WorldSpec } from '../tasks/fact-world.js';
import { closedSequenceBound, openCompletion, openPrompt, openSequenceBound, RAG_ALPHABET, retrieveAll, supportingPositions } from '../tasks/rag-prompts.js';
import type { Gemm } from './engine/gemm.js';
import type { TrainSchedule } from './engine/adamw.js';
import { lmStep } from './lm-step.js';
import { CharTokenizer } from './char-tokenizer.js';
import { Gpt, type GptConfig } from './gpt.js';
import { resumeTrainer, saveTrainingState } from './resumable.js';

/**
 * Trains a GPT on the fact world (tasks/fact-world.ts), one of two ways. Closed book: language
 * modelling on the documents, each row one document drawn uniformly (so a fact is seen in
 * proportion to its mentions), loss on every character: the facts must end up in the weights.
 * With retrieval: each row a question drawn in proportion to its fact's mentions (the same
 * popularity as closed book), its top-k BM25 passages in a fresh random order, then the answer and
 * the citations of the shown passages that state the fact; loss on the answer and citations only.
 * The world, the index and the row order are functions of the config, so a worker rebuilds them.
 */
export type RagSetting = 'closed' | 'open';

export interface RagTrainConfig extends TrainSchedule {
  readonly setting: RagSetting;
  readonly world: WorldSpec;
  /** Passages in the prompt (the retrieval setting's k; also fixes both settings' context). */
  readonly k: number;
  readonly model: Omit<GptConfig, 'vocabSize' | 'blockSize'>;
}

interface Prepared {
  readonly world: World;
  readonly retrieved: ReadonlyMap<string, readonly string[]>;
  readonly blockSize: number;
}

const prepared = new Map<string, Prepared>();

/** The world, its retrieval and the context length of a config (cached per process: a worker trains many members of one world). */
export function prepareRag(cfg: Pick<RagTrainConfig, 'world' | 'k'>): Prepared {
  const key = JSON.stringify([cfg.world, cfg.k]);
  let p = prepared.get(key);
  if (!p) {
    const world = makeWorld(cfg.world);
    const retrieved = retrieveAll(world, cfg.k);
    // One context length for both settings, so the two members of a size have the same parameters.
    p = { world, retrieved, blockSize: Math.max(openSequenceBound(world, retrieved, cfg.k), closedSequenceBound(world)) };
    prepared.set(key, p);
  }
  return p;
}

export function ragModelConfig(cfg: RagTrainConfig): GptConfig {
  return { ...cfg.model, vocabSize: RAG_ALPHABET.length, blockSize: prepareRag(cfg).blockSize };
}

/** Positions of one training row in a setting: its longest document, or its longest retrieval sequence. */
export function ragRowLength(cfg: RagTrainConfig): number {
  const p = prepareRag(cfg);
  return cfg.setting === 'closed' ? closedSequenceBound(p.world) : p.blockSize;
}

export class RagTrainer {
  readonly tok = new CharTokenizer(RAG_ALPHABET);
  readonly model: Gpt;
  readonly T: number;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  step = 0;
  private readonly rng: Rng;
  private readonly world: World;
  private readonly retrieved: ReadonlyMap<string, readonly string[]>;
  private readonly docText: ReadonlyMap<string, string>;
  /** Cumulative mentions over the questions: the popularity draw of the retrieval setting. */
  private readonly cumulative: Float64Array;

  constructor(readonly cfg: RagTrainConfig, gemm: Gemm, params?: Float32Array) {
    if (!(Number.isInteger(cfg.k) && cfg.k >= 1 && cfg.k <= 9)) throw new RangeError(`k must be 1..9 (one-digit citations), got ${cfg.k}`);
    const p = prepareRag(cfg);
    this.world = p.world;
    this.retrieved = p.retrieved;
    this.docText = new Map(p.world.docs.map((d) => [d.id, d.text]));
    this.model = new Gpt(ragModelConfig(cfg), gemm, params);
    if (!params) this.model.init(makeRng(deriveSeed(cfg.seed, 'init')));
    this.m = new Float32Array(this.model.numParams);
    this.v = new Float32Array(this.model.numParams);
    this.rng = makeRng(deriveSeed(cfg.seed, 'rows', cfg.setting));
    this.T = ragRowLength(cfg) - 1;
    let run = 0;
    this.cumulative = Float64Array.from(p.world.questions, (q) => (run += q.fact.mentions));
  }

  private drawQuestion(): Question {
    const u = this.rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0, hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return this.world.questions[lo]!;
  }

  /** One row's text and where its loss starts (the RNG draws of one row; replayed on resume). */
  private row(): { text: string; from: number } {
    if (this.cfg.setting === 'closed') {
      const d = this.world.docs[Math.floor(this.rng.next() * this.world.docs.length)]!;
      return { text: `${d.text}\n`, from: 0 };
    }
    const q = this.drawQuestion();
    const ids = [...this.retrieved.get(q.id)!];
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.next() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const passages = ids.map((id) => this.docText.get(id)!);
    const prompt = openPrompt(passages, q);
    const cites = supportingPositions(passages, this.world, q.fact.entity, q.fact.relation, q.fact.value);
    return { text: prompt + openCompletion(q.answer, cites), from: prompt.length };
  }

  restore(step: number, m: Float32Array, v: Float32Array): void {
    this.m.set(m);
    this.v.set(v);
    for (let s = 0; s < step * this.cfg.batch; s++) this.row();
    this.step = step;
  }

  trainStep(): number {
    const B = this.cfg.batch, T = this.T;
    const x = new Int32Array(B * T).fill(this.tok.encode('\n')[0]!);
    const y = new Int32Array(B * T).fill(-1);
    for (let r = 0; r < B; r++) {
      const { text, from } = this.row();
      const ids = this.tok.encode(text);
      if (ids.length - 1 > T) throw new RangeError(`a training row of ${ids.length} characters exceeds the context of ${T + 1}`);
      x.set(ids.subarray(0, ids.length - 1), r * T);
      // Predicting character t+1 from the prefix up to t: the loss starts at the last prompt character.
      for (let t = Math.max(0, from - 1); t < ids.length - 1; t++) y[r * T + t] = ids[t + 1]!;
    }
    this.step++;
    return lmStep(this.model, this.m, this.v, this.step, this.cfg, x, y, B, T);
  }

  save(file: string, extraMeta: Record<string, unknown> = {}): void {
    saveTrainingState(file, this.model.params, { config: this.model.config, step: this.step, train: this.cfg, alphabet: RAG_ALPHABET, ...extraMeta }, this.m, this.v);
  }

  static resume(file: string, cfg: RagTrainConfig, gemm: Gemm): RagTrainer {
    return resumeTrainer(file, 'gpt', ragModelConfig(cfg), (params) => new RagTrainer(cfg, gemm, params));
  }
}
