import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../core/errors.js';
import { makeRng } from '../core/random/rng.js';
import { loadGemm } from './engine/gemm.js';
import { Gpt } from './gpt.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { CharTokenizer } from './char-tokenizer.js';
import { ArithmeticTrainer, formatProblem } from './train-arith.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = { vocabSize: 15, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16 };

describe('checkpoints (safetensors layout)', () => {
  const model = new Gpt(config, loadGemm());
  model.init(makeRng(3));
  const file = join(dir, 'm.safetensors');
  saveCheckpoint(file, model.params, { config, step: 42, note: 'x' }, { 'adam.m': Float32Array.of(1, 2, 3) });

  it('round-trips parameters, config, step and extra tensors', () => {
    const r = loadCheckpoint(file);
    expect(r.params).toEqual(model.params);
    expect(r.meta).toMatchObject({ config, step: 42 });
    expect(Array.from(r.extra['adam.m']!)).toEqual([1, 2, 3]);
  });
  it('has the safetensors header: u64 length, JSON with dtype/shape/data_offsets, 8-byte aligned data', () => {
    const buf = readFileSync(file);
    const n = Number(buf.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(buf.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
    expect(header.wte).toEqual({ dtype: 'F32', shape: [15, 16], data_offsets: [0, 15 * 16 * 4] });
  });
  it('a truncated or corrupt checkpoint is a clear error naming the file', () => {
    const bytes = readFileSync(file);
    const cut = join(dir, 'cut.safetensors');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    expect(() => loadCheckpoint(cut)).toThrow(/cut\.safetensors|truncated/);
    try {
      loadCheckpoint(cut);
    } catch (e) {
      expect((e as DataError).describe()).toMatch(/cut\.safetensors: not a valid checkpoint: tensor .* run past the end .*: truncated\?/);
    }
    const junk = join(dir, 'junk.safetensors');
    writeFileSync(junk, Buffer.from('not a checkpoint at all'));
    expect(() => loadCheckpoint(junk)).toThrow(DataError);
  });
  it('a checkpoint whose config disagrees with its tensors is refused', () => {
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    // Same header length, a different model size in the metadata.
    const header = bytes.subarray(8, 8 + n).toString().replace('\\"nEmbd\\":16', '\\"nEmbd\\":32');
    expect(header).toContain('32');
    const other = join(dir, 'other.safetensors');
    writeFileSync(other, Buffer.concat([bytes.subarray(0, 8), Buffer.from(header), bytes.subarray(8 + n)]));
    expect(() => loadCheckpoint(other)).toThrow(/other\.safetensors|has \d+ values, the config says/);
  });
});

describe('arithmetic training', () => {
  it('the character tokenizer round-trips and refuses strangers', () => {
    const t = new CharTokenizer();
    expect(t.decode(t.encode('12+34=046\n'))).toBe('12+34=046\n');
    expect(() => t.encode('1a')).toThrow(/"a" is not in the alphabet/);
  });
  it('answers are zero-padded to a fixed width', () => {
    expect(formatProblem('12+34=', 'add', 46, 2)).toBe('12+34=046\n');
    expect(formatProblem('99*99=', 'mul', 9801, 2)).toBe('99*99=9801\n');
    // Least significant digit first: the padded answer reversed, padding zeros last.
    expect(formatProblem('12+34=', 'add', 46, 2, true)).toBe('12+34=640\n');
    expect(formatProblem('10*10=', 'mul', 100, 2, true)).toBe('10*10=0010\n');
    expect(formatProblem('99+99=', 'add', 198, 2, true)).toBe('99+99=891\n');
  });
  it('a short run on 2-digit addition: the loss falls and accuracy is measured on held-out problems', () => {
    const t = new ArithmeticTrainer({ digits: 2, operation: 'add', model: { nLayer: 2, nHead: 2, nEmbd: 32 }, steps: 150, batch: 32, lr: 3e-3, warmup: 20, weightDecay: 0.1, seed: 1, evalEvery: 0, evalSize: 100 }, loadGemm());
    const first = t.trainStep();
    let last = first;
    for (let s = 1; s < 150; s++) last = t.trainStep();
    expect(last).toBeLessThan(0.6 * first);
    const e = t.evaluate();
    expect(e.perDigit).toBeGreaterThan(0.3);
    expect(e.exact).toBeGreaterThanOrEqual(0);
  });
});
