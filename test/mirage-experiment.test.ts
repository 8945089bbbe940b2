import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIRAGE_METRICS } from '../src/experiments/mirage-arithmetic.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { emergence } from './cli.js';
import { expectSameCurves, killInTraining, killWhen, runCli, runInProcess, type RunJson } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-mirage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One seed of 3-digit sums, most significant digit first, the same steps for every size: the tests' members stay seconds each.
const TINY = { sizes: ['xxs', 'xs', 'm'], steps: 60, evalCount: 12, seeds: 1, digits: 3, answerOrder: 'msd', stepsExponent: 0 };
const tinyArgs = (steps: number): string[] => ['--sizes', 'xxs,xs,m', '--steps', String(steps), '--eval-count', '12', '--seeds', '1', '--digits', '3', '--answer-order', 'msd', '--steps-exponent', '0'];
const ARGS = tinyArgs(TINY.steps);

async function sampleCount(store: string): Promise<{ n: number; distinct: number; runs: number }> {
  const s = await DuckStore.open(store, { readOnly: true });
  try {
    const rows = await s.query("SELECT count(*)::INTEGER AS n, count(DISTINCT run_id || '/' || sample_id)::INTEGER AS distinct, count(DISTINCT run_id)::INTEGER AS runs FROM samples");
    return rows[0] as { n: number; distinct: number; runs: number };
  } finally { s.close(); }
}

// The whole pipeline at a tiny plan: train the ladder in the pool, serve it on 127.0.0.1, evaluate
// over HTTP into DuckDB on disk, audit from the store.
describe('mirage-arithmetic experiment, end to end', () => {
  let first: RunJson | null = null;
  let single: readonly { name: string; identity: string }[] = [];

  it('trains, serves, evaluates over HTTP, stores every sample and audits one curve per metric', async () => {
    const r = await runInProcess('mirage-arithmetic', join(dir, 'a'), TINY, 7);
    single = r.members;
    const params = r.members.map((m) => m.params);
    expect(r.members.map((m) => m.name)).toEqual(TINY.sizes);
    expect(params.every((p, i) => i === 0 || p > params[i - 1]!)).toBe(true);
    expect(r.curves.map((c) => c.key.metric).sort()).toEqual([...MIRAGE_METRICS].sort());
    for (const c of r.curves) expect(c.points.map((p) => p.params)).toEqual(params);
    expect(r.report.swaps).toHaveLength(1);
    // Each member's greedy run and its run sampled until k (the quick budget samples min(100, 12) problems).
    expect(await sampleCount(r.store)).toEqual({ n: 2 * 3 * 12, distinct: 2 * 3 * 12, runs: 6 });
    expect(r.versions.engine).toBe(loadGemm().kind);
    expect(Object.keys(r.versions).sort()).toEqual(expect.arrayContaining(['emergence-lab', 'engine', 'node']));
    // `emergence audit` reads the same store as a results file and finds the same curves.
    const cli = emergence(['audit', r.store, '--tokenizer', 'char', '--json']);
    expect(cli.code).toBe(0);
    const doc = JSON.parse(cli.stdout) as { curves: { key: { metric: string }; points: { value: number }[] }[] };
    const byMetric = (cs: readonly { key: { metric: string }; points: readonly { value: number }[] }[]) => Object.fromEntries(cs.map((c) => [c.key.metric, c.points.map((p) => p.value)]));
    const fromCli = byMetric(doc.curves);
    for (const [m, values] of Object.entries(byMetric(r.curves))) values.forEach((v, i) => expect(fromCli[m]![i]).toBeCloseTo(v, 12));
    const missing = emergence(['audit', join(dir, 'nope.duckdb')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.duckdb: no such store/);
    const bogus = join(dir, 'bogus.duckdb');
    writeFileSync(bogus, 'family,model\n');
    expect(emergence(['audit', bogus]).stderr).toMatch(/bogus\.duckdb: not a readable DuckDB store/);
  }, 120_000);

  it('the CLI run reuses the same members (same identity) and gives the same curves', async () => {
    const r = await runCli(['mirage-arithmetic', '--dir', join(dir, 'a'), '--seed', '7', ...ARGS]);
    expect(r.stderr.match(/: [\d,]+ params, reused/g)).toHaveLength(3);
    expect(r.json.members.every((m) => m.stepsRun === 0)).toBe(true);
    first = r.json;
  }, 120_000);

  it('kill -9 in training, then the same command: resumes from the checkpoints, 0 samples lost or duplicated', async () => {
    const args = ['mirage-arithmetic', '--dir', join(dir, 'b'), '--seed', '7', ...tinyArgs(300)];
    const partial = await killInTraining(args, join(dir, 'b', 'models'));
    const r = await runCli(args);
    for (const member of partial) expect(r.stderr).toMatch(new RegExp(`${member.replace(/\./g, '\\.')}: [\\d,]+ params, resumed, trained \\d+ steps`));
    expect(await sampleCount(r.json.store)).toEqual({ n: 72, distinct: 72, runs: 6 });
    // The uninterrupted run of the same plan: resume is exact, so the curves are the same.
    const clean = await runCli(['mirage-arithmetic', '--dir', join(dir, 'b2'), ...args.slice(3)]);
    expectSameCurves(clean.json, r.json);
  }, 120_000);

  it('kill -9 in evaluation, then the same command: stored samples are kept, the rest evaluated once', async () => {
    const args = ['mirage-arithmetic', '--dir', join(dir, 'c'), '--seed', '7', ...ARGS];
    await killWhen(args, /· add3: 12 samples/);
    const r = await runCli(args);
    expect(r.stderr).toMatch(/add3: 12 samples \(12 already stored\)/);
    expect(r.stderr).toMatch(/add3: 12 samples \(0 already stored\)/);
    expect(await sampleCount(r.json.store)).toEqual({ n: 72, distinct: 72, runs: 6 });
    expectSameCurves(first!, r.json);
  }, 120_000);

  it('--seeds 2: each size is two members, one model to the store and the audit (the mean of its replicates), pooled in the resolution', async () => {
    const r = await runInProcess('mirage-arithmetic', join(dir, 'd'), { ...TINY, seeds: 2 }, 7);
    expect(r.members.map((m) => m.name)).toEqual(['xxs-r0', 'xxs-r1', 'xs-r0', 'xs-r1', 'm-r0', 'm-r1']);
    // Replicate 0 is the single-seed member: the same spec, so the same identity as the first test's.
    expect(r.members.filter((m) => m.name.endsWith('-r0')).map((m) => m.identity)).toEqual(single.map((m) => m.identity));
    expect(new Set(r.members.map((m) => m.identity)).size).toBe(6);
    const s = await DuckStore.open(r.store, { readOnly: true });
    let perRun: { model: string; value: number }[];
    try {
      perRun = (await s.query("SELECT r.model, avg(c.value) AS value FROM runs r JOIN scores c USING (run_id) WHERE c.metric = 'exact_match' GROUP BY r.run_id, r.model ORDER BY r.model")) as { model: string; value: number }[];
    } finally { s.close(); }
    expect(perRun.map((x) => x.model)).toEqual(['m', 'm', 'xs', 'xs', 'xxs', 'xxs']);
    const em = r.curves.find((c) => c.key.metric === 'exact_match')!;
    expect(em.points.map((p) => p.model)).toEqual(TINY.sizes);
    for (const p of em.points) {
      const mine = perRun.filter((x) => x.model === p.model).map((x) => Number(x.value));
      expect(p.seeds).toBe(2);
      expect(p.value).toBeCloseTo((mine[0]! + mine[1]!) / 2, 12);
    }
    const res = (r.findings.data as { resolution: { sizes: { member: string; problems: number; greedy: { correct: number } }[] } }).resolution.sizes;
    expect(res.map((x) => [x.member, x.problems])).toEqual(TINY.sizes.map((n) => [n, 24]));
    em.points.forEach((p, i) => expect(res[i]!.greedy.correct).toBe(Math.round(p.value * 24)));
    expect(r.findings.lines.join('\n')).toMatch(/2 seeds per size: every point is their mean/);
  }, 120_000);

  it('--answer-order lsd: members trained on reversed answers are scored on reversed targets, and one that learned reads right', async () => {
    const r = await runInProcess('mirage-arithmetic', join(dir, 'e'), { sizes: ['w8', 'w32'], digits: 2, answerOrder: 'lsd', steps: 400, evalCount: 40, passProblems: 0, seeds: 1, stepsExponent: 0 }, 7);
    const s = await DuckStore.open(r.store, { readOnly: true });
    let rows: { model: string; example_id: string; output: string; targets: string; em: number }[];
    try {
      rows = (await s.query("SELECT r.model, m.example_id, m.output, m.targets, c.value AS em FROM runs r JOIN samples m USING (run_id) JOIN scores c USING (run_id, sample_id) WHERE c.metric = 'exact_match'")) as typeof rows;
    } finally { s.close(); }
    expect(rows).toHaveLength(80);
    for (const x of rows) {
      const [a, b] = x.example_id.split('+').map(Number);
      const padded = String(a! + b!).padStart(3, '0');
      expect(JSON.parse(x.targets)).toEqual([[...padded].reverse().join('')]);
      expect(x.em).toBe(x.output === JSON.parse(x.targets)[0] ? 1 : 0);
    }
    // A 13.5K one-layer member learns 2-digit addition least significant first within 400 steps (0.52 at 300 in a probe):
    // had the targets been read most significant first, only palindromic sums would match.
    const wide = rows.filter((x) => x.model === 'w32');
    expect(wide.filter((x) => x.em === 1).length / wide.length).toBeGreaterThan(0.3);
    expect(r.members.map((m) => m.params)).toEqual([...r.members.map((m) => m.params)].sort((x, y) => x - y));
  }, 120_000);

  it('a changed seed or setting retrains every member instead of reusing, and its store keeps only its runs', async () => {
    const seed2 = await runCli(['mirage-arithmetic', '--dir', join(dir, 'a'), '--seed', '8', ...ARGS]);
    expect(seed2.stderr.match(/trained 60 steps/g)).toHaveLength(3);
    expect(seed2.json.members.map((m) => m.identity)).not.toEqual(first!.members.map((m) => m.identity));
    expect(await sampleCount(seed2.json.store)).toEqual({ n: 72, distinct: 72, runs: 6 });
    const lr = await runCli(['mirage-arithmetic', '--dir', join(dir, 'a'), '--seed', '7', ...ARGS, '--lr', '0.002']);
    expect(lr.stderr.match(/trained 60 steps/g)).toHaveLength(3);
    expect(lr.stderr).not.toMatch(/reused/);
  }, 120_000);
});
