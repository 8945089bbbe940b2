import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emergence, ROOT } from './cli.js';
import type { AuditDocument } from '../src/report/audit-document.js';

interface ScoreDoc { rows: { model: string; task: string; metric: string; value: number; n: number; lmEvalAgreement: { agree: number; of: number } | null; interval: { low: number; high: number } | null; tokenizer: string | null }[] }
const FAMILY = join(ROOT, 'test/fixtures/lm-eval-family');

describe('emergence score: round trip with lm-eval', () => {
  it("the real generation log: exact_match agrees with lm-eval's per-sample values and its aggregate", () => {
    const r = emergence(['score', 'data/lm-eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ScoreDoc;
    const em = doc.rows.find((x) => x.metric === 'exact_match')!;
    expect(em.lmEvalAgreement).toEqual({ agree: 10, of: 10 });
    expect(em.value).toBe(0); // results_*.json: math_perturbed_full exact_match = 0.0
    expect(doc.rows.find((x) => x.metric === 'token_edit_distance')!.tokenizer).toBe('r50k_base');
  });
  it("multiple-choice and log-likelihood logs: acc and acc_norm agree per sample and in aggregate with lm-eval's", () => {
    const files = readdirSync(FAMILY).flatMap((m) => readdirSync(join(FAMILY, m)).filter((f) => f.startsWith('samples_')).map((f) => join(FAMILY, m, f)));
    const r = emergence(['score', ...files, '--json', '--quiet', '--resamples', '200']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as ScoreDoc;
    for (const m of readdirSync(FAMILY)) {
      const results = JSON.parse(readFileSync(join(FAMILY, m, readdirSync(join(FAMILY, m)).find((f) => f.startsWith('results_'))!), 'utf8')) as { results: Record<string, Record<string, number>> };
      for (const [task, metric] of [['toy_arc', 'acc'], ['toy_arc', 'acc_norm'], ['toy_lambada', 'acc']] as const) {
        const row = doc.rows.find((x) => x.model === `toy/${m}` && x.task === task && x.metric === metric)!;
        expect(row.lmEvalAgreement!.agree).toBe(row.lmEvalAgreement!.of);
        expect(row.value).toBeCloseTo(results.results[task]![`${metric},none`]!, 14);
      }
    }
  });
  it('is deterministic for a seed', () => {
    const args = ['score', 'data/lm-eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl', '--json', '--quiet', '--resamples', '300', '--seed', '4'];
    expect(emergence(args).stdout).toBe(emergence(args).stdout);
  });
  it('bad input: a directory, an unknown metric', () => {
    expect(emergence(['score', FAMILY, '--quiet']).stderr).toMatch(/lm-eval-family: is a directory, not a samples file/);
    const r = emergence(['score', 'data/lm-eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl', '--metric', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"--metric": unknown metric "bogus"/);
  });
});

describe('emergence score: proportion intervals and paired comparisons', () => {
  const lambada = (m: string): string => join(FAMILY, m, readdirSync(join(FAMILY, m)).find((f) => f.startsWith('samples_toy_lambada'))!);
  const loggedAcc = (m: string): Map<number, number> =>
    new Map(readFileSync(lambada(m), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { doc_id: number; acc: number }).map((d) => [d.doc_id, d.acc]));
  it('a 0/1 metric gets a Wilson interval by default: 0 of 80 is not [0, 0]', () => {
    const r = emergence(['score', lambada('toy-lm-14m'), '--json', '--quiet', '--metric', 'acc']);
    const row = (JSON.parse(r.stdout) as ScoreDoc).rows[0]!;
    expect(row.value).toBe(0);
    const z = 1.959963984540054;
    expect(row.interval!.low).toBe(0);
    expect(row.interval!.high).toBeCloseTo((2 * (z * z) / 160) / (1 + (z * z) / 80), 12); // Wilson at k = 0, by hand
    const boot = JSON.parse(emergence(['score', lambada('toy-lm-14m'), '--json', '--quiet', '--metric', 'acc', '--interval', 'bootstrap']).stdout) as ScoreDoc;
    expect([boot.rows[0]!.interval!.low, boot.rows[0]!.interval!.high]).toEqual([0, 0]);
    expect(emergence(['score', lambada('toy-lm-14m'), '--interval', 'normal']).stderr).toMatch(/"--interval": unknown interval "normal"/);
  });
  it("--paired: McNemar on lm-eval's own per-sample acc, exact binomial p by hand", () => {
    const r = emergence(['score', lambada('toy-lm-410m'), lambada('toy-lm-70m'), '--json', '--quiet', '--paired', '--metric', 'acc,target_loglik', '--resamples', '500']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { comparisons: { metric: string; a: string; b: string; n: number; difference: number; method: string; p: number; discordant: { aOnly: number; bOnly: number } | null; better: string }[] };
    const c = doc.comparisons.find((x) => x.metric === 'acc')!;
    const a = loggedAcc('toy-lm-410m');
    const b = loggedAcc('toy-lm-70m');
    let aOnly = 0;
    let bOnly = 0;
    for (const [id, v] of a) {
      if (v === 1 && b.get(id) === 0) aOnly++;
      if (v === 0 && b.get(id) === 1) bOnly++;
    }
    expect([c.a, c.b, c.n, c.method]).toEqual(['toy/toy-lm-410m', 'toy/toy-lm-70m', 80, 'mcnemar-exact']);
    expect(c.discordant).toEqual({ aOnly, bOnly });
    expect(c.difference).toBeCloseTo((aOnly - bOnly) / 80, 14);
    // 2 · P(X <= min) for X ~ Bin(aOnly + bOnly, 1/2), in exact integers.
    const nd = aOnly + bOnly;
    let num = 0n;
    let choose = 1n;
    for (let i = 0; i <= Math.min(aOnly, bOnly); i++) {
      num += choose;
      choose = (choose * BigInt(nd - i)) / BigInt(i + 1);
    }
    expect(c.p).toBeCloseTo(Math.min(1, (2 * Number(num)) / 2 ** nd), 14);
    expect(c.better).toBe(aOnly > bOnly ? 'a' : 'b');
    const ll = doc.comparisons.find((x) => x.metric === 'target_loglik')!;
    expect(ll.method).toBe('paired-bootstrap');
    expect(ll.better).toBe('a'); // the larger model's target log-likelihood is higher on these items
  });
});

describe('emergence audit on a directory of a family\'s lm-eval runs', () => {
  const r = emergence(['audit', FAMILY, '--json', '--quiet']);
  const doc = JSON.parse(r.stdout) as AuditDocument;
  it('re-scores every sample: the discontinuous metric reads emergent, the continuous one smooth', () => {
    expect(r.code).toBe(0);
    const acc = doc.curves.find((c) => c.key.task === 'toy_lambada' && c.key.metric === 'acc')!;
    const ll = doc.curves.find((c) => c.key.task === 'toy_lambada' && c.key.metric === 'target_loglik')!;
    expect(acc.points.map((p) => p.params)).toEqual([14_067_712, 70_426_624, 405_334_016, 1_414_647_808]);
    expect(acc.verdict).toBe('emergent');
    expect(ll.verdict).toBe('smooth');
    expect(doc.swaps.find((s) => s.task === 'toy_lambada')!.changes).toBe(true);
  });
  it('an empty directory is a clear error', () => {
    const e = emergence(['audit', join(ROOT, 'test/fixtures/bad-layers/src/cli'), '--quiet']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/no lm-eval runs found in this directory/);
  });
});
