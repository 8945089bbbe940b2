import { describe, expect, it } from 'vitest';
import { threadsFor } from './gemm-threads.js';
import { loadGemm, openblasGemm } from './gemm.js';

describe('OpenBLAS threads per product size', () => {
  it('one thread for row-sized and small products, all allowed for training-sized ones', () => {
    expect(threadsFor(1, 384, 128, 2)).toBe(1); // a decode step's row
    expect(threadsFor(64, 512, 128, 2)).toBe(1); // the server's fullest decode batch (4.2M MACs)
    expect(threadsFor(2048, 384, 128, 2)).toBe(2); // a training step: batch 64 x 32 positions
    expect(threadsFor(2048, 384, 128, 1)).toBe(1);
    expect(threadsFor(4, 4096, 4096, 4)).toBe(1); // few rows: nothing to split
  });
  it('the OpenBLAS kernel switches threads only when the product size says so, under the ceiling', () => {
    const calls: number[] = [];
    const g = openblasGemm({ sgemm: () => {}, threads: (n) => void calls.push(n) }, 2);
    const m = (M: number, N: number, K: number): void => g.sgemm(false, false, M, N, K, 1, new Float32Array(0), new Float32Array(0), 0, new Float32Array(0));
    m(1, 384, 128);
    m(1, 384, 128);
    m(2048, 384, 128);
    m(2048, 384, 128);
    m(8, 384, 128);
    expect(calls).toEqual([1, 2, 1]);
    g.setThreads(1);
    m(2048, 384, 128);
    expect(g.threadsNow()).toBe(1);
  });
  it('the loaded native kernel is this one (when the addon is built)', () => {
    const g = loadGemm();
    if (g.kind !== 'openblas') return;
    const C = new Float32Array(4);
    g.sgemm(false, false, 2, 2, 2, 1, Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 0, 0, 1), 0, C);
    expect(Array.from(C)).toEqual([1, 2, 3, 4]);
    expect((g as ReturnType<typeof openblasGemm>).threadsNow()).toBe(1);
  });
});
