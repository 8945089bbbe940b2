import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../core/random/rng.js';
import { loadGemm, tsGemm } from '../gemm.js';
import { adamwStep, clipGradNorm, ADAMW_DEFAULTS } from '../adamw.js';
import { nativeKernelsOrNull, tsKernels, type Kernels } from '../kernels.js';
import { embedBackward, embedForward } from './embedding.js';
import { linearBackward, linearForward } from './linear.js';
import { convOut } from './conv2d.js';

/*
 * Every layer's backward against central finite differences (the engine is float32, so ε = 1e-2 and
 * a tolerance of 2e-3 absolute + 1e-2 relative; the loss is summed in float64). The loss is Σ y·R for
 * a fixed random R, so backward is run with dy = R.
 */
const rng = makeRng(11);
const rand = (n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => s * rng.normal());

function dotLoss(y: Float32Array, R: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * R[i]!;
  return s;
}

function fdCheck(name: string, arrays: Record<string, Float32Array>, grads: Record<string, Float32Array>, loss: () => number, samples = 25): number {
  let worst = 0;
  for (const [k, a] of Object.entries(arrays)) {
    const g = grads[k]!;
    for (let s = 0; s < Math.min(samples, a.length); s++) {
      const i = a.length <= samples ? s : Math.floor(rng.next() * a.length);
      const old = a[i]!;
      const eps = 1e-2;
      a[i] = old + eps;
      const lp = loss();
      a[i] = old - eps;
      const lm = loss();
      a[i] = old;
      const num = (lp - lm) / (2 * eps);
      const err = Math.abs(num - g[i]!);
      worst = Math.max(worst, err / (1 + Math.abs(num)));
      expect(err, `${name}: d/d${k}[${i}] analytic ${g[i]} vs numeric ${num}`).toBeLessThanOrEqual(2e-3 + 1e-2 * Math.abs(num));
    }
  }
  return worst;
}

/** Both kernel backends: every check below runs on the TypeScript fallback and on the native kernels. */
const native = nativeKernelsOrNull();
const BACKENDS: (readonly [string, Kernels])[] = [['typescript', tsKernels], ...(native ? [['native', native] as const] : [])];

it('the native kernels are built beside the GEMM (this project sets gcc and OpenBLAS up)', () => {
  expect(BACKENDS.map(([n]) => n)).toEqual(['typescript', 'native']);
});

describe('gradients against central finite differences', () => {
  it.each([['openblas', loadGemm()], ['typescript', tsGemm]] as const)('linear (%s GEMM)', (_n, gemm) => {
    const [BT, C, OC] = [6, 5, 7];
    const x = rand(BT * C), W = rand(OC * C), b = rand(OC), R = rand(BT * OC), y = new Float32Array(BT * OC);
    const loss = (): number => (linearForward(gemm, y, x, W, b, BT, C, OC), dotLoss(y, R));
    loss();
    const dx = new Float32Array(BT * C), dW = new Float32Array(OC * C), db = new Float32Array(OC);
    linearBackward(gemm, dx, dW, db, R, x, W, BT, C, OC);
    fdCheck('linear', { x, W, b }, { x: dx, W: dW, b: db }, loss);
  });

  it.each(BACKENDS)('layernorm (%s kernels)', (_n, k) => {
    const [BT, C] = [4, 8];
    const x = rand(BT * C, 2), w = rand(C), b = rand(C), R = rand(BT * C);
    const y = new Float32Array(BT * C), mean = new Float32Array(BT), rstd = new Float32Array(BT);
    const loss = (): number => (k.layernormForward(y, mean, rstd, x, w, b, BT, C), dotLoss(y, R));
    loss();
    const dx = new Float32Array(BT * C), dw = new Float32Array(C), db = new Float32Array(C);
    k.layernormBackward(dx, dw, db, R, x, w, mean, rstd, BT, C);
    fdCheck('layernorm', { x, w, b }, { x: dx, w: dw, b: db }, loss);
  });

  it.each(BACKENDS)('GELU (%s kernels)', (_n, k) => {
    const n = 40;
    const x = rand(n, 2), R = rand(n), y = new Float32Array(n);
    const loss = (): number => (k.geluForward(y, x, n, null), dotLoss(y, R));
    loss();
    const dx = new Float32Array(n);
    k.geluBackward(dx, x, R, n, null);
    fdCheck('gelu', { x }, { x: dx }, loss);
    // The stored-derivative path gives the same gradient.
    const deriv = new Float32Array(n);
    k.geluForward(y, x, n, deriv);
    const dx2 = new Float32Array(n);
    k.geluBackward(dx2, x, R, n, deriv);
    for (let i = 0; i < n; i++) expect(dx2[i]).toBeCloseTo(dx[i]!, 5);
  });

  it.each(BACKENDS)('softmax cross-entropy, with ignored positions (%s kernels)', (_n, k) => {
    const [N, V] = [5, 6];
    const logits = rand(N * V, 2), probs = new Float32Array(N * V);
    const targets = Int32Array.of(1, -1, 5, 0, 3);
    const loss = (): number => k.crossEntropyForward(probs, logits, targets, N, V);
    loss();
    const dl = new Float32Array(N * V);
    k.crossEntropyBackward(dl, probs, targets, N, V);
    fdCheck('cross-entropy', { logits }, { logits: dl }, loss, 30);
    expect(Array.from(dl.subarray(V, 2 * V))).toEqual(new Array(V).fill(0));
  });

  it.each(BACKENDS)('RMSNorm (%s kernels)', (_n, k) => {
    const [BT, C] = [4, 6];
    const x = rand(BT * C, 2), w = rand(C), R = rand(BT * C), y = new Float32Array(BT * C), rstd = new Float32Array(BT);
    const loss = (): number => (k.rmsnormForward(y, rstd, x, w, BT, C), dotLoss(y, R));
    loss();
    const dx = new Float32Array(x.length), dw = new Float32Array(C);
    k.rmsnormBackward(dx, dw, R, x, w, rstd, BT, C);
    fdCheck('rmsnorm', { x, w }, { x: dx, w: dw }, loss);
  });

  it('embedding (token + position)', () => {
    const [B, T, C, V] = [2, 3, 4, 5];
    const tokens = Int32Array.of(0, 3, 3, 4, 1, 0);
    const wte = rand(V * C), wpe = rand(T * C), R = rand(B * T * C), out = new Float32Array(B * T * C);
    const loss = (): number => (embedForward(out, tokens, wte, wpe, B, T, C, V), dotLoss(out, R));
    loss();
    const dwte = new Float32Array(V * C), dwpe = new Float32Array(T * C);
    embedBackward(dwte, dwpe, R, tokens, B, T, C);
    fdCheck('embedding', { wte, wpe }, { wte: dwte, wpe: dwpe }, loss);
  });

  it.each(BACKENDS)('causal multi-head self-attention (%s kernels)', (_n, k) => {
    const [B, T, C, NH] = [2, 5, 8, 2];
    const qkv = rand(B * T * 3 * C), R = rand(B * T * C);
    const out = new Float32Array(B * T * C), att = new Float32Array(B * NH * T * T);
    const loss = (): number => (k.attentionForward(out, att, qkv, B, T, C, NH), dotLoss(out, R));
    loss();
    const dqkv = new Float32Array(qkv.length), datt = new Float32Array(att.length);
    k.attentionBackward(dqkv, datt, R, qkv, att, B, T, C, NH);
    fdCheck('attention', { qkv }, { qkv: dqkv }, loss, 60);
  });
});

describe('vision layers against central finite differences', () => {
  it.each(BACKENDS)('conv2d with padding (%s kernels)', (_n, k) => {
    const sh = { B: 2, Cin: 2, H: 5, W: 6, Cout: 3, K: 3, P: 1 };
    const { Ho, Wo } = convOut(sh);
    const x = rand(sh.B * sh.Cin * sh.H * sh.W), w = rand(sh.Cout * sh.Cin * 9), b = rand(sh.Cout), R = rand(sh.B * sh.Cout * Ho * Wo);
    const out = new Float32Array(R.length), cols = new Float32Array(sh.B * sh.Cin * 9 * Ho * Wo);
    const loss = (): number => (k.conv2dForward(out, cols, x, w, b, sh), dotLoss(out, R));
    loss();
    const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(b.length), dcols = new Float32Array(sh.Cin * 9 * Ho * Wo);
    k.conv2dBackward(dx, dw, db, dcols, R, cols, w, sh);
    fdCheck('conv2d', { x, w, b }, { x: dx, w: dw, b: db }, loss);
  });
  it.each(BACKENDS)('2x2 max pooling and ReLU (inputs kept away from ties and kinks; %s kernels)', (_n, k) => {
    const [BC, H, W] = [3, 4, 6];
    // Distinct values far apart, so a ±ε step never changes the argmax.
    const x = Float32Array.from({ length: BC * H * W }, (_, i) => ((i * 37) % 101) * 0.1 - 5.05);
    const R = rand(BC * (H / 2) * (W / 2)), out = new Float32Array(R.length), arg = new Int32Array(R.length);
    const loss = (): number => (k.maxpoolForward(out, arg, x, BC, H, W), dotLoss(out, R));
    loss();
    const dx = new Float32Array(x.length);
    k.maxpoolBackward(dx, R, arg, R.length);
    fdCheck('maxpool', { x }, { x: dx }, loss, 72);
    const y = new Float32Array(x.length), Ry = rand(x.length);
    const lossR = (): number => (k.reluForward(y, x, x.length), dotLoss(y, Ry));
    lossR();
    const dxr = new Float32Array(x.length);
    k.reluBackward(dxr, x, Ry, x.length);
    fdCheck('relu', { x }, { x: dxr }, lossR, 72);
  });
});

describe('one backward convention: every backward kernel accumulates into its gradients', () => {
  // Run each backward from zeroed gradients and from random ones: the second must be the first plus the start.
  const cases = (k: Kernels): [string, Float32Array[], (g: Float32Array[]) => void][] => {
    const [N, C] = [6, 8];
    const x = rand(N * C), w = rand(C), dy = rand(N * C), st = new Float32Array(N), st2 = new Float32Array(N), tmp = new Float32Array(N * C);
    k.layernormForward(tmp, st, st2, x, w, rand(C), N, C);
    const rs = new Float32Array(N);
    k.rmsnormForward(tmp, rs, x, w, N, C);
    const arg = new Int32Array(N * C / 4);
    k.maxpoolForward(new Float32Array(N * C / 4), arg, x, N, 2, C / 2);
    const probs = new Float32Array(N * C), tg = Int32Array.of(0, 1, -1, 3, 4, 5);
    k.crossEntropyForward(probs, x, tg, N, C);
    const sh = { B: 1, Cin: 1, H: 4, W: 4, Cout: 2, K: 3, P: 1 }, cols = new Float32Array(9 * 16), cw = rand(18);
    k.conv2dForward(new Float32Array(32), cols, rand(16), cw, rand(2), sh);
    const qkv = rand(2 * 3 * 3 * 4), att = new Float32Array(2 * 2 * 3 * 3);
    k.attentionForward(new Float32Array(2 * 3 * 4), att, qkv, 2, 3, 4, 2);
    const dAtt = rand(2 * 3 * 4), dConv = rand(32), dPool = rand(N * C / 4);
    return [
      ['geluBackward', [new Float32Array(N * C)], ([dx]) => k.geluBackward(dx!, x, dy, N * C, null)],
      ['layernormBackward', [new Float32Array(N * C), new Float32Array(C), new Float32Array(C)], ([dx, dw, db]) => k.layernormBackward(dx!, dw!, db!, dy, x, w, st, st2, N, C)],
      ['rmsnormBackward', [new Float32Array(N * C), new Float32Array(C)], ([dx, dw]) => k.rmsnormBackward(dx!, dw!, dy, x, w, rs, N, C)],
      ['attentionBackward', [new Float32Array(qkv.length)], ([dq]) => k.attentionBackward(dq!, new Float32Array(att.length), dAtt, qkv, att, 2, 3, 4, 2)],
      ['crossEntropyBackward', [new Float32Array(N * C)], ([dl]) => k.crossEntropyBackward(dl!, probs, tg, N, C)],
      ['conv2dBackward', [new Float32Array(16), new Float32Array(18), new Float32Array(2)], ([dx, dw, db]) => k.conv2dBackward(dx!, dw!, db!, new Float32Array(9 * 16), dConv, cols, cw, sh)],
      ['maxpoolBackward', [new Float32Array(N * C)], ([dx]) => k.maxpoolBackward(dx!, dPool, arg, N * C / 4)],
      ['reluBackward', [new Float32Array(N * C)], ([dx]) => k.reluBackward(dx!, x, dy, N * C)],
      ['columnSums', [new Float32Array(C)], ([db]) => k.columnSums(db!, dy, N, C)],
    ];
  };
  it.each(BACKENDS)('%s kernels', (_n, k) => {
    for (const [name, zeros, run] of cases(k)) {
      run(zeros);
      const start = zeros.map((z) => rand(z.length));
      const fromStart = start.map((st) => st.slice());
      run(fromStart);
      zeros.forEach((z, i) => {
        for (let j = 0; j < z.length; j++) expect(fromStart[i]![j]!, `${name} output ${i}[${j}]`).toBeCloseTo(start[i]![j]! + z[j]!, 5);
      });
    }
  });
  it('linearBackward accumulates dx too', () => {
    const [BT, C, OC] = [3, 4, 5];
    const x = rand(BT * C), W = rand(OC * C), dy = rand(BT * OC);
    const dx0 = new Float32Array(BT * C), start = rand(BT * C), dx1 = start.slice();
    linearBackward(loadGemm(), dx0, new Float32Array(OC * C), null, dy, x, W, BT, C, OC);
    linearBackward(loadGemm(), dx1, new Float32Array(OC * C), null, dy, x, W, BT, C, OC);
    for (let i = 0; i < dx0.length; i++) expect(dx1[i]).toBeCloseTo(start[i]! + dx0[i]!, 5);
  });
});

describe('attention decode against a KV cache', () => {
  it.each(BACKENDS)('position by position it equals causal attention over the whole sequence (%s kernels)', (_n, k) => {
    const [T, C, NH, cap] = [6, 8, 2, 9];
    const qkv = rand(T * 3 * C);
    const full = new Float32Array(T * C);
    k.attentionForward(full, new Float32Array(NH * T * T), qkv, 1, T, C, NH);
    // Two cache rows; the sequence goes through row 1 while row 0 holds something else.
    const keys = rand(2 * cap * C), values = rand(2 * cap * C), pos = Int32Array.of(3, 0), y = new Float32Array(C);
    for (let t = 0; t < T; t++) {
      k.attentionDecode(y, qkv.subarray(t * 3 * C, (t + 1) * 3 * C), keys, values, Int32Array.of(1), pos, 1, cap, C, NH);
      pos[1]!++;
      for (let i = 0; i < C; i++) expect(y[i]).toBeCloseTo(full[t * C + i]!, 5);
    }
  });
});

describe('attention is causal', () => {
  it.each(BACKENDS)('changing a later position leaves earlier outputs untouched (%s kernels)', (_n, k) => {
    const [B, T, C, NH] = [1, 4, 4, 1];
    const qkv = rand(B * T * 3 * C);
    const out1 = new Float32Array(T * C), out2 = new Float32Array(T * C), att = new Float32Array(T * T);
    k.attentionForward(out1, att, qkv, B, T, C, NH);
    for (let i = 3 * 3 * C; i < 4 * 3 * C; i++) qkv[i] = qkv[i]! + 5;
    k.attentionForward(out2, att, qkv, B, T, C, NH);
    expect(Array.from(out2.subarray(0, 3 * C))).toEqual(Array.from(out1.subarray(0, 3 * C)));
  });
});

describe('AdamW (the active kernels)', () => {
  it('matches torch.optim.AdamW by hand for two steps on one parameter', () => {
    const p = Float32Array.of(1), g = Float32Array.of(0.5), m = new Float32Array(1), v = new Float32Array(1);
    const c = { ...ADAMW_DEFAULTS, lr: 0.1, weightDecay: 0.01 };
    adamwStep(p, g, m, v, null, 1, c);
    // step 1: m̂ = 0.5, v̂ = 0.25 → update 0.1·(0.5/(0.5+1e-8) + 0.01·1)
    expect(p[0]).toBeCloseTo(1 - 0.1 * (1 + 0.01), 6);
    const p1 = p[0]!;
    adamwStep(p, g, m, v, null, 2, c);
    const m2 = 0.9 * 0.05 + 0.1 * 0.5, v2 = 0.999 * 0.00025 + 0.001 * 0.25;
    const upd = (m2 / (1 - 0.81)) / (Math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8) + 0.01 * p1;
    expect(p[0]).toBeCloseTo(p1 - 0.1 * upd, 6);
  });
  it('clips the global gradient norm', () => {
    const g = Float32Array.of(3, 4);
    expect(clipGradNorm(g, 1)).toBeCloseTo(5, 6);
    expect(Math.hypot(g[0]!, g[1]!)).toBeCloseTo(1, 6);
  });
});
