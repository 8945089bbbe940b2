import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGemm } from './engine/gemm.js';
import { RagTrainer, prepareRag, type RagTrainConfig } from './train-rag.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-rag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (setting: RagTrainConfig['setting'], steps = 40): RagTrainConfig => ({
  setting, world: { entities: 30, relations: 2, zipf: 0.6, maxMentions: 6, sentencesPerDoc: 2, seed: 5 }, k: 2,
  model: { nLayer: 1, nHead: 2, nEmbd: 16 }, steps, batch: 8, lr: 3e-3, warmup: 5, weightDecay: 0.1, seed: 3,
});

describe('the fact-world trainer', () => {
  it('gives both settings one context, so the two members of a size have the same parameters', () => {
    const a = new RagTrainer(cfg('closed'), loadGemm()), b = new RagTrainer(cfg('open'), loadGemm());
    expect(a.model.config.blockSize).toBe(prepareRag(cfg('open')).blockSize);
    expect(a.model.numParams).toBe(b.model.numParams);
    expect(a.T).toBeLessThan(b.T);
  });

  it('the loss falls in both settings, and a resumed run ends exactly where an uninterrupted one does', () => {
    for (const setting of ['closed', 'open'] as const) {
      const long = new RagTrainer(cfg(setting, 120), loadGemm());
      const losses = Array.from({ length: 120 }, () => long.trainStep());
      const avg = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
      expect(avg(losses.slice(-10)), setting).toBeLessThan(0.75 * avg(losses.slice(0, 10)));
      const a = new RagTrainer(cfg(setting), loadGemm());
      for (let s = 0; s < 30; s++) a.trainStep();
      const b = new RagTrainer(cfg(setting), loadGemm());
      for (let s = 0; s < 11; s++) b.trainStep();
      const file = join(dir, `${setting}.safetensors`);
      b.save(file);
      const c = RagTrainer.resume(file, cfg(setting), loadGemm());
      while (c.step < 30) c.trainStep();
      expect(Array.from(c.model.params)).toEqual(Array.from(a.model.params));
    }
  });

  it('refuses k beyond one-digit citations', () => {
    expect(() => new RagTrainer({ ...cfg('open'), k: 10 }, loadGemm())).toThrow(/k must be 1\.\.9/);
  });
});
