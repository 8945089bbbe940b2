import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { storeRows } from './store-rows.js';
import { CLI, emergence, emergenceAsync } from './cli.js';
import { startTestServer, type Fault } from './openai-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (ext: string): string => join(dir, `f${n++}${ext}`);

function config(url: string | string[], o: { count?: number; models?: [string, number][]; extra?: string; provider?: Record<string, string | number>; tasks?: string } = {}): string {
  const provider: Record<string, string | number> = { concurrency: 8, timeout_ms: 2000, max_retries: 8, retry_base_ms: 1, ...o.provider };
  const fields = [Array.isArray(url) ? `base_urls: [${url.join(', ')}]` : `base_url: ${url}`, ...Object.entries(provider).map(([k, v]) => `${k}: ${v}`)].join(', ');
  const models = (o.models ?? [['toy-1', 1e7], ['toy-4', 1e8], ['toy-16', 1e9], ['toy-64', 1e10]])
    .map(([m, p]) => `  - name: ${m}\n    params: ${p}\n    provider: { ${fields} }`)
    .join('\n');
  const f = fresh('.yaml');
  writeFileSync(f, `family: toy\nmodels:\n${models}\ntasks:\n${o.tasks ?? `  - name: add3\n    arithmetic: { digits: 3, operation: add, count: ${o.count ?? 40}, seed: 1 }`}\nshots: 2\nseed: 0\n${o.extra ?? ''}`);
  return f;
}

describe('emergence eval against an OpenAI-compatible server on 127.0.0.1', () => {
  it('generation, echo log-likelihoods, per-metric scores and the family audit', async () => {
    const server = await startTestServer();
    const store = fresh('.duckdb');
    const r = await emergenceAsync(['eval', '--config', config(server.url), '--store', store, '--json', '--quiet']);
    await server.close();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { scores: { model: string; metric: string; value: number }[]; audit: { curves: { key: { metric: string }; verdict: string; points: unknown[] }[] } };
    const em = (m: string): number => doc.scores.find((s) => s.model === m && s.metric === 'exact_match')!.value;
    const ppl = (m: string): number => doc.scores.find((s) => s.model === m && s.metric === 'per_token_perplexity')!.value;
    expect(em('toy-1')).toBeLessThan(em('toy-64'));
    // By construction each answer digit is right with p = skill/(skill+1): the target's per-token
    // perplexity is exactly 1/p (1.25 for toy-4), while exact match falls as p^digits.
    expect(ppl('toy-4')).toBeCloseTo(1.25, 9);
    expect(ppl('toy-64')).toBeCloseTo(65 / 64, 9);
    expect(doc.audit.curves.find((c) => c.key.metric === 'exact_match')!.points).toHaveLength(4);
    const rows = await storeRows(store, 'SELECT count(*) AS n, count(DISTINCT sample_id || run_id) AS d, count(target_token_logprobs) AS lp FROM samples');
    expect(Number(rows[0]!.n)).toBe(160);
    expect(Number(rows[0]!.d)).toBe(160);
    expect(Number(rows[0]!.lp)).toBe(160);
  });

  it('with faults injected (429 + Retry-After, 500, 503, timeout, truncated JSON, reset) the run completes, every sample stored once', async () => {
    const kinds: Fault[] = ['429', '500', '503', 'timeout', 'truncated', 'reset'];
    const server = await startTestServer({ fault: (i) => (i % 5 === 2 ? kinds[Math.floor(i / 5) % kinds.length]! : null) });
    const store = fresh('.duckdb');
    const r = await emergenceAsync(['eval', '--config', config(server.url, { count: 30, models: [['toy-4', 1e8], ['toy-16', 1e9]], provider: { timeout_ms: 300 } }), '--store', store, '--quiet']);
    await server.close();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = await storeRows(store, 'SELECT count(*) AS n, count(DISTINCT run_id || sample_id) AS d, count(error) AS e FROM samples');
    expect(rows[0]).toEqual({ n: 60n, d: 60n, e: 0n });
  });

  it('kill -9 in the middle of a 2,000-sample run, then --resume: none lost, none duplicated', async () => {
    const server = await startTestServer({ latencyMs: 1 });
    const cfg = config(server.url, { count: 2000, models: [['toy-8', 1e8]] });
    const store = fresh('.duckdb');
    const child = spawn(process.execPath, [CLI, 'eval', '--config', cfg, '--store', store, '--quiet'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (server.count > 1800) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    await new Promise((r) => child.once('exit', r));
    const mid = await storeRows(store, 'SELECT count(*) AS n FROM samples');
    expect(Number(mid[0]!.n)).toBeGreaterThan(0);
    expect(Number(mid[0]!.n)).toBeLessThan(2000);
    // --resume at once, on the store as the kill left it (no writer has replayed its WAL). Its cache
    // holds answers the killed run got but had not stored yet, so the resumed run reads cache hits
    // while it writes batches: this used to die with exit 1 in DuckDB's appender.
    const r = await emergenceAsync(['eval', '--config', cfg, '--store', store, '--resume', '--quiet']);
    const again = await emergenceAsync(['eval', '--config', cfg, '--store', store, '--quiet']);
    await server.close();
    expect(r.code, r.stderr).toBe(0);
    const rows = await storeRows(store, 'SELECT count(*) AS n, count(DISTINCT sample_id) AS d, (SELECT count(*) FROM scores) AS s, (SELECT count(DISTINCT sample_id || metric) FROM scores) AS sd FROM samples');
    expect(rows[0]!.n).toBe(2000n);
    expect(rows[0]!.d).toBe(2000n);
    expect(rows[0]!.s).toBe(rows[0]!.sd);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds 2000 samples .* pass --resume/);
  }, 120_000);

  it('the API key from the environment reaches the server and nowhere else: store, logs, exports', async () => {
    const key = 'sk-test-SECRET-4242-do-not-leak';
    const server = await startTestServer({ apiKey: key });
    const store = fresh('.duckdb');
    const cfg = config(server.url, { count: 10, models: [['toy-2', 1e8]], provider: { api_key_env: 'TEST_LAB_KEY' } });
    const run = await emergenceAsync(['eval', '--config', cfg, '--store', store], { env: { TEST_LAB_KEY: key } });
    const outs: string[] = [];
    for (const fmt of ['csv', 'json', 'parquet']) {
      for (const t of ['runs', 'samples', 'scores']) {
        const out = fresh(`.${fmt}`);
        const e = await emergenceAsync(['export', '--store', store, '--table', t, '--format', fmt, '--out', out]);
        expect(e.code).toBe(0);
        outs.push(out);
      }
    }
    await server.close();
    expect(run.code).toBe(0);
    expect(server.requests.every((q) => q.auth === `Bearer ${key}`)).toBe(true);
    expect(server.requests.some((q) => q.body.includes(key))).toBe(false);
    for (const text of [run.stdout, run.stderr, readFileSync(store).toString('latin1'), ...outs.map((f) => readFileSync(f).toString('latin1'))]) {
      expect(text.includes(key)).toBe(false);
    }
  });

  it('an unreachable server: one clear error at once, nothing written, then the run goes ahead once it is up', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const store = fresh('.duckdb');
    const cfg = config(url, { count: 12, models: [['toy-4', 1e8]], provider: { max_retries: 1, timeout_ms: 200 } });
    const r = await emergenceAsync(['eval', '--config', cfg, '--store', store, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`cannot reach ${url.replace(/[.]/g, '\\.')} \\(connection refused: nothing listens there\\)`));
    expect(existsSync(store)).toBe(false);
    const server = await startTestServer({ port });
    const again = await emergenceAsync(['eval', '--config', cfg, '--store', store, '--resume', '--retry-errors', '--quiet']);
    await server.close();
    expect(again.code).toBe(0);
    const rows = await storeRows(store, 'SELECT count(*) AS n, count(error) AS e FROM samples');
    expect(rows[0]).toEqual({ n: 12n, e: 0n });
  });

  it('self-consistency keeps every path and votes; chat API; exports read back by DuckDB', async () => {
    const server = await startTestServer();
    const store = fresh('.duckdb');
    const r = await emergenceAsync(['eval', '--config', config(server.url, { count: 10, models: [['toy-2', 1e8]], extra: 'samples_per_example: 5\ntemperature: 0.8\nmetrics: [exact_match, pass@5]\n' }), '--store', store, '--json', '--quiet']);
    expect(r.code).toBe(0);
    const rows = await storeRows(store, 'SELECT paths, attempts, output FROM samples');
    for (const row of rows) {
      expect(JSON.parse(String(row.paths))).toHaveLength(5);
      expect(JSON.parse(String(row.attempts))).toHaveLength(5);
    }
    const doc = JSON.parse(r.stdout) as { scores: { metric: string; value: number }[] };
    expect(doc.scores.find((x) => x.metric === 'pass@5')!.value).toBeGreaterThanOrEqual(doc.scores.find((x) => x.metric === 'exact_match')!.value);
    const chat = await emergenceAsync(['eval', '--config', config(server.url, { count: 5, models: [['toy-9', 1e8]], provider: { api: 'chat' }, extra: 'score_targets: false\n' }), '--store', fresh('.duckdb'), '--json', '--quiet']);
    expect(chat.code).toBe(0);
    expect(server.requests.some((q) => q.path === '/v1/chat/completions')).toBe(true);
    const pq = fresh('.parquet');
    expect((await emergenceAsync(['export', '--store', store, '--table', 'samples', '--out', pq])).code).toBe(0);
    const back = await storeRows(':memory:', `SELECT count(*) AS n FROM '${pq}'`).catch(async () => {
      const inst = await DuckDBInstance.create(':memory:');
      const c = await inst.connect();
      const rr = (await c.runAndReadAll(`SELECT count(*) AS n FROM '${pq}'`)).getRowObjects();
      c.closeSync();
      inst.closeSync();
      return rr;
    });
    expect(Number(back[0]!.n)).toBe(10);
    await server.close();
  });

  it('a multiple-choice JSONL task: every choice scored by log-likelihood, acc and Brier from the same samples', async () => {
    const server = await startTestServer();
    const task = fresh('.jsonl');
    const lines = Array.from({ length: 12 }, (_, i) => {
      const a = 100 + i * 7;
      const b = 200 + i * 3;
      const right = a + b;
      const choices = [right - 1, right, right + 10].map(String);
      return JSON.stringify({ input: `${a}+${b}=`, choices, gold: 1 });
    });
    writeFileSync(task, lines.join('\n') + '\n');
    const store = fresh('.duckdb');
    const r = await emergenceAsync(['eval', '--config', config(server.url, { models: [['toy-1', 1e7], ['toy-9', 1e9]], tasks: `  - name: mc\n    file: ${task}` }), '--store', store, '--json', '--quiet']);
    await server.close();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { scores: { model: string; metric: string; value: number }[] };
    const get = (m: string, metric: string): number => doc.scores.find((s) => s.model === m && s.metric === metric)!.value;
    // The toy models put their mass on the true digits, so the right choice wins; Brier falls with skill.
    expect(get('toy-9', 'acc')).toBe(1);
    expect(get('toy-9', 'brier_score')).toBeLessThan(get('toy-1', 'brier_score'));
    const rows = await storeRows(store, "SELECT choice_logliks FROM samples WHERE kind = 'multiple_choice' LIMIT 1");
    expect(JSON.parse(String(rows[0]!.choice_logliks))).toHaveLength(3);
  });

  it('replicas: requests spread over them, and one that is down is set aside', async () => {
    const a = await startTestServer();
    const b = await startTestServer();
    const down = `http://127.0.0.1:${await freePort()}`;
    const r = await emergenceAsync(['eval', '--config', config([a.url, b.url, down], { count: 40, models: [['toy-4', 1e8]] }), '--store', fresh('.duckdb'), '--quiet']);
    await a.close();
    await b.close();
    expect(r.code).toBe(0);
    expect(a.count).toBeGreaterThan(10);
    expect(b.count).toBeGreaterThan(10);
  });
});

describe('bad config', () => {
  it('an unknown field names the field and the file', () => {
    const f = fresh('.yaml');
    writeFileSync(f, 'family: x\nmodels:\n  - name: m\n    params: 1e6\n    provider: { bse_url: http://127.0.0.1:1 }\ntasks:\n  - name: t\n    arithmetic: { digits: 2 }\n');
    const r = emergence(['eval', '--config', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.yaml: "models\[0\]\.provider\.bse_url": unknown field \(hint: known: base_url, base_urls/);
  });
  it('a wrong type, a missing key variable, a YAML syntax error', () => {
    const f = fresh('.yaml');
    writeFileSync(f, 'family: x\nshots: many\nmodels:\n  - name: m\n    params: 1e6\n    provider: { base_url: http://127.0.0.1:1 }\ntasks:\n  - name: t\n    arithmetic: { digits: 2 }\n');
    expect(emergence(['eval', '--config', f]).stderr).toMatch(/"shots": expected a whole number >= 0, got string/);
    const g = fresh('.yaml');
    writeFileSync(g, 'family: x\nmodels:\n  - name: m\n    params: 1e6\n    provider: { base_url: http://127.0.0.1:1, api_key_env: SURELY_NOT_SET_ANYWHERE }\ntasks:\n  - name: t\n    arithmetic: { digits: 2 }\n');
    expect(emergence(['eval', '--config', g]).stderr).toMatch(/"api_key_env": environment variable SURELY_NOT_SET_ANYWHERE is not set/);
    const h = fresh('.yaml');
    writeFileSync(h, 'family: x\nmodels: [\n');
    expect(emergence(['eval', '--config', h]).stderr).toMatch(/\.yaml:\d+: /);
  });
  it('--help shows a complete example config', () => {
    const r = emergence(['eval', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/api_key_env: OPENAI_API_KEY/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
