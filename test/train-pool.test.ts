import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import { pretrainingMixture, ICL_NOISE } from '../src/experiments/icl-sets.js';
import type { IclTrainer } from '../src/zoo/train-icl.js';
import { loadCheckpoint } from '../src/zoo/checkpoint.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import type { IclTrainConfig } from '../src/zoo/train-icl.js';
import { runTrainJob, type TrainJob } from '../src/zoo/train-jobs.js';
import { trainPool } from '../src/zoo/train-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (nEmbd: number, seed: number): IclTrainConfig => ({
  model: { nLayer: 1, nHead: 2, nEmbd, dims: 3, points: 6 }, mixture: pretrainingMixture(), noise: ICL_NOISE, steps: 40, batch: 8, lr: 1e-3, warmup: 5, weightDecay: 0, seed,
  curriculum: { dimsStart: 2, pointsStart: 3, every: 10 },
});
const job = (name: string, c: IclTrainConfig, sub: string): TrainJob => ({ name, arch: 'icl', spec: { cfg: c }, identity: `id-${name}-${c.seed}`, file: join(dir, sub, `${name}.safetensors`), saveEvery: 15 });

// The pool runs the built worker (dist/src/zoo/train-worker.js) in child processes, as the CLI does.
describe('training pool', () => {
  it('trains jobs in parallel processes to the same checkpoints as one after another here', async () => {
    const list = [job('a', cfg(8, 1), 'pool'), job('b', cfg(16, 2), 'pool'), job('c', cfg(8, 3), 'pool')];
    const seen: string[] = [];
    const etas: (number | null)[] = [];
    const steps: [number, number, number][] = [];
    const results = await trainPool(list, 2, (s) => { seen.push(s.line); etas.push(s.etaSeconds); steps.push([s.stepsDone, s.stepsSkipped, s.stepsTotal]); });
    // Steps over the three jobs, none of them resumed, rising to 120 of 120.
    expect(steps.at(-1)).toEqual([120, 0, 120]);
    expect(steps.some(([d]) => d > 0 && d < 120)).toBe(true);
    expect(steps.every(([d], i) => i === 0 || d >= steps[i - 1]![0])).toBe(true);
    expect(results.map((r) => [r.name, r.stepsRun])).toEqual([['a', 40], ['b', 40], ['c', 40]]);
    expect(results.every((r) => r.loss !== null && Number.isFinite(r.loss) && r.seconds > 0)).toBe(true);
    expect(seen.some((s) => /b \d+\/40 \(loss [\d.]+\)/.test(s))).toBe(true);
    expect(seen.at(-1)).toMatch(/^3\/3 trained/);
    // Once work is done the ETA is a finite number of seconds, and it ends at 0.
    expect(etas.some((e) => e !== null && Number.isFinite(e) && e > 0)).toBe(true);
    expect(etas.at(-1)).toBe(0);
    const gemm = loadGemm();
    gemm.setThreads(1);
    for (const j of list) {
      const here = runTrainJob({ ...j, file: join(dir, 'here', `${j.name}.safetensors`) }, gemm);
      expect(here.stepsRun).toBe(40);
      expect(Array.from(loadCheckpoint(j.file).params)).toEqual(Array.from((here.trainer as IclTrainer).model.params));
    }
    // Finished checkpoints are reused, not retrained.
    expect((await trainPool(list, 2, () => {})).map((r) => r.stepsRun)).toEqual([0, 0, 0]);
  }, 120_000);

  it('stops with the failing job\'s error, naming its checkpoint', async () => {
    const bad = job('broken', cfg(8, 4), 'bad');
    rmSync(join(dir, 'bad'), { recursive: true, force: true });
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(bad.file, 'not a checkpoint');
    const err = await trainPool([bad, job('fine', cfg(8, 5), 'bad')], 2, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).file).toBe(bad.file);
    await expect(trainPool([], 0, () => {})).rejects.toThrow(/lanes must be a positive integer/);
  }, 60_000);
});
