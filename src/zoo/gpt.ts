import type { Rng } from '../core/random/rng.js';
import type { Gemm } from './engine/gemm.js';
import { kernels } from './engine/kernels.js';
import { embedBackward, embedForward } from './engine/layers/embedding.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { ParamModel } from './engine/params.js';
import type { KvCache } from './kv-cache.js';
import type { MoeStats } from './moe.js';
import { gpt2Init, mlpHidden, Trunk, trunkShapes, type TrunkConfig } from './trunk.js';
import { isMoeBlock } from './moe.js';

/**
 * A GPT-2-style decoder (Radford et al. 2019; nanoGPT's model.py, llm.c's train_gpt2.c): token and
 * position embeddings, the trunk's nLayer pre-norm blocks and final norm (trunk.ts), and the output head tied to the token embedding. All parameters live in one Float32Array (and all
 * gradients in another), laid out in the order of `paramShapes`, named as in nanoGPT so a checkpoint
 * maps onto a PyTorch state dict.
 */
export interface GptConfig extends TrunkConfig {
  readonly vocabSize: number;
  readonly blockSize: number;
}

/**
 * Named sizes of the arithmetic family, smallest to largest (≈1K to 0.8M parameters at the arithmetic
 * vocabulary): a ladder spanning over 700× that trains on 2 cores in minutes.
 */
export const NAMED_SIZES: Readonly<Record<string, TrunkConfig>> = {
  xxs: { nLayer: 1, nHead: 1, nEmbd: 8 },
  xs: { nLayer: 1, nHead: 2, nEmbd: 16 },
  s: { nLayer: 2, nHead: 2, nEmbd: 24 },
  m: { nLayer: 2, nHead: 4, nEmbd: 48 },
  l: { nLayer: 3, nHead: 4, nEmbd: 80 },
  xl: { nLayer: 4, nHead: 4, nEmbd: 128 },
};

export function paramShapes(c: GptConfig): [string, number[]][] {
  return [['wte', [c.vocabSize, c.nEmbd]], ['wpe', [c.blockSize, c.nEmbd]], ...trunkShapes(c)];
}

/**
 * Parameters a token's forward pass uses: all of them for a dense model; an MoE block counts its
 * router and k of its E experts (nominally: a dropped assignment uses fewer). The compute axis of
 * a sparse ladder, where paramShapes' total is the memory axis.
 */
export function activeParamCount(c: GptConfig): number {
  const total = paramShapes(c).reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0);
  const m = c.moe;
  if (!m) return total;
  const C = c.nEmbd, H = mlpHidden(c);
  let blocks = 0;
  for (let l = 0; l < c.nLayer; l++) if (isMoeBlock(m, l)) blocks++;
  return total - blocks * (m.experts - m.topK) * (2 * H * C + H + C);
}

export class Gpt extends ParamModel {
  private readonly trunk: Trunk;
  private acts: Record<string, Float32Array> = {};
  private shape: { B: number; T: number } | null = null;
  private lastTokens: Int32Array | null = null;
  private lastShift: Int32Array | null = null;
  private lastTargets: Int32Array | null = null;
  /** The trunk's output of the last forward pass: what the head read. */
  private features: Float32Array = new Float32Array(0);
  /** Probabilities of the last forward pass, (B, T, V). */
  probs: Float32Array = new Float32Array(0);
  private decodeX = new Float32Array(0);
  private decodeLogits = new Float32Array(0);

  constructor(readonly config: GptConfig, readonly gemm: Gemm, params?: Float32Array) {
    super(paramShapes(config), params);
    this.trunk = new Trunk(config, gemm, (n) => this.p(n), (n) => this.g(n));
  }

  /** GPT-2 initialisation (see gpt2Init). */
  init(rng: Rng): void {
    for (const [name, sh] of paramShapes(this.config)) gpt2Init(name, sh, this.p(name), this.config.nLayer, () => rng.normal());
  }

  private ensure(B: number, T: number): void {
    if (T > this.config.blockSize) throw new RangeError(`sequence of ${T} tokens is longer than the block size ${this.config.blockSize}`);
    if (this.shape && this.shape.B === B && this.shape.T === T) return;
    const { nEmbd: C, vocabSize: V } = this.config;
    const BT = B * T;
    const f = (n: number): Float32Array => new Float32Array(n);
    this.acts = { encoded: f(BT * C), logits: f(BT * V), dlogits: f(BT * V), dlnf: f(BT * C) };
    this.probs = f(BT * V);
    this.shape = { B, T };
  }

  /**
   * Forward pass over tokens (B, T); with targets (−1 = ignore), returns the mean cross-entropy.
   * `shift` (B): each row's first position (default 0; see embedForward).
   */
  forward(tokens: Int32Array, B: number, T: number, targets: Int32Array | null = null, shift: Int32Array | null = null): number {
    this.ensure(B, T);
    const { nEmbd: C, vocabSize: V } = this.config;
    const BT = B * T;
    const a = this.acts;
    embedForward(a.encoded!, tokens, this.p('wte'), this.p('wpe'), B, T, C, V, shift);
    this.lastShift = shift;
    const lnf = this.trunk.forward(a.encoded!, B, T);
    this.features = lnf;
    linearForward(this.gemm, a.logits!, lnf, this.p('wte'), null, BT, C, V);
    this.lastTokens = tokens;
    this.lastTargets = targets;
    if (targets === null) {
      // Probabilities only (generation, scoring): targets of -1 count nothing.
      kernels().crossEntropyForward(this.probs, a.logits!, new Int32Array(BT).fill(-1), BT, V);
      return NaN;
    }
    return kernels().crossEntropyForward(this.probs, a.logits!, targets, BT, V);
  }

  /**
   * The last forward pass's load-balancing loss (summed over MoE blocks; 0 when dense). `forward`
   * returns the cross-entropy alone, the figure every evaluation reads; the training objective is
   * their sum, and `backward` differentiates the sum.
   */
  get auxLoss(): number {
    return this.trunk.auxLoss;
  }

  /** What each MoE block's router did on the last forward pass (empty when dense). */
  moeStats(): MoeStats[] {
    return this.trunk.moeStats();
  }

  /** Backward of the last forward (which must have had targets): cross-entropy plus auxLoss; accumulates into grads. */
  backward(): void {
    if (!this.shape || !this.lastTargets || !this.lastTokens) throw new Error('backward needs a forward pass with targets first');
    const { B, T } = this.shape;
    const { nEmbd: C, vocabSize: V } = this.config;
    const BT = B * T;
    const a = this.acts;
    a.dlogits!.fill(0);
    a.dlnf!.fill(0);
    kernels().crossEntropyBackward(a.dlogits!, this.probs, this.lastTargets, BT, V);
    linearBackward(this.gemm, a.dlnf!, this.g('wte'), null, a.dlogits!, this.features, this.p('wte'), BT, C, V);
    const dres = this.trunk.backward(a.dlnf!);
    embedBackward(this.g('wte'), this.g('wpe'), dres, this.lastTokens, B, T, C, this.lastShift);
  }

  /** A KV cache for `rows` sequences of up to the block size, for `decode`. */
  kvCache(rows: number): KvCache {
    return this.trunk.kvCache(rows, this.config.blockSize);
  }

  /**
   * The next-token logits (A, V) of A cached rows: batch slot b feeds tokens[b] to cache row slots[b]
   * at that row's next position (the caller advances cache.pos). Valid until the next call.
   */
  decode(tokens: Int32Array, A: number, cache: KvCache, slots: readonly number[]): Float32Array {
    const { nEmbd: C, vocabSize: V } = this.config;
    if (this.decodeX.length < cache.rows * C) this.decodeX = new Float32Array(cache.rows * C);
    if (this.decodeLogits.length < cache.rows * V) this.decodeLogits = new Float32Array(cache.rows * V);
    const x = this.decodeX, wte = this.p('wte'), wpe = this.p('wpe');
    for (let b = 0; b < A; b++) {
      const tok = tokens[b]!, p = cache.pos[slots[b]!]!;
      if (!(tok >= 0 && tok < V)) throw new RangeError(`token ${tok} outside the vocabulary of ${V}`);
      for (let c = 0; c < C; c++) x[b * C + c] = wte[tok * C + c]! + wpe[p * C + c]!;
    }
    const features = this.trunk.decode(x, A, cache, slots);
    linearForward(this.gemm, this.decodeLogits, features, wte, null, A, C, V);
    return this.decodeLogits;
  }
}
