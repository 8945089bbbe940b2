import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import { CLASSIFIER_METRICS, RECON_METRICS } from '../src/experiments/vision-mirage.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { emergence } from './cli.js';
import { expectSameCurves, killInTraining, killWhen, runCli, runInProcess, type RunJson } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-vision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = { lenetSteps: 30, aeSteps: 30, trainCount: 1000, testCount: 100, seeds: 2, lenetWidths: [0.03, 0.09, 0.17, 0.32], bottlenecks: [1, 2, 4, 8] };
const ARGS = ['--lenet-steps', '30', '--ae-steps', '30', '--train-count', '1000', '--test-count', '100', '--seeds', '2', '--lenet-widths', '0.03,0.09,0.17,0.32', '--bottlenecks', '1,2,4,8'];

async function rows(store: string): Promise<Record<string, unknown>[]> {
  const s = await DuckStore.open(store, { readOnly: true });
  try {
    return await s.query('SELECT kind, count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs, count(sq_error)::INTEGER AS errs FROM samples GROUP BY kind ORDER BY kind');
  } finally { s.close(); }
}
const EXPECTED = [
  { kind: 'multiple_choice', n: 4 * 2 * 100, runs: 8, errs: 0 },
  { kind: 'regression', n: 4 * 2 * 100, runs: 8, errs: 800 },
];

// The whole pipeline at a tiny plan: train both families with two replicate seeds in the pool, score
// every test image into DuckDB on disk, audit from the store.
describe('vision-mirage experiment, end to end', () => {
  let first: RunJson | null = null;

  it('trains both families, stores every test image and audits every metric, seeds averaged', async () => {
    const r = await runInProcess('vision-mirage', join(dir, 'a'), TINY, 3);
    const byFamily = (f: string) => r.curves.filter((c) => c.key.family === f).map((c) => c.key.metric).sort();
    expect(byFamily('lab-lenet')).toEqual([...CLASSIFIER_METRICS].sort());
    expect(byFamily('lab-autoencoder')).toEqual([...RECON_METRICS].sort());
    for (const c of r.curves) {
      expect(c.points).toHaveLength(4);
      expect(c.points.every((p) => p.seeds === 2 && Number.isFinite(p.value))).toBe(true);
      const ps = c.points.map((p) => p.params);
      expect(ps.every((p, i) => i === 0 || p > ps[i - 1]!)).toBe(true);
    }
    // Subset accuracy at K never exceeds accuracy.
    const curve = (m: string) => r.curves.find((c) => c.key.metric === m)!.points.map((p) => p.value);
    const acc = curve('acc');
    curve('subset_accuracy@5').forEach((v, i) => expect(v).toBeLessThanOrEqual(acc[i]! + 1e-12));
    curve('independent_subset_accuracy@5').forEach((v, i) => expect(v).toBeLessThanOrEqual(acc[i]! + 1e-12));
    expect(r.report.verdicts).toHaveLength(CLASSIFIER_METRICS.length + RECON_METRICS.length);
    expect(await rows(r.store)).toEqual(EXPECTED);
    // `emergence audit` reads the same store and finds the same curves, with the runs' own metrics.
    const cli = emergence(['audit', r.store, '--json']);
    expect(cli.code).toBe(0);
    const doc = JSON.parse(cli.stdout) as { curves: { key: { family: string; metric: string }; points: { value: number }[] }[] };
    const values = (cs: readonly { key: { family: string; metric: string }; points: readonly { value: number }[] }[]) =>
      Object.fromEntries(cs.map((c) => [`${c.key.family}/${c.key.metric}`, c.points.map((p) => p.value)]));
    const fromCli = values(doc.curves);
    for (const [k, vs] of Object.entries(values(r.curves))) vs.forEach((v, i) => expect(fromCli[k]![i], k).toBeCloseTo(v, 12));
  }, 180_000);

  it('the CLI run reuses every member and stored run, with the same curves', async () => {
    const r = await runCli(['vision-mirage', '--dir', join(dir, 'a'), '--seed', '3', ...ARGS]);
    expect(r.stderr.match(/params, reused/g)).toHaveLength(16);
    expect(r.stderr).not.toMatch(/test images scored/);
    first = r.json;
  }, 120_000);

  it('kill -9 in training, then the same command: resumes, every test image once', async () => {
    const slow = ['--lenet-steps', '300', ...ARGS.slice(2)];
    const args = ['vision-mirage', '--dir', join(dir, 'b'), '--seed', '3', ...slow];
    const partial = await killInTraining(args, join(dir, 'b', 'models'));
    const r = await runCli(args);
    for (const member of partial) expect(r.stderr).toMatch(new RegExp(`${member.replace(/\./g, '\\.')}: [\\d,]+ params, resumed, trained \\d+ steps`));
    expect(await rows(r.json.store)).toEqual(EXPECTED);
    const clean = await runCli(['vision-mirage', '--dir', join(dir, 'b2'), '--seed', '3', ...slow]);
    expectSameCurves(clean.json, r.json);
  }, 180_000);

  it('kill -9 in scoring, then the same command: the scored members are kept, the rest scored once', async () => {
    const args = ['vision-mirage', '--dir', join(dir, 'c'), '--seed', '3', ...ARGS];
    const killed = await killWhen(args, /test images scored and stored/);
    const r = await runCli(args);
    const scoredBefore = killed.stderr.match(/test images scored/g)!.length;
    expect(r.stderr.match(/test images scored/g)!.length).toBeLessThanOrEqual(16 - scoredBefore);
    expect(await rows(r.json.store)).toEqual(EXPECTED);
    expectSameCurves(first!, r.json);
  }, 120_000);

  it('a changed setting retrains only the members it changes; the store keeps only this plan', async () => {
    const r = await runCli(['vision-mirage', '--dir', join(dir, 'a'), '--seed', '3', ...ARGS.slice(0, -2), '--bottlenecks', '1,2,4,16', '--seeds', '1', '--lenet-steps', '40']);
    // Replicate 0 of the unchanged autoencoders is the same member: reused. The LeNets (40 steps) and b16 are new.
    expect(r.stderr.match(/autoencoder-b\d+-r0: [\d,]+ params, reused/g)).toHaveLength(3);
    expect(r.stderr.match(/lenet-w[\d.]+-r0: [\d,]+ params, trained 40 steps/g)).toHaveLength(4);
    expect(r.stderr).toMatch(/autoencoder-b16-r0: [\d,]+ params, trained 30 steps/);
    const s = await DuckStore.open(r.json.store, { readOnly: true });
    try {
      expect((await s.query('SELECT count(*)::INTEGER AS n FROM runs'))[0]!.n).toBe(8);
    } finally { s.close(); }
    expect(readdirSync(join(dir, 'a', 'models')).some((f) => f.startsWith('autoencoder-b16-r0-'))).toBe(true);
  }, 180_000);

  it('a corrupt checkpoint among the models is an error naming the file, not a silent retrain', async () => {
    const models = join(dir, 'a', 'models');
    const bad = join(models, readdirSync(models).find((f) => f.startsWith('lenet-w0.03-r0-'))!);
    writeFileSync(bad, Buffer.from('definitely not safetensors'));
    const err = await runInProcess('vision-mirage', join(dir, 'a'), { ...TINY, seeds: 1, lenetSteps: 40, bottlenecks: [1, 2, 4, 16] }, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).file).toBe(bad);
    expect(existsSync(bad)).toBe(true);
    rmSync(bad);
  }, 60_000);
});
