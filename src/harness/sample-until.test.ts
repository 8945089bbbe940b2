import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GenerateRequest, Provider } from '../core/types.js';
import { DuckStore } from '../store/duckdb-store.js';
import { arithmeticTask } from '../tasks/arithmetic.js';
import { parseEvalConfig } from './config.js';
import { loadUntilRecords, runUntil, sampleUntil, untilRunId } from './sample-until.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-sample-until-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = parseEvalConfig('family: toy\nmodels:\n  - name: toy-1\n    params: 1000\n    provider: { base_url: http://127.0.0.1:9 }\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, operation: add, count: 4, seed: 1 }\nshots: 0\nseed: 0\ntemperature: 1\n', 'eval.yaml');
const task = arithmeticTask('add3', { digits: 3, operation: 'add', count: 4, seed: 1 });
const model = cfg.models[0]!;

/** A server whose draws follow a script per prompt: draw j of example e is right when right(e, j). */
function scripted(right: (prompt: string, j: number) => boolean): Provider & { requests: { prompt: string; n: number; seed: number | undefined }[] } {
  const seen = new Map<string, number>();
  const requests: { prompt: string; n: number; seed: number | undefined }[] = [];
  const gen = (req: GenerateRequest) => {
    const ex = task.examples.find((e) => e.input === req.prompt)!;
    const j = seen.get(req.prompt) ?? 0;
    seen.set(req.prompt, j + 1);
    // Right draws carry their tokens' log-probabilities (the answer's four, then the newline's).
    return right(req.prompt, j) ? { text: `${ex.targets[0]}\n`, tokenLogprobs: [-0.5, -0.25, 0, 0, -0.125], finishReason: 'length' } : { text: '9999\n', tokenLogprobs: null, finishReason: 'stop' };
  };
  return {
    id: 'scripted', canScore: false, requests,
    generate: async (req) => gen(req),
    sample: async (req, n) => {
      requests.push({ prompt: req.prompt, n, seed: req.seed });
      return Array.from({ length: n }, () => gen(req));
    },
    loglikelihood: () => Promise.reject(new Error('not used')),
  };
}

describe('sampling until k successes or a cap', () => {
  it('stops at the k-th success inside a batch and drops the draws after it', async () => {
    // Right on draws 2 and 5 (0-based): with k = 2 the record is 6 draws, the 6th the second success.
    const p = scripted((_, j) => j === 2 || j === 5);
    const r = await sampleUntil(cfg, model, task, task.examples[0]!, p, { k: 2, cap: 100, batch: 4 });
    expect(r.sample.attempts).toEqual([false, false, true, false, false, true]);
    expect(p.requests.map((q) => q.n)).toEqual([4, 4]);
    expect(new Set(p.requests.map((q) => q.seed)).size).toBe(2);
    expect(r.sample.output).toBe(task.examples[0]!.targets[0]);
    // The first right draw's log-probability as generated: −0.5 − 0.25 − 0.125.
    expect(r.sample.targetLoglik).toBe(-0.875);
  });
  it('stops at the cap, asking only for what is left of it', async () => {
    const p = scripted((_, j) => j === 0);
    const r = await sampleUntil(cfg, model, task, task.examples[0]!, p, { k: 2, cap: 10, batch: 4 });
    expect(r.sample.attempts).toEqual([true, false, false, false, false, false, false, false, false, false]);
    expect(p.requests.map((q) => q.n)).toEqual([4, 4, 2]);
  });
  it('stores one record per example and resumes without asking again', async () => {
    const store = await DuckStore.open(join(dir, 'until.duckdb'));
    try {
      const u = { k: 2, cap: 12, batch: 5 };
      const runId = untilRunId(cfg, model, task, u);
      const p = scripted((prompt, j) => (prompt === task.examples[1]!.input ? j % 3 === 0 : false));
      const r = await runUntil(cfg, { model, task, runId }, p, store, u, { limit: null, retryErrors: true, concurrency: 2, versions: {} });
      expect(r).toMatchObject({ done: 4, total: 4, errors: 0, skipped: 0, draws: 3 * 12 + 4 });
      const recs = await loadUntilRecords(store, runId, model.name, task.id);
      expect(recs.map((x) => x.record).sort((a, b) => a.successes - b.successes)).toEqual([{ draws: 12, successes: 0 }, { draws: 12, successes: 0 }, { draws: 12, successes: 0 }, { draws: 4, successes: 2 }]);
      expect(recs.map((x) => x.hitLogprob).sort()).toEqual([-0.875, null, null, null]);
      const again = scripted(() => true);
      const r2 = await runUntil(cfg, { model, task, runId }, again, store, u, { limit: null, retryErrors: true, concurrency: 2, versions: {} });
      expect(r2).toMatchObject({ done: 4, skipped: 4, draws: 0 });
      expect(again.requests).toHaveLength(0);
      // Another rule is another run.
      expect(untilRunId(cfg, model, task, { ...u, k: 3 })).not.toBe(runId);
    } finally {
      store.close();
    }
  });
  it('refuses a rule that cannot stop', async () => {
    await expect(sampleUntil(cfg, model, task, task.examples[0]!, scripted(() => true), { k: 3, cap: 2, batch: 1 })).rejects.toThrow(/cap 2 is below k 3/);
  });
});
