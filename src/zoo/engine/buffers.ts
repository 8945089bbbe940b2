/**
 * Named Float32 buffers carved from one allocation. Every backward kernel accumulates into its
 * gradient, so a model keeps its activation gradients here and clears them all with one fill at the
 * start of a backward pass, rather than each layer remembering whether it overwrites.
 */
export class Buffers<K extends string> {
  readonly of: Record<K, Float32Array>;
  private readonly all: Float32Array;

  constructor(sizes: Record<K, number>) {
    let total = 0;
    for (const n of Object.values<number>(sizes)) total += n;
    this.all = new Float32Array(total);
    const of = {} as Record<K, Float32Array>;
    let at = 0;
    for (const [name, n] of Object.entries<number>(sizes)) {
      of[name as K] = this.all.subarray(at, at + n);
      at += n;
    }
    this.of = of;
  }

  zero(): void {
    this.all.fill(0);
  }
}
