import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { loadGemm } from './engine/gemm.js';
import { adamwStep, ADAMW_DEFAULTS } from './engine/adamw.js';
import { allocRouting, expertCapacity, loadBalance, route } from './engine/layers/moe-route.js';
import { Gpt, paramShapes, type GptConfig } from './gpt.js';
import type { MoeConfig } from './moe.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const moe = (o: Partial<MoeConfig> = {}): MoeConfig => ({ experts: 4, topK: 1, capacityFactor: 1, alpha: 0.1, every: 2, ...o });
const cfg = (o: Partial<MoeConfig> = {}): GptConfig => ({ vocabSize: 7, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 8, moe: moe(o) });

describe('the router', () => {
  it('takes first choices before second choices, in token order, up to the capacity', () => {
    // 3 tokens, 2 experts, top-2, capacity 2: first choices 0, 0, 1 all fit; then second choices in
    // token order: token 0's (expert 1) takes expert 1's last slot, so token 1's second choice and
    // token 2's (expert 0, already full) are dropped. Token 2's first choice beat token 0's second.
    const logits = Float32Array.of(2, 0, 1, 0, 0, 3);
    const r = allocRouting(3, 2, 2);
    const kept = route(logits, 3, 2, 2, 2, r);
    expect(Array.from(r.choice)).toEqual([0, 1, 0, 1, 1, 0]);
    expect(kept).toBe(4);
    expect(Array.from(r.offsets)).toEqual([0, 2, 4]);
    expect(Array.from(r.row)).toEqual([0, 3, 1, -1, 2, -1]);
    expect(Array.from(r.rowToken.subarray(0, 4))).toEqual([0, 1, 2, 0]);
    expect(Array.from(r.rowAssign.subarray(0, 4))).toEqual([0, 2, 4, 1]);
    // Renormalised top-2 gates sum to one (two experts: they are the probabilities themselves).
    expect(r.gate[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(r.gate[0]! + r.gate[1]!).toBeCloseTo(1, 6);
    expect(Array.from(r.first)).toEqual([2, 1]);
  });

  it('top-1 keeps the probability as the gate; ties go to the lower expert', () => {
    const logits = Float32Array.of(1, 1, 0);
    const r = allocRouting(1, 3, 1);
    route(logits, 1, 3, 1, Infinity, r);
    expect(r.choice[0]).toBe(0);
    expect(r.gate[0]).toBeCloseTo(Math.E / (2 * Math.E + 1), 6);
  });

  it('capacity is ⌊factor·k·tokens/E⌋, at least 1 and at most the tokens', () => {
    expect(expertCapacity(1.25, 1, 64, 8)).toBe(10);
    expect(expertCapacity(1, 2, 12, 4)).toBe(6);
    expect(expertCapacity(1, 1, 2, 8)).toBe(1);
    expect(expertCapacity(100, 1, 5, 2)).toBe(5);
  });

  it('the load-balancing loss is α under uniform routing (its minimum) and α·E when one expert takes all', () => {
    const N = 8, E = 4;
    const uniform = new Float32Array(N * E).fill(1 / E);
    expect(loadBalance(uniform, Int32Array.of(2, 2, 2, 2), N, E, 0.01, null)).toBeCloseTo(0.01, 9);
    const collapsed = new Float32Array(N * E);
    for (let n = 0; n < N; n++) collapsed[n * E] = 1;
    expect(loadBalance(collapsed, Int32Array.of(8, 0, 0, 0), N, E, 0.01, null)).toBeCloseTo(0.04, 9);
  });
});

describe('the MoE GPT', () => {
  it('lays out the router and E experts in every other block, the dense MLP elsewhere', () => {
    const shapes = paramShapes(cfg());
    const names = shapes.map(([n]) => n);
    expect(names).toContain('h.0.mlp.c_fc.weight');
    expect(names).not.toContain('h.1.mlp.c_fc.weight');
    expect(names).toContain('h.1.moe.router.weight');
    expect(names).toContain('h.1.moe.experts.3.c_proj.bias');
    const dense = new Gpt({ ...cfg(), moe: undefined }, loadGemm());
    const sparse = new Gpt(cfg(), loadGemm());
    const C = 8, H = 32;
    const mlp = H * C + H + C * H + C;
    expect(sparse.numParams - dense.numParams).toBe(4 * C + 3 * mlp);
    expect(() => new Gpt(cfg({ topK: 5 }), loadGemm())).toThrow(/moe.topK must be a whole number 1..experts \(4\), got 5/);
    expect(() => new Gpt(cfg({ every: 3 }), loadGemm())).toThrow(/moe.every/);
  });

  for (const [what, o] of [['top-1, capacity 1.0', { topK: 1, capacityFactor: 1 }], ['top-2, capacity 0.75', { topK: 2, capacityFactor: 0.75 }]] as const) {
    it(`${what}: gradients of cross-entropy + load balance agree with finite differences in every tensor, with tokens dropped`, () => {
      const c = cfg(o);
      const m = new Gpt(c, loadGemm());
      const rng = makeRng(11);
      m.init(rng);
      for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.3 * rng.normal();
      const tokens = Int32Array.of(1, 2, 3, 4, 5, 6, 0, 3, 3, 2, 1, 6);
      const targets = Int32Array.of(2, 3, 4, 5, 6, -1, 3, 3, 2, 1, 6, 0);
      const objective = (): number => m.forward(tokens, 2, 6, targets) + m.auxLoss;
      const signature = (): string => m.moeStats().map((s) => `${Array.from(s.top1).join()}|${Array.from(s.kept).join()}`).join(';');
      m.zeroGrad();
      objective();
      const routed = signature();
      const stats = m.moeStats()[0]!;
      expect(stats.dropped, 'the case must drop assignments').toBeGreaterThan(0);
      expect(m.auxLoss).toBeGreaterThan(0);
      m.backward();
      const grads = Float32Array.from(m.grads);
      let checked = 0, skipped = 0;
      for (const [name] of paramShapes(c)) {
        const v = m.p(name);
        const offset = v.byteOffset / 4 - m.params.byteOffset / 4;
        for (let s = 0; s < 4; s++) {
          const i = Math.floor(rng.next() * v.length);
          const old = v[i]!;
          const eps = 1e-2;
          v[i] = old + eps;
          const lp = objective();
          const same = signature() === routed;
          v[i] = old - eps;
          const lm = objective();
          v[i] = old;
          // A step that changes the routing crosses a discontinuity: no derivative to compare there.
          if (!same || signature() !== routed) {
            skipped++;
            continue;
          }
          checked++;
          const num = (lp - lm) / (2 * eps);
          const ana = grads[offset + i]!;
          expect(Math.abs(num - ana), `${name}[${i}]: analytic ${ana} vs numeric ${num}`).toBeLessThanOrEqual(5e-4 + 2e-2 * Math.abs(num));
        }
      }
      expect(skipped).toBeLessThan(checked / 10);
    });
  }

  it('a checkpoint saves and loads the router and experts: the reloaded model computes the same loss', () => {
    const c = cfg({ topK: 2 });
    const m = new Gpt(c, loadGemm());
    m.init(makeRng(7));
    const tokens = Int32Array.of(1, 2, 3, 4, 5, 6), targets = Int32Array.of(2, 3, 4, 5, 6, 0);
    const loss = m.forward(tokens, 1, 6, targets);
    const dir = mkdtempSync(join(tmpdir(), 'moe-ckpt-'));
    try {
      const file = join(dir, 'm.safetensors');
      saveCheckpoint(file, m.params, { config: c, step: 3 });
      const back = loadCheckpoint(file);
      expect(back.meta.config).toEqual(c);
      const r = new Gpt(back.meta.config as GptConfig, loadGemm(), back.params);
      expect(Array.from(r.p('h.1.moe.experts.2.c_fc.weight'))).toEqual(Array.from(m.p('h.1.moe.experts.2.c_fc.weight')));
      expect(r.forward(tokens, 1, 6, targets)).toBe(loss);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('initialises the router at 0.1× the other matrices, so routing starts near uniform', () => {
    const m = new Gpt({ ...cfg(), nEmbd: 64, nHead: 4 }, loadGemm());
    m.init(makeRng(5));
    const sd = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    const ratio = sd(m.p('h.1.moe.router.weight')) / sd(m.p('h.1.moe.experts.0.c_fc.weight'));
    expect(ratio).toBeGreaterThan(0.08);
    expect(ratio).toBeLessThan(0.12);
  });

  it('a dropped token passes through on the residual: its MoE block adds nothing', () => {
    // MoE in the last block: a token that block drops must come out exactly as from the same model
    // with every expert silenced (c_proj zeroed); a token it kept must not.
    const c = cfg({ capacityFactor: 0.5 });
    const m = new Gpt(c, loadGemm());
    const rng = makeRng(3);
    m.init(rng);
    for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.3 * rng.normal();
    const tokens = Int32Array.of(1, 2, 3, 4, 5, 6, 0, 3, 3, 2, 1, 6);
    m.forward(tokens, 2, 6, null);
    const s = m.moeStats()[0]!;
    expect(s.capacity).toBe(1);
    expect(s.tokensDropped).toBe(12 - s.kept.reduce((a, b) => a + b, 0));
    const probs = Float32Array.from(m.probs);
    const silent = new Gpt(c, loadGemm(), Float32Array.from(m.params));
    for (let e = 0; e < 4; e++) {
      silent.p(`h.1.moe.experts.${e}.c_proj.weight`).fill(0);
      silent.p(`h.1.moe.experts.${e}.c_proj.bias`).fill(0);
    }
    silent.forward(tokens, 2, 6, null);
    const V = 7;
    for (let n = 0; n < 12; n++) {
      const same = Array.from(probs.subarray(n * V, (n + 1) * V)).every((p, v) => p === silent.probs[n * V + v]);
      expect(same, `token ${n} ${s.passed[n] ? 'dropped' : 'kept'}`).toBe(s.passed[n] === 1);
    }
  });

  it('KV-cache decoding routes each new token as the full pass does (no capacity binding)', () => {
    const c = { ...cfg({ topK: 2, capacityFactor: 2 }), blockSize: 8 };
    const m = new Gpt(c, loadGemm());
    m.init(makeRng(4));
    for (let i = 0; i < m.params.length; i++) m.params[i] = m.params[i]! + 0.2 * makeRng(i).normal();
    const seq = [1, 5, 2, 6, 3, 0, 4];
    m.forward(Int32Array.from(seq), 1, seq.length, null);
    expect(m.moeStats()[0]!.dropped).toBe(0);
    const full = Float32Array.from(m.probs);
    const cache = m.kvCache(1);
    for (let t = 0; t < seq.length; t++) {
      const logits = m.decode(Int32Array.of(seq[t]!), 1, cache, [0]);
      cache.pos[0]!++;
      let max = -Infinity;
      for (let v = 0; v < 7; v++) max = Math.max(max, logits[v]!);
      let z = 0;
      for (let v = 0; v < 7; v++) z += Math.exp(logits[v]! - max);
      for (let v = 0; v < 7; v++) expect(Math.exp(logits[v]! - max) / z).toBeCloseTo(full[t * 7 + v]!, 5);
    }
  });

  it('a short training run on a fixed pattern: the loss falls and the experts share the load', () => {
    const m = new Gpt({ vocabSize: 10, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 32, moe: moe({ alpha: 0.01 }) }, loadGemm());
    m.init(makeRng(1));
    const rng = makeRng(2);
    const B = 16, T = 8;
    const mo = new Float32Array(m.numParams), vo = new Float32Array(m.numParams);
    let first = 0, last = 0;
    for (let step = 1; step <= 60; step++) {
      const x = new Int32Array(B * T), y = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        const s = Math.floor(rng.next() * 10);
        for (let t = 0; t < T; t++) {
          x[b * T + t] = (s + t) % 10;
          y[b * T + t] = (s + t + 1) % 10;
        }
      }
      m.zeroGrad();
      const loss = m.forward(x, B, T, y);
      m.backward();
      adamwStep(m.params, m.grads, mo, vo, m.decay, step, { ...ADAMW_DEFAULTS, lr: 3e-3 });
      if (step === 1) first = loss;
      last = loss;
    }
    expect(first).toBeGreaterThan(2);
    expect(last).toBeLessThan(0.5 * first);
    expect(m.moeStats()[0]!.kept.filter((k) => k > 0).length).toBeGreaterThan(1);
  });
});
