import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../src/zoo/checkpoint.js';
import { expect } from 'vitest';
import { experimentById } from '../src/experiments/registry.js';
import type { ExperimentRun } from '../src/experiments/runner.js';
import type { ParamValueAny } from '../src/experiments/options.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { CLI, emergence, emergenceAsync, ROOT, type Run } from './cli.js';

/** An experiment in this process at a tiny plan (the budgets themselves are measured in docs/). */
export async function runInProcess(id: string, dir: string, overrides: Record<string, ParamValueAny>, seed = 1): Promise<ExperimentRun & { logs: string[] }> {
  const logs: string[] = [];
  const r = await experimentById(id)!.run({ budget: 'quick', overrides, seed, dir, jobs: 2, gemm: loadGemm(), log: (m) => logs.push(m), progress: () => {} });
  return { ...r, logs };
}

/** The JSON document of a run of the built CLI. */
export interface RunJson {
  readonly members: readonly { name: string; identity: string; stepsRun: number }[];
  readonly audit: { readonly curves: readonly { id: string; points: readonly { params: number; value: number }[] }[] };
  readonly findings: { readonly lines: readonly string[]; readonly data: unknown };
  readonly store: string;
  readonly versions: Record<string, string>;
}

export async function runCli(args: readonly string[]): Promise<Run & { json: RunJson }> {
  const r = await emergenceAsync(['experiment', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return { ...r, json: JSON.parse(r.stdout) as RunJson };
}

/**
 * Starts the CLI and sends it SIGKILL the moment its stderr matches `when`: a user's kill -9 at
 * that point. Returns what it printed; the run must not have finished on its own.
 */
export function killWhen(args: readonly string[], when: RegExp): Promise<{ stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, 'experiment', ...args, '--json'], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (when.test(stderr)) c.kill('SIGKILL');
    });
    c.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the run ended (${code}) before ${when} was seen:\n${stderr}`));
      else resolve({ stderr, stdout });
    });
  });
}

/** The checkpoints in `models` saved part-way (at a step short of their run's steps), by member name. */
export function partialMembers(models: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(models).filter((x) => x.endsWith('.safetensors'))) {
    const { meta } = loadCheckpoint(join(models, f));
    if (meta.step < (meta.train as { steps: number }).steps) out.push(f.replace(/-[0-9a-f]{16}\.safetensors$/, ''));
  }
  return out.sort();
}

/**
 * Starts the CLI and sends it SIGKILL as soon as a member's checkpoint in `models` is part-way: a
 * kill that lands in training whatever the machine's speed. Returns the members whose checkpoints are
 * part-way once the process is gone (a member seen part-way may still have finished before the
 * signal landed); there is at least one, or the kill came too late and this rejects.
 */
export function killInTraining(args: readonly string[], models: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, 'experiment', ...args, '--json'], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let partial: string | null = null;
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (partial || !existsSync(models)) return;
      for (const f of readdirSync(models).filter((x) => x.endsWith('.safetensors'))) {
        try {
          const { meta } = loadCheckpoint(join(models, f));
          if (meta.step < (meta.train as { steps: number }).steps) {
            partial = f;
            c.kill('SIGKILL');
            return;
          }
        } catch {
          /* being replaced: look again next time */
        }
      }
    }, 5);
    c.on('exit', (_code, signal) => {
      clearInterval(poll);
      const left = signal === 'SIGKILL' ? partialMembers(models) : [];
      if (left.length === 0) reject(new Error(`no checkpoint was left part-way by the kill (${signal ?? 'no signal'}):\n${stderr}`));
      else resolve(left);
    });
  });
}

/** Every curve's values by id, for comparing two runs. */
export const curveValues = (j: RunJson): Record<string, number[]> => Object.fromEntries(j.audit.curves.map((c) => [c.id, c.points.map((p) => p.value)]));

export function expectSameCurves(a: RunJson, b: RunJson): void {
  const va = curveValues(a);
  const vb = curveValues(b);
  expect(Object.keys(vb).sort()).toEqual(Object.keys(va).sort());
  for (const [id, vs] of Object.entries(va)) vs.forEach((v, i) => expect(vb[id]![i], id).toBeCloseTo(v, 12));
}

/** Fails when any (run, sample) pair is stored more than once. */
export async function expectEachSampleOnce(store: string): Promise<void> {
  const s = await DuckStore.open(store, { readOnly: true });
  try {
    const dup = await s.query('SELECT count(*)::INTEGER AS n FROM (SELECT run_id, sample_id FROM samples GROUP BY ALL HAVING count(*) > 1)');
    expect(dup[0]!.n).toBe(0);
  } finally {
    s.close();
  }
}

/**
 * What every served experiment promises a user who runs it twice or kills it: the same command
 * again reuses all `members` with the same curves; a kill -9 in evaluation (when stderr matches
 * `killAt`), then the same command, gives the same curves with each sample stored once; `--html`
 * writes a report holding `htmlTitle`. `args(sub)` is the command with its own folder `sub`.
 */
export async function expectRerunAndEvalResume(o: { args: (sub: string) => string[]; members: number; killAt: RegExp; html: string; htmlTitle: RegExp }): Promise<void> {
  const first = await runCli(o.args('b'));
  const again = await runCli(o.args('b'));
  expect(again.stderr.match(/: [\d,]+ params, reused/g)).toHaveLength(o.members);
  expectSameCurves(first.json, again.json);
  await killWhen(o.args('c'), o.killAt);
  const resumed = await runCli(o.args('c'));
  expectSameCurves(first.json, resumed.json);
  await expectEachSampleOnce(resumed.json.store);
  const withHtml = emergence(['experiment', ...o.args('b'), '--html', o.html]);
  expect(withHtml.code, withHtml.stderr).toBe(0);
  expect(readFileSync(o.html, 'utf8')).toMatch(o.htmlTitle);
}
