import type { Rng } from '../core/random/rng.js';
import type { Gemm } from './engine/gemm.js';
import { kernels } from './engine/kernels.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { ParamModel } from './engine/params.js';
import { gpt2Init, Trunk, trunkShapes, type TrunkConfig } from './trunk.js';

/**
 * Chan et al.'s few-shot classifier (arXiv 2205.05055) over Reddy's vector tokens (arXiv
 * 2312.03002): a sequence (x₁, ℓ₁, …, x_N, ℓ_N, x_q) of 2N + 1 tokens of D values — exemplars and
 * label vectors alike — is read in linearly, learned positions added, run causally through the
 * lab's trunk, and the last token's features are read out as logits over the L labels. The loss is
 * the query's cross-entropy only, as in both papers.
 */
export interface ExemplarConfig extends TrunkConfig {
  /** D: values per token. */
  readonly dims: number;
  /** N: (exemplar, label) pairs before the query; the context is 2N + 1 tokens. */
  readonly context: number;
  /** L: the labels the read-out chooses among. */
  readonly labels: number;
}

export const exemplarTokens = (c: Pick<ExemplarConfig, 'context'>): number => 2 * c.context + 1;

export function exemplarShapes(c: ExemplarConfig): [string, number[]][] {
  return [
    ['read_in.weight', [c.nEmbd, c.dims]], ['read_in.bias', [c.nEmbd]], ['wpe', [exemplarTokens(c), c.nEmbd]],
    ...trunkShapes(c),
    ['read_out.weight', [c.labels, c.nEmbd]], ['read_out.bias', [c.labels]],
  ];
}

export class ExemplarTransformer extends ParamModel {
  private readonly trunk: Trunk;
  private B = -1;
  private a: Record<'encoded' | 'last' | 'logits' | 'dlogits' | 'dlast' | 'dfeat', Float32Array> | null = null;
  private features: Float32Array = new Float32Array(0);
  private tokens: Float32Array | null = null;
  private targets: Int32Array | null = null;
  /** Softmax over the labels of the last forward (B, L). */
  probs: Float32Array = new Float32Array(0);

  constructor(readonly config: ExemplarConfig, readonly gemm: Gemm, params?: Float32Array) {
    super(exemplarShapes(config), params);
    this.trunk = new Trunk(config, gemm, (n) => this.p(n), (n) => this.g(n));
  }

  init(rng: Rng): void {
    for (const [name, sh] of exemplarShapes(this.config)) {
      if (name === 'read_in.weight') {
        // Token values are N(0, 1/D): unit weights give unit-variance embeddings, as the regressor's read-in does for N(0, 1) inputs.
        const v = this.p(name);
        for (let i = 0; i < v.length; i++) v[i] = rng.normal();
      } else gpt2Init(name, sh, this.p(name), this.config.nLayer, () => rng.normal());
    }
  }

  private ensure(B: number): NonNullable<ExemplarTransformer['a']> {
    if (this.a && this.B === B) return this.a;
    const { nEmbd: C, labels: L } = this.config;
    const T = exemplarTokens(this.config);
    const f = (n: number): Float32Array => new Float32Array(n);
    this.a = { encoded: f(B * T * C), last: f(B * C), logits: f(B * L), dlogits: f(B * L), dlast: f(B * C), dfeat: f(B * T * C) };
    this.probs = f(B * L);
    this.B = B;
    return this.a;
  }

  /**
   * tokens (B, 2N+1, D) as `sequenceTokens` lays them out; targets (B) the query's label, or null to
   * predict only. Returns the mean cross-entropy of the query (NaN without targets).
   */
  forward(tokens: Float32Array, B: number, targets: Int32Array | null): number {
    const a = this.ensure(B);
    const { nEmbd: C, dims: D, labels: L } = this.config;
    const T = exemplarTokens(this.config);
    if (tokens.length !== B * T * D) throw new RangeError(`tokens: ${tokens.length} values, expected ${B} × ${T} × ${D}`);
    linearForward(this.gemm, a.encoded, tokens, this.p('read_in.weight'), this.p('read_in.bias'), B * T, D, C);
    const wpe = this.p('wpe');
    for (let b = 0; b < B; b++) {
      const o = b * T * C;
      for (let i = 0; i < T * C; i++) a.encoded[o + i] = a.encoded[o + i]! + wpe[i]!;
    }
    this.features = this.trunk.forward(a.encoded, B, T);
    for (let b = 0; b < B; b++) a.last.set(this.features.subarray((b * T + T - 1) * C, (b * T + T) * C), b * C); // (B, C): the query's features
    linearForward(this.gemm, a.logits, a.last, this.p('read_out.weight'), this.p('read_out.bias'), B, C, L);
    this.tokens = tokens;
    this.targets = targets;
    const loss = kernels().crossEntropyForward(this.probs, a.logits, targets ?? new Int32Array(B).fill(-1), B, L);
    return targets ? loss : NaN;
  }

  backward(): void {
    const a = this.a;
    if (!a || !this.targets || !this.tokens) throw new Error('backward needs a forward pass with targets first');
    const B = this.B;
    const { nEmbd: C, dims: D, labels: L } = this.config;
    const T = exemplarTokens(this.config);
    a.dlogits.fill(0);
    kernels().crossEntropyBackward(a.dlogits, this.probs, this.targets, B, L);
    a.dlast.fill(0);
    linearBackward(this.gemm, a.dlast, this.g('read_out.weight'), this.g('read_out.bias'), a.dlogits, a.last, this.p('read_out.weight'), B, C, L);
    a.dfeat.fill(0);
    for (let b = 0; b < B; b++) a.dfeat.set(a.dlast.subarray(b * C, (b + 1) * C), (b * T + T - 1) * C);
    const denc = this.trunk.backward(a.dfeat);
    const gwpe = this.g('wpe');
    for (let b = 0; b < B; b++) for (let i = 0; i < T * C; i++) gwpe[i] = gwpe[i]! + denc[b * T * C + i]!;
    // The read-in's input is data: no gradient is needed past it.
    linearBackward(this.gemm, null, this.g('read_in.weight'), this.g('read_in.bias'), denc, this.tokens, this.p('read_in.weight'), B * T, D, C);
  }
}

/**
 * Tokens (B, 2N+1, D) of sequences: exemplar i at position 2i, the label vector of its label at
 * 2i + 1, the query's exemplar last; and the targets (B), the query's labels.
 */
export function sequenceTokens(seqs: readonly { readonly exemplars: Float32Array; readonly labels: Int32Array }[], labelVectors: Float32Array, dims: number, context: number): { tokens: Float32Array; targets: Int32Array } {
  const T = 2 * context + 1;
  const D = dims;
  const tokens = new Float32Array(seqs.length * T * D);
  const targets = new Int32Array(seqs.length);
  seqs.forEach((s, b) => {
    if (s.labels.length !== context + 1 || s.exemplars.length !== (context + 1) * D) throw new RangeError(`sequence ${b}: ${s.labels.length} items, expected ${context + 1}`);
    const o = b * T * D;
    for (let i = 0; i < context; i++) {
      tokens.set(s.exemplars.subarray(i * D, (i + 1) * D), o + 2 * i * D);
      tokens.set(labelVectors.subarray(s.labels[i]! * D, (s.labels[i]! + 1) * D), o + (2 * i + 1) * D);
    }
    tokens.set(s.exemplars.subarray(context * D, (context + 1) * D), o + 2 * context * D);
    targets[b] = s.labels[context]!;
  });
  return { tokens, targets };
}
