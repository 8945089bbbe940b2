/**
 * The queue's own cost: a sweep of instant jobs (the real job data of a sweep's eval jobs, a run
 * that does nothing) submitted to BullMQ on a local redis-server and pulled by one worker, so the
 * time is the queue's alone: enqueue, fetch, lock, heartbeat, complete. Target: < 5 ms per job.
 *   npm run bench:sweep -- [--jobs N] [--concurrency C] [--redis URL]
 * Without --redis it starts redis-server on a free port of 127.0.0.1 (scripts/install-deps.sh installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { loadTask } from '../src/harness/load-tasks.js';
import { submitSweep, startWorker } from '../src/sweeps/queue.js';
import { connectRedis } from '../src/sweeps/redis.js';
import { parseSweepConfig } from '../src/sweeps/sweep-config.js';
import { expandSweep } from '../src/sweeps/sweep-jobs.js';

const { values } = parseArgs({ options: { jobs: { type: 'string' }, concurrency: { type: 'string' }, redis: { type: 'string' } } });
const N = Number(values.jobs ?? 2000);
const concurrencies = values.concurrency ? [Number(values.concurrency)] : [1, 8];

async function startRedis(): Promise<{ url: string; proc: ChildProcess; dir: string }> {
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  proc.on('error', (e) => {
    process.stderr.write(`bench/sweep: cannot start redis-server (${e.message}); run scripts/install-deps.sh or pass --redis URL\n`);
    process.exit(2);
  });
  await new Promise<void>((res) => proc.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept') && res()));
  return { url: `redis://127.0.0.1:${port}`, proc, dir };
}

/** A sweep of N eval jobs over served models: the job data a real sweep puts on the queue. */
function jobsOf(n: number, salt: string): ReturnType<typeof expandSweep> {
  const models = Math.ceil(n / 10);
  const yaml = `sweep: bench-${salt}\nseeds: [${Array.from({ length: 10 }, (_, i) => i).join(', ')}]\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, count: 100, seed: 1 }\nfamilies:\n  - family: f-${salt}\n    models:\n${Array.from({ length: models }, (_, i) => `      - { name: m${i}, params: ${1e6 * (i + 1)}, provider: { base_url: http://127.0.0.1:1 } }`).join('\n')}\n`;
  return expandSweep(parseSweepConfig(yaml, 'bench.yaml'), loadTask).slice(0, n);
}

const own = values.redis === undefined ? await startRedis() : null;
const url = values.redis ?? own!.url;
const redis = await connectRedis(url);
try {
  for (const c of concurrencies) {
    const queue = `bench-${c}`;
    const jobs = jobsOf(N, String(c));
    const t0 = performance.now();
    const sub = await submitSweep(redis, jobs, queue);
    const submitMs = performance.now() - t0;
    let done = 0;
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((r) => (resolveAll = r));
    const t1 = performance.now();
    const w = startWorker(redis, {
      queue, concurrency: c, lockMs: 30_000, name: 'bench',
      run: async () => {},
      onEvent: (e) => {
        if (e.type === 'done' && ++done === sub.enqueued.length) resolveAll();
      },
    });
    await all;
    const ms = performance.now() - t1;
    await w.close();
    const q = new Queue(queue, { connection: redis });
    await q.obliterate({ force: true });
    await q.close();
    process.stdout.write(`concurrency ${c}: ${sub.enqueued.length} instant jobs in ${ms.toFixed(0)} ms: ${((1000 * sub.enqueued.length) / ms).toFixed(0)} jobs/s, overhead ${(ms / sub.enqueued.length).toFixed(3)} ms per job (wall), ${((ms * c) / sub.enqueued.length).toFixed(3)} ms per job per lane; submit ${(submitMs / sub.enqueued.length).toFixed(3)} ms per job\n`);
  }
  process.stdout.write('target: < 5 ms overhead per job\n');
} finally {
  redis.disconnect();
  if (own) {
    own.proc.kill();
    rmSync(own.dir, { recursive: true, force: true });
  }
}
