/**
 * A model's parameters and gradients, each one Float32Array, with a named view per tensor and a
 * weight-decay mask (matrices and kernels decay; biases and norms do not, as nanoGPT groups them).
 */
export class ParamSpace {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly decay: Uint8Array;
  private readonly views = new Map<string, [Float32Array, Float32Array]>();

  constructor(shapes: readonly (readonly [string, readonly number[]])[], params?: Float32Array) {
    const total = shapes.reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0);
    if (params && params.length !== total) throw new RangeError(`expected ${total} parameters, got ${params.length}`);
    this.params = params ?? new Float32Array(total);
    this.grads = new Float32Array(total);
    this.decay = new Uint8Array(total);
    let o = 0;
    for (const [name, sh] of shapes) {
      const n = sh.reduce((a, b) => a * b, 1);
      this.views.set(name, [this.params.subarray(o, o + n), this.grads.subarray(o, o + n)]);
      if (sh.length > 1) this.decay.fill(1, o, o + n);
      o += n;
    }
  }

  p(name: string): Float32Array {
    const v = this.views.get(name);
    if (!v) throw new RangeError(`no parameter ${name}`);
    return v[0];
  }

  g(name: string): Float32Array {
    const v = this.views.get(name);
    if (!v) throw new RangeError(`no parameter ${name}`);
    return v[1];
  }
}

/** A model whose parameters live in one ParamSpace: the accessors every model of the zoo shares. */
export abstract class ParamModel {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  /** Which parameters get weight decay. */
  readonly decay: Uint8Array;
  private readonly space: ParamSpace;

  protected constructor(shapes: readonly (readonly [string, readonly number[]])[], params?: Float32Array) {
    this.space = new ParamSpace(shapes, params);
    ({ params: this.params, grads: this.grads, decay: this.decay } = this.space);
  }

  get numParams(): number {
    return this.params.length;
  }
  p(name: string): Float32Array {
    return this.space.p(name);
  }
  g(name: string): Float32Array {
    return this.space.g(name);
  }
  zeroGrad(): void {
    this.grads.fill(0);
  }
}
