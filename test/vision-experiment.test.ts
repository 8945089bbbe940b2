import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { DataError } from '../src/core/errors.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIFIER_METRICS, RECON_METRICS, runVisionMirage, type VisionPlan } from '../src/experiments/vision-mirage.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { emergence } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-vision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAN: VisionPlan = { lenetSteps: 15, aeSteps: 15, trainCount: 1000, testCount: 100, seeds: 2, lenetWidths: [0.03, 0.09, 0.17, 0.32], bottlenecks: [1, 2, 4, 8] };

// The whole pipeline at a tiny plan: train both families with two seeds, score every test image
// into DuckDB on disk, audit from the store. The budgets themselves are measured in the README.
describe('vision-mirage experiment, end to end', () => {
  const logs: string[] = [];
  const run = (plan: VisionPlan = PLAN) => runVisionMirage({ budget: 'quick', dir, seed: 3, gemm: loadGemm(), log: (m) => logs.push(m), progress: () => {}, plan });

  it('trains both families, stores every test image and audits every metric, seeds averaged', async () => {
    const r = await run();
    const byFamily = (f: string) => r.curves.filter((c) => c.key.family === f).map((c) => c.key.metric).sort();
    expect(byFamily('lab-lenet')).toEqual([...CLASSIFIER_METRICS].sort());
    expect(byFamily('lab-autoencoder')).toEqual([...RECON_METRICS].sort());
    for (const c of r.curves) {
      expect(c.points).toHaveLength(4);
      expect(c.points.every((p) => p.seeds === 2 && Number.isFinite(p.value))).toBe(true);
      const ps = c.points.map((p) => p.params);
      expect(ps.every((p, i) => i === 0 || p > ps[i - 1]!)).toBe(true);
    }
    // Subset accuracy at K = 1 is accuracy, and at K it never exceeds accuracy.
    const curve = (m: string) => r.curves.find((c) => c.key.metric === m)!.points.map((p) => p.value);
    const acc = curve('acc');
    curve('subset_accuracy@5').forEach((v, i) => expect(v).toBeLessThanOrEqual(acc[i]! + 1e-12));
    curve('independent_subset_accuracy@5').forEach((v, i) => expect(v).toBeLessThanOrEqual(acc[i]! + 1e-12));
    expect(r.report.verdicts).toHaveLength(CLASSIFIER_METRICS.length + RECON_METRICS.length);
    const store = await DuckStore.open(r.store);
    try {
      const rows = await store.query("SELECT kind, count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs, count(sq_error)::INTEGER AS errs FROM samples GROUP BY kind ORDER BY kind");
      expect(rows).toEqual([
        { kind: 'multiple_choice', n: 4 * 2 * 100, runs: 8, errs: 0 },
        { kind: 'regression', n: 4 * 2 * 100, runs: 8, errs: 800 },
      ]);
    } finally { store.close(); }
    // `emergence audit` reads the same store and finds the same curves, with the runs' own metrics.
    const cli = emergence(['audit', r.store, '--json']);
    expect(cli.code).toBe(0);
    const doc = JSON.parse(cli.stdout) as { curves: { key: { family: string; metric: string }; points: { value: number }[] }[] };
    const values = (cs: readonly { key: { family: string; metric: string }; points: readonly { value: number }[] }[]) =>
      Object.fromEntries(cs.map((c) => [`${c.key.family}/${c.key.metric}`, c.points.map((p) => p.value)]));
    const fromCli = values(doc.curves);
    for (const [k, vs] of Object.entries(values(r.curves))) vs.forEach((v, i) => expect(fromCli[k]![i], k).toBeCloseTo(v, 12));
  }, 180_000);

  it('reuses trained models and stored runs; a changed plan replaces them rather than mixing', async () => {
    const first = await run();
    logs.length = 0;
    const again = await run();
    expect(logs.filter((l) => l.includes('reused'))).toHaveLength(16);
    const values = (r: typeof first) => r.curves.map((c) => [c.key.family, c.key.metric, c.points.map((p) => p.value)]).sort();
    expect(values(again)).toEqual(values(first));
    const changed = await run({ ...PLAN, lenetSteps: 20, seeds: 1, bottlenecks: [1, 2, 4, 16] });
    expect(changed.curves.every((c) => c.points.every((p) => p.seeds === 1))).toBe(true);
    const store = await DuckStore.open(changed.store);
    try {
      const rows = await store.query('SELECT count(*)::INTEGER AS n FROM runs');
      expect(rows[0]!.n).toBe(8);
    } finally { store.close(); }
    expect(existsSync(join(dir, 'custom', 'models', 'autoencoder-b16-s3.safetensors'))).toBe(true);
  }, 180_000);

  it('a corrupt checkpoint among the models is an error naming the file, not a silent retrain', async () => {
    const bad = join(dir, 'custom', 'models', 'lenet-w0.03-s3.safetensors');
    writeFileSync(bad, Buffer.from('definitely not safetensors'));
    await expect(run()).rejects.toThrow(DataError);
    await expect(run()).rejects.toMatchObject({ file: bad });
    rmSync(bad);
  }, 60_000);

  it('refuses an unknown budget and an unknown experiment with exit 2', () => {
    const bad = emergence(['experiment', 'vision-mirage', '--budget', 'huge', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--budget.*expected quick or full/);
    const unknown = emergence(['experiment', 'vision-nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown experiment "vision-nope"/);
  });
});
