import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evalSets, runIcl, type IclPlan } from '../src/experiments/icl.js';
import { iclFindings } from '../src/cli/experiment-icl.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { emergence } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-icl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAN: IclPlan = { d: 4, points: 9, sizes: ['tiny', 'small'], steps: 30, batch: 16, lr: 1e-3, warmup: 5, evalPrompts: 12, curriculumEvery: 10 };

// The whole pipeline at a tiny plan: pretrain two sizes on the mixture, evaluate every set with
// every baseline on the same prompts, store each prediction in DuckDB on disk, audit from the store.
describe('icl experiment, end to end', () => {
  it('trains, scores every set against every baseline, stores every prediction and audits by size', async () => {
    const logs: string[] = [];
    const r = await runIcl({ budget: 'quick', dir, seed: 2, gemm: loadGemm(), log: (m) => logs.push(m), progress: () => {}, plan: PLAN });
    const sets = evalSets(PLAN.d).map((s) => s.name);
    expect(sets).toContain('sparse_linear_nnz3');
    for (const set of sets) {
      const preds = r.errorCurves.filter((c) => c.set === set).map((c) => c.predictor);
      expect(preds, set).toEqual(expect.arrayContaining(['icl-tiny', 'icl-small', 'least_squares', 'lasso@0.1', 'ridge@0.1', 'knn@3', 'averaging', 'zero']));
      for (const c of r.errorCurves.filter((x) => x.set === set)) {
        expect(c.errors).toHaveLength(PLAN.points);
        expect(c.errors.every((e) => Number.isFinite(e) && e >= 0)).toBe(true);
      }
    }
    expect(r.errorCurves.some((c) => c.set === 'dense_linear' && c.predictor === 'bayes_linear_mixture')).toBe(true);
    // With no examples every linear baseline predicts 0: the same error as `zero`.
    const at0 = (set: string, p: string) => r.errorCurves.find((c) => c.set === set && c.predictor === p)!.errors[0];
    expect(at0('dense_linear', 'least_squares')).toBe(at0('dense_linear', 'zero'));
    expect(r.between.map((b) => b.set)).toEqual(expect.arrayContaining(['sparse_linear', 'sparse_linear_nnz3']));
    const store = await DuckStore.open(r.store);
    try {
      const rows = await store.query("SELECT count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs FROM samples WHERE kind = 'regression'");
      expect(rows[0]).toEqual({ n: 2 * sets.length * PLAN.evalPrompts * PLAN.points, runs: 2 * sets.length });
    } finally { store.close(); }
    expect(r.curves.every((c) => c.key.metric === 'mse' && c.points.length === 2)).toBe(true);
    expect(r.curves).toHaveLength(sets.length);
    const findings = iclFindings(r, PLAN.d);
    expect(findings.some((f) => /dense linear, k ≥ 8: icl-small .* vs least squares/.test(f))).toBe(true);
    expect(findings.some((f) => /out of the mixture, convex_linear_sine/.test(f))).toBe(true);
    // A second run reuses both models and gives the same numbers.
    logs.length = 0;
    const again = await runIcl({ budget: 'quick', dir, seed: 2, gemm: loadGemm(), log: (m) => logs.push(m), progress: () => {}, plan: PLAN });
    expect(logs.filter((l) => l.includes('reused'))).toHaveLength(2);
    expect(again.errorCurves).toEqual(r.errorCurves);
  }, 240_000);

  it('the CLI refuses a bad seed with exit 2 and lists the experiment', () => {
    const bad = emergence(['experiment', 'icl', '--seed', '-3', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seed/);
    expect(emergence(['experiment', '--help']).stdout).toMatch(/icl {2,}Garg et al/);
  });
});
