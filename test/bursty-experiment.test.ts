import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CellSummary, MemberCurve } from '../src/experiments/bursty-cells.js';
import { runHtml } from '../src/experiments/present.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { launch, watchedPage } from './browser.js';
import { emergence } from './cli.js';
import { expectSameCurves, killInTraining, killWhen, runCli, runInProcess, type RunJson } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-bursty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four cells (p_B 0 and 0.9 at K 64; K 16 at p_B 0.9; α 1 at p_B 0.9, K 64), two seeds each.
const SEQS = 16;
const TINY = { pBursty: [0, 0.9], classes: [16, 64], alphas: [0, 1], baseBursty: 0.9, baseClasses: 64, baseAlpha: 0, seeds: 2, size: 'nano', dims: 8, labels: 8, context: 4, burst: 2, noise: 0.1, steps: 20, batch: 8, lr: 1e-3, warmup: 5, evalEvery: 10, evalSequences: SEQS, present: 0.5 };
const ARGS = ['--p-bursty', '0,0.9', '--classes', '16,64', '--alphas', '0,1', '--base-bursty', '0.9', '--base-classes', '64', '--base-alpha', '0', '--seeds', '2', '--size', 'nano', '--dims', '8', '--labels', '8', '--context', '4', '--burst', '2', '--noise', '0.1', '--steps', '20', '--batch', '8', '--lr', '0.001', '--warmup', '5', '--eval-every', '10', '--eval-sequences', '16', '--present', '0.5'];
const CELLS = ['pb0-k64-a0', 'pb0.9-k64-a0', 'pb0.9-k16-a0', 'pb0.9-k64-a1'];
const EXPECTED = { n: CELLS.length * 2 * 2 * SEQS, runs: CELLS.length * 2 * 2 };

async function counts(store: string): Promise<Record<string, unknown>> {
  const s = await DuckStore.open(store, { readOnly: true });
  try {
    return (await s.query("SELECT count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs FROM samples WHERE kind = 'multiple_choice'"))[0]!;
  } finally { s.close(); }
}

let html = '';
let first: RunJson | null = null;
let inProcess: { cells: CellSummary[]; members: MemberCurve[] } | null = null;

describe('bursty-icl experiment, end to end', () => {
  it('trains every cell and seed, evaluates ICL and IWL at every checkpoint, stores the last answers and judges the trends', async () => {
    const r = await runInProcess('bursty-icl', join(dir, 'a'), TINY, 2);
    expect(r.logs.filter((l) => /trained 20 steps/.test(l))).toHaveLength(8);
    const data = r.findings.data as { cells: CellSummary[]; members: MemberCurve[]; baselines: { chance: number; iclCopy: number; iclThreshold: number } };
    inProcess = data;
    expect(data.cells.map((c) => c.id)).toEqual(CELLS);
    expect(data.baselines).toMatchObject({ chance: 1 / 8, iclCopy: 0.5, iclThreshold: 0.75 });
    for (const m of data.members) {
      expect(m.history.map((h) => h.step), m.name).toEqual([0, 10, 20]);
      for (const h of m.history) for (const v of [h.icl, h.iwl]) expect(Number.isInteger(v * SEQS) && v >= 0 && v <= 1, `${m.name} ${v}`).toBe(true);
    }
    // The cell's curve is its seeds' mean, checkpoint by checkpoint.
    const c0 = data.cells[0]!;
    const ms = data.members.filter((m) => m.name.startsWith(`${c0.id}-s`));
    expect(ms).toHaveLength(2);
    c0.icl.forEach((v, i) => expect(v).toBeCloseTo((ms[0]!.history[i]!.icl + ms[1]!.history[i]!.icl) / 2, 12));
    // The stored answers of the last checkpoint are the accuracy the trainer measured there.
    expect(await counts(r.store)).toEqual(EXPECTED);
    const acc = r.curves.find((c) => c.key.family === `lab-bursty-${c0.id}` && c.key.task === 'bursty-icl' && c.key.metric === 'acc')!;
    expect(acc.points).toHaveLength(1);
    expect(acc.points[0]!.value).toBeCloseTo(c0.finalIcl.mean, 12);
    expect(r.findings.before).toMatch(/ICL accuracy against training step/);
    expect(r.findings.lines.filter((l) => /^trend "/.test(l))).toHaveLength(3);
    expect(r.findings.lines.join('\n')).toMatch(/trade-off across the 4 cells: Pearson r/);
    html = join(dir, 'bursty.html');
    writeFileSync(html, await runHtml(r));
  }, 240_000);

  it('draws ICL and IWL against step for every p_B on one chart, and every cell on its own, in Chromium', async () => {
    const browser = await launch();
    try {
      const { page, errors } = await watchedPage(browser);
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('.chart-section h2').allTextContents()).toEqual(['Burstiness: ICL and IWL against training step', 'Every cell: ICL and IWL against training step']);
      expect(await page.locator('figure.line-chart').count()).toBe(2 + CELLS.length);
      const firstChart = page.locator('figure.line-chart').first();
      expect(await firstChart.locator('figcaption').textContent()).toBe('ICL against step by p_B (K 64, α 0)');
      expect(await firstChart.locator('svg g[aria-label="line"] path').count()).toBe(3); // p_B 0, p_B 0.9, chance
      // A cell's ICL and IWL are different quantities: each its own colour, not two shades of one.
      const cellChart = page.locator('figure.line-chart').nth(2);
      expect(await cellChart.locator('figcaption').textContent()).toBe('p_B 0, K 64, α 0');
      const strokes = await cellChart.locator('svg g[aria-label="line"] path').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
      expect(strokes).toEqual(expect.arrayContaining(['#08519c', '#a63603']));
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the CLI run reuses every member and gives the same curves', async () => {
    const r = await runCli(['bursty-icl', '--dir', join(dir, 'a'), '--seed', '2', ...ARGS]);
    expect(r.stderr.match(/params, reused/g)).toHaveLength(8);
    expect((r.json.findings.data as { members: MemberCurve[] }).members).toEqual(inProcess!.members);
    first = r.json;
  }, 120_000);

  it('kill -9 in training, then the same command: resumes from the checkpoint to the curves of an uninterrupted run', async () => {
    const args = ['bursty-icl', '--dir', join(dir, 'b'), '--seed', '2', ...ARGS, '--steps', '300', '--eval-every', '50'];
    const partial = await killInTraining(args, join(dir, 'b', 'models'));
    const r = await runCli(args);
    for (const member of partial) expect(r.stderr).toMatch(new RegExp(`${member.replace(/\./g, '\\.')}: [\\d,]+ params, resumed, trained \\d+ steps`));
    expect(await counts(r.json.store)).toEqual(EXPECTED);
    const clean = await runCli(['bursty-icl', '--dir', join(dir, 'b2'), '--seed', '2', ...ARGS, '--steps', '300', '--eval-every', '50']);
    expectSameCurves(clean.json, r.json);
    expect((r.json.findings.data as { members: MemberCurve[] }).members).toEqual((clean.json.findings.data as { members: MemberCurve[] }).members);
  }, 300_000);

  it('kill -9 while answers are stored, then the same command: the rest stored once', async () => {
    const args = ['bursty-icl', '--dir', join(dir, 'c'), '--seed', '2', ...ARGS];
    await killWhen(args, /pb0-k64-a0-s0: 3 checkpoints, .*answers stored/);
    const r = await runCli(args);
    expect(await counts(r.json.store)).toEqual(EXPECTED);
    expectSameCurves(first!, r.json);
  }, 120_000);

  it('lists the experiment, generates its help, and refuses a grid it cannot draw with exit 2 naming the option', () => {
    expect(emergence(['experiment', 'list']).stdout).toMatch(/^bursty-icl {2,}Which properties of the training data/m);
    const help = emergence(['experiment', 'bursty-icl', '--help']);
    expect(help.stdout).toMatch(/--p-bursty LIST +values of p_B \(share of bursty training sequences\) swept at the base K and α/);
    const burst = emergence(['experiment', 'bursty-icl', '--burst', '3', '--dir', dir]);
    expect(burst.code).toBe(2);
    expect(burst.stderr).toMatch(/"--burst": 3 does not divide the context of 8/);
    const few = emergence(['experiment', 'bursty-icl', '--classes', '8,1024', '--dir', dir]);
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/"--classes": 8 classes cannot leave an in-weights query class outside a context of 8/);
    const frac = emergence(['experiment', 'bursty-icl', '--classes', '32.5', '--dir', dir]);
    expect(frac.stderr).toMatch(/"--classes": expected whole numbers, got 32.5/);
    const pb = emergence(['experiment', 'bursty-icl', '--p-bursty', '0,1.5', '--dir', dir]);
    expect(pb.code).toBe(2);
    expect(pb.stderr).toMatch(/"--p-bursty"/);
  });
});
