import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MoeMemberOut } from '../src/experiments/moe-findings.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { expectSameCurves, killInTraining, runCli, runInProcess, type RunJson } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-moe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four sizes (the audit's minimum), one Switch ladder of 4 experts, and one member of each ablation.
const TINY = { sizes: ['d16', 'd24', 'd32', 'd48'], experts: [4], ablationSize: 'd16', ablationExperts: 4, alphas: [0], capacities: [2], steps: 40, evalEvery: 20, evalRows: 2, arithCount: 30 };
const ARGS = ['--sizes', 'd16,d24,d32,d48', '--experts', '4', '--ablation-size', 'd16', '--ablation-experts', '4', '--alphas', '0', '--capacities', '2', '--eval-every', '20', '--eval-rows', '2', '--arith-count', '30'];

const membersOf = (data: unknown): MoeMemberOut[] => (data as { members: MoeMemberOut[] }).members;

describe('moe-vs-dense experiment, end to end', () => {
  it('trains both ladders and the ablations, stores the ladders\' additions on both axes, and measures the routing', async () => {
    const r = await runInProcess('moe-vs-dense', join(dir, 'a'), { ...TINY }, 2);
    const out = membersOf(r.findings.data);
    expect(out.map((m) => m.name).sort()).toEqual(['dense-d16', 'dense-d24', 'dense-d32', 'dense-d48', 'switch-e4-d16', 'switch-e4-d16-alpha0', 'switch-e4-d16-cf2', 'switch-e4-d24', 'switch-e4-d32', 'switch-e4-d48', 'top2-e4-d16'].sort());
    for (const m of out) {
      expect(m.history.map((h) => h.step)).toEqual([20, 40]);
      expect(m.history[1]!.seconds).toBeGreaterThan(m.history[0]!.seconds);
      expect(Number.isFinite(m.evaluation.valLoss)).toBe(true);
      expect(Object.keys(m.evaluation.domainLoss).sort()).toEqual(['arithmetic', 'cipher', 'copy', 'grammar']);
      if (!m.moe) {
        expect(m.evaluation.routing).toEqual([]);
        expect(m.activeParams).toBe(m.totalParams);
        continue;
      }
      const [route] = m.evaluation.routing;
      expect(route!.layer).toBe(1);
      expect(route!.load.reduce((a, b) => a + b, 0)).toBe(4 * 2 * 32); // every validation token routed once
      expect(route!.droppedShare).toBeGreaterThanOrEqual(0);
      expect(route!.droppedShare).toBeLessThanOrEqual(1);
      expect(route!.miShare).toBeGreaterThanOrEqual(0);
      expect(route!.miShare).toBeLessThanOrEqual(1 + 1e-12);
      expect(route!.entropy).toBeLessThanOrEqual(Math.log(m.moe.experts) + 1e-9);
      expect(m.totalParams).toBeGreaterThan(m.activeParams);
    }
    // The top-2 member's half-width experts: its active expert FLOPs match top-1's at the full width.
    const top2 = out.find((m) => m.group === 'top2')!, top1 = out.find((m) => m.name === 'switch-e4-d16')!;
    expect(Math.abs(top2.flopsPerStep / top1.flopsPerStep - 1)).toBeLessThan(0.15);
    // Three families on the same task: dense, Switch on total parameters, Switch on active ones.
    const families = [...new Set(r.curves.map((c) => c.key.family))].sort();
    expect(families).toEqual(['moe-dense', 'moe-switch-e4', 'moe-switch-e4-active']);
    for (const c of r.curves) expect(c.points).toHaveLength(4);
    const xs = (f: string) => r.curves.find((c) => c.key.family === f && c.key.metric === 'exact_match')!.points.map((p) => p.params);
    expect(xs('moe-switch-e4')).toEqual(out.filter((m) => m.group === 'switch-e4').map((m) => m.totalParams).sort((a, b) => a - b));
    expect(xs('moe-switch-e4-active')).toEqual(out.filter((m) => m.group === 'switch-e4').map((m) => m.activeParams).sort((a, b) => a - b));
    const s = await DuckStore.open(r.store, { readOnly: true });
    try {
      expect(await s.query('SELECT count(*)::INTEGER AS n, count(DISTINCT run_id)::INTEGER AS runs FROM samples')).toEqual([{ n: 12 * 30, runs: 12 }]);
    } finally { s.close(); }
    expect(r.findings.lines.some((l) => l.startsWith('α ablation (d16, E = 4): α 0: load CV'))).toBe(true);
    expect(r.findings.lines.some((l) => l.startsWith('Capacity ablation (d16, E = 4): factor 1.25'))).toBe(true);
    expect(r.findings.charts[0]!.charts.map((c) => c.title)).toEqual(['against steps', 'against counted training FLOPs', 'against wall-clock']);
  }, 120_000);

  let clean: RunJson | null = null;
  it('the CLI run reuses every member and stored run', async () => {
    const r = await runCli(['moe-vs-dense', '--dir', join(dir, 'a'), '--seed', '2', '--steps', '40', ...ARGS]);
    expect(r.stderr.match(/params, reused/g)).toHaveLength(11);
    clean = r.json;
  }, 120_000);

  it('kill -9 in training, then the same command: resumes to the same validation curves and stored answers', async () => {
    const slow = ['--steps', '200', ...ARGS];
    const args = ['moe-vs-dense', '--dir', join(dir, 'b'), '--seed', '2', ...slow];
    const partial = await killInTraining(args, join(dir, 'b', 'models'));
    const resumed = await runCli(args);
    for (const member of partial) expect(resumed.stderr).toMatch(new RegExp(`${member.replace(/\./g, '\\.')}: [\\d,]+ params, resumed, trained \\d+ steps`));
    const fresh = await runCli(['moe-vs-dense', '--dir', join(dir, 'b2'), '--seed', '2', ...slow]);
    expectSameCurves(fresh.json, resumed.json);
    const curves = (j: RunJson) => Object.fromEntries(membersOf(j.findings.data).map((m) => [m.name, m.history.map((h) => [h.step, h.valLoss])]));
    expect(curves(resumed.json)).toEqual(curves(fresh.json));
    expect(clean).not.toBeNull();
  }, 300_000);
});
