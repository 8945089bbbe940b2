import type { Rng } from '../core/random/rng.js';
import type { Gemm } from './engine/gemm.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { ParamModel } from './engine/params.js';
import { gpt2Init, Trunk, trunkShapes, type TrunkConfig } from './trunk.js';

/**
 * The in-context regressor of Garg et al. 2022: a GPT-2-style decoder over real-valued tokens. A
 * prompt (x₁, y₁, …, x_P, y_P) becomes 2P tokens of d + 1 values: x tokens (x, 0) and y tokens
 * (0, …, 0, y). A linear read-in embeds them, learned positions are added, the trunk runs causally,
 * and a linear read-out at each x token predicts its y from the pairs before it. Training minimises
 * the squared error over every x position (each prefix length at once).
 */
export interface IclConfig extends TrunkConfig {
  /** Input dimension d (x tokens carry d values, y tokens 1, both in d + 1 slots). */
  readonly dims: number;
  /** Most points per prompt: the context is 2·points tokens. */
  readonly points: number;
}

export function iclShapes(c: IclConfig): [string, number[]][] {
  return [
    ['read_in.weight', [c.nEmbd, c.dims + 1]], ['read_in.bias', [c.nEmbd]], ['wpe', [2 * c.points, c.nEmbd]],
    ...trunkShapes(c),
    ['read_out.weight', [1, c.nEmbd]], ['read_out.bias', [1]],
  ];
}

/** Named sizes: Garg et al.'s standard model is 12 × 256; the lab trains the smaller ones on a CPU. */
export const ICL_SIZES: Readonly<Record<string, TrunkConfig>> = {
  nano: { nLayer: 1, nHead: 2, nEmbd: 16 },
  micro: { nLayer: 1, nHead: 2, nEmbd: 32 },
  tiny: { nLayer: 2, nHead: 2, nEmbd: 32 },
  // Depth over width: at d = 5, 6 × 32 learned least squares in context faster, per step and per
  // second, than 3 × 64 with twice its parameters (dense-linear ratio to least squares 1.21 vs 1.47
  // after 12,000 steps at lr 4e-3).
  slim: { nLayer: 6, nHead: 2, nEmbd: 32 },
  small: { nLayer: 3, nHead: 2, nEmbd: 64 },
  standard: { nLayer: 6, nHead: 4, nEmbd: 128 },
  large: { nLayer: 12, nHead: 8, nEmbd: 256 },
};

export class IclTransformer extends ParamModel {
  private readonly trunk: Trunk;
  private shape: { B: number; T: number } | null = null;
  private a: Record<string, Float32Array> = {};
  private features: Float32Array = new Float32Array(0);
  private tokens: Float32Array | null = null;
  private targets: Float32Array | null = null;
  private counted = 0;
  /** Predictions at every position of the last forward (B, T); only x positions mean anything. */
  preds: Float32Array = new Float32Array(0);

  constructor(readonly config: IclConfig, readonly gemm: Gemm, params?: Float32Array) {
    super(iclShapes(config), params);
    this.trunk = new Trunk(config, gemm, (n) => this.p(n), (n) => this.g(n));
  }

  init(rng: Rng): void {
    for (const [name, sh] of iclShapes(this.config)) {
      if (name === 'read_in.weight') {
        // Inputs are N(0, 1) values, not one-hot tokens: scale by fan-in as a linear layer would.
        const v = this.p(name);
        const s = 1 / Math.sqrt(this.config.dims + 1);
        for (let i = 0; i < v.length; i++) v[i] = s * rng.normal();
      } else gpt2Init(name, sh, this.p(name), this.config.nLayer, () => rng.normal());
    }
  }

  private ensure(B: number, T: number): void {
    if (T > 2 * this.config.points) throw new RangeError(`a prompt of ${T} tokens is longer than the context of ${2 * this.config.points}`);
    if (this.shape && this.shape.B === B && this.shape.T === T) return;
    const C = this.config.nEmbd;
    const f = (n: number): Float32Array => new Float32Array(n);
    this.a = { encoded: f(B * T * C), dpred: f(B * T), dlnf: f(B * T * C), dencoded: f(B * T * C) };
    this.preds = f(B * T);
    this.shape = { B, T };
  }

  /**
   * tokens (B, T, d + 1) as built by `iclTokens`; targets (B, T) with NaN where no loss is taken.
   * Returns the mean squared error over the counted positions (NaN without targets).
   */
  forward(tokens: Float32Array, B: number, T: number, targets: Float32Array | null): number {
    this.ensure(B, T);
    const { nEmbd: C, dims } = this.config;
    const a = this.a;
    linearForward(this.gemm, a.encoded!, tokens, this.p('read_in.weight'), this.p('read_in.bias'), B * T, dims + 1, C);
    const wpe = this.p('wpe');
    const enc = a.encoded!;
    for (let b = 0; b < B; b++) {
      const o = b * T * C;
      for (let i = 0; i < T * C; i++) enc[o + i] = enc[o + i]! + wpe[i]!;
    }
    this.features = this.trunk.forward(a.encoded!, B, T);
    linearForward(this.gemm, this.preds, this.features, this.p('read_out.weight'), this.p('read_out.bias'), B * T, C, 1);
    this.tokens = tokens;
    this.targets = targets;
    if (!targets) return NaN;
    let s = 0;
    let n = 0;
    for (let i = 0; i < B * T; i++) {
      const y = targets[i]!;
      if (Number.isNaN(y)) continue;
      s += (this.preds[i]! - y) ** 2;
      n++;
    }
    this.counted = n;
    return n === 0 ? 0 : s / n;
  }

  backward(): void {
    if (!this.shape || !this.targets) throw new Error('backward needs a forward pass with targets first');
    const { B, T } = this.shape;
    const { nEmbd: C, dims } = this.config;
    const a = this.a;
    const dpred = a.dpred!;
    for (let i = 0; i < B * T; i++) {
      const y = this.targets[i]!;
      dpred[i] = Number.isNaN(y) || this.counted === 0 ? 0 : (2 * (this.preds[i]! - y)) / this.counted;
    }
    a.dlnf!.fill(0);
    linearBackward(this.gemm, a.dlnf!, this.g('read_out.weight'), this.g('read_out.bias'), dpred, this.features, this.p('read_out.weight'), B * T, C, 1);
    const denc = this.trunk.backward(a.dlnf!);
    const gwpe = this.g('wpe');
    for (let b = 0; b < B; b++) for (let i = 0; i < T * C; i++) gwpe[i] = gwpe[i]! + denc[b * T * C + i]!;
    // The read-in's input is data: no gradient is needed past it.
    linearBackward(this.gemm, null, this.g('read_in.weight'), this.g('read_in.bias'), denc, this.tokens!, this.p('read_in.weight'), B * T, dims + 1, C);
  }
}

/**
 * Tokens and targets for a batch of prompts of `points` points each (xs: points × d per prompt, row
 * stride d). Targets sit at the x positions: position 2i predicts y_i from the i pairs before it.
 */
export function iclTokens(prompts: readonly { xs: ArrayLike<number>; ys: ArrayLike<number> }[], d: number, points: number): { tokens: Float32Array; targets: Float32Array; T: number } {
  const T = 2 * points;
  const D = d + 1;
  const B = prompts.length;
  const tokens = new Float32Array(B * T * D);
  const targets = new Float32Array(B * T).fill(NaN);
  prompts.forEach((p, b) => {
    for (let i = 0; i < points; i++) {
      const xo = (b * T + 2 * i) * D;
      for (let j = 0; j < d; j++) tokens[xo + j] = p.xs[i * d + j]!;
      tokens[(b * T + 2 * i + 1) * D + d] = p.ys[i]!;
      targets[b * T + 2 * i] = p.ys[i]!;
    }
  });
  return { tokens, targets, T };
}
