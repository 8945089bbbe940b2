import type { Rng } from '../core/random/rng.js';
import type { Gemm } from './engine/gemm.js';
import type { ConvShape } from './engine/layers/conv2d.js';
import { kernels } from './engine/kernels.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { Buffers } from './engine/buffers.js';
import { ParamModel } from './engine/params.js';

/**
 * LeNet-5 (LeCun et al. 1998) as it is trained today: conv 5×5 (pad 2) → ReLU → max-pool 2 →
 * conv 5×5 → ReLU → max-pool 2 → fc → ReLU → fc → ReLU → fc, on 28×28 single-channel images.
 * `width` scales every layer (6, 16, 120, 84 at width 1) to make a family of sizes.
 * Parameters in one Float32Array; PyTorch's layouts (conv weight (Cout, Cin, K, K), linear (out, in)).
 */
export interface LenetConfig {
  readonly width: number;
  readonly classes: number;
}

export function lenetShapes(c: LenetConfig): [string, number[]][] {
  const w = (n: number): number => Math.max(1, Math.round(n * c.width));
  const c1 = w(6), c2 = w(16), f1 = w(120), f2 = w(84);
  return [
    ['conv1.weight', [c1, 1, 5, 5]], ['conv1.bias', [c1]],
    ['conv2.weight', [c2, c1, 5, 5]], ['conv2.bias', [c2]],
    ['fc1.weight', [f1, c2 * 25]], ['fc1.bias', [f1]],
    ['fc2.weight', [f2, f1]], ['fc2.bias', [f2]],
    ['fc3.weight', [c.classes, f2]], ['fc3.bias', [c.classes]],
  ];
}

type LenetGrad = 'dlogits' | 'd4' | 'd4b' | 'd3' | 'd3b' | 'dpool2' | 'drelu2' | 'dconv2' | 'dpool1' | 'drelu1' | 'dconv1';

export class Lenet extends ParamModel {
  private a: Record<string, Float32Array> = {};
  private d = new Buffers({} as Record<LenetGrad, number>);
  private idx: Record<string, Int32Array> = {};
  private B = 0;
  private targets: Int32Array | null = null;
  probs: Float32Array = new Float32Array(0);
  readonly c1: number;
  readonly c2: number;
  readonly f1: number;
  readonly f2: number;

  constructor(readonly config: LenetConfig, readonly gemm: Gemm, params?: Float32Array) {
    const shapes = lenetShapes(config);
    super(shapes, params);
    [this.c1, this.c2, this.f1, this.f2] = [shapes[0]![1][0]!, shapes[2]![1][0]!, shapes[4]![1][0]!, shapes[6]![1][0]!];
  }

  /** He (Kaiming) uniform-free normal init for ReLU layers: N(0, 2/fan_in); zero biases. */
  init(rng: Rng): void {
    for (const [name, sh] of lenetShapes(this.config)) {
      const v = this.p(name);
      if (sh.length === 1) v.fill(0);
      else {
        const fanIn = sh.slice(1).reduce((x, y) => x * y, 1);
        const s = Math.sqrt(2 / fanIn);
        for (let i = 0; i < v.length; i++) v[i] = s * rng.normal();
      }
    }
  }

  private conv1(B: number): ConvShape {
    return { B, Cin: 1, H: 28, W: 28, Cout: this.c1, K: 5, P: 2 };
  }
  private conv2(B: number): ConvShape {
    return { B, Cin: this.c1, H: 14, W: 14, Cout: this.c2, K: 5, P: 0 };
  }

  private ensure(B: number): void {
    if (this.B === B) return;
    const f = (n: number): Float32Array => new Float32Array(n);
    const { c1, c2, f1, f2 } = this;
    const K = this.config.classes;
    this.a = {
      cols1: f(B * 25 * 784), conv1: f(B * c1 * 784), relu1: f(B * c1 * 784), pool1: f(B * c1 * 196),
      cols2: f(B * c1 * 25 * 100), conv2: f(B * c2 * 100), relu2: f(B * c2 * 100), pool2: f(B * c2 * 25),
      fc1: f(B * f1), relu3: f(B * f1), fc2: f(B * f2), relu4: f(B * f2), logits: f(B * K), dcols: f(Math.max(25 * 784, c1 * 25 * 100)),
    };
    this.d = new Buffers<LenetGrad>({
      dlogits: B * K, d4: B * f2, d4b: B * f2, d3: B * f1, d3b: B * f1, dpool2: B * c2 * 25, drelu2: B * c2 * 100, dconv2: B * c2 * 100,
      dpool1: B * c1 * 196, drelu1: B * c1 * 784, dconv1: B * c1 * 784,
    });
    this.idx = { pool1: new Int32Array(B * c1 * 196), pool2: new Int32Array(B * c2 * 25) };
    this.probs = f(B * K);
    this.B = B;
  }

  /** images (B, 28, 28) in [0, 1] or standardised; labels (B) or null. Returns the mean loss. */
  forward(images: Float32Array, B: number, labels: Int32Array | null): number {
    this.ensure(B);
    const a = this.a;
    const gm = this.gemm;
    const k = kernels();
    const { c1, c2, f1, f2 } = this;
    const K = this.config.classes;
    k.conv2dForward(a.conv1!, a.cols1!, images, this.p('conv1.weight'), this.p('conv1.bias'), this.conv1(B));
    k.reluForward(a.relu1!, a.conv1!, B * c1 * 784);
    k.maxpoolForward(a.pool1!, this.idx.pool1!, a.relu1!, B * c1, 28, 28);
    k.conv2dForward(a.conv2!, a.cols2!, a.pool1!, this.p('conv2.weight'), this.p('conv2.bias'), this.conv2(B));
    k.reluForward(a.relu2!, a.conv2!, B * c2 * 100);
    k.maxpoolForward(a.pool2!, this.idx.pool2!, a.relu2!, B * c2, 10, 10);
    linearForward(gm, a.fc1!, a.pool2!, this.p('fc1.weight'), this.p('fc1.bias'), B, c2 * 25, f1);
    k.reluForward(a.relu3!, a.fc1!, B * f1);
    linearForward(gm, a.fc2!, a.relu3!, this.p('fc2.weight'), this.p('fc2.bias'), B, f1, f2);
    k.reluForward(a.relu4!, a.fc2!, B * f2);
    linearForward(gm, a.logits!, a.relu4!, this.p('fc3.weight'), this.p('fc3.bias'), B, f2, K);
    this.targets = labels;
    return k.crossEntropyForward(this.probs, a.logits!, labels ?? new Int32Array(B).fill(-1), B, K);
  }

  backward(): void {
    if (!this.targets) throw new Error('backward needs a forward pass with labels first');
    const a = this.a;
    this.d.zero();
    const d = this.d.of;
    const gm = this.gemm;
    const k = kernels();
    const B = this.B;
    const { c1, c2, f1, f2 } = this;
    const K = this.config.classes;
    k.crossEntropyBackward(d.dlogits, this.probs, this.targets, B, K);
    linearBackward(gm, d.d4, this.g('fc3.weight'), this.g('fc3.bias'), d.dlogits, a.relu4!, this.p('fc3.weight'), B, f2, K);
    k.reluBackward(d.d4b, a.fc2!, d.d4, B * f2);
    linearBackward(gm, d.d3, this.g('fc2.weight'), this.g('fc2.bias'), d.d4b, a.relu3!, this.p('fc2.weight'), B, f1, f2);
    k.reluBackward(d.d3b, a.fc1!, d.d3, B * f1);
    linearBackward(gm, d.dpool2, this.g('fc1.weight'), this.g('fc1.bias'), d.d3b, a.pool2!, this.p('fc1.weight'), B, c2 * 25, f1);
    k.maxpoolBackward(d.drelu2, d.dpool2, this.idx.pool2!, B * c2 * 25);
    k.reluBackward(d.dconv2, a.conv2!, d.drelu2, B * c2 * 100);
    k.conv2dBackward(d.dpool1, this.g('conv2.weight'), this.g('conv2.bias'), a.dcols!, d.dconv2, a.cols2!, this.p('conv2.weight'), this.conv2(B));
    k.maxpoolBackward(d.drelu1, d.dpool1, this.idx.pool1!, B * c1 * 196);
    k.reluBackward(d.dconv1, a.conv1!, d.drelu1, B * c1 * 784);
    k.conv2dBackward(null, this.g('conv1.weight'), this.g('conv1.bias'), a.dcols!, d.dconv1, a.cols1!, this.p('conv1.weight'), this.conv1(B));
  }
}
