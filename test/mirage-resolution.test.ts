import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolutionRow, JumpForecasts } from '../src/experiments/mirage-resolution.js';
import { DuckStore } from '../src/store/duckdb-store.js';
import { emergence } from './cli.js';
import { killWhen, runCli, runInProcess } from './experiment-run.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-mirage-resolution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four tiny members, 60 test problems, the first 30 sampled until 2 successes or 100 draws: seconds.
// One seed of 3-digit sums, most significant digit first, the same steps for every size (the budgets train several seeds of 5-digit reversed sums).
const TINY = { sizes: ['xxs', 'xs', 's', 'm'], steps: 150, evalCount: 60, passProblems: 30, passK: 2, passCap: 100, seeds: 1, digits: 3, answerOrder: 'msd', stepsExponent: 0 };
const ARGS = ['--sizes', 'xxs,xs,s,m', '--steps', '150', '--eval-count', '60', '--pass-problems', '30', '--pass-k', '2', '--pass-cap', '100', '--seeds', '1', '--digits', '3', '--answer-order', 'msd', '--steps-exponent', '0'];

interface Data { resolution: { rule: { k: number; cap: number; problems: number }; sizes: ResolutionRow[] }; forecasts: JumpForecasts | null }

async function storedAttempts(store: string): Promise<Map<string, boolean[][]>> {
  const s = await DuckStore.open(store, { readOnly: true });
  try {
    const rows = await s.query("SELECT r.model, s.attempts FROM samples s JOIN runs r USING (run_id) WHERE r.task LIKE '%:sampled' ORDER BY r.model, s.sample_id");
    const out = new Map<string, boolean[][]>();
    for (const r of rows) out.set(String(r.model), [...(out.get(String(r.model)) ?? []), JSON.parse(String(r.attempts)) as boolean[]]);
    return out;
  } finally { s.close(); }
}

describe('mirage-arithmetic resolution, end to end on a tiny budget', () => {
  let reference: Data | null = null;

  it('estimates the pass rate three ways per size, consistently with the audit and the store', async () => {
    const r = await runInProcess('mirage-arithmetic', join(dir, 'a'), TINY, 7);
    const data = r.findings.data as Data;
    reference = data;
    const rows = data.resolution.sizes;
    expect(rows.map((x) => x.member)).toEqual(TINY.sizes);
    const curve = (metric: string) => r.curves.find((c) => c.key.metric === metric)!;
    const attempts = await storedAttempts(r.store);
    for (const row of rows) {
      // Greedy exact match is the audit's exact-match point of the same stored outputs.
      expect(row.greedy.estimate).toBeCloseTo(curve('exact_match').points.find((p) => p.model === row.member)!.value, 12);
      expect(row.greedyFloor).toBeCloseTo(1 - 0.05 ** (1 / 60), 12);
      // Jensen: the mean of exp(log p) is at least exp of the audit's mean target log-likelihood.
      const meanLl = curve('target_loglik').points.find((p) => p.model === row.member)!.value;
      expect(row.exact.estimate).toBeGreaterThanOrEqual(Math.exp(meanLl) * (1 - 1e-12));
      expect(row.exact.low).toBeLessThanOrEqual(row.exact.estimate);
      expect(row.exact.high).toBeGreaterThanOrEqual(row.exact.estimate);
      // The sampled estimate reads exactly the stored draws, each record stopped by the rule.
      const recs = attempts.get(row.member)!;
      expect(recs).toHaveLength(30);
      for (const a of recs) {
        const hits = a.filter(Boolean).length;
        expect(hits === 2 ? a.at(-1) === true && a.length <= 100 : a.length === 100).toBe(true);
      }
      expect(row.sampled!.draws).toBe(recs.reduce((n, a) => n + a.length, 0));
      expect(row.sampled!.successes).toBe(recs.reduce((n, a) => n + a.filter(Boolean).length, 0));
      expect(row.sampledFloor).toBeCloseTo(1 - 0.05 ** (1 / 3000), 12);
      if (row.sampled!.successes === 0) expect(row.sampled!.high).toBeCloseTo(1 - 0.025 ** (1 / 3000), 12);
      // A right draw is the answer then its '\n': the sampling path's log-probability (from the server's sampling)
      // can only be below the answer's alone (from the echo), by the factor P('\n' | prompt + answer).
      if (row.sampled!.successes > 0) {
        expect(row.stopFactor!.problems).toBe(recs.filter((a) => a.some(Boolean)).length);
        expect(row.stopFactor!.max).toBeLessThanOrEqual(1 + 1e-5);
        expect(row.stopFactor!.min).toBeGreaterThan(0);
      }
    }
    // Where both estimates are above the sampled floor they must agree within their 95% intervals.
    const above = rows.filter((x) => x.agreement !== 'below_floor');
    console.log(`resolution: ${rows.map((x) => `${x.member} greedy ${x.greedy.estimate} exact ${x.exactOnSampled!.estimate.toExponential(2)} sampled ${x.sampled!.estimate.toExponential(2)} [${x.sampled!.low.toExponential(2)}, ${x.sampled!.high.toExponential(2)}] ${x.agreement}, P(stop|answer) ${x.stopFactor?.mean.toFixed(4)} (${x.stopFactor?.min.toFixed(4)}–${x.stopFactor?.max.toFixed(4)})`).join('; ')}`);
    for (const x of above) expect(x.agreement, `${x.member}: sampled ${x.sampled!.estimate} [${x.sampled!.low}, ${x.sampled!.high}] vs exact ${x.exactOnSampled!.estimate} [${x.exactOnSampled!.low}, ${x.exactOnSampled!.high}]`).toBe('agree');
    // Forecasts from the two smaller members, three routes, errors where both ends are known.
    expect(data.forecasts!.fittedOn).toEqual(['xxs', 'xs']);
    expect(data.forecasts!.routes.map((f) => f.route)).toEqual(['exact_match', 'per_token_accuracy', 'median_log10_probability']);
    for (const f of data.forecasts!.routes) {
      if (f.crossingLog10 !== null && data.forecasts!.observed.log10 !== null) expect(f.errorDecades).toBeCloseTo(f.crossingLog10 - data.forecasts!.observed.log10, 12);
      else expect(f.errorDecades).toBeNull();
    }
    expect(r.findings.before).toMatch(/sampled until 2\/100/);
    expect(r.findings.lines.some((l) => /forecast from xxs, xs only/.test(l))).toBe(true);
    const chart = r.findings.charts[0]!.charts[0]!;
    expect(chart.x).toEqual(rows.map((x) => Math.log10(x.params)));
    for (const s of chart.series) for (const v of s.values) expect(v === null || v > 0).toBe(true);
    const fc = r.findings.charts[1]!.charts[0]!;
    expect(fc.series.map((s) => s.name)).toEqual(['greedy exact match', 'forecast via exact match', 'forecast via per-token accuracy^4', '50%']);
    for (const s of fc.series) for (const v of s.values) expect(v !== null && v >= 0 && v <= 1).toBe(true);
  }, 120_000);

  it('refuses a cap that cannot hold k successes, naming the option, before training anything', () => {
    const r = emergence(['experiment', 'mirage-arithmetic', '--dir', join(dir, 'bad'), '--pass-k', '5', '--pass-cap', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pass-cap.*3 draws cannot hold 5 successes/);
    expect(emergence(['experiment', 'mirage-arithmetic', '--dir', join(dir, 'bad'), '--pass-k', '1']).stderr).toMatch(/--pass-k/);
  });

  it('kill -9 while sampling, then the same command: the same draws and estimates as an uninterrupted run, and the HTML has the resolution plot', async () => {
    const args = ['mirage-arithmetic', '--dir', join(dir, 'b'), '--seed', '7', ...ARGS];
    await killWhen(args, /xxs · add3 sampled until 2 of 100: 30 problems/);
    const html = join(dir, 'b.html');
    const r = await runCli([...args, '--html', html]);
    expect(r.stderr).toMatch(/xxs · add3 sampled until 2 of 100: 30 problems, 0 draws this time \(30 problems already stored\)/);
    const data = r.json.findings.data as Data;
    const pick = (d: Data) => d.resolution.sizes.map((x) => ({ m: x.member, s: x.sampled, e: x.exact.estimate, g: x.greedy.estimate }));
    expect(pick(data)).toEqual(pick(reference!));
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/what a small model’s “0” really is/);
    expect(page).toMatch(/floor: sampled/);
  }, 180_000);
});
