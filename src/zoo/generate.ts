import type { Rng } from '../core/random/rng.js';
import { softmaxInPlace } from './engine/layers/softmax.js';
import type { Gpt } from './gpt.js';
import { topAlternatives, topAlternativesOfProbs, type Alternative } from './top-k.js';

/**
 * Inference on a trained Gpt: per-token log-probabilities of any continuation (one full forward, the
 * teacher-forced view the harness scores), and generation with a KV cache: each new token runs one
 * position through the network, attending over the keys and values cached for the earlier ones.
 */
export interface ContinuationScore {
  readonly tokenLogprobs: number[];
  /** The model's top token at each continuation position, and its log-probability. */
  readonly topTokens: number[];
  readonly topLogprobs: number[];
  /** Was each continuation token the model's top choice at its position. */
  readonly tokenGreedy: boolean[];
  readonly loglik: number;
  /** The `topLogprobs` best tokens at each continuation position (empty lists when none were asked for). */
  readonly alternatives: Alternative[][];
}

export function scoreContinuation(model: Gpt, prompt: Int32Array, continuation: Int32Array, topLogprobs = 0): ContinuationScore {
  const T = prompt.length + continuation.length - 1;
  if (prompt.length === 0) throw new RangeError('scoring needs a non-empty prompt');
  if (T > model.config.blockSize) throw new RangeError(`prompt and continuation (${T + 1} tokens) exceed the context of ${model.config.blockSize + 1}`);
  const x = new Int32Array(T);
  x.set(prompt.subarray(0, prompt.length));
  x.set(continuation.subarray(0, continuation.length - 1), prompt.length);
  model.forward(x, 1, T, null);
  const V = model.config.vocabSize;
  const tokenLogprobs: number[] = [];
  const tokenGreedy: boolean[] = [];
  const topTokens: number[] = [];
  const topLps: number[] = [];
  const alternatives: Alternative[][] = [];
  for (let i = 0; i < continuation.length; i++) {
    const pos = prompt.length - 1 + i;
    const o = pos * V;
    const tok = continuation[i]!;
    let best = 0;
    for (let v = 1; v < V; v++) if (model.probs[o + v]! > model.probs[o + best]!) best = v;
    tokenLogprobs.push(Math.log(Math.max(model.probs[o + tok]!, 1e-30)));
    tokenGreedy.push(best === tok);
    topTokens.push(best);
    topLps.push(Math.log(Math.max(model.probs[o + best]!, 1e-30)));
    alternatives.push(topLogprobs > 0 ? topAlternativesOfProbs(model.probs.subarray(o, o + V), topLogprobs) : []);
  }
  return { tokenLogprobs, tokenGreedy, topTokens, topLogprobs: topLps, alternatives, loglik: tokenLogprobs.reduce((a, b) => a + b, 0) };
}

export interface GenerateOptions {
  readonly maxTokens: number;
  /** 0: greedy. */
  readonly temperature: number;
  readonly topP?: number;
  readonly rng?: Rng;
  /** Stop after generating any of these token ids (the stop token is included in the output). */
  readonly stopTokens?: readonly number[];
  /** Also report this many best tokens at each step (OpenAI `logprobs: k`); 0 or absent: none. */
  readonly topLogprobs?: number;
}

export interface Generated {
  readonly tokens: number[];
  readonly logprobs: number[];
  /** The model's top token at each step (differs from tokens when sampling), and its log-probability. */
  readonly topTokens: number[];
  readonly topLogprobs: number[];
  /** The `topLogprobs` best tokens at each step (empty lists when none were asked for). */
  readonly alternatives: Alternative[][];
  readonly finishReason: 'stop' | 'length';
}

/** One sequence, token by token, with a KV cache per layer. */
export function generate(model: Gpt, prompt: Int32Array, o: GenerateOptions): Generated {
  return generateBatch(model, [{ prompt, options: o }])[0]!;
}

export interface BatchRow {
  readonly prompt: Int32Array;
  readonly options: GenerateOptions;
}

/**
 * Several sequences at once, each with its own KV cache, position, sampler and stop rule. Every step
 * feeds each unfinished row its next token (a prompt token or the one it just chose), so the linear
 * layers run as one GEMM over the rows instead of one matrix-vector product per row: this is what
 * the server batches concurrent requests into. Each row's tokens are those generate() gives it alone.
 */
export function generateBatch(model: Gpt, rows: readonly BatchRow[]): Generated[] {
  const { vocabSize: V, blockSize } = model.config;
  for (const { prompt, options: o } of rows) {
    if (prompt.length === 0) throw new RangeError('generation needs a non-empty prompt');
    if (prompt.length > blockSize) throw new RangeError(`the prompt (${prompt.length} tokens) is longer than the context of ${blockSize}`);
    if (o.temperature > 0 && !o.rng) throw new RangeError('sampling at a temperature needs an Rng');
  }
  const R = rows.length;
  const cache = model.kvCache(R);
  const out = rows.map(() => ({ tokens: [] as number[], logprobs: [] as number[], topTokens: [] as number[], topLogprobs: [] as number[], alternatives: [] as Alternative[][], finishReason: 'length' as 'stop' | 'length' }));
  const next = new Int32Array(R); // the token row r feeds at the next step
  const feed = new Int32Array(R);
  const done = rows.map((r) => r.options.maxTokens <= 0);
  rows.forEach((r, i) => (next[i] = r.prompt[0]!));
  const pos = cache.pos; // tokens of row r already in its cache
  const scratch = new Float32Array(V);
  for (;;) {
    const act: number[] = [];
    for (let r = 0; r < R; r++) if (!done[r]) act.push(r);
    if (act.length === 0) break;
    act.forEach((r, b) => (feed[b] = next[r]!));
    const logits = model.decode(feed, act.length, cache, act);
    act.forEach((r, b) => {
      pos[r]!++;
      const { prompt, options: o } = rows[r]!;
      if (pos[r]! < prompt.length) {
        next[r] = prompt[pos[r]!]!;
        return;
      }
      const g = out[r]!;
      const row = logits.subarray(b * V, (b + 1) * V);
      const { tok, top, logZ } = choose(row, o, scratch);
      g.tokens.push(tok);
      g.logprobs.push(row[tok]! - logZ);
      g.topTokens.push(top);
      g.topLogprobs.push(row[top]! - logZ);
      g.alternatives.push(o.topLogprobs ? topAlternatives(row, logZ, o.topLogprobs) : []);
      if (o.stopTokens?.includes(tok)) {
        g.finishReason = 'stop';
        done[r] = true;
      } else if (g.tokens.length >= o.maxTokens || pos[r]! >= blockSize) done[r] = true;
      else next[r] = tok;
    });
  }
  return out;
}

/** The row's log-partition (log-probabilities are logit − logZ); the token chosen greedily or sampled (nucleus when topP < 1). */
function choose(logits: Float32Array, o: GenerateOptions, scratch: Float32Array): { tok: number; top: number; logZ: number } {
  const V = logits.length;
  scratch.set(logits);
  const logZ = softmaxInPlace(scratch, 0, V);
  let top = 0;
  for (let v = 1; v < V; v++) if (logits[v]! > logits[top]!) top = v;
  if (o.temperature <= 0) return { tok: top, top, logZ };
  // The sampling distribution: the same softmax over logits / temperature.
  for (let v = 0; v < V; v++) scratch[v] = logits[v]! / o.temperature;
  softmaxInPlace(scratch, 0, V);
  const order = Array.from({ length: V }, (_, v) => v).sort((a, b) => scratch[b]! - scratch[a]! || a - b);
  let keep = V;
  if (o.topP !== undefined && o.topP < 1) {
    let acc = 0;
    for (let i = 0; i < V; i++) {
      acc += scratch[order[i]!]!;
      if (acc >= o.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  let kt = 0;
  for (let i = 0; i < keep; i++) kt += scratch[order[i]!]!;
  let r = o.rng!.next() * kt;
  let tok = order[keep - 1]!;
  for (let i = 0; i < keep; i++) {
    r -= scratch[order[i]!]!;
    if (r <= 0) {
      tok = order[i]!;
      break;
    }
  }
  return { tok, top, logZ };
}
