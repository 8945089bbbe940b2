import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, emergenceAsync } from './cli.js';
import { startTestServer } from './openai-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-store-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(url: string, task: string, count: number, concurrency: number): string {
  const f = join(dir, `${task}.yaml`);
  const models = [['toy-1', 1e7], ['toy-4', 1e8], ['toy-16', 1e9], ['toy-64', 1e10]].map(([m, p]) => `  - name: ${m}\n    params: ${p}\n    provider: { base_url: ${url}, concurrency: ${concurrency}, retry_base_ms: 1 }`).join('\n');
  writeFileSync(f, `family: toy\nmodels:\n${models}\ntasks:\n  - name: ${task}\n    arithmetic: { digits: 3, operation: add, count: ${count}, seed: 1 }\nshots: 0\nmetrics: [exact_match, char_edit_distance]\n`);
  return f;
}

describe('the store while another process writes or reads it', () => {
  it('view, audit and export read while eval writes; eval writes while view is up', async () => {
    const fast = await startTestServer();
    const store = join(dir, 'shared.duckdb');
    const first = await emergenceAsync(['eval', '--config', config(fast.url, 'add3', 20, 8), '--store', store, '--quiet']);
    await fast.close();
    expect(first.code).toBe(0);

    // The viewer is up first, as a user leaves it open.
    const view = spawn(process.execPath, [CLI, 'view', '--store', store, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const viewUrl = await new Promise<string>((resolve, reject) => {
      view.stdout!.on('data', (d: Buffer) => {
        const m = /emergence view: (\S+)\//.exec(String(d));
        if (m) resolve(m[1]!);
      });
      view.once('exit', (c) => reject(new Error(`view exited ${c}`)));
    });
    expect((await fetch(`${viewUrl}/`)).status).toBe(200);

    // A second eval into the same store, held mid-run by the server's gate until the readers are done,
    // so "while eval writes" does not depend on how fast this machine is.
    let release!: () => void;
    const slow = await startTestServer({ gate: { after: 20, open: new Promise<void>((r) => (release = r)) } });
    let evalDone = false;
    const evalRun = emergenceAsync(['eval', '--config', config(slow.url, 'add3b', 80, 2), '--store', store, '--quiet']).then((r) => {
      evalDone = true;
      return r;
    });
    // Wait until it holds the store (its first samples are in) and is stopped at the gate.
    for (let i = 0; i < 600 && slow.count < 20; i++) await new Promise((r) => setTimeout(r, 50));
    expect(slow.count).toBeGreaterThanOrEqual(20);
    expect(evalDone).toBe(false);

    const audit = await emergenceAsync(['audit', store, '--json', '--all']);
    expect(audit.code).toBe(0);
    expect(audit.stderr).toMatch(/is being written by another process \(PID \d+\): reading a snapshot/);
    const doc = JSON.parse(audit.stdout) as { curves: { key: { task: string; metric: string }; points: unknown[] }[] };
    expect(doc.curves.find((c) => c.key.task === 'add3' && c.key.metric === 'exact_match')!.points).toHaveLength(4);

    const out = join(dir, 'runs.json');
    const exp = await emergenceAsync(['export', '--store', store, '--table', 'runs', '--out', out]);
    expect(exp.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('add3');

    const page = await fetch(`${viewUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('add3');
    expect(evalDone).toBe(false); // all of the above happened while eval held the store

    release();
    const r = await evalRun;
    await slow.close();
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    // The viewer sees the finished run on its next page.
    expect(await (await fetch(`${viewUrl}/`)).text()).toContain('add3b');
    const gone = new Promise((res) => view.once('exit', res));
    view.kill('SIGTERM');
    await gone;
  }, 120_000);

  it('a corrupt store is one clear error and exit 2 in eval', async () => {
    const server = await startTestServer();
    const store = join(dir, 'corrupt.duckdb');
    writeFileSync(store, 'this is not a DuckDB database\n'.repeat(200));
    const r = await emergenceAsync(['eval', '--config', config(server.url, 'add3c', 5, 2), '--store', store]);
    await server.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/corrupt\.duckdb.*cannot open the store/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
