import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, emergenceAsync } from './cli.js';
import { startTestServer, type TestServer } from './openai-test-server.js';
import { storeRows } from './store-rows.js';

/**
 * A sweep on a real queue: redis-server on 127.0.0.1 (scripts/install-deps.sh installs it, so a
 * missing one fails the test), the deterministic OpenAI-compatible test server for the served family,
 * tiny arithmetic transformers for the trained one, three `emergence worker` processes, two of them
 * killed with SIGKILL (one while it trains, one while it writes samples) and replaced on their shards.
 */
const dir = mkdtempSync(join(tmpdir(), 'emergence-sweep-'));
const procs = new Set<ChildProcess>();
let redis: ChildProcess;
let redisUrl = '';
let server: TestServer;

const freePort = (): Promise<number> => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => res(port));
  });
});

beforeAll(async () => {
  const v = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) throw new Error('redis-server is not installed: run scripts/install-deps.sh (it installs Debian\'s redis-server)');
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.add(redis);
  await new Promise<void>((res, rej) => {
    let out = '';
    const t = setTimeout(() => rej(new Error(`redis-server did not start: ${out}`)), 10_000);
    redis.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        res();
      }
    });
    redis.on('exit', (code) => rej(new Error(`redis-server exited (${code}): ${out}`)));
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  server = await startTestServer();
});

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TOYS = ['toy-1', 'toy-2', 'toy-4', 'toy-8', 'toy-16'];
const COUNT = 16;
const TASKS = 2;
const SETTINGS = 2;
const SIZES = ['xxs', 'xs'];

function sweepFile(name: string, seeds: readonly number[]): string {
  const f = join(dir, name);
  const models = TOYS.map((m, i) => `      - { name: ${m}, params: ${10 ** (6 + i)}, provider: { base_url: ${server.url}, concurrency: 4, timeout_ms: 5000, retry_base_ms: 1 } }`).join('\n');
  writeFileSync(f, `sweep: queue-test
seeds: [${seeds.join(', ')}]
eval: { metrics: [exact_match, token_edit_distance, per_token_accuracy], tokenizer: char }
settings: [{ max_tokens: 4 }, { max_tokens: 5 }]
tasks:
  - name: add2
    arithmetic: { digits: 2, operation: add, count: ${COUNT}, seed: 1, pad_answer: true }
  - name: add2-heldout
    arithmetic: { digits: 2, operation: add, count: ${COUNT}, seed: 2, pad_answer: true }
families:
  - family: toy
    models:
${models}
  - family: lab-arith
    train: { sizes: [${SIZES.join(', ')}], digits: 2, operation: add, steps: 80, batch: 8, lr: 0.003, warmup: 5 }
`);
  return f;
}

const SEEDS = [1, 2, 3];
const TRAIN_JOBS = SIZES.length * SEEDS.length;
const EVAL_JOBS = (TOYS.length + SIZES.length) * TASKS * SETTINGS * SEEDS.length;
const SAMPLES = EVAL_JOBS * COUNT;

interface Worker {
  readonly proc: ChildProcess;
  readonly shard: string;
  lines: string[];
  /** Resolves with the first stderr line that matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

function startWorker(shard: string, models: string): Worker {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', redisUrl, '--store', shard, '--models', models, '--lock-ms', '2000', '--verbose'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' },
  });
  procs.add(proc);
  const w: Worker = { proc, shard, lines: [], waitFor: () => Promise.reject(new Error('unset')) };
  const waiters: { re: RegExp; res: (l: string) => void }[] = [];
  let buf = '';
  proc.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      w.lines.push(l);
      for (const x of [...waiters]) if (x.re.test(l)) {
        waiters.splice(waiters.indexOf(x), 1);
        x.res(l);
      }
    }
  });
  w.waitFor = (re, timeoutMs = 60_000) => {
    const seen = w.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`worker never logged ${re}: ${w.lines.slice(-5).join(' | ')}`)), timeoutMs);
      waiters.push({ re, res: (l) => (clearTimeout(t), res(l)) });
    });
  };
  return w;
}

/** `emergence view` with the sweep's page; resolves with its URL once it listens. */
function startView(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [CLI, 'view', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
  procs.add(proc);
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) res({ url: m[1]!, proc });
    });
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => rej(new Error(`view exited ${code}: ${err}`)));
  });
}

const exited = (p: ChildProcess): Promise<void> => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r())));

interface Status { kinds: { kind: string; total: number; done: number; failed: number; running: number; queued: number; waiting: number }[]; etaSeconds: number | null }

async function status(file: string): Promise<Status> {
  const r = await emergenceAsync(['sweep', 'status', '--config', file, '--redis', redisUrl, '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Status;
}

/** The audit's curves of a store, with the store's own path taken out (the curves name their sources). */
async function auditCurves(store: string): Promise<unknown[]> {
  const r = await emergenceAsync(['audit', store, '--json', '--all']);
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout.replaceAll(store, 'STORE')) as { curves: { id: string }[] };
  return doc.curves.sort((a, b) => a.id.localeCompare(b.id));
}

describe('emergence sweep on BullMQ with three workers', () => {
  it('kill -9 mid-training and mid-write: every job done once, every sample once, the same curves as one process', async () => {
    const file = sweepFile('sweep.yaml', SEEDS);
    // The same sweep in one process, no Redis: the reference.
    const local = join(dir, 'local.duckdb');
    const l = await emergenceAsync(['sweep', '--config', file, '--store', local, '--models', join(dir, 'models-local'), '--quiet', '--json']);
    expect(l.code, l.stderr).toBe(0);
    expect(JSON.parse(l.stdout).ran).toEqual({ train: TRAIN_JOBS, eval: EVAL_JOBS });
    const ls = await emergenceAsync(['sweep', 'status', '--config', file, '--store', local]);
    expect(ls.stdout).toContain(`${TRAIN_JOBS + EVAL_JOBS}/${TRAIN_JOBS + EVAL_JOBS} jobs done`);
    // Rerun: the store records every job done, so nothing runs again.
    const l2 = await emergenceAsync(['sweep', '--config', file, '--store', local, '--models', join(dir, 'models-local'), '--quiet', '--json']);
    expect(JSON.parse(l2.stdout)).toMatchObject({ ran: { train: 0, eval: 0 }, skipped: TRAIN_JOBS + EVAL_JOBS, samples: 0 });

    const submit = await emergenceAsync(['sweep', '--config', file, '--redis', redisUrl, '--json']);
    expect(submit.code, submit.stderr).toBe(0);
    const sub = JSON.parse(submit.stdout) as { enqueued: { kind: string }[]; deferred: number };
    expect(sub.enqueued.filter((j) => j.kind === 'train')).toHaveLength(TRAIN_JOBS);
    expect(sub.enqueued.filter((j) => j.kind === 'eval')).toHaveLength(TOYS.length * TASKS * SETTINGS * SEEDS.length);
    expect(sub.deferred).toBe(SIZES.length * TASKS * SETTINGS * SEEDS.length);

    const shards = join(dir, 'shards');
    const models = join(dir, 'models-shared');
    mkdirSync(shards, { recursive: true });
    const shardOf = (i: number): string => join(shards, `w${i}.duckdb`);
    // Worker 0 connects first, so the first train job is its own.
    const first = startWorker(shardOf(0), models);
    await first.waitFor(/pulling jobs/);
    const workers = [first, ...[1, 2].map((i) => startWorker(shardOf(i), models))];
    // Worker 0 dies while it trains a member (its training child notices and stops); worker 1 while it writes a batch.
    const trainLine = await workers[0]!.waitFor(/started \(train-/);
    // At step 10 of 80, just after its first checkpoint: the retry resumes from it.
    await workers[0]!.waitFor(/ 10\/80 \(loss/);
    workers[0]!.proc.kill('SIGKILL');
    const killedTrain = /\((train-[0-9a-f]+)\)/.exec(trainLine)![1]!;
    await workers[1]!.waitFor(/writing \d+ samples/);
    workers[1]!.proc.kill('SIGKILL');
    await Promise.all([exited(workers[0]!.proc), exited(workers[1]!.proc)]);
    const killedNames = [workers[0]!, workers[1]!].map((w) => `-${w.proc.pid}`);
    // Replacements on the same shards (a restarted machine): the killed shards reopen at their last commit.
    const replacements = [0, 1].map((i) => startWorker(shardOf(i), models));
    const live = [workers[2]!, ...replacements];

    let s = await status(file);
    const t0 = Date.now();
    while (s.kinds.some((k) => k.done + k.failed < k.total) && Date.now() - t0 < 150_000) {
      await new Promise((r) => setTimeout(r, 1000));
      s = await status(file);
    }
    expect(s.kinds).toEqual([
      { kind: 'train', total: TRAIN_JOBS, done: TRAIN_JOBS, running: 0, queued: 0, waiting: 0, failed: 0, meanSeconds: expect.any(Number) },
      { kind: 'eval', total: EVAL_JOBS, done: EVAL_JOBS, running: 0, queued: 0, waiting: 0, failed: 0, meanSeconds: expect.any(Number) },
    ]);
    expect(s.etaSeconds).toBe(0);
    // The viewer shows the sweep's progress, from the queue and (for the local run) from its store.
    const fromQueue = await startView(['--store', local, '--sweep', file, '--redis', redisUrl]);
    const fromStore = await startView(['--store', local, '--sweep', file]);
    const pages = await Promise.all([fromQueue, fromStore].map(async (v) => (await fetch(`${v.url}/sweep`)).text()));
    for (const v of [fromQueue, fromStore]) v.proc.kill('SIGTERM');
    for (const html of pages) {
      expect(html).toContain(`<span id="done">${TRAIN_JOBS + EVAL_JOBS}/${TRAIN_JOBS + EVAL_JOBS}</span>`);
      expect(html).toContain(`<tr><td>eval</td><td class="num">${EVAL_JOBS}</td><td class="num">${EVAL_JOBS}</td>`);
    }
    expect(pages[0]).toContain(`workers connected`);
    expect(pages[0]).toContain(redisUrl);
    for (const w of live) w.proc.kill('SIGTERM');
    await Promise.all(live.map((w) => exited(w.proc)));
    for (const w of live) expect(w.proc.exitCode, w.lines.slice(-3).join('\n')).toBe(0);

    // Every job recorded done exactly once over all shards: none lost with its worker, none run twice.
    const perShard = await Promise.all(readdirSync(shards).filter((f) => f.endsWith('.duckdb')).map((f) => storeRows(join(shards, f), 'SELECT job_id, worker FROM sweep_jobs')));
    const records = perShard.flat();
    expect(records).toHaveLength(TRAIN_JOBS + EVAL_JOBS);
    expect(new Set(records.map((r) => r.job_id)).size).toBe(TRAIN_JOBS + EVAL_JOBS);
    // The member being trained when its worker died was trained elsewhere (resumed from its checkpoint):
    // by any worker but the one killed mid-training (worker 1 may finish it before its own death on a write).
    const retried = records.find((r) => r.job_id === killedTrain)!;
    expect(String(retried.worker).endsWith(`-${workers[0]!.proc.pid}`), `${JSON.stringify(retried)} ${killedNames} ${workers[0]!.lines.join('\n')}`).toBe(false);

    const all = join(dir, 'all.duckdb');
    const c = await emergenceAsync(['sweep', 'collect', '--store', all, '--config', file, '--json', shards]);
    expect(c.code, c.stderr).toBe(0);
    const collected = JSON.parse(c.stdout) as { missingJobs: string[]; shards: { rows: { samples: number } }[] };
    expect(collected.missingJobs).toEqual([]);
    const shardSamples = collected.shards.reduce((a, x) => a + x.rows.samples, 0);
    expect(shardSamples).toBeGreaterThanOrEqual(SAMPLES);
    const [counts] = await storeRows(all, 'SELECT count(*) AS n, count(DISTINCT run_id || \'|\' || sample_id) AS d, count(error) AS e, (SELECT count(*) FROM runs) AS runs FROM samples');
    expect(counts).toEqual({ n: BigInt(SAMPLES), d: BigInt(SAMPLES), e: 0n, runs: BigInt(EVAL_JOBS) });
    // Collecting again adds nothing.
    const again = await emergenceAsync(['sweep', 'collect', '--store', all, '--json', shards]);
    expect((JSON.parse(again.stdout) as { total: { samples: number } }).total.samples).toBe(SAMPLES);

    // The collected store audits to the same curves as the single-process run of the same sweep.
    const [a, b] = await Promise.all([auditCurves(local), auditCurves(all)]);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);

    // Re-submitting the finished sweep enqueues nothing; changing one seed enqueues only that seed's jobs.
    const re = await emergenceAsync(['sweep', '--config', file, '--redis', redisUrl, '--json']);
    expect(JSON.parse(re.stdout)).toMatchObject({ enqueued: [], deferred: 0, retried: 0, present: TRAIN_JOBS + EVAL_JOBS });
    const changed = await emergenceAsync(['sweep', '--config', sweepFile('changed.yaml', [1, 2, 4]), '--redis', redisUrl, '--json']);
    const ch = JSON.parse(changed.stdout) as { enqueued: { kind: string; seed: number }[]; deferred: number; present: number };
    expect(ch.enqueued.every((j) => j.seed === 4)).toBe(true);
    expect(ch.enqueued.filter((j) => j.kind === 'train')).toHaveLength(SIZES.length);
    expect(ch.enqueued.filter((j) => j.kind === 'eval')).toHaveLength(TOYS.length * TASKS * SETTINGS);
    expect(ch.deferred).toBe(SIZES.length * TASKS * SETTINGS);
    expect(ch.present).toBe(((TRAIN_JOBS + EVAL_JOBS) * 2) / 3);
  }, 300_000);

  it('an unreachable Redis is one error naming its URL without the password, exit 2', async () => {
    const port = await freePort();
    const r = await emergenceAsync(['worker', '--redis', `redis://:hunter2@127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('hunter2');
    const s = await emergenceAsync(['sweep', '--config', sweepFile('u.yaml', [1]), '--redis', `redis://:hunter2@127.0.0.1:${port}`]);
    expect(s.code).toBe(2);
    expect(s.stderr).not.toContain('hunter2');
    expect(s.stderr).toContain('"--redis"');
  });

  it('a malformed sweep file is an error naming the field as the file spells it, exit 2', async () => {
    const good = sweepFile('m.yaml', [1]);
    const cases: [string, string, string][] = [
      ['settings: [{ max_tokens: 4 }, { max_tokens: 5 }]', 'settings: [{ max_tokens: 4 }, { max_tokens: -5 }]', '"settings[1].max_tokens": expected a whole number >= 1'],
      [`base_url: ${server.url}, concurrency: 4`, `base_url: ftp://x, concurrency: 4`, '"families[0].models[0].provider.base_url": not an http(s) URL'],
      ['sizes: [xxs, xs]', 'sizes: [xxs, huge]', '"families[1].train.sizes[1]": unknown size "huge"'],
      ['seeds: [1]', 'seeds: [1, -2]', '"seeds[1]": expected a whole number >= 0'],
      ['eval: { metrics', 'eval: { seed: 3, metrics', '"eval.seed": a sweep sets this in seeds'],
    ];
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(good, 'utf8');
    for (const [from, to, message] of cases) {
      expect(text).toContain(from);
      const f = join(dir, `bad-${cases.findIndex((c) => c[0] === from)}.yaml`);
      writeFileSync(f, text.replace(from, to));
      const r = await emergenceAsync(['sweep', '--config', f]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
