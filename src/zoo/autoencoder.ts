import type { Rng } from '../core/random/rng.js';
import type { Gemm } from './engine/gemm.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { kernels } from './engine/kernels.js';
import { mseForward, sigmoidForward, sigmoidMseBackward } from './engine/layers/sigmoid-mse.js';
import { ParamModel } from './engine/params.js';

/**
 * A shallow autoencoder (Schaeffer et al. 2023 §5's reconstruction family): x (784) → ReLU(W₁x + b₁)
 * (the bottleneck, `bottleneck` units) → sigmoid(W₂h + b₂) (784), trained on mean squared error.
 * The bottleneck width makes the family. Parameters in one Float32Array, PyTorch's linear layout.
 */
export interface AutoencoderConfig {
  readonly bottleneck: number;
  readonly inputs: number;
}

export function autoencoderShapes(c: AutoencoderConfig): [string, number[]][] {
  return [
    ['enc.weight', [c.bottleneck, c.inputs]], ['enc.bias', [c.bottleneck]],
    ['dec.weight', [c.inputs, c.bottleneck]], ['dec.bias', [c.inputs]],
  ];
}

export class Autoencoder extends ParamModel {
  private B = 0;
  private a: Record<string, Float32Array> = {};
  private input: Float32Array | null = null;
  /** Reconstructions of the last forward pass (B × inputs), and each row's mean squared error. */
  recon: Float32Array = new Float32Array(0);
  rowError: Float32Array = new Float32Array(0);

  constructor(readonly config: AutoencoderConfig, readonly gemm: Gemm, params?: Float32Array) {
    if (!(Number.isInteger(config.bottleneck) && config.bottleneck >= 1)) throw new RangeError(`bottleneck must be a whole number >= 1, got ${config.bottleneck}`);
    super(autoencoderShapes(config), params);
  }

  /** He normal for the ReLU encoder, Glorot normal for the sigmoid decoder; biases zero. */
  init(rng: Rng): void {
    const { bottleneck: h, inputs: d } = this.config;
    const fill = (v: Float32Array, s: number): void => { for (let i = 0; i < v.length; i++) v[i] = s * rng.normal(); };
    fill(this.p('enc.weight'), Math.sqrt(2 / d));
    fill(this.p('dec.weight'), Math.sqrt(2 / (d + h)));
    this.p('enc.bias').fill(0);
    this.p('dec.bias').fill(0);
  }

  private ensure(B: number): void {
    if (this.B === B) return;
    const { bottleneck: h, inputs: d } = this.config;
    const f = (n: number): Float32Array => new Float32Array(n);
    this.a = { pre: f(B * h), hid: f(B * h), logits: f(B * d), dlogits: f(B * d), dhid: f(B * h), dpre: f(B * h) };
    this.recon = f(B * d);
    this.rowError = f(B);
    this.B = B;
  }

  /** images (B × inputs) in [0, 1]; returns the mean squared reconstruction error. */
  forward(images: Float32Array, B: number): number {
    this.ensure(B);
    const { bottleneck: h, inputs: d } = this.config;
    const a = this.a;
    linearForward(this.gemm, a.pre!, images, this.p('enc.weight'), this.p('enc.bias'), B, d, h);
    kernels().reluForward(a.hid!, a.pre!, B * h);
    linearForward(this.gemm, a.logits!, a.hid!, this.p('dec.weight'), this.p('dec.bias'), B, h, d);
    sigmoidForward(this.recon, a.logits!, B * d);
    this.input = images;
    return mseForward(this.recon, images, B, d, this.rowError);
  }

  backward(): void {
    if (!this.input) throw new Error('backward needs a forward pass first');
    const { bottleneck: h, inputs: d } = this.config;
    const a = this.a;
    const B = this.B;
    a.dlogits!.fill(0);
    a.dhid!.fill(0);
    a.dpre!.fill(0);
    sigmoidMseBackward(a.dlogits!, this.recon, this.input, B * d);
    linearBackward(this.gemm, a.dhid!, this.g('dec.weight'), this.g('dec.bias'), a.dlogits!, a.hid!, this.p('dec.weight'), B, h, d);
    kernels().reluBackward(a.dpre!, a.pre!, a.dhid!, B * h);
    linearBackward(this.gemm, null, this.g('enc.weight'), this.g('enc.bias'), a.dpre!, this.input, this.p('enc.weight'), B, d, h);
  }
}
