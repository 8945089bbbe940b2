import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { storeRows } from './store-rows.js';
import { CLI, ROOT, emergenceAsync } from './cli.js';
import { startTestServer } from './openai-test-server.js';
import { loadCheckpoint } from '../src/zoo/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as a child whose stderr we watch, to send it SIGINT at the right moment. */
function start(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, stderr: () => err, exit };
}
const until = async (ok: () => boolean, ms = 30_000): Promise<void> => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('Ctrl-C', () => {
  it('train saves a checkpoint at the step it reached and says how to resume', async () => {
    const cfg = join(dir, 'train.yaml');
    writeFileSync(cfg, `task: { digits: 2, operation: add }\nout: ${join(dir, 'models')}\nsteps: 100000\nbatch: 8\neval_every: 0\ncheckpoint_every: 100000\nmodels:\n  - { name: tiny, layers: 1, heads: 1, embd: 16 }\n`);
    const t = start(['train', '--config', cfg]);
    await new Promise((r) => setTimeout(r, 2500));
    t.child.kill('SIGINT');
    expect(await t.exit).toBe(130);
    const m = /interrupted \(SIGINT\) at step (\d+)\/100000 of tiny: checkpoint saved to (\S+); to continue: emergence train --config \S+ --resume/.exec(t.stderr());
    expect(m, t.stderr()).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThan(0);
    expect(loadCheckpoint(m![2]!).meta.step).toBe(step);
    expect(readdirSync(join(dir, 'models')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('eval exits 130, keeps every finished sample, says how to resume, and the resume completes the run exactly once', async () => {
    const server = await startTestServer({ latencyMs: 20 });
    const cfg = join(dir, 'eval.yaml');
    writeFileSync(cfg, `family: toy\nmodels:\n  - name: toy-4\n    params: 1e8\n    provider: { base_url: ${server.url}, concurrency: 2, retry_base_ms: 1 }\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, count: 300, seed: 1 }\nmetrics: [exact_match]\n`);
    const store = join(dir, 'eval.duckdb');
    const t = start(['eval', '--config', cfg, '--store', store]);
    await until(() => server.count > 60);
    t.child.kill('SIGINT');
    expect(await t.exit).toBe(130);
    const m = /interrupted \(SIGINT\): (\d+) samples are in \S+, nothing half-written; to continue: (emergence eval .* --resume)\n/.exec(t.stderr());
    expect(m, t.stderr()).not.toBeNull();
    const n = Number(m![1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(300);
    expect(Number((await storeRows(store, 'SELECT count(*) AS n FROM samples'))[0]!.n)).toBe(n);
    const again = await emergenceAsync(m![2]!.split(' ').slice(1).concat('--quiet'));
    await server.close();
    expect(again.code).toBe(0);
    expect((await storeRows(store, 'SELECT count(*) AS n, count(DISTINCT sample_id) AS d, count(error) AS e FROM samples'))[0]).toEqual({ n: 300n, d: 300n, e: 0n });
  }, 60_000);

  it('an interrupted export --out leaves neither the file nor its temporary', async () => {
    const store = join(dir, 'big.duckdb');
    const inst = await DuckDBInstance.create(store);
    const c = await inst.connect();
    await c.run("CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, created TIMESTAMP, family VARCHAR, model VARCHAR, params DOUBLE, task VARCHAR, task_source VARCHAR, settings VARCHAR, seed BIGINT, versions VARCHAR)");
    await c.run("CREATE TABLE samples (run_id VARCHAR, sample_id VARCHAR, prompt VARCHAR, output VARCHAR)");
    await c.run("INSERT INTO samples SELECT 'r', 's' || i, repeat('12+34=', 40), '46' FROM range(1000000) t(i)");
    c.closeSync();
    inst.closeSync();
    const out = join(dir, 'samples.csv');
    const t = start(['export', '--store', store, '--table', 'samples', '--out', out]);
    await until(() => readdirSync(dir).some((f) => f.startsWith('samples.csv.') && f.endsWith('.tmp')), 50_000);
    t.child.kill('SIGINT');
    expect(await t.exit).toBe(130);
    expect(readdirSync(dir).filter((f) => f.startsWith('samples.csv'))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
