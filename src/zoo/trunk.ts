import type { Gemm } from './engine/gemm.js';
import { kernels } from './engine/kernels.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';

/**
 * The body of a GPT-2-style decoder (nanoGPT's model.py, llm.c's train_gpt2.c): nLayer blocks of
 * pre-norm causal attention and a 4× GELU MLP, then a final LayerNorm. It maps embedded inputs
 * (B, T, C) to normalised features (B, T, C) and back-propagates features' gradients to the inputs',
 * so the language model (token embedding in, tied head out) and the in-context regressor (linear
 * read-in and read-out of real values) share one implementation. Parameters are named as in nanoGPT
 * and live in the owner's ParamSpace, reached through `p` and `g`.
 */
export interface TrunkConfig {
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;
}

export function trunkShapes(c: TrunkConfig): [string, number[]][] {
  const C = c.nEmbd;
  const out: [string, number[]][] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}.`;
    out.push(
      [`${p}ln_1.weight`, [C]], [`${p}ln_1.bias`, [C]],
      [`${p}attn.c_attn.weight`, [3 * C, C]], [`${p}attn.c_attn.bias`, [3 * C]],
      [`${p}attn.c_proj.weight`, [C, C]], [`${p}attn.c_proj.bias`, [C]],
      [`${p}ln_2.weight`, [C]], [`${p}ln_2.bias`, [C]],
      [`${p}mlp.c_fc.weight`, [4 * C, C]], [`${p}mlp.c_fc.bias`, [4 * C]],
      [`${p}mlp.c_proj.weight`, [C, 4 * C]], [`${p}mlp.c_proj.bias`, [C]],
    );
  }
  out.push(['ln_f.weight', [C]], ['ln_f.bias', [C]]);
  return out;
}

/** GPT-2 initialisation of one parameter: N(0, 0.02) weights, residual projections scaled by 1/√(2·nLayer), zero biases, unit norms. */
export function gpt2Init(name: string, shape: readonly number[], v: Float32Array, nLayer: number, normal: () => number): void {
  if (name.includes('ln_') && name.endsWith('weight')) v.fill(1);
  else if (shape.length === 1) v.fill(0);
  else {
    const s = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * nLayer) : 0.02;
    for (let i = 0; i < v.length; i++) v[i] = s * normal();
  }
}

export class Trunk {
  private acts: Record<string, Float32Array> = {};
  private shape: { B: number; T: number } | null = null;
  private input: Float32Array | null = null;

  constructor(readonly config: TrunkConfig, readonly gemm: Gemm, private readonly p: (name: string) => Float32Array, private readonly g: (name: string) => Float32Array) {
    if (config.nEmbd % config.nHead !== 0) throw new RangeError(`nEmbd ${config.nEmbd} is not a multiple of nHead ${config.nHead}`);
  }

  private ensure(B: number, T: number): void {
    if (this.shape && this.shape.B === B && this.shape.T === T) return;
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const BT = B * T;
    const f = (n: number): Float32Array => new Float32Array(n);
    this.acts = {
      ln1: f(L * BT * C), ln1Mean: f(L * BT), ln1Rstd: f(L * BT), qkv: f(L * BT * 3 * C), atty: f(L * BT * C),
      att: f(L * B * NH * T * T), attproj: f(L * BT * C), residual2: f(L * BT * C), ln2: f(L * BT * C), ln2Mean: f(L * BT), ln2Rstd: f(L * BT),
      fch: f(L * BT * 4 * C), fchGelu: f(L * BT * 4 * C), fchDeriv: f(L * BT * 4 * C), fcproj: f(L * BT * C), residual3: f(L * BT * C), lnf: f(BT * C), lnfMean: f(BT), lnfRstd: f(BT),
      // backward scratch
      dres: f(BT * C), dres2: f(BT * C), dbt: f(BT * C), dbt3: f(BT * 3 * C), dbt4: f(BT * 4 * C), dbt4b: f(BT * 4 * C), datt: f(B * NH * T * T),
    };
    this.shape = { B, T };
  }

  /** Embedded inputs (B, T, C) → final-LayerNorm features (B, T, C), valid until the next call. */
  forward(encoded: Float32Array, B: number, T: number): Float32Array {
    this.ensure(B, T);
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const BT = B * T;
    const a = this.acts;
    const gm = this.gemm;
    const k = kernels();
    let x = encoded;
    for (let l = 0; l < L; l++) {
      const P = (n: string): Float32Array => this.p(`h.${l}.${n}`);
      const s = (k: string, w: number): Float32Array => a[k]!.subarray(l * BT * w, (l + 1) * BT * w);
      const ln1 = s('ln1', C), qkv = s('qkv', 3 * C), atty = s('atty', C), attproj = s('attproj', C), res2 = s('residual2', C);
      const ln2 = s('ln2', C), fch = s('fch', 4 * C), fchGelu = s('fchGelu', 4 * C), fcproj = s('fcproj', C), res3 = s('residual3', C);
      k.layernormForward(ln1, a.ln1Mean!.subarray(l * BT, (l + 1) * BT), a.ln1Rstd!.subarray(l * BT, (l + 1) * BT), x, P('ln_1.weight'), P('ln_1.bias'), BT, C);
      linearForward(gm, qkv, ln1, P('attn.c_attn.weight'), P('attn.c_attn.bias'), BT, C, 3 * C);
      k.attentionForward(atty, a.att!.subarray(l * B * NH * T * T, (l + 1) * B * NH * T * T), qkv, B, T, C, NH);
      linearForward(gm, attproj, atty, P('attn.c_proj.weight'), P('attn.c_proj.bias'), BT, C, C);
      k.addInto(res2, x, attproj, BT * C);
      k.layernormForward(ln2, a.ln2Mean!.subarray(l * BT, (l + 1) * BT), a.ln2Rstd!.subarray(l * BT, (l + 1) * BT), res2, P('ln_2.weight'), P('ln_2.bias'), BT, C);
      linearForward(gm, fch, ln2, P('mlp.c_fc.weight'), P('mlp.c_fc.bias'), BT, C, 4 * C);
      k.geluForward(fchGelu, fch, BT * 4 * C, s('fchDeriv', 4 * C));
      linearForward(gm, fcproj, fchGelu, P('mlp.c_proj.weight'), P('mlp.c_proj.bias'), BT, 4 * C, C);
      k.addInto(res3, res2, fcproj, BT * C);
      x = res3;
    }
    k.layernormForward(a.lnf!, a.lnfMean!, a.lnfRstd!, x, this.p('ln_f.weight'), this.p('ln_f.bias'), BT, C);
    this.input = encoded;
    return a.lnf!;
  }

  /** Back-propagates d(features) (B, T, C) of the last forward; accumulates the blocks' gradients and returns d(inputs). */
  backward(dlnf: Float32Array): Float32Array {
    if (!this.shape || !this.input) throw new Error('backward needs a forward pass first');
    const { B, T } = this.shape;
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const BT = B * T;
    const a = this.acts;
    const gm = this.gemm;
    const k = kernels();
    const encoded = this.input;
    const dres = a.dres!;
    dres.fill(0);
    const xLast = L > 0 ? a.residual3!.subarray((L - 1) * BT * C, L * BT * C) : encoded;
    k.layernormBackward(dres, this.g('ln_f.weight'), this.g('ln_f.bias'), dlnf, xLast, this.p('ln_f.weight'), a.lnfMean!, a.lnfRstd!, BT, C);
    for (let l = L - 1; l >= 0; l--) {
      const P = (n: string): Float32Array => this.p(`h.${l}.${n}`);
      const G = (n: string): Float32Array => this.g(`h.${l}.${n}`);
      const s = (k: string, w: number): Float32Array => a[k]!.subarray(l * BT * w, (l + 1) * BT * w);
      const x = l === 0 ? encoded : a.residual3!.subarray((l - 1) * BT * C, l * BT * C);
      const ln1 = s('ln1', C), qkv = s('qkv', 3 * C), atty = s('atty', C), res2 = s('residual2', C);
      const ln2 = s('ln2', C), fch = s('fch', 4 * C), fchGelu = s('fchGelu', 4 * C);
      // x_{l+1} = res2 + mlp(ln2(res2)): dres (for x_{l+1}) flows into res2 directly and through the MLP.
      const dres2 = a.dres2!;
      dres2.set(dres);
      linearBackward(gm, a.dbt4!, G('mlp.c_proj.weight'), G('mlp.c_proj.bias'), dres, fchGelu, P('mlp.c_proj.weight'), BT, 4 * C, C);
      const dfch = a.dbt4b!;
      dfch.fill(0);
      k.geluBackward(dfch, fch, a.dbt4!, BT * 4 * C, s('fchDeriv', 4 * C));
      linearBackward(gm, a.dbt!, G('mlp.c_fc.weight'), G('mlp.c_fc.bias'), dfch, ln2, P('mlp.c_fc.weight'), BT, C, 4 * C);
      k.layernormBackward(dres2, G('ln_2.weight'), G('ln_2.bias'), a.dbt!, res2, P('ln_2.weight'), a.ln2Mean!.subarray(l * BT, (l + 1) * BT), a.ln2Rstd!.subarray(l * BT, (l + 1) * BT), BT, C);
      // res2 = x + proj(attn(ln1(x))): dres2 flows into x directly and through attention.
      dres.set(dres2);
      linearBackward(gm, a.dbt!, G('attn.c_proj.weight'), G('attn.c_proj.bias'), dres2, atty, P('attn.c_proj.weight'), BT, C, C);
      const dqkv = a.dbt3!;
      dqkv.fill(0);
      k.attentionBackward(dqkv, a.datt!, a.dbt!, qkv, a.att!.subarray(l * B * NH * T * T, (l + 1) * B * NH * T * T), B, T, C, NH);
      linearBackward(gm, a.dbt!, G('attn.c_attn.weight'), G('attn.c_attn.bias'), dqkv, ln1, P('attn.c_attn.weight'), BT, C, 3 * C);
      k.layernormBackward(dres, G('ln_1.weight'), G('ln_1.bias'), a.dbt!, x, P('ln_1.weight'), a.ln1Mean!.subarray(l * BT, (l + 1) * BT), a.ln1Rstd!.subarray(l * BT, (l + 1) * BT), BT, C);
    }
    return dres;
  }
}
