import { describe, expect, it } from 'vitest';
import { makeRng } from '../../core/random/rng.js';
import { nativeKernelsOrNull, tsKernels, type Kernels } from './kernels.js';
import { nativeAddon } from './native.js';
import { availableParallelism } from 'node:os';

/*
 * Every native kernel against its TypeScript fallback on the same random inputs, at shapes of the
 * lab's models (odd sizes included). The fallback computes in double and rounds to float32; the
 * native kernels compute per element in float32 with row sums in double, so they agree to float32
 * rounding: the tolerance is 2e-6 relative to (1 + |value|), and the largest difference is printed.
 */
const native = nativeKernelsOrNull();
const addon = nativeAddon().addon;
const rng = makeRng(5);
const rand = (n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => s * rng.normal());

function maxDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
}

/** Runs `f` on copies of the same inputs under both backends; returns each output array's largest difference. */
function compare(make: () => Float32Array[], f: (k: Kernels, arrays: Float32Array[]) => number | void): { diffs: number[]; ret: [number | void, number | void] } {
  const base = make();
  const ts = base.map((a) => a.slice());
  const nat = base.map((a) => a.slice());
  const r1 = f(tsKernels, ts);
  const r2 = f(native!, nat);
  return { diffs: ts.map((a, i) => maxDiff(nat[i]!, a)), ret: [r1, r2] };
}

const TOL = 2e-6;
const check = (name: string, diffs: number[], tol = TOL): void => {
  const worst = Math.max(...diffs);
  console.log(`${name}: largest native − TypeScript difference ${worst.toExponential(2)} (relative to 1 + |value|; bound ${tol})`);
  expect(worst, name).toBeLessThanOrEqual(tol);
};
/**
 * The native GELU uses a rational tanh (error ≤ 1e-6, measured below); its derivative's (1 − t²)
 * and the v·(…) factor amplify that by up to ~10 around |v| ≈ 3, so GELU's outputs get 1e-5.
 */
const GELU_TOL = 1e-5;

describe.runIf(native !== null)('native kernels against the TypeScript fallback', () => {
  it('GELU forward (with and without the stored derivative) and backward', () => {
    const n = 64 * 15 * 4 * 32 + 3;
    check('geluForward', compare(() => [new Float32Array(n), rand(n, 3), new Float32Array(n)], (k, [y, x, d]) => k.geluForward(y!, x!, n, d!)).diffs, GELU_TOL);
    check('geluBackward', compare(() => [rand(n), rand(n, 3), rand(n)], (k, [dx, x, dy]) => k.geluBackward(dx!, x!, dy!, n, null)).diffs, GELU_TOL);
    check('geluBackward (stored)', compare(() => [rand(n), rand(n, 3), rand(n), rand(n)], (k, [dx, x, dy, d]) => k.geluBackward(dx!, x!, dy!, n, d!)).diffs);
  });
  it('LayerNorm forward and backward (statistics, and accumulated dx, dw, db)', () => {
    const [BT, C] = [64 * 15 + 1, 48];
    check('layernormForward', compare(() => [new Float32Array(BT * C), new Float32Array(BT), new Float32Array(BT), rand(BT * C, 2), rand(C), rand(C)], (k, [y, m, s, x, w, b]) => k.layernormForward(y!, m!, s!, x!, w!, b!, BT, C)).diffs);
    const mean = new Float32Array(BT), rstd = new Float32Array(BT), x = rand(BT * C, 2), w = rand(C);
    tsKernels.layernormForward(new Float32Array(BT * C), mean, rstd, x, w, rand(C), BT, C);
    check('layernormBackward', compare(() => [rand(BT * C), rand(C), rand(C), rand(BT * C)], (k, [dx, dw, db, dy]) => k.layernormBackward(dx!, dw!, db!, dy!, x, w, mean, rstd, BT, C)).diffs);
  });
  it('causal attention forward and backward at odd shapes', () => {
    for (const [B, T, C, NH] of [[3, 7, 12, 3], [2, 30, 32, 2], [1, 1, 8, 1]] as const) {
      const qkv = rand(B * T * 3 * C);
      check(`attentionForward ${B}x${T}x${C}/${NH}`, compare(() => [new Float32Array(B * T * C), new Float32Array(B * NH * T * T)], (k, [out, att]) => k.attentionForward(out!, att!, qkv, B, T, C, NH)).diffs);
      const att = new Float32Array(B * NH * T * T);
      tsKernels.attentionForward(new Float32Array(B * T * C), att, qkv, B, T, C, NH);
      const dout = rand(B * T * C);
      check(`attentionBackward ${B}x${T}x${C}/${NH}`, compare(() => [rand(B * T * 3 * C), new Float32Array(B * NH * T * T)], (k, [dqkv, datt]) => k.attentionBackward(dqkv!, datt!, dout, qkv, att, B, T, C, NH)).diffs);
    }
  });
  it('RMSNorm forward and backward', () => {
    const [BT, C] = [64 * 15 + 1, 48];
    check('rmsnormForward', compare(() => [new Float32Array(BT * C), new Float32Array(BT), rand(BT * C, 2), rand(C)], (k, [y, s, x, w]) => k.rmsnormForward(y!, s!, x!, w!, BT, C)).diffs);
    const rstd = new Float32Array(BT), x = rand(BT * C, 2), w = rand(C);
    tsKernels.rmsnormForward(new Float32Array(BT * C), rstd, x, w, BT, C);
    check('rmsnormBackward', compare(() => [rand(BT * C), rand(C), rand(BT * C)], (k, [dx, dw, dy]) => k.rmsnormBackward(dx!, dw!, dy!, x, w, rstd, BT, C)).diffs);
  });
  it('cross-entropy with its softmax, forward (loss and probabilities) and accumulated backward', () => {
    const [N, V] = [64 * 15 + 3, 50];
    const logits = rand(N * V, 3);
    const targets = Int32Array.from({ length: N }, (_, i) => (i % 7 === 0 ? -1 : (i * 13) % V));
    const { diffs, ret } = compare(() => [new Float32Array(N * V)], (k, [probs]) => k.crossEntropyForward(probs!, logits, targets, N, V));
    check('crossEntropyForward probs', diffs);
    expect(Math.abs((ret[1] as number) - (ret[0] as number))).toBeLessThan(1e-6);
    const probs = new Float32Array(N * V);
    tsKernels.crossEntropyForward(probs, logits, targets, N, V);
    check('crossEntropyBackward', compare(() => [rand(N * V)], (k, [dl]) => k.crossEntropyBackward(dl!, probs, targets, N, V)).diffs);
  });
  it('attention decode against a KV cache, rows at different positions', () => {
    const [R, cap, C, NH] = [5, 33, 32, 4];
    const keys = rand(R * cap * C), values = rand(R * cap * C);
    const pos = Int32Array.of(0, 7, 32, 3, 19), slots = Int32Array.of(4, 1, 2, 0);
    const qkv = rand(slots.length * 3 * C);
    check('attentionDecode', compare(() => [new Float32Array(slots.length * C), keys.slice(), values.slice()], (k, [y, kc, vc]) => k.attentionDecode(y!, qkv, kc!, vc!, slots, pos, slots.length, cap, C, NH)).diffs);
  });
  it('bias rows, column sums, residual add, squared norm and scaling', () => {
    const [R, N] = [97, 130];
    check('biasRows', compare(() => [rand(R * N), rand(N)], (k, [y, b]) => k.biasRows(y!, b!, R, N)).diffs);
    check('columnSums', compare(() => [rand(N), rand(R * N)], (k, [db, dy]) => k.columnSums(db!, dy!, R, N)).diffs);
    check('addInto', compare(() => [new Float32Array(R * N), rand(R * N), rand(R * N)], (k, [o, a, b]) => k.addInto(o!, a!, b!, R * N)).diffs);
    const { ret } = compare(() => [rand(R * N)], (k, [g]) => k.sumSquares(g!));
    expect(ret[1] as number).toBeCloseTo(ret[0] as number, 6);
    check('scaleInPlace', compare(() => [rand(R * N)], (k, [g]) => k.scaleInPlace(g!, 0.37)).diffs);
  });
  it('AdamW over a whole buffer, with and without the decay mask', () => {
    const n = 10_001;
    const decay = Uint8Array.from({ length: n }, (_, i) => i % 3 === 0 ? 0 : 1);
    for (const mask of [decay, null]) {
      check(`adamw ${mask ? 'masked' : 'unmasked'}`, compare(() => [rand(n), rand(n, 0.1), rand(n, 0.01), Float32Array.from(rand(n, 0.01), Math.abs)], (k, [p, g, m, v]) => k.adamw(p!, g!, m!, v!, mask, 1 - 0.9 ** 7, 1 - 0.999 ** 7, 3e-3, 0.9, 0.999, 1e-8, 0.1)).diffs);
    }
  });
  it('the rational tanh behind the native GELU stays within 8 float32 ulps of 1 (1e-6) of tanh on [-10, 10]', () => {
    const n = 2_000_001;
    const x = Float32Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1));
    const y = new Float32Array(n);
    (addon as unknown as { tanhInto(y: Float32Array, x: Float32Array): void }).tanhInto(y, x);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(y[i]! - Math.tanh(x[i]!)));
    console.log(`fast tanh: largest error ${worst.toExponential(2)} against Math.tanh over ${n.toLocaleString('en')} points`);
    expect(worst).toBeLessThan(1e-6);
  });
  it('convolution with padding, 2x2 max pooling and ReLU at LeNet shapes', () => {
    for (const sh of [{ B: 3, Cin: 1, H: 28, W: 28, Cout: 6, K: 5, P: 2 }, { B: 2, Cin: 6, H: 14, W: 14, Cout: 16, K: 5, P: 0 }, { B: 2, Cin: 2, H: 5, W: 6, Cout: 3, K: 3, P: 1 }]) {
      const Ho = sh.H + 2 * sh.P - sh.K + 1, Wo = sh.W + 2 * sh.P - sh.K + 1;
      const R = sh.Cin * sh.K * sh.K, N = Ho * Wo;
      const x = rand(sh.B * sh.Cin * sh.H * sh.W), w = rand(sh.Cout * R), b = rand(sh.Cout);
      const label = `${sh.Cin}x${sh.H}x${sh.W} -> ${sh.Cout}, K ${sh.K}, P ${sh.P}`;
      check(`conv2dForward ${label}`, compare(() => [new Float32Array(sh.B * sh.Cout * N), new Float32Array(sh.B * R * N)], (k, [out, cols]) => k.conv2dForward(out!, cols!, x, w, b, sh)).diffs);
      const cols = new Float32Array(sh.B * R * N);
      tsKernels.conv2dForward(new Float32Array(sh.B * sh.Cout * N), cols, x, w, b, sh);
      const dout = rand(sh.B * sh.Cout * N);
      check(`conv2dBackward ${label}`, compare(() => [rand(x.length), rand(w.length), rand(sh.Cout), new Float32Array(R * N)], (k, [dx, dw, db, dcols]) => k.conv2dBackward(dx!, dw!, db!, dcols!, dout, cols, w, sh)).diffs.slice(0, 3)); // dcols is scratch: the threads leave different images in it
    }
    const [BC, H, W] = [64 * 6, 28, 28];
    const x = rand(BC * H * W);
    const argTs = new Int32Array(BC * 196), argNative = new Int32Array(BC * 196);
    const outTs = new Float32Array(BC * 196), outNative = new Float32Array(BC * 196);
    tsKernels.maxpoolForward(outTs, argTs, x, BC, H, W);
    native!.maxpoolForward(outNative, argNative, x, BC, H, W);
    expect(Array.from(argNative)).toEqual(Array.from(argTs));
    check('maxpoolForward', [maxDiff(outNative, outTs)]);
    const dout = rand(BC * 196);
    check('maxpoolBackward', compare(() => [rand(BC * H * W)], (k, [dx]) => k.maxpoolBackward(dx!, dout, argTs, BC * 196)).diffs);
    check('reluForward', compare(() => [new Float32Array(x.length)], (k, [y]) => k.reluForward(y!, x, x.length)).diffs);
    const dy = rand(x.length);
    check('reluBackward', compare(() => [rand(x.length)], (k, [dx]) => k.reluBackward(dx!, x, dy, x.length)).diffs);
  });
  it('the convolutions split the batch between threads, and their results do not depend on how many', () => {
    const sh = { B: 13, Cin: 6, H: 14, W: 14, Cout: 16, K: 5, P: 0 };
    const R = 150, N = 100;
    const x = rand(sh.B * 6 * 196), w = rand(16 * R), b = rand(16), dout = rand(sh.B * 16 * N);
    const run = (threads: number): Float32Array[] => {
      addon!.threads(threads);
      const out = new Float32Array(sh.B * 16 * N), cols = new Float32Array(sh.B * R * N);
      native!.conv2dForward(out, cols, x, w, b, sh);
      const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(16);
      native!.conv2dBackward(dx, dw, db, new Float32Array(R * N), dout, cols, w, sh);
      return [out, dx, dw, db];
    };
    const one = run(1), two = run(2), three = run(3);
    addon!.threads(availableParallelism());
    for (let i = 0; i < one.length; i++) {
      expect(Array.from(two[i]!)).toEqual(Array.from(one[i]!));
      expect(Array.from(three[i]!)).toEqual(Array.from(one[i]!));
    }
  });
  it('the threaded kernels (norms, GELU, attention, AdamW, bias rows, column sums) give the same bits on 1, 2 or 3 threads', () => {
    const [B, T, C, NH] = [16, 32, 64, 4];
    const BT = B * T;
    const x = rand(BT * C, 2), w = rand(C), bias = rand(C), dy = rand(BT * C), qkv = rand(BT * 3 * C), dout = rand(BT * C);
    const p0 = rand(50_001), g = rand(50_001, 0.1);
    const run = (threads: number): Float32Array[] => {
      addon!.threads(threads);
      const y = new Float32Array(BT * C), mean = new Float32Array(BT), rstd = new Float32Array(BT);
      native!.layernormForward(y, mean, rstd, x, w, bias, BT, C);
      const dx = new Float32Array(BT * C), dw = new Float32Array(C), db = new Float32Array(C);
      native!.layernormBackward(dx, dw, db, dy, x, w, mean, rstd, BT, C);
      const ry = new Float32Array(BT * C), rr = new Float32Array(BT), rdx = new Float32Array(BT * C), rdw = new Float32Array(C);
      native!.rmsnormForward(ry, rr, x, w, BT, C);
      native!.rmsnormBackward(rdx, rdw, dy, x, w, rr, BT, C);
      const gy = new Float32Array(BT * C), gd = new Float32Array(BT * C), gdx = new Float32Array(BT * C);
      native!.geluForward(gy, x, BT * C, gd);
      native!.geluBackward(gdx, x, dy, BT * C, null);
      const out = new Float32Array(BT * C), att = new Float32Array(B * NH * T * T), dqkv = new Float32Array(BT * 3 * C);
      native!.attentionForward(out, att, qkv, B, T, C, NH);
      native!.attentionBackward(dqkv, new Float32Array(att.length), dout, qkv, att, B, T, C, NH);
      const p = p0.slice(), m = new Float32Array(p.length), v = new Float32Array(p.length);
      native!.adamw(p, g, m, v, null, 0.1, 0.001, 1e-3, 0.9, 0.999, 1e-8, 0.1);
      const rows = new Float32Array(BT * C), cs = new Float32Array(C);
      native!.biasRows(rows, bias, BT, C);
      native!.columnSums(cs, dy, BT, C);
      return [y, mean, rstd, dx, dw, db, ry, rr, rdx, rdw, gy, gd, gdx, out, att, dqkv, p, m, v, rows, cs];
    };
    const one = run(1), two = run(2), three = run(3);
    addon!.threads(availableParallelism());
    for (let i = 0; i < one.length; i++) {
      expect(Array.from(two[i]!), `output ${i}, 2 threads`).toEqual(Array.from(one[i]!));
      expect(Array.from(three[i]!), `output ${i}, 3 threads`).toEqual(Array.from(one[i]!));
    }
  });
  it('a wrong call throws instead of reading past an array', () => {
    expect(() => native!.geluForward(new Float32Array(3), new Float32Array(3), 4, null)).toThrow(/smaller than the shapes say/);
    expect(() => native!.layernormForward(new Float32Array(8), new Float32Array(2), new Float32Array(2), new Float32Array(8), new Float32Array(4), new Float32Array(3), 2, 4)).toThrow(/b is smaller/);
    expect(() => native!.attentionForward(new Float32Array(8), new Float32Array(4), new Float32Array(24), 1, 2, 4, 3)).toThrow(/do not split into heads/);
    expect(() => (native!.addInto as (...a: unknown[]) => void)(new Float64Array(2), new Float32Array(2), new Float32Array(2), 2)).toThrow(/must be a Float32Array/);
    const cache = new Float32Array(2 * 4 * 8);
    expect(() => native!.attentionDecode(new Float32Array(8), new Float32Array(24), cache, cache.slice(), Int32Array.of(0), Int32Array.of(4, 0), 1, 4, 8, 2)).toThrow(/row is full/);
    expect(() => native!.attentionDecode(new Float32Array(8), new Float32Array(24), cache, cache.slice(), Int32Array.of(2), Int32Array.of(0, 0), 1, 4, 8, 2)).toThrow(/names no cache row/);
    expect(() => native!.crossEntropyForward(new Float32Array(6), new Float32Array(6), Int32Array.of(0, 3), 2, 3)).toThrow(/outside the vocabulary/);
  });
});
