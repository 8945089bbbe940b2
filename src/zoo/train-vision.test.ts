import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { loadMnist } from '../tasks/mnist.js';
import { loadGemm } from './engine/gemm.js';
import { Lenet } from './lenet.js';
import { VisionTrainer, type VisionSpec } from './train-vision.js';

const gemm = loadGemm();
const train = loadMnist('train', { count: 2000, seed: 1 });
const test = loadMnist('test', { count: 300, seed: 2 });
const cfg = { steps: 60, batch: 32, lr: 3e-3, warmup: 5, weightDecay: 0, seed: 4 };
const lenet: VisionSpec = { arch: 'lenet', config: { width: 0.5, classes: 10 } };
const ae: VisionSpec = { arch: 'autoencoder', config: { bottleneck: 16, inputs: 784 } };

describe('training the vision families on MNIST', () => {
  it('LeNet forward/backward shapes at every ladder width', () => {
    for (const width of [0.03, 0.09, 0.17, 0.32, 0.55, 1, 1.8]) {
      const m = new Lenet({ width, classes: 10 }, gemm);
      m.forward(new Float32Array(2 * 784), 2, Int32Array.of(1, 2));
      expect(m.probs.length).toBe(20);
      m.zeroGrad();
      m.backward();
      expect(m.grads.length).toBe(m.numParams);
    }
  });
  it('a short LeNet run: the loss falls and test accuracy beats chance by far', () => {
    const t = new VisionTrainer(lenet, cfg, train, gemm);
    const first = t.trainStep();
    let last = 0;
    for (let s = 1; s < cfg.steps; s++) last = t.trainStep();
    expect(first).toBeGreaterThan(2);
    expect(last).toBeLessThan(first * 0.5);
    const r = t.evaluate(test);
    expect(r.squaredError).toBeNull();
    let right = 0;
    for (let i = 0; i < test.count; i++) {
      const row = Array.from(r.logProbs!.subarray(i * 10, i * 10 + 10));
      expect(row.reduce((a, b) => a + Math.exp(b), 0)).toBeCloseTo(1, 4);
      if (row.indexOf(Math.max(...row)) === test.labels[i]) right++;
    }
    expect(right / test.count).toBeGreaterThan(0.6);
  });
  it('a short autoencoder run: the reconstruction error falls', () => {
    const t = new VisionTrainer(ae, cfg, train, gemm);
    const before = t.evaluate(test).squaredError!.reduce((a, b) => a + b, 0) / test.count;
    for (let s = 0; s < cfg.steps; s++) t.trainStep();
    const after = t.evaluate(test).squaredError!.reduce((a, b) => a + b, 0) / test.count;
    expect(after).toBeLessThan(before * 0.6);
  });
  it('a run resumed from its checkpoint ends exactly where an uninterrupted one does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-ckpt-'));
    const whole = new VisionTrainer(lenet, cfg, train, gemm);
    for (let s = 0; s < 30; s++) whole.trainStep();
    const half = new VisionTrainer(lenet, cfg, train, gemm);
    for (let s = 0; s < 12; s++) half.trainStep();
    half.save(join(dir, 'l.safetensors'));
    const resumed = VisionTrainer.resume(join(dir, 'l.safetensors'), lenet, cfg, train, gemm);
    expect(resumed.step).toBe(12);
    for (let s = 12; s < 30; s++) resumed.trainStep();
    expect(resumed.model.params).toEqual(whole.model.params);
  });
  it('a corrupt, truncated or mismatched checkpoint is an error naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vision-bad-'));
    const t = new VisionTrainer(ae, cfg, train, gemm);
    const f = join(dir, 'ae.safetensors');
    t.save(f);
    const bytes = readFileSync(f);
    writeFileSync(join(dir, 'cut.safetensors'), bytes.subarray(0, bytes.length - 1000));
    writeFileSync(join(dir, 'junk.safetensors'), Buffer.from('not a checkpoint at all'));
    for (const name of ['cut', 'junk']) {
      const file = join(dir, `${name}.safetensors`);
      let err: unknown;
      try {
        VisionTrainer.resume(file, ae, cfg, train, gemm);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(DataError);
      expect((err as DataError).file).toBe(file);
    }
    expect(() => VisionTrainer.resume(f, lenet, cfg, train, gemm)).toThrow(/holds autoencoder .* not lenet/);
  });
});
