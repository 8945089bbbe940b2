import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/core/errors.js';
import { deriveSeed } from '../src/core/random/derive-seed.js';
import { defineExperiment, type MemberSpec, type TrainedMember } from '../src/experiments/contract.js';
import type { ProgressUpdate } from '../src/core/progress/progress.js';
import { memberIdentity, runExperiment } from '../src/experiments/runner.js';
import { arithmeticExamples } from '../src/tasks/arithmetic.js';
import { readArithCorpus, sha256, writeArithCorpus } from '../src/tasks/arithmetic-corpus.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { NAMED_SIZES } from '../src/zoo/gpt.js';
import type { ArithTrainConfig } from '../src/zoo/train-arith.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cfg = (seed: number, steps: number): ArithTrainConfig => ({
  digits: 2, operation: 'add', model: NAMED_SIZES.s!, steps, batch: 64, lr: 3e-3, warmup: 20, weightDecay: 0.1, seed, evalEvery: 0, evalSize: 200,
});

/**
 * An experiment declared in this file alone, on the contract: a member trained on data from outside
 * the generator, made during `samples` through ctx.train, on a corpus whose every answer is 0. A
 * model trained on the generator never answers 000 to a 2-digit sum (the least is 10 + 10); one that
 * learned from its corpus does.
 */
const allZero = defineExperiment({
  id: 'all-zero',
  question: 'Does a member trained through ctx.train learn from the corpus it is given?',
  citation: 'a test of the experiment contract',
  about: 'Trains an adder on a corpus whose every answer is 0.',
  parameters: { steps: { kind: 'int', min: 1, max: 10_000, help: 'training steps' } },
  budgets: {
    quick: { params: { steps: 150 }, expected: 'an hour (not measured: the progress line\'s overall ETA is read below)', expectedSeconds: 3600, jobs: 1 },
    full: { params: { steps: 150 }, expected: 'seconds', jobs: 1 },
  },
  audit: { resamples: 10 },
  plan: (p, seed) => ({ members: [] as MemberSpec[], steps: p.steps, seed }),
  async samples(plan, ctx) {
    const train = arithmeticExamples({ digits: 2, operation: 'add', count: 6000, seed: deriveSeed(plan.seed, 'corpus'), split: 'train' });
    const ref = writeArithCorpus(join(dir, 'all-zero.jsonl'), train.map((e) => ({ input: e.input, target: '0' })));
    const [student] = await ctx.train([{ name: 'student', family: 'lab-arith', arch: 'arith', spec: { cfg: { ...cfg(deriveSeed(plan.seed, 'train'), plan.steps), corpus: ref } } }]);
    const t = ctx.load(student as TrainedMember & { arch: 'arith' });
    const test = arithmeticExamples({ digits: 2, operation: 'add', count: 300, seed: 5, split: 'test' });
    const got = t.answer(test.map((e) => e.input)).map((a) => Number(a.slice(0, 3)));
    const truth = test.map((e) => Number(e.targets[0]));
    return {
      zero: got.filter((g) => g === 0).length / test.length,
      exact: got.filter((g, i) => g === truth[i]).length / test.length,
      student: student!,
    };
  },
  findings: ({ out }) => ({ title: 'all zero', before: '', lines: [`answered 000: ${out.zero}, a+b: ${out.exact}`], charts: [], data: out }),
});

describe('the experiment contract', () => {
  it('an experiment can train members in rounds on data from outside the generator (ctx.train with a corpus)', async () => {
    const logs: string[] = [];
    const updates: ProgressUpdate[] = [];
    const run = () => runExperiment(allZero, { budget: 'quick', seed: 3, dir, gemm: loadGemm(), log: (m) => logs.push(m), progress: (u) => updates.push(u) });
    const r = await run();
    // Training progress is in steps from the pool's workers, with the pool's ETA and, beside it, the
    // whole run's from the budget's time (an hour here, so ~59 min is left whatever the pool says).
    const training = updates.filter((u) => u.phase === 'training');
    expect(training.length).toBeGreaterThan(0);
    expect(training.at(-1)).toMatchObject({ unit: 'steps', done: 150, total: 150, skipped: 0, etaSeconds: 0 });
    expect(training.some((u) => u.done! > 0 && u.done! < 150)).toBe(true);
    expect(training.at(-1)!.detail).toMatch(/^1\/1 trained · overall ETA ~(59|60) min \d\d s \(1 h 00 min measured for this budget\)$/);
    expect(updates.at(-1)!.phase).toBe('auditing the family from the store');
    const out = r.findings.data as { zero: number; exact: number; student: TrainedMember };
    // Taught only zeros, the student answers 000 to held-out problems, and never their sum.
    expect(out.zero, r.findings.lines[0]).toBeGreaterThan(0.9);
    expect(out.exact).toBe(0);
    expect(logs.some((l) => /^student: [\d,]+ params, trained 150 steps/.test(l))).toBe(true);
    // The same corpus and settings: the same identity, reused.
    logs.length = 0;
    const again = await run();
    expect(logs.some((l) => /^student: [\d,]+ params, reused/.test(l))).toBe(true);
    // Reused steps count as done, not as work of this run.
    expect(updates.filter((u) => u.phase === 'training').at(-1)).toMatchObject({ done: 150, total: 150, skipped: 150 });
    expect((again.findings.data as { zero: number }).zero).toBe(out.zero);
  }, 120_000);

  it('a corpus is part of the member\'s identity, and a changed or bad corpus is an error naming the file and line', () => {
    const a = writeArithCorpus(join(dir, 'a.jsonl'), [{ input: '12+34=', target: '46' }]);
    const b = writeArithCorpus(join(dir, 'b.jsonl'), [{ input: '12+34=', target: '47' }]);
    const member = (c: typeof a): MemberSpec => ({ name: 'm', family: 'f', arch: 'arith', spec: { cfg: { ...cfg(1, 10), corpus: c } } });
    expect(memberIdentity(member(a))).not.toBe(memberIdentity(member(b)));
    expect(memberIdentity(member(a))).toBe(memberIdentity(member({ ...a })));
    expect(readArithCorpus(a, 2, 'add')).toEqual([{ prompt: '12+34=', answer: 46 }]);
    writeFileSync(a.file, '{"input": "12+34=", "target": "46"}\n{"input": "1+2=", "target": "3"}\n');
    expect(() => readArithCorpus(a, 2, 'add')).toThrow(/changed since it was planned/);
    const text = '{"input": "12+34=", "target": "46"}\n{"input": "1+2=", "target": "3"}\n';
    const c = join(dir, 'c.jsonl');
    writeFileSync(c, text);
    const e = (() => {
      try {
        readArithCorpus({ file: c, sha256: sha256(text) }, 2, 'add');
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).describe()).toMatch(/c\.jsonl:2: "input": expected a 2-digit add prompt like 11\+22=, got "1\+2="/);
  });
});
