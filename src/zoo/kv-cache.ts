import type { BlockActs } from './block-acts.js';

/**
 * Keys and values of every layer for `rows` sequences of up to `capacity` positions, (rows, capacity, C)
 * per layer, and each row's next position. The decode step's activations live here too, so a
 * generation allocates once however many tokens it makes.
 */
export class KvCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  /** Positions of row r already cached: the position its next token takes. */
  readonly pos: Int32Array;
  readonly scratch: { acts: BlockActs; slots: Int32Array; y: Float32Array; mean: Float32Array; rstd: Float32Array };

  constructor(layers: number, readonly rows: number, readonly capacity: number, readonly channels: number, acts: BlockActs) {
    const n = rows * capacity * channels;
    this.keys = Array.from({ length: layers }, () => new Float32Array(n));
    this.values = Array.from({ length: layers }, () => new Float32Array(n));
    this.pos = new Int32Array(rows);
    this.scratch = { acts, slots: new Int32Array(rows), y: new Float32Array(rows * channels), mean: new Float32Array(rows), rstd: new Float32Array(rows) };
  }
}
