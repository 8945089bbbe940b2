import type { Gemm } from './engine/gemm.js';
import { kernels } from './engine/kernels.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { blockActs, type BlockActs } from './block-acts.js';
import { KvCache } from './kv-cache.js';
import { checkMoe, isMoeBlock, moeActs, moeBackward, moeForward, moeGrads, moeShapes, moeStats, type MoeConfig, type MoeGrads, type MoeStats } from './moe.js';

/**
 * The body of a GPT-2-style decoder (nanoGPT's model.py, llm.c's train_gpt2.c): nLayer blocks of
 * pre-norm causal attention and a GELU MLP (mlpRatio × nEmbd wide, 4 by default), then a final norm
 * (LayerNorm by default, or RMSNorm as LLaMA and OLMo use). It maps embedded inputs (B, T, C) to
 * normalised features (B, T, C) and back-propagates features' gradients to the inputs', so the
 * language model (token embedding in, tied head out) and the in-context regressor (linear read-in and
 * read-out of real values) share one implementation; `decode` runs the same blocks one position per
 * row against a KV cache, for generation. Parameters are named as in nanoGPT and live in the owner's
 * ParamSpace, reached through `p` and `g`.
 */
export interface TrunkConfig {
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;
  /** The MLP's hidden width as a multiple of nEmbd; 4 when absent (GPT-2). */
  readonly mlpRatio?: number;
  /** 'layernorm' when absent (GPT-2); 'rmsnorm' has a weight and no bias. */
  readonly norm?: NormKind;
  /** Sparse mixture-of-experts feed-forward layers in every `every`-th block (moe.ts); dense when absent. */
  readonly moe?: MoeConfig;
}

export type NormKind = 'layernorm' | 'rmsnorm';

export function mlpHidden(c: TrunkConfig): number {
  const r = c.mlpRatio ?? 4;
  const h = Math.round(r * c.nEmbd);
  if (!(r > 0) || h < 1) throw new RangeError(`mlpRatio ${r} gives an MLP of ${h} units`);
  return h;
}

function normOf(c: TrunkConfig): NormKind {
  const n = c.norm ?? 'layernorm';
  if (n !== 'layernorm' && n !== 'rmsnorm') throw new RangeError(`norm must be layernorm or rmsnorm, got ${String(n)}`);
  return n;
}

function normShapes(name: string, C: number, kind: NormKind): [string, number[]][] {
  return kind === 'layernorm' ? [[`${name}.weight`, [C]], [`${name}.bias`, [C]]] : [[`${name}.weight`, [C]]];
}

export function trunkShapes(c: TrunkConfig): [string, number[]][] {
  const C = c.nEmbd, H = mlpHidden(c), nk = normOf(c);
  if (c.moe) checkMoe(c.moe, c.nLayer);
  const out: [string, number[]][] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `h.${l}.`;
    out.push(
      ...normShapes(`${p}ln_1`, C, nk),
      [`${p}attn.c_attn.weight`, [3 * C, C]], [`${p}attn.c_attn.bias`, [3 * C]],
      [`${p}attn.c_proj.weight`, [C, C]], [`${p}attn.c_proj.bias`, [C]],
      ...normShapes(`${p}ln_2`, C, nk),
      ...(isMoeBlock(c.moe, l) ? moeShapes(p, c.moe!, C, H) : [
        [`${p}mlp.c_fc.weight`, [H, C]], [`${p}mlp.c_fc.bias`, [H]],
        [`${p}mlp.c_proj.weight`, [C, H]], [`${p}mlp.c_proj.bias`, [C]],
      ] as [string, number[]][]),
    );
  }
  out.push(...normShapes('ln_f', C, nk));
  return out;
}

/**
 * GPT-2 initialisation of one parameter: N(0, 0.02) weights, residual projections scaled by
 * 1/√(2·nLayer), zero biases, unit norms. An MoE router starts at 0.1× (Switch's reduced init scale,
 * which it found steadies early routing), so every expert begins near-equally likely.
 */
export function gpt2Init(name: string, shape: readonly number[], v: Float32Array, nLayer: number, normal: () => number): void {
  if (name.includes('ln_') && name.endsWith('weight')) v.fill(1);
  else if (shape.length === 1) v.fill(0);
  else {
    const s = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * nLayer) : name.endsWith('router.weight') ? 0.002 : 0.02;
    for (let i = 0; i < v.length; i++) v[i] = s * normal();
  }
}

export class Trunk {
  private layers: BlockActs[] = [];
  private final: { y: Float32Array; mean: Float32Array; rstd: Float32Array } = { y: new Float32Array(0), mean: new Float32Array(0), rstd: new Float32Array(0) };
  private grads: Record<'dres' | 'dln' | 'datty' | 'dqkv' | 'dmlp' | 'dfch' | 'datt', Float32Array> | null = null;
  private moeScratch: MoeGrads | null = null;
  /** The load-balancing loss of the last forward pass, summed over MoE blocks (0 for a dense trunk). */
  auxLoss = 0;
  private shape: { B: number; T: number } | null = null;
  private input: Float32Array | null = null;
  readonly hidden: number;
  readonly norm: NormKind;

  constructor(readonly config: TrunkConfig, readonly gemm: Gemm, private readonly p: (name: string) => Float32Array, private readonly g: (name: string) => Float32Array) {
    if (config.nEmbd % config.nHead !== 0) throw new RangeError(`nEmbd ${config.nEmbd} is not a multiple of nHead ${config.nHead}`);
    this.hidden = mlpHidden(config);
    this.norm = normOf(config);
    if (config.moe) checkMoe(config.moe, config.nLayer);
  }

  private moeAt(l: number): MoeConfig | null {
    return isMoeBlock(this.config.moe, l) ? this.config.moe! : null;
  }

  private ensure(B: number, T: number): void {
    if (this.shape && this.shape.B === B && this.shape.T === T) return;
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const BT = B * T, H = this.hidden;
    const f = (n: number): Float32Array => new Float32Array(n);
    this.layers = Array.from({ length: L }, (_, l) => {
      const m = this.moeAt(l);
      return blockActs(BT, C, m ? 0 : H, { att: B * NH * T * T }, m ? moeActs(BT, m, C, H, true) : null);
    });
    this.final = { y: f(BT * C), mean: f(BT), rstd: f(BT) };
    this.grads = null;
    this.moeScratch = null;
    this.shape = { B, T };
  }

  private normForward(y: Float32Array, mean: Float32Array, rstd: Float32Array, x: Float32Array, name: string, rows: number): void {
    const C = this.config.nEmbd;
    if (this.norm === 'layernorm') kernels().layernormForward(y, mean, rstd, x, this.p(`${name}.weight`), this.p(`${name}.bias`), rows, C);
    else kernels().rmsnormForward(y, rstd, x, this.p(`${name}.weight`), rows, C);
  }

  private normBackward(dx: Float32Array, dy: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, name: string, rows: number): void {
    const C = this.config.nEmbd;
    if (this.norm === 'layernorm') kernels().layernormBackward(dx, this.g(`${name}.weight`), this.g(`${name}.bias`), dy, x, this.p(`${name}.weight`), mean, rstd, rows, C);
    else kernels().rmsnormBackward(dx, this.g(`${name}.weight`), dy, x, this.p(`${name}.weight`), rstd, rows, C);
  }

  /**
   * Block l over `rows` positions from x into a.res3; `attend` fills a.atty from a.qkv. `limit`: an
   * MoE block applies its capacity (training and scoring passes; decoding does not). Returns the
   * block's load-balancing loss (0 when dense).
   */
  private block(l: number, x: Float32Array, a: BlockActs, rows: number, limit: boolean, attend: (atty: Float32Array, qkv: Float32Array) => void): number {
    const C = this.config.nEmbd, H = this.hidden, gm = this.gemm, k = kernels();
    const P = (n: string): Float32Array => this.p(`h.${l}.${n}`);
    this.normForward(a.ln1, a.ln1Mean, a.ln1Rstd, x, `h.${l}.ln_1`, rows);
    linearForward(gm, a.qkv, a.ln1, P('attn.c_attn.weight'), P('attn.c_attn.bias'), rows, C, 3 * C);
    attend(a.atty, a.qkv);
    linearForward(gm, a.attproj, a.atty, P('attn.c_proj.weight'), P('attn.c_proj.bias'), rows, C, C);
    k.addInto(a.res2, x, a.attproj, rows * C);
    this.normForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.res2, `h.${l}.ln_2`, rows);
    const m = this.moeAt(l);
    let aux = 0;
    if (m) aux = moeForward(gm, P, m, a.moe!, a.ln2, a.fcproj, rows, C, H, limit);
    else {
      linearForward(gm, a.fch, a.ln2, P('mlp.c_fc.weight'), P('mlp.c_fc.bias'), rows, C, H);
      k.geluForward(a.fchGelu, a.fch, rows * H, a.fchDeriv);
      linearForward(gm, a.fcproj, a.fchGelu, P('mlp.c_proj.weight'), P('mlp.c_proj.bias'), rows, H, C);
    }
    k.addInto(a.res3, a.res2, a.fcproj, rows * C);
    return aux;
  }

  /** Embedded inputs (B, T, C) → final-norm features (B, T, C), valid until the next call. */
  forward(encoded: Float32Array, B: number, T: number): Float32Array {
    this.ensure(B, T);
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const BT = B * T;
    const k = kernels();
    let x = encoded;
    this.auxLoss = 0;
    for (let l = 0; l < L; l++) {
      const a = this.layers[l]!;
      this.auxLoss += this.block(l, x, a, BT, true, (atty, qkv) => k.attentionForward(atty, a.att!, qkv, B, T, C, NH));
      x = a.res3;
    }
    this.normForward(this.final.y, this.final.mean, this.final.rstd, x, 'ln_f', BT);
    this.input = encoded;
    return this.final.y;
  }

  /** What each MoE block's router did on the last forward pass (empty for a dense trunk). */
  moeStats(): MoeStats[] {
    if (!this.shape) return [];
    const BT = this.shape.B * this.shape.T;
    return this.layers.flatMap((a, l) => (a.moe ? [moeStats(l, this.config.moe!, a.moe, BT)] : []));
  }

  /**
   * Back-propagates d(features) (B, T, C) of the last forward, and the MoE blocks' load-balancing
   * losses; accumulates the blocks' gradients and returns d(inputs).
   */
  backward(dlnf: Float32Array): Float32Array {
    if (!this.shape || !this.input) throw new Error('backward needs a forward pass first');
    const { B, T } = this.shape;
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const BT = B * T, H = this.hidden;
    const gm = this.gemm;
    const k = kernels();
    const f = (n: number): Float32Array => new Float32Array(n);
    this.grads ??= { dres: f(BT * C), dln: f(BT * C), datty: f(BT * C), dqkv: f(BT * 3 * C), dmlp: f(BT * H), dfch: f(BT * H), datt: f(B * NH * T * T) };
    const { dres, dln, datty, dqkv, dmlp, dfch, datt } = this.grads;
    dres.fill(0);
    const xLast = L > 0 ? this.layers[L - 1]!.res3 : this.input;
    this.normBackward(dres, dlnf, xLast, this.final.mean, this.final.rstd, 'ln_f', BT);
    for (let l = L - 1; l >= 0; l--) {
      const P = (n: string): Float32Array => this.p(`h.${l}.${n}`);
      const G = (n: string): Float32Array => this.g(`h.${l}.${n}`);
      const a = this.layers[l]!;
      const x = l === 0 ? this.input : this.layers[l - 1]!.res3;
      // x_{l+1} = res2 + mlp(ln2(res2)): dres holds d(x_{l+1}), which is also the skip path's share of
      // d(res2); the MLP's share is accumulated onto it, so dres then holds d(res2).
      const m = this.moeAt(l);
      dln.fill(0);
      if (m) {
        this.moeScratch ??= moeGrads(BT, m, C, H);
        moeBackward(gm, P, G, m, a.moe!, this.moeScratch, dln, dres, a.ln2, BT, C, H);
      } else {
        dmlp.fill(0);
        linearBackward(gm, dmlp, G('mlp.c_proj.weight'), G('mlp.c_proj.bias'), dres, a.fchGelu, P('mlp.c_proj.weight'), BT, H, C);
        dfch.fill(0);
        k.geluBackward(dfch, a.fch, dmlp, BT * H, a.fchDeriv);
        linearBackward(gm, dln, G('mlp.c_fc.weight'), G('mlp.c_fc.bias'), dfch, a.ln2, P('mlp.c_fc.weight'), BT, C, H);
      }
      this.normBackward(dres, dln, a.res2, a.ln2Mean, a.ln2Rstd, `h.${l}.ln_2`, BT);
      // res2 = x + proj(attn(ln1(x))): likewise, attention's share is accumulated onto d(res2) to give d(x).
      datty.fill(0);
      linearBackward(gm, datty, G('attn.c_proj.weight'), G('attn.c_proj.bias'), dres, a.atty, P('attn.c_proj.weight'), BT, C, C);
      dqkv.fill(0);
      k.attentionBackward(dqkv, datt, datty, a.qkv, a.att!, B, T, C, NH);
      dln.fill(0);
      linearBackward(gm, dln, G('attn.c_attn.weight'), G('attn.c_attn.bias'), dqkv, a.ln1, P('attn.c_attn.weight'), BT, C, 3 * C);
      this.normBackward(dres, dln, x, a.ln1Mean, a.ln1Rstd, `h.${l}.ln_1`, BT);
    }
    return dres;
  }

  /** A KV cache for `rows` sequences of up to `capacity` positions, with the decode step's scratch. */
  kvCache(rows: number, capacity: number): KvCache {
    const { nLayer: L, nEmbd: C } = this.config;
    const m = this.config.moe;
    return new KvCache(L, rows, capacity, C, blockActs(rows, C, this.hidden, null, m ? moeActs(rows, m, C, this.hidden, false) : null));
  }

  /**
   * One new position for each of `A` rows: x (A, C) holds their embedded tokens, slots[b] the cache row
   * batch slot b decodes, at that row's next position. The blocks are the training pass's; attention
   * reads the keys and values cached for the row's earlier positions, and an MoE block routes the A
   * new tokens with no capacity (a capacity exists to bound a training batch's per-expert work; at one
   * token per row it would drop tokens by batch composition). Returns the final-norm features
   * (A, C), valid until the next call; the caller advances the rows' positions.
   */
  decode(x: Float32Array, A: number, cache: KvCache, slots: readonly number[]): Float32Array {
    const { nLayer: L, nHead: NH, nEmbd: C } = this.config;
    const k = kernels();
    const s = cache.scratch;
    s.slots.set(slots);
    for (let b = 0; b < A; b++) if (cache.pos[slots[b]!]! >= cache.capacity) throw new RangeError(`row ${slots[b]} is full (${cache.capacity} positions)`);
    let input = x;
    for (let l = 0; l < L; l++) {
      const a = s.acts;
      this.block(l, input, a, A, false, (atty, qkv) => k.attentionDecode(atty, qkv, cache.keys[l]!, cache.values[l]!, s.slots, cache.pos, A, cache.capacity, C, NH));
      // The next block reads its input before it writes res3, so res3 can feed it in place.
      input = a.res3;
    }
    this.normForward(s.y, s.mean, s.rstd, input, 'ln_f', A);
    return s.y;
  }
}
