import type { Rng } from '../core/random/rng.js';
import { kernels } from './engine/kernels.js';
import { linearForward } from './engine/layers/linear.js';
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
  const { nLayer: L, nHead: NH, nEmbd: C, vocabSize: V, blockSize } = model.config;
  for (const { prompt, options: o } of rows) {
    if (prompt.length === 0) throw new RangeError('generation needs a non-empty prompt');
    if (prompt.length > blockSize) throw new RangeError(`the prompt (${prompt.length} tokens) is longer than the context of ${blockSize}`);
    if (o.temperature > 0 && !o.rng) throw new RangeError('sampling at a temperature needs an Rng');
  }
  const R = rows.length;
  const gemm = model.gemm;
  const hs = C / NH;
  const K = Array.from({ length: L }, () => new Float32Array(R * blockSize * C));
  const Vc = Array.from({ length: L }, () => new Float32Array(R * blockSize * C));
  const x = new Float32Array(R * C), ln = new Float32Array(R * C), qkv = new Float32Array(R * 3 * C), y = new Float32Array(R * C), proj = new Float32Array(R * C);
  const fc = new Float32Array(R * 4 * C), fcg = new Float32Array(R * 4 * C), logits = new Float32Array(R * V);
  const mean = new Float32Array(R), rstd = new Float32Array(R);
  const scores = new Float32Array(blockSize);
  const wte = model.p('wte'), wpe = model.p('wpe');
  const scale = 1 / Math.sqrt(hs);
  const out = rows.map(() => ({ tokens: [] as number[], logprobs: [] as number[], topTokens: [] as number[], topLogprobs: [] as number[], alternatives: [] as Alternative[][], finishReason: 'length' as 'stop' | 'length' }));
  const pos = new Int32Array(R); // tokens of row r already in its cache
  const next = new Int32Array(R); // the token row r feeds at the next step
  const done = rows.map((r) => r.options.maxTokens <= 0);
  rows.forEach((r, i) => (next[i] = r.prompt[0]!));
  // act[b] is the row in batch slot b; the step runs slots 0..A-1.
  const step = (act: readonly number[]): void => {
    const A = act.length;
    act.forEach((r, b) => {
      for (let c = 0; c < C; c++) x[b * C + c] = wte[next[r]! * C + c]! + wpe[pos[r]! * C + c]!;
    });
    for (let l = 0; l < L; l++) {
      const P = (n: string): Float32Array => model.p(`h.${l}.${n}`);
      kernels().layernormForward(ln, mean, rstd, x, P('ln_1.weight'), P('ln_1.bias'), A, C);
      linearForward(gemm, qkv, ln, P('attn.c_attn.weight'), P('attn.c_attn.bias'), A, C, 3 * C);
      act.forEach((r, b) => {
        const kc = K[l]!, vc = Vc[l]!, base = r * blockSize * C, q = b * 3 * C, p = pos[r]!;
        kc.set(qkv.subarray(q + C, q + 2 * C), base + p * C);
        vc.set(qkv.subarray(q + 2 * C, q + 3 * C), base + p * C);
        for (let h = 0; h < NH; h++) {
          let max = -Infinity;
          for (let t = 0; t <= p; t++) {
            let d = 0;
            for (let i = 0; i < hs; i++) d += qkv[q + h * hs + i]! * kc[base + t * C + h * hs + i]!;
            scores[t] = d * scale;
            if (scores[t]! > max) max = scores[t]!;
          }
          let sum = 0;
          for (let t = 0; t <= p; t++) {
            scores[t] = Math.exp(scores[t]! - max);
            sum += scores[t]!;
          }
          for (let i = 0; i < hs; i++) {
            let acc = 0;
            for (let t = 0; t <= p; t++) acc += scores[t]! * vc[base + t * C + h * hs + i]!;
            y[b * C + h * hs + i] = acc / sum;
          }
        }
      });
      linearForward(gemm, proj, y, P('attn.c_proj.weight'), P('attn.c_proj.bias'), A, C, C);
      for (let i = 0; i < A * C; i++) x[i] = x[i]! + proj[i]!;
      kernels().layernormForward(ln, mean, rstd, x, P('ln_2.weight'), P('ln_2.bias'), A, C);
      linearForward(gemm, fc, ln, P('mlp.c_fc.weight'), P('mlp.c_fc.bias'), A, C, 4 * C);
      kernels().geluForward(fcg, fc, A * 4 * C, null);
      linearForward(gemm, proj, fcg, P('mlp.c_proj.weight'), P('mlp.c_proj.bias'), A, 4 * C, C);
      for (let i = 0; i < A * C; i++) x[i] = x[i]! + proj[i]!;
    }
    kernels().layernormForward(ln, mean, rstd, x, model.p('ln_f.weight'), model.p('ln_f.bias'), A, C);
    linearForward(gemm, logits, ln, wte, null, A, C, V);
  };
  for (;;) {
    const act: number[] = [];
    for (let r = 0; r < R; r++) if (!done[r]) act.push(r);
    if (act.length === 0) break;
    step(act);
    act.forEach((r, b) => {
      pos[r]!++;
      const { prompt, options: o } = rows[r]!;
      if (pos[r]! < prompt.length) {
        next[r] = prompt[pos[r]!]!;
        return;
      }
      const g = out[r]!;
      const { tok, top, logZ } = choose(logits.subarray(b * V, (b + 1) * V), o);
      g.tokens.push(tok);
      g.logprobs.push(logits[b * V + tok]! - logZ);
      g.topTokens.push(top);
      g.topLogprobs.push(logits[b * V + top]! - logZ);
      g.alternatives.push(o.topLogprobs ? topAlternatives(logits.subarray(b * V, (b + 1) * V), logZ, o.topLogprobs) : []);
      if (o.stopTokens?.includes(tok)) {
        g.finishReason = 'stop';
        done[r] = true;
      } else if (g.tokens.length >= o.maxTokens || pos[r]! >= blockSize) done[r] = true;
      else next[r] = tok;
    });
  }
  return out;
}

/** log-softmax of one row of logits; the token chosen greedily or sampled (nucleus when topP < 1). */
function choose(logits: Float32Array, o: GenerateOptions): { tok: number; top: number; logZ: number } {
  const V = logits.length;
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[v]!);
  let z = 0;
  for (let v = 0; v < V; v++) z += Math.exp(logits[v]! - max);
  const logZ = max + Math.log(z);
  let top = 0;
  for (let v = 1; v < V; v++) if (logits[v]! > logits[top]!) top = v;
  if (o.temperature <= 0) return { tok: top, top, logZ };
  const p = Array.from(logits, (l, v) => ({ v, w: Math.exp((l - max) / o.temperature) }));
  p.sort((a, b) => b.w - a.w);
  const total = p.reduce((s, e) => s + e.w, 0);
  let keep = p.length;
  if (o.topP !== undefined && o.topP < 1) {
    let acc = 0;
    for (let i = 0; i < p.length; i++) {
      acc += p[i]!.w / total;
      if (acc >= o.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  const kept = p.slice(0, keep);
  const kt = kept.reduce((s, e) => s + e.w, 0);
  let r = o.rng!.next() * kt;
  let tok = kept[kept.length - 1]!.v;
  for (const e of kept) {
    r -= e.w;
    if (r <= 0) {
      tok = e.v;
      break;
    }
  }
  return { tok, top, logZ };
}
