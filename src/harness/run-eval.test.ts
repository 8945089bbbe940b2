import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import type { Provider } from '../core/types.js';
import { DuckStore } from '../store/duckdb-store.js';
import { arithmeticTask } from '../tasks/arithmetic.js';
import { tokenizerById } from '../tokenizers/index.js';
import { parseEvalConfig } from './config.js';
import { runIdFor, runModelTask } from './run-eval.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-run-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runModelTask', () => {
  it('a batch the store cannot write stops the run with one error naming the store', async () => {
    const cfg = parseEvalConfig(
      'family: toy\nmodels:\n  - name: toy-1\n    params: 1000\n    provider: { base_url: http://127.0.0.1:9 }\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, operation: add, count: 2000, seed: 1 }\nshots: 0\nseed: 0\n',
      'eval.yaml',
    );
    const task = arithmeticTask('add3', { digits: 3, operation: 'add', count: 2000, seed: 1 });
    const model = cfg.models[0]!;
    let calls = 0;
    const provider: Provider = {
      id: 'fake', canScore: false,
      generate: async () => {
        calls++;
        await new Promise((r) => setImmediate(r));
        return { text: '1', tokenLogprobs: null, finishReason: 'stop' };
      },
      sample: () => Promise.reject(new Error('not used')),
      loglikelihood: () => Promise.reject(new Error('not used')),
    };
    const path = join(dir, 'broken.duckdb');
    const store = await DuckStore.open(path);
    try {
      // A real DuckDB write failure: the scores table is gone, so every batch's transaction fails.
      await store.query('DROP TABLE scores');
      let callsAtFailure = -1;
      const write = store.writeSamples.bind(store);
      store.writeSamples = (runId, batch) => write(runId, batch).catch((err: unknown) => {
        if (callsAtFailure < 0) callsAtFailure = calls;
        throw err;
      });
      const run = runModelTask(cfg, { model, task, runId: runIdFor(cfg, model, task) }, provider, store, await tokenizerById('char'), { limit: null, retryErrors: false, concurrency: 4, versions: {} });
      const e = await run.then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).code).toBe('STORE_WRITE');
      expect((e as ConfigError).describe()).toMatch(new RegExp(`^${path}: the store could not be written \\(\\d+ samples\\): .*scores`));
      // No request starts once a batch has failed: past that point only the 4 in flight finish.
      expect(callsAtFailure).toBeGreaterThan(0);
      expect(calls - callsAtFailure).toBeLessThanOrEqual(4);
      expect(calls).toBeLessThan(2000);
      expect(Number((await store.query('SELECT count(*) AS n FROM samples'))[0]!.n)).toBe(0);
    } finally {
      store.close();
    }
  });

  it('a store opened read-only refuses the run before any request, naming the store', async () => {
    const path = join(dir, 'ro.duckdb');
    (await DuckStore.open(path)).close();
    const store = await DuckStore.open(path, { readOnly: true });
    const cfg = parseEvalConfig('family: toy\nmodels:\n  - name: toy-1\n    params: 1000\n    provider: { base_url: http://127.0.0.1:9 }\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, operation: add, count: 10, seed: 1 }\nshots: 0\nseed: 0\n', 'eval.yaml');
    const task = arithmeticTask('add3', { digits: 3, operation: 'add', count: 10, seed: 1 });
    let calls = 0;
    const provider: Provider = { id: 'fake', canScore: false, generate: async () => (calls++, { text: '1', tokenLogprobs: null, finishReason: 'stop' }), sample: () => Promise.reject(new Error('not used')), loglikelihood: () => Promise.reject(new Error('not used')) };
    try {
      const e = await runModelTask(cfg, { model: cfg.models[0]!, task, runId: 'r' }, provider, store, await tokenizerById('char'), { limit: null, retryErrors: false, concurrency: 2, versions: {} }).then(() => null, (err: unknown) => err);
      expect((e as ConfigError).code).toBe('STORE_WRITE');
      expect((e as ConfigError).describe()).toMatch(new RegExp(`^${path}: the store could not be written \\(the run record\\): .*read-only`));
      expect(calls).toBe(0);
    } finally {
      store.close();
    }
  });
});
