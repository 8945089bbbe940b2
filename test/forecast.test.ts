import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emergence } from './cli.js';

interface Golden {
  ladder: { tasks: { task: string; targets: { model: string; predLoss: number; predAcc: number; actualAcc: number }[] }[] };
  obsScaling: { allModels: { explainedVarianceRatio: number[] }; tasks: { task: string; metric: string; pcTestMse: number; flopsTestMse: number }[] };
}
const golden = JSON.parse(readFileSync(new URL('./golden/forecast.json', import.meta.url), 'utf8')) as Golden;
const dir = mkdtempSync(join(tmpdir(), 'emergence-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('emergence forecast ladder (the bundled OLMo ladder)', () => {
  const r = emergence(['forecast', 'ladder', '--json', '--quiet']);
  const doc = JSON.parse(r.stdout) as {
    fitModels: string[];
    targets: string[];
    tasks: { task: string; step2Source: string; targets: { model: string; predLoss: number; predAcc: number; actualAcc: number }[] }[];
    errors: { task: string; model: string; points: number; paper: number | null }[];
  };
  it('fits the paper`s 16 ladder runs and forecasts 7B-4T and 13B-5T on all 10 tasks', () => {
    expect(r.code).toBe(0);
    expect(doc.fitModels).toHaveLength(16);
    expect(doc.fitModels.every((m) => /^(190M|370M|760M|1B)-(1|2|5|10)xC$/.test(m))).toBe(true);
    expect(doc.targets).toEqual(['7B-4T', '13B-5T']);
    expect(doc.tasks.map((t) => t.task)).toHaveLength(10);
    expect(doc.tasks.every((t) => t.step2Source === 'checkpoints')).toBe(true);
  });
  it('forecasts what the paper`s own scipy pipeline forecasts on the same data', () => {
    let worstLoss = 0;
    let worstAcc = 0;
    for (const g of golden.ladder.tasks) {
      const t = doc.tasks.find((x) => x.task === g.task)!;
      for (const gt of g.targets) {
        const ours = t.targets.find((x) => x.model === gt.model)!;
        worstLoss = Math.max(worstLoss, Math.abs(ours.predLoss - gt.predLoss));
        worstAcc = Math.max(worstAcc, Math.abs(ours.predAcc - gt.predAcc));
        expect(ours.actualAcc).toBeCloseTo(gt.actualAcc, 12);
      }
    }
    console.log(`forecast ladder vs scipy: max |diff| task loss ${worstLoss.toExponential(2)}, accuracy ${worstAcc.toExponential(2)} (tolerance 2e-3)`);
    expect(worstLoss).toBeLessThan(2e-3);
    expect(worstAcc).toBeLessThan(2e-3);
  });
  it('prints the errors beside the paper`s and says how many headline tasks are within 1 point', () => {
    const t = emergence(['forecast', 'ladder', '--quiet']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/mmlu_avg_test\s+13B-5T\s+13\.2B\s+5T/);
    expect(t.stdout).toMatch(/paper pts/);
    expect(t.stdout).toMatch(/MMLU, HellaSwag, PIQA, SocialIQa: \|err\| within 1 point of the paper's for \d of 8/);
  });
});

describe('emergence forecast ladder on any file with a loss beside the accuracy', () => {
  it('recovers a known ladder: the forecast of a synthetic target is its true accuracy', () => {
    // L = e^3/N^0.3 + e^4/D^0.28 + 0.6; acc = -0.7/(1 + e^(-10(L - 1))) + 1 (≈ 1 at L = 0, the method's anchor), over a 4 × 3 ladder.
    const law = (n: number, d: number): number => Math.exp(3) / n ** 0.3 + Math.exp(4) / d ** 0.28 + 0.6;
    const acc = (l: number): number => -0.7 / (1 + Math.exp(-10 * (l - 1))) + 1;
    const rows = ['family,model,params,task,metric,value,tokens'];
    for (const n of [1e8, 2e8, 4e8, 8e8]) {
      for (const k of [10, 20, 50]) {
        const d = k * n;
        const l = law(n, d);
        rows.push(`Toy,toy-${n}-${k},${n},t,loss,${l},${d}`, `Toy,toy-${n}-${k},${n},t,acc,${acc(l)},${d}`);
      }
    }
    const lt = law(1e10, 2e11);
    rows.push(`Toy,big,1e10,t,loss,${lt},2e11`, `Toy,big,1e10,t,acc,${acc(lt)},2e11`);
    const f = join(dir, 'toy.csv');
    writeFileSync(f, rows.join('\n') + '\n');
    const r = emergence(['forecast', 'ladder', f, '--loss', 'loss', '--acc', 'acc', '--targets', 'big', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { tasks: { targets: { predLoss: number; predAcc: number }[] }[] };
    expect(doc.tasks[0]!.targets[0]!.predLoss).toBeCloseTo(lt, 4);
    expect(doc.tasks[0]!.targets[0]!.predAcc).toBeCloseTo(acc(lt), 3);
  });
  it('reads a directory of lm-eval runs, the negated target log-likelihood as the loss, and says why a task is skipped', () => {
    const r = emergence(['forecast', 'ladder', 'test/fixtures/lm-eval-family', '--loss', 'target_loglik', '--acc', 'acc', '--holdout', '1', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/→ target_loglik \(negated: a log-likelihood\) → acc/);
    expect(r.stdout).toMatch(/forecasting toy\/toy-lm-1\.4b/);
    expect(r.stdout).toMatch(/skipped toy_arc: only 3 ladder models have target_loglik/);
  });
  it('one clear error for a metric the file does not have', () => {
    const r = emergence(['forecast', 'ladder', '--loss', 'nope', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/"--loss": no final rows with metric "nope" \(hint: the inputs have .*rc_bpb/);
  });
  it('one clear error for an unknown method or target', () => {
    expect(emergence(['forecast', 'nowcast', '--quiet']).stderr).toMatch(/unknown method "nowcast"/);
    const r = emergence(['forecast', 'ladder', '--targets', '70B', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"--targets": no model "70B" in the inputs/);
  });
});

describe('emergence forecast obs-scaling (the bundled ObsScaling data)', () => {
  const r = emergence(['forecast', 'obs-scaling', '--json', '--quiet']);
  const doc = JSON.parse(r.stdout) as { allModels: { n: number; explainedVarianceRatio: number[] }; tasks: { task: string; metric: string; pcMse: number; flopsMse: number; nTrain: number }[] };
  it('3 components explain ~97% of the 8 base benchmarks (sklearn: the same shares)', () => {
    expect(r.code).toBe(0);
    expect(doc.allModels.n).toBe(148);
    const three = doc.allModels.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0);
    const ref = golden.obsScaling.allModels.explainedVarianceRatio.slice(0, 3).reduce((a, b) => a + b, 0);
    expect(three).toBeCloseTo(ref, 9);
    expect(three).toBeGreaterThan(0.96);
    expect(three).toBeLessThan(0.98);
  });
  it('test MSE per emergent task for both methods, as the pipeline rerun with sklearn/scipy gives', () => {
    expect(doc.tasks).toHaveLength(golden.obsScaling.tasks.length);
    for (const g of golden.obsScaling.tasks) {
      const t = doc.tasks.find((x) => x.task === g.task && x.metric === g.metric)!;
      expect(Math.abs(t.pcMse - g.pcTestMse) / g.pcTestMse).toBeLessThan(1e-3);
      expect(Math.abs(t.flopsMse - g.flopsTestMse) / g.flopsTestMse).toBeLessThan(1e-3);
    }
  });
  it('the table names the winner per task', () => {
    const t = emergence(['forecast', 'obs-scaling', '--quiet', '--task', 'word_unscrambling']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/word_unscrambling\s+exact_match\s+8\s+44\s+29\s.*PC$/m);
  });
});
