import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGemm } from './engine/gemm.js';
import { writeArithCorpus } from '../tasks/arithmetic-corpus.js';
import { generate } from './generate.js';
import { CotTrainer, sequenceLength, type CotTrainConfig } from './train-cot.js';
import { TRAINERS } from './trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-cot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (style: CotTrainConfig['style'], steps = 40): CotTrainConfig => ({
  style, minDigits: 1, maxDigits: 3, evalDigits: 4, model: { nLayer: 1, nHead: 2, nEmbd: 16 }, steps, batch: 16, lr: 3e-3, warmup: 5, weightDecay: 0.1, seed: 3,
});

describe('the chain-of-thought trainer', () => {
  it('sizes its context for the longest asked problem and its training rows for the longest trained one', () => {
    expect(sequenceLength('direct', 3)).toBe('999+999=1998\n'.length);
    expect(sequenceLength('scratchpad', 2)).toBe('99+99=9+9+0=18,9+9+1=19,#198\n'.length);
    const t = new CotTrainer(cfg('scratchpad'), loadGemm());
    expect(t.model.config.blockSize).toBe(sequenceLength('scratchpad', 4) - 1);
    expect(t.T).toBe(sequenceLength('scratchpad', 3) - 1);
  });
  it('the loss falls on both styles, and a resumed run ends exactly where an uninterrupted one does', () => {
    for (const style of ['direct', 'scratchpad'] as const) {
      const long = new CotTrainer(cfg(style, 150), loadGemm());
      const losses = Array.from({ length: 150 }, () => long.trainStep());
      const avg = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
      expect(avg(losses.slice(-10)), style).toBeLessThan(0.75 * avg(losses.slice(0, 10)));
      const a = new CotTrainer(cfg(style), loadGemm());
      for (let s = 0; s < 40; s++) a.trainStep();
      const b = new CotTrainer(cfg(style), loadGemm());
      for (let s = 0; s < 15; s++) b.trainStep();
      const file = join(dir, `${style}.safetensors`);
      b.save(file);
      const c = CotTrainer.resume(file, cfg(style), loadGemm());
      while (c.step < 40) c.trainStep();
      expect(Array.from(c.model.params)).toEqual(Array.from(a.model.params));
    }
  });
  it('with shifted positions every position of the table is trained, and a resumed run still ends where an uninterrupted one does', () => {
    const plain = new CotTrainer(cfg('scratchpad'), loadGemm());
    const shifted = new CotTrainer({ ...cfg('scratchpad'), shiftPositions: true }, loadGemm());
    const C = 16;
    const T = plain.T;
    const rowsTrained = (t: CotTrainer): number => {
      const g = t.model.g('wpe');
      let n = 0;
      for (let p = 0; p < t.model.config.blockSize; p++) if (g.subarray(p * C, (p + 1) * C).some((v) => v !== 0)) n++;
      return n;
    };
    let seenPlain = 0;
    let seenShifted = 0;
    for (let s = 0; s < 20; s++) {
      plain.trainStep();
      shifted.trainStep();
      seenPlain = Math.max(seenPlain, rowsTrained(plain));
      seenShifted = Math.max(seenShifted, rowsTrained(shifted));
    }
    expect(seenPlain).toBe(T);
    expect(T).toBeLessThan(plain.model.config.blockSize);
    expect(seenShifted).toBe(shifted.model.config.blockSize);
    const a = new CotTrainer({ ...cfg('scratchpad'), shiftPositions: true }, loadGemm());
    for (let s = 0; s < 30; s++) a.trainStep();
    const b = new CotTrainer({ ...cfg('scratchpad'), shiftPositions: true }, loadGemm());
    for (let s = 0; s < 12; s++) b.trainStep();
    const file = join(dir, 'shifted.safetensors');
    b.save(file);
    const c = CotTrainer.resume(file, { ...cfg('scratchpad'), shiftPositions: true }, loadGemm());
    while (c.step < 30) c.trainStep();
    expect(Array.from(c.model.params)).toEqual(Array.from(a.model.params));
  });
  it('trains on corpora as given, drawing rows from each by its share', () => {
    // Wrong answers on purpose: a corpus row is learned as written, not checked.
    const a = writeArithCorpus(join(dir, 'a.jsonl'), [{ input: '1+1=', target: '1+1+0=07,#7\n' }]);
    const b = writeArithCorpus(join(dir, 'b.jsonl'), [{ input: '2+2=', target: '2+2+0=09,#9\n' }]);
    const c: CotTrainConfig = { ...cfg('scratchpad', 200), corpora: [{ corpus: a, share: 0.5 }, { corpus: b, share: 0.5 }] };
    const t = new CotTrainer(c, loadGemm());
    for (let s = 0; s < 200; s++) t.trainStep();
    const greedy = (prompt: string): string => t.tok.decode(generate(t.model, t.tok.encode(prompt), { maxTokens: 12, temperature: 0, stopTokens: [...t.tok.encode('\n')] }).tokens);
    expect(greedy('1+1=')).toBe('1+1+0=07,#7\n');
    expect(greedy('2+2=')).toBe('2+2+0=09,#9\n');
    expect(() => new CotTrainer({ ...c, corpora: [{ corpus: a, share: 0.5 }, { corpus: b, share: 0.4 }] }, loadGemm())).toThrow(/shares summing to 1/);
    expect(() => new CotTrainer({ ...c, corpora: [{ corpus: { ...a, sha256: b.sha256 }, share: 1 }] }, loadGemm())).toThrow(/changed since it was planned/);
  });
  it('a child starts from its finished parent\'s weights, and refuses a parent of another run or an unfinished one', () => {
    const parent = new CotTrainer(cfg('scratchpad', 20), loadGemm());
    for (let s = 0; s < 20; s++) parent.trainStep();
    const file = join(dir, 'parent.safetensors');
    parent.save(file, { identity: 'p1' });
    const child = TRAINERS.cot.fresh({ cfg: { ...cfg('scratchpad', 5), seed: 9 }, parent: { file, identity: 'p1' } }, loadGemm());
    expect(child.step).toBe(0);
    expect(Array.from(child.model.params)).toEqual(Array.from(parent.model.params));
    expect(() => TRAINERS.cot.fresh({ cfg: cfg('scratchpad', 5), parent: { file, identity: 'p2' } }, loadGemm())).toThrow(/another run/);
    const half = new CotTrainer(cfg('scratchpad', 20), loadGemm());
    for (let s = 0; s < 10; s++) half.trainStep();
    half.save(file, { identity: 'p1' });
    expect(() => TRAINERS.cot.fresh({ cfg: cfg('scratchpad', 5), parent: { file, identity: 'p1' } }, loadGemm())).toThrow(/unfinished/);
  });
});
