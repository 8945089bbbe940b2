import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from './cli.js';
import { startTestServer } from './openai-test-server.js';

/**
 * Long commands launched as they are for real runs, with stderr sent to a log file: a progress line
 * with an ETA must reach the file at least every interval (EMERGENCE_PROGRESS_INTERVAL, 10 s by
 * default; 1 s here) while the command runs, not only at its end. The test's own clock times each
 * line as it appears in the file.
 */
const dir = mkdtempSync(join(tmpdir(), 'emergence-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const INTERVAL_S = 1;

interface Logged {
  readonly code: number;
  /** Each stderr line with when it appeared in the file (ms after the spawn). */
  readonly lines: { readonly text: string; readonly atMs: number }[];
  readonly stdout: string;
  /** When the first byte of stdout (the results) arrived, ms after the spawn. */
  readonly stdoutAtMs: number;
}

function runLogged(args: string[], name: string): Promise<Logged> {
  const file = join(dir, `${name}.stderr.log`);
  const fd = openSync(file, 'w');
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: dir, stdio: ['ignore', 'pipe', fd], env: { ...process.env, CI: 'true', EMERGENCE_PROGRESS_INTERVAL: String(INTERVAL_S) },
  });
  closeSync(fd);
  const lines: { text: string; atMs: number }[] = [];
  let seen = 0;
  const poll = (): void => {
    const text = readFileSync(file, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
    for (; seen < complete.length; seen++) lines.push({ text: complete[seen]!, atMs: performance.now() - t0 });
  };
  const timer = setInterval(poll, 20);
  let stdout = '';
  let stdoutAtMs = Infinity;
  child.stdout!.on('data', (d: Buffer) => {
    if (stdout === '') stdoutAtMs = performance.now() - t0;
    stdout += d.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => {
    clearInterval(timer);
    poll();
    resolve({ code: code ?? -1, lines, stdout, stdoutAtMs });
  }));
}

/** The progress lines: plain (no redraw codes in a file), each with an ETA, spaced by about the interval. */
function checkSpacing(r: Logged, pattern: RegExp, min: number): { text: string; atMs: number }[] {
  const progress = r.lines.filter((l) => pattern.test(l.text));
  expect(progress.length, r.lines.map((l) => l.text).join('\n')).toBeGreaterThanOrEqual(min);
  for (const l of r.lines) expect(l.text).not.toMatch(/[\r\x1b]/);
  for (const l of progress) expect(l.text).toMatch(/ETA (\d+ s|\d+ min|unknown)/);
  // Before the results, and never more than an interval apart (plus scheduling slack on a busy
  // machine), nor closer than the interval.
  for (const l of progress) expect(l.atMs).toBeLessThan(r.stdoutAtMs);
  const gaps = progress.slice(1).map((l, i) => l.atMs - progress[i]!.atMs);
  for (const g of gaps) {
    expect(g).toBeLessThanOrEqual(INTERVAL_S * 1000 * 1.6);
    expect(g).toBeGreaterThanOrEqual(INTERVAL_S * 1000 * 0.9);
  }
  return progress;
}

describe('progress with stderr sent to a log file', () => {
  it('train: a line of steps done, rate and ETA every interval, from the step counts (no held-out eval in between)', async () => {
    const cfg = join(dir, 'train.yaml');
    // About 5 s of training (3,500 steps of a 1-layer model at 680 steps/s), no eval until the end.
    writeFileSync(cfg, 'task: { digits: 3, operation: add }\nout: models\nsteps: 3500\nbatch: 32\nlr: 0.003\nwarmup: 10\nseed: 1\neval_every: 0\neval_size: 100\ncheckpoint_every: 500\nmodels:\n  - { name: s, layers: 1, heads: 2, embd: 32 }\n');
    const r = await runLogged(['train', '--config', cfg], 'train');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model\tparams\tsteps\t.*\ns\t\d+\t3500\t/);
    const lines = checkSpacing(r, /^training: [\d,]+\/3,500 steps/, 3);
    const steps = lines.map((l) => Number(/^training: ([\d,]+)\//.exec(l.text)![1]!.replace(/,/g, '')));
    // The count moves between lines and the ETA is a number once steps were timed.
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1]!)).toBe(true);
    expect(lines[0]!.text).toMatch(/steps\/s, ETA \d+ s · s step [\d]+\/3500, loss \d+\.\d{4}, [\d,]+ tokens\/s$/);
  }, 60_000);

  it('eval: samples done / total, requests in flight and retries, repeated while no sample finishes', async () => {
    // A slow server (1 s a request, two requests a sample: the answer, then its log-likelihood) and one
    // 503: the log must show the run waiting on its request, and the retry, before any sample is done.
    const server = await startTestServer({ latencyMs: 1000, fault: (i, path) => (i === 1 && path.includes('completions') ? '503' : null) });
    try {
      const cfg = join(dir, 'eval.yaml');
      writeFileSync(cfg, `family: toy\nmodels:\n  - name: toy-4\n    params: 1e8\n    provider: { base_url: ${server.url}, concurrency: 1, timeout_ms: 10000, max_retries: 3, retry_base_ms: 10 }\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, operation: add, count: 2, seed: 1 }\nshots: 0\nseed: 0\n`);
      const r = await runLogged(['eval', '--config', cfg, '--store', join(dir, 'eval.duckdb')], 'eval');
      expect(r.code, r.lines.map((l) => l.text).join('\n')).toBe(0);
      expect(r.stdout).toMatch(/^model\ttask\tmetric/);
      const lines = checkSpacing(r, /^evaluating: \d\/2 samples/, 3);
      const waiting = lines.filter((l) => l.text.startsWith('evaluating: 0/2 samples (0.0%), ETA unknown · 1 request in flight'));
      expect(waiting.length).toBeGreaterThanOrEqual(2);
      expect(lines.some((l) => / 1 retry \(last: toy-4 attempt 2: HTTP 503/.test(l.text))).toBe(true);
      // Read live at each draw: once the first sample is done, the second one's request is in flight.
      expect(lines.some((l) => /^evaluating: 1\/2 samples \(50\.0%\), [\d.]+ s\/sample, ETA \d+ s · 1 request in flight/.test(l.text))).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a bad interval is a usage error', async () => {
    const child = spawn(process.execPath, [CLI, 'audit'], { cwd: dir, env: { ...process.env, EMERGENCE_PROGRESS_INTERVAL: 'soon' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/EMERGENCE_PROGRESS_INTERVAL: expected seconds > 0, got "soon"/);
  });
});
