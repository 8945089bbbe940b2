import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evalSets, runIcl, type IclPlan, type IclResult } from '../src/experiments/icl.js';
import { iclChartSections, iclFindings } from '../src/cli/experiment-icl.js';
import { DEFAULT_THRESHOLDS } from '../src/core/analysis/thresholds.js';
import { auditDocument } from '../src/report/audit-document.js';
import { auditHtml } from '../src/report/html.js';
import { launch, watchedPage } from './browser.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { emergence } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-icl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAN: IclPlan = { d: 4, points: 9, sizes: ['tiny', 'small'], steps: 30, batch: 16, lr: 1e-3, warmup: 5, evalPrompts: 12, curriculumEvery: 10, jobs: 2 };

// The whole pipeline at a tiny plan: pretrain two sizes on the mixture, evaluate every set with
// every baseline on the same prompts, store each prediction in DuckDB on disk, audit from the store.
let result: IclResult | null = null;

describe('icl experiment, end to end', () => {
  it('trains, scores every set against every baseline, stores every prediction and audits by size', async () => {
    const logs: string[] = [];
    const r = await runIcl({ budget: 'quick', dir, seed: 2, gemm: loadGemm(), log: (m) => logs.push(m), progress: () => {}, plan: PLAN });
    result = r;
    expect(logs.filter((l) => /trained 30 steps/.test(l))).toHaveLength(2);
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

  it('draws error against k for every set in the report, each baseline family at its best, in Chromium', async () => {
    const r = result!;
    const sections = iclChartSections(r.errorCurves, PLAN.d);
    const charts = sections.flatMap((s) => s.charts);
    expect(charts).toHaveLength(evalSets(PLAN.d).length);
    const dense = charts.find((c) => c.title === 'dense_linear')!;
    const names = dense.series.map((x) => x.name);
    expect(names.slice(0, 2)).toEqual(['icl-tiny', 'icl-small']);
    expect(names.filter((n) => n.startsWith('lasso@'))).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['least_squares', 'bayes_linear_mixture', 'averaging', 'zero']));
    expect(dense.series.find((x) => x.name === 'icl-small')!.values).toEqual(r.errorCurves.find((c) => c.set === 'dense_linear' && c.predictor === 'icl-small')!.errors);
    const html = join(dir, 'icl.html');
    writeFileSync(html, auditHtml(auditDocument(r.curves, r.report, [r.store], 2, DEFAULT_THRESHOLDS), 'icl', undefined, sections));
    const browser = await launch();
    try {
      const { page, errors } = await watchedPage(browser);
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('.chart-section h2').allTextContents()).toEqual(['In the pretraining mixture', 'Out of the pretraining mixture']);
      expect(await page.locator('figure.line-chart').count()).toBe(charts.length);
      const first = page.locator('figure.line-chart').first();
      expect(await first.locator('figcaption').textContent()).toBe('dense_linear');
      // One path per series, and a legend naming each.
      expect(await first.locator('svg g[aria-label="line"] path').count()).toBe(names.length);
      expect(await first.textContent()).toContain('least_squares');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the CLI refuses a bad seed with exit 2 and lists the experiment', () => {
    const bad = emergence(['experiment', 'icl', '--seed', '-3', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seed/);
    const jobs = emergence(['experiment', 'icl', '--jobs', '0', '--dir', dir]);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toMatch(/"--jobs": expected a whole number >= 1/);
    expect(emergence(['experiment', '--help']).stdout).toMatch(/icl {2,}Garg et al/);
  });
});
