import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, emergence, emergenceAsync } from './cli.js';
import { loadCheckpoint } from '../src/zoo/checkpoint.js';
import { parseTrainConfig } from '../src/cli/train.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = (name: string, steps: number, extra = ''): string => {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `task: { digits: 2, operation: add }\nout: ${name}\nsteps: ${steps}\nbatch: 32\nlr: 0.003\nwarmup: 10\nseed: 1\neval_every: 0\neval_size: 200\ncheckpoint_every: 5\nmodels:\n  - { name: s, layers: 1, heads: 2, embd: 32 }\n${extra}`);
  return f;
};

describe('train config', () => {
  it('named sizes, and a clear error for an unknown one or a size mixed with dimensions', () => {
    const plan = parseTrainConfig('task: { digits: 3 }\nout: m\nmodels:\n  - { name: a, size: xl }\n  - { name: b, layers: 1, heads: 1, embd: 8 }\n', '/x/t.yaml');
    expect(plan.runs[0]!.cfg.model).toEqual({ nLayer: 4, nHead: 4, nEmbd: 128 });
    expect(plan.out).toBe('/x/m');
    expect(() => parseTrainConfig('task: { digits: 3 }\nout: m\nmodels:\n  - { name: a, size: huge }\n', 't.yaml')).toThrow(/unknown size "huge"/);
    expect(() => parseTrainConfig('task: { digits: 3 }\nout: m\nmodels:\n  - { name: a, size: xs, layers: 2 }\n', 't.yaml')).toThrow(/not both/);
  });
  it('the norm and the MLP ratio ride in the model config, and are checked', () => {
    const plan = parseTrainConfig('task: { digits: 3 }\nout: m\nmodels:\n  - { name: a, size: xs, norm: rmsnorm, mlp_ratio: 2.5 }\n  - { name: b, layers: 1, heads: 1, embd: 8, mlp_ratio: 1 }\n', 't.yaml');
    expect(plan.runs[0]!.cfg.model).toEqual({ nLayer: 1, nHead: 2, nEmbd: 16, norm: 'rmsnorm', mlpRatio: 2.5 });
    expect(plan.runs[1]!.cfg.model).toEqual({ nLayer: 1, nHead: 1, nEmbd: 8, mlpRatio: 1 });
    expect(() => parseTrainConfig('task: { digits: 3 }\nout: m\nmodels:\n  - { name: a, size: xs, norm: batchnorm }\n', 't.yaml')).toThrow(/expected layernorm or rmsnorm, got "batchnorm"/);
    expect(() => parseTrainConfig('task: { digits: 3 }\nout: m\nmodels:\n  - { name: a, size: xs, mlp_ratio: 0 }\n', 't.yaml')).toThrow(/expected a number in \(0, 64\], got 0/);
  });
  it('a mixture of experts rides in the model config with Switch defaults, and is checked', () => {
    const head = 'task: { digits: 3 }\nout: m\nmodels:\n';
    const plan = parseTrainConfig(`${head}  - { name: a, size: s, moe: { experts: 8 } }\n  - { name: b, size: m, moe: { experts: 4, top_k: 2, capacity_factor: 2, alpha: 0, every: 1 } }\n`, 't.yaml');
    expect(plan.runs[0]!.cfg.model).toEqual({ nLayer: 2, nHead: 2, nEmbd: 24, moe: { experts: 8, topK: 1, capacityFactor: 1.25, alpha: 0.01, every: 2 } });
    expect(plan.runs[1]!.cfg.model.moe).toEqual({ experts: 4, topK: 2, capacityFactor: 2, alpha: 0, every: 1 });
    expect(() => parseTrainConfig(`${head}  - { name: a, size: s, moe: { experts: 4, top_k: 5 } }\n`, 't.yaml')).toThrow(/models\[0\]\.moe\.top_k.*expected a whole number 1..experts \(4\), got 5|expected a whole number 1..experts \(4\), got 5/);
    expect(() => parseTrainConfig(`${head}  - { name: a, size: xs, moe: { experts: 4 } }\n`, 't.yaml')).toThrow(/at most the 1 layers of size xs, got 2/);
    expect(() => parseTrainConfig(`${head}  - { name: a, size: s, moe: { experts: 4, gates: 2 } }\n`, 't.yaml')).toThrow(/unknown field/);
  });
});

describe('emergence train', () => {
  it('trains a model, reports held-out accuracy and writes a checkpoint with its loss curve', async () => {
    const r = await emergenceAsync(['train', '--config', cfg('a', 40), '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model\tparams\tsteps\theld-out exact match\tper-digit accuracy\tseconds\ns\t\d+\t40\t/);
    const c = loadCheckpoint(join(dir, 'a', 's.safetensors'));
    expect(c.meta.step).toBe(40);
    expect((c.meta.history as unknown[]).length).toBe(40);
  });

  it('killed with kill -9, it resumes from its last checkpoint and finishes', async () => {
    const file = cfg('k', 400);
    const ckpt = join(dir, 'k', 's.safetensors');
    const child = spawn(process.execPath, [CLI, 'train', '--config', file, '--quiet'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (existsSync(ckpt)) {
          clearInterval(t);
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 150);
        }
      }, 10);
    });
    await new Promise((r) => child.once('exit', r));
    const mid = loadCheckpoint(ckpt).meta.step;
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(400);
    expect(emergence(['train', '--config', file]).stderr).toMatch(/a checkpoint of s already exists .*--resume/);
    const r = await emergenceAsync(['train', '--config', file, '--resume']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`s: resuming at step ${mid}`));
    expect(loadCheckpoint(ckpt).meta.step).toBe(400);
  }, 120_000);

  it('bad input: an unknown config field, a corrupt checkpoint', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'task: { digits: 2 }\nout: x\nmodels:\n  - { name: s, layers: 1, heads: 2, embd: 32, dropout: 0.1 }\n');
    const r = emergence(['train', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: "models\[0\]\.dropout": unknown field/);
    const file = cfg('c', 10);
    mkdirIfNeeded(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 's.safetensors'), readFileSync(file).subarray(0, 20));
    const r2 = emergence(['train', '--config', file, '--resume']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/s\.safetensors: not a valid checkpoint/);
  });
});

function mkdirIfNeeded(d: string): void {
  if (!existsSync(d)) mkdirSync(d, { recursive: true });
}
