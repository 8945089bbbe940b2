import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evalSets, type ErrorCurve } from '../src/experiments/icl-sets.js';
import { iclChartSections, iclFindings } from '../src/experiments/icl-findings.js';
import type { IclOut } from '../src/experiments/icl.js';
import { runHtml } from '../src/experiments/present.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { launch, watchedPage } from './browser.js';
import { emergence } from './cli.js';
import { expectSameCurves, killInTraining, killWhen, runCli, runInProcess, type RunJson } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-icl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const D = 4;
const POINTS = 9;
const PROMPTS = 12;
const TINY = { d: D, points: POINTS, sizes: ['tiny', 'small'], steps: 30, batch: 16, lr: 1e-3, warmup: 5, evalPrompts: PROMPTS, curriculumEvery: 10 };
const ARGS = ['--d', '4', '--points', '9', '--sizes', 'tiny,small', '--steps', '30', '--batch', '16', '--lr', '0.001', '--warmup', '5', '--eval-prompts', '12', '--curriculum-every', '10'];
const SETS = evalSets(D).map((s) => s.name);

async function counts(store: string): Promise<Record<string, unknown>> {
  const s = await DuckStore.open(store, { readOnly: true });
  try {
    return (await s.query("SELECT count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs FROM samples WHERE kind = 'regression'"))[0]!;
  } finally { s.close(); }
}
const EXPECTED = { n: 2 * SETS.length * PROMPTS * POINTS, runs: 2 * SETS.length };

// The whole pipeline at a tiny plan: pretrain two sizes on the mixture, evaluate every set with
// every baseline on the same prompts, store each prediction in DuckDB on disk, audit from the store.
let html = '';
let out: IclOut | null = null;

describe('icl experiment, end to end', () => {
  let first: RunJson | null = null;

  it('trains, scores every set against every baseline, stores every prediction and audits by size', async () => {
    const r = await runInProcess('icl', join(dir, 'a'), TINY, 2);
    expect(r.logs.filter((l) => /trained 30 steps/.test(l))).toHaveLength(2);
    const data = r.findings.data as { errorCurves: ErrorCurve[]; between: IclOut['between'] };
    out = { d: D, errorCurves: data.errorCurves, between: data.between };
    expect(SETS).toContain('sparse_linear_nnz3');
    for (const set of SETS) {
      const preds = out.errorCurves.filter((c) => c.set === set).map((c) => c.predictor);
      expect(preds, set).toEqual(expect.arrayContaining(['icl-tiny', 'icl-small', 'least_squares', 'lasso@0.1', 'ridge@0.1', 'knn@3', 'averaging', 'zero']));
      for (const c of out.errorCurves.filter((x) => x.set === set)) {
        expect(c.errors).toHaveLength(POINTS);
        expect(c.errors.every((e) => Number.isFinite(e) && e >= 0)).toBe(true);
      }
    }
    // With no examples every linear baseline predicts 0: the same error as `zero`.
    const at0 = (set: string, p: string) => out!.errorCurves.find((c) => c.set === set && c.predictor === p)!.errors[0];
    expect(at0('dense_linear', 'least_squares')).toBe(at0('dense_linear', 'zero'));
    expect(out.between.map((b) => b.set)).toEqual(expect.arrayContaining(['sparse_linear', 'sparse_linear_nnz3']));
    expect(await counts(r.store)).toEqual(EXPECTED);
    expect(r.curves.every((c) => c.key.metric === 'mse' && c.points.length === 2)).toBe(true);
    expect(r.curves).toHaveLength(SETS.length);
    const findings = iclFindings(out, D);
    expect(findings.some((f) => /dense linear, k ≥ 8: icl-small .* vs least squares/.test(f))).toBe(true);
    expect(findings.some((f) => /out of the mixture, convex_linear_sine/.test(f))).toBe(true);
    html = join(dir, 'icl.html');
    writeFileSync(html, await runHtml(r));
  }, 240_000);

  it('draws error against k for every set in the report, each baseline family at its best, in Chromium', async () => {
    const sections = iclChartSections(out!.errorCurves, D);
    const charts = sections.flatMap((s) => s.charts);
    expect(charts).toHaveLength(SETS.length);
    const dense = charts.find((c) => c.title === 'dense_linear')!;
    const names = dense.series.map((x) => x.name);
    expect(names.slice(0, 2)).toEqual(['icl-tiny', 'icl-small']);
    expect(names.filter((n) => n.startsWith('lasso@'))).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['least_squares', 'bayes_linear_mixture', 'averaging', 'zero']));
    const browser = await launch();
    try {
      const { page, errors } = await watchedPage(browser);
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('.chart-section h2').allTextContents()).toEqual(['In the pretraining mixture', 'Out of the pretraining mixture']);
      expect(await page.locator('figure.line-chart').count()).toBe(charts.length);
      const firstChart = page.locator('figure.line-chart').first();
      expect(await firstChart.locator('figcaption').textContent()).toBe('dense_linear');
      expect(await firstChart.locator('svg g[aria-label="line"] path').count()).toBe(names.length);
      expect(await firstChart.textContent()).toContain('least_squares');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the CLI run reuses both members and gives the same numbers', async () => {
    const r = await runCli(['icl', '--dir', join(dir, 'a'), '--seed', '2', ...ARGS]);
    expect(r.stderr.match(/params, reused/g)).toHaveLength(2);
    expect((r.json.findings.data as { errorCurves: ErrorCurve[] }).errorCurves).toEqual(out!.errorCurves);
    first = r.json;
  }, 120_000);

  it('kill -9 in training, then the same command: resumes from the checkpoint, every prediction once', async () => {
    const args = ['icl', '--dir', join(dir, 'b'), '--seed', '2', ...ARGS, '--steps', '400'];
    const partial = await killInTraining(args, join(dir, 'b', 'models'));
    const r = await runCli(args);
    for (const member of partial) expect(r.stderr).toMatch(new RegExp(`${member.replace(/\./g, '\\.')}: [\\d,]+ params, resumed, trained \\d+ steps`));
    expect(await counts(r.json.store)).toEqual(EXPECTED);
    // The uninterrupted run of the same plan, for comparison.
    const clean = await runCli(['icl', '--dir', join(dir, 'b2'), '--seed', '2', ...ARGS, '--steps', '400']);
    expectSameCurves(clean.json, r.json);
  }, 240_000);

  it('kill -9 while predictions are stored, then the same command: the rest stored once', async () => {
    const args = ['icl', '--dir', join(dir, 'c'), '--seed', '2', ...ARGS];
    await killWhen(args, /icl-tiny: predictions on \d+ sets stored/);
    const r = await runCli(args);
    expect(await counts(r.json.store)).toEqual(EXPECTED);
    expectSameCurves(first!, r.json);
  }, 120_000);

  it('lists the experiment, generates its help from its parameters, and refuses bad options with exit 2 naming them', () => {
    const list = emergence(['experiment', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^icl {2,}Does a transformer pretrained/m);
    expect(list.stdout).toMatch(/--budget full: about 2.8 hours/);
    const help = emergence(['experiment', 'icl', '--help']);
    expect(help.stdout).toMatch(/--eval-prompts N +held-out prompts per evaluation set, the same for every predictor\s+\(1\.\.100000; quick 256, full 512\)/);
    expect(help.stdout).toMatch(/--sizes LIST +transformer sizes of the family \(comma-separated, of nano, micro/);
    const bad = emergence(['experiment', 'icl', '--seed=-3', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"--seed": expected a whole number >= 0/);
    const jobs = emergence(['experiment', 'icl', '--jobs', '0', '--dir', dir]);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toMatch(/"--jobs": expected a whole number >= 1/);
    const size = emergence(['experiment', 'icl', '--sizes', 'tiny,huge', '--dir', dir]);
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/"--sizes": expected distinct names of nano, micro/);
    const d = emergence(['experiment', 'icl', '--d', '1', '--dir', dir]);
    expect(d.stderr).toMatch(/"--d": expected a whole number in 2\.\.64, got "1"/);
    const unknown = emergence(['experiment', 'icl', '--widths', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--widths'/);
    const nope = emergence(['experiment', 'nope']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/unknown experiment "nope"/);
    expect(emergence(['--help']).stdout).toMatch(/mirage-arithmetic, vision-mirage, icl/);
  });
});
