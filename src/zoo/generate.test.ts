import { afterAll, describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { loadGemm } from './engine/gemm.js';
import { Gpt } from './gpt.js';
import { generate, generateBatch, scoreContinuation, type BatchRow } from './generate.js';
import { ArithmeticTrainer } from './train-arith.js';
import type { TrunkConfig } from './trunk.js';
import { kernelsKind, nativeKernelsOrNull, useKernels, type KernelsKind } from './engine/kernels.js';

function randomModel(trunk: Partial<TrunkConfig> = {}): Gpt {
  const m = new Gpt({ vocabSize: 11, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16, ...trunk }, loadGemm());
  const rng = makeRng(9);
  m.init(rng);
  for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.2 * rng.normal();
  return m;
}

/** Greedy decoding the slow way: a full forward over the whole sequence for every new token. */
function greedyFull(m: Gpt, prompt: number[], n: number): { tokens: number[]; logprobs: number[] } {
  const seq = [...prompt];
  const tokens: number[] = [];
  const logprobs: number[] = [];
  const V = m.config.vocabSize;
  for (let k = 0; k < n; k++) {
    m.forward(Int32Array.from(seq), 1, seq.length, null);
    const o = (seq.length - 1) * V;
    let best = 0;
    for (let v = 1; v < V; v++) if (m.probs[o + v]! > m.probs[o + best]!) best = v;
    tokens.push(best);
    logprobs.push(Math.log(m.probs[o + best]!));
    seq.push(best);
  }
  return { tokens, logprobs };
}

const initial = kernelsKind();
afterAll(() => useKernels(initial));
const BACKENDS: KernelsKind[] = ['typescript', ...(nativeKernelsOrNull() ? (['native'] as const) : [])];
const TRUNKS: [string, Partial<TrunkConfig>][] = [
  ['LayerNorm, 4x MLP', {}], ['RMSNorm, 3x MLP', { norm: 'rmsnorm', mlpRatio: 3 }],
  // Capacity above the tokens, so the full pass drops none and decoding must route every token alike.
  ['MoE top-2 of 4 in block 1', { moe: { experts: 4, topK: 2, capacityFactor: 2, alpha: 0.01, every: 2 } }],
];

describe('inference', () => {
  it.each(BACKENDS.flatMap((k) => TRUNKS.map(([n, t]) => [n, k, t] as const)))('KV-cache generation reproduces full-forward greedy decoding, token for token, with the same log-probabilities (%s, %s kernels)', (_n, kind, trunk) => {
    useKernels(kind);
    const m = randomModel(trunk);
    const prompt = [3, 1, 4, 1, 5];
    const g = generate(m, Int32Array.from(prompt), { maxTokens: 6, temperature: 0 });
    const ref = greedyFull(m, prompt, 6);
    expect(g.tokens).toEqual(ref.tokens);
    g.logprobs.forEach((lp, i) => expect(lp).toBeCloseTo(ref.logprobs[i]!, 4));
  });
  it('the log-likelihood of a continuation equals the cross-entropy the model trains on', () => {
    const m = randomModel();
    const prompt = Int32Array.of(2, 7, 1);
    const cont = Int32Array.of(8, 2, 8);
    const s = scoreContinuation(m, prompt, cont);
    const x = Int32Array.of(2, 7, 1, 8, 2);
    const y = Int32Array.of(-1, -1, 8, 2, 8);
    const ce = m.forward(x, 1, 5, y);
    expect(s.loglik).toBeCloseTo(-3 * ce, 4);
    expect(s.tokenGreedy).toHaveLength(3);
  });
  it('a batch of rows with different prompts, lengths, samplers and stops gives each row what it gets alone', () => {
    const m = randomModel();
    const rows = (): BatchRow[] => [
      { prompt: Int32Array.of(3, 1, 4, 1, 5), options: { maxTokens: 6, temperature: 0 } },
      { prompt: Int32Array.of(2), options: { maxTokens: 9, temperature: 1, rng: makeRng(11) } },
      { prompt: Int32Array.of(7, 7, 7, 7, 7, 7, 7, 7, 7, 7), options: { maxTokens: 8, temperature: 0 } }, // hits the context
      { prompt: Int32Array.of(1, 2), options: { maxTokens: 0, temperature: 0 } },
      { prompt: Int32Array.of(9, 8), options: { maxTokens: 7, temperature: 0.8, topP: 0.9, rng: makeRng(5) } },
    ];
    const greedy0 = generate(m, Int32Array.of(9, 8), { maxTokens: 7, temperature: 0 }).tokens;
    const withStop = [...rows(), { prompt: Int32Array.of(9, 8), options: { maxTokens: 7, temperature: 0, stopTokens: [greedy0[1]!] } }];
    const batched = generateBatch(m, withStop);
    const alone = withStop.map((r, i) => generate(m, r.prompt, i < 5 ? rows()[i]!.options : r.options));
    batched.forEach((b, i) => {
      expect(b.tokens).toEqual(alone[i]!.tokens);
      expect(b.finishReason).toBe(alone[i]!.finishReason);
      b.logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(alone[i]!.logprobs[j]!, 4));
    });
    expect(batched[2]!.tokens).toHaveLength(3); // 10 prompt tokens fill a context of 12 after 2 more; the 3rd is predicted from the full context
    expect(batched[3]!.tokens).toHaveLength(0);
    expect(batched[5]!.finishReason).toBe('stop');
    expect(batched[5]!.tokens).toEqual(greedy0.slice(0, greedy0.indexOf(greedy0[1]!) + 1));
  });
  it('sampling is deterministic for a seed, and needs an Rng', () => {
    const m = randomModel();
    const p = Int32Array.of(1, 2);
    const a = generate(m, p, { maxTokens: 8, temperature: 1, rng: makeRng(4) });
    const b = generate(m, p, { maxTokens: 8, temperature: 1, rng: makeRng(4) });
    expect(a.tokens).toEqual(b.tokens);
    expect(() => generate(m, p, { maxTokens: 2, temperature: 0.7 })).toThrow(/needs an Rng/);
    const nucleus = generate(m, p, { maxTokens: 8, temperature: 1, topP: 0.01, rng: makeRng(4) });
    expect(nucleus.tokens).toEqual(generate(m, p, { maxTokens: 8, temperature: 0 }).tokens); // top-p near 0 is greedy
  });
  it('a trained adder answers through generate as through the trainer’s decoder', () => {
    const t = new ArithmeticTrainer({ digits: 2, operation: 'add', model: { nLayer: 2, nHead: 2, nEmbd: 32 }, steps: 120, batch: 32, lr: 3e-3, warmup: 10, weightDecay: 0.1, seed: 3, evalEvery: 0, evalSize: 20 }, loadGemm());
    for (let s = 0; s < 120; s++) t.trainStep();
    const prompts = t.test.slice(0, 10).map((p) => p.prompt);
    const viaTrainer = t.answer(prompts);
    const newline = t.tok.encode('\n')[0]!;
    const viaGenerate = prompts.map((p) => t.tok.decode(generate(t.model, t.tok.encode(p), { maxTokens: 4, temperature: 0, stopTokens: [newline] }).tokens));
    expect(viaGenerate.map((s) => s.slice(0, 3))).toEqual(viaTrainer.map((s) => s.slice(0, 3)));
  });
});
