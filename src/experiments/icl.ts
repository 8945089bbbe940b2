import { bayesLinearMixture, standardBaselines } from '../core/icl/baselines.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import { blankSample } from '../core/sample.js';
import { contentId } from '../store/content-id.js';
import type { StoredSample } from '../store/duckdb-store.js';
import { samplePrompt, type IclPrompt } from '../tasks/function-classes.js';
import { ICL_SIZES } from '../zoo/icl-transformer.js';
import type { IclTrainConfig } from '../zoo/train-icl.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type ParamsOf, type TrainedMember } from './contract.js';
import { iclChartSections, iclFindings, kTable } from './icl-findings.js';
import { betweenLambda, errorsOf, evalSets, ICL_NOISE, meanOverPrompts, pretrainingMixture, SPARSE_NONZERO, type Between, type ErrorCurve, type EvalSet } from './icl-sets.js';

/**
 * Garg et al. 2022 and Yadlowsky, Doshi & Tripuraneni 2023 on the lab's own transformers: pretrain on
 * prompts from a mixture of dense linear, sparse linear and sinusoid functions, then measure the
 * squared error of the prediction at every number of in-context examples k against exact baselines
 * on the same prompts, inside the mixture and out of it. The science (sets, λ) is in icl-sets.ts,
 * what it shows in icl-findings.ts.
 */
const parameters = {
  d: { kind: 'int', min: 2, max: 64, help: 'input dimension of the functions' },
  points: { kind: 'int', min: 3, max: 256, help: '(x, y) pairs per prompt' },
  sizes: { kind: 'names', choices: Object.keys(ICL_SIZES), help: 'transformer sizes of the family' },
  steps: { kind: 'int', min: 1, max: 10_000_000, help: 'pretraining steps of every size' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'prompts per step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate' },
  warmup: { kind: 'int', min: 0, max: 1_000_000, help: 'linear warm-up steps' },
  evalPrompts: { kind: 'int', min: 1, max: 100_000, help: 'held-out prompts per evaluation set, the same for every predictor' },
  curriculumEvery: { kind: 'int', min: 1, max: 1_000_000, help: 'steps between curriculum stages (one more dimension, two more points)' },
} as const satisfies ParamSchema;
type IclParams = ParamsOf<typeof parameters>;

function trainConfig(p: IclParams, size: string, seed: number): IclTrainConfig {
  return {
    model: { ...ICL_SIZES[size]!, dims: p.d, points: p.points }, mixture: pretrainingMixture(), noise: ICL_NOISE, steps: p.steps, batch: p.batch, lr: p.lr,
    warmup: p.warmup, weightDecay: 0, seed, curriculum: { dimsStart: Math.min(p.d, Math.max(SPARSE_NONZERO, 2)), pointsStart: Math.min(p.points, 5), every: p.curriculumEvery },
  };
}

interface IclPlan {
  readonly members: readonly MemberSpec[];
  readonly d: number;
  readonly points: number;
  readonly sets: readonly EvalSet[];
  readonly prompts: { readonly count: number; readonly seed: number };
}

export interface IclOut {
  readonly d: number;
  readonly errorCurves: readonly ErrorCurve[];
  readonly between: readonly Between[];
}

/** The same prompts for every predictor, drawn from the plan's seed, one stream per set. */
function drawPrompts(plan: IclPlan): Map<string, IclPrompt[]> {
  return new Map(plan.sets.map((s) => {
    const rng = makeRng(deriveSeed(plan.prompts.seed, s.name));
    return [s.name, Array.from({ length: plan.prompts.count }, () => samplePrompt([{ name: s.name, cls: s.cls, weight: 1 }], { d: plan.d, points: plan.points, inputScale: s.inputScale, noise: ICL_NOISE }, rng))];
  }));
}

export const icl = defineExperiment({
  id: 'icl',
  question: 'Does a transformer pretrained on a mixture of function classes select the right class in context, and does it generalise outside the mixture?',
  citation: 'Garg, Tsipras, Liang & Valiant 2022 (arXiv 2208.01066); Yadlowsky, Doshi & Tripuraneni 2023 (arXiv 2311.00871)',
  about: 'Transformers pretrained on prompts from a mixture of dense linear, sparse linear and sinusoid functions (with Garg et al.\'s curriculum); squared error against the number of in-context examples beside exact baselines (least squares, ridge, Lasso, kNN, averaging, the Bayes posterior mean), inside and outside the mixture, and where intermediate sparsity lands between the dense and sparse solutions.',
  parameters,
  budgets: {
    quick: { params: { d: 5, points: 15, sizes: ['nano', 'micro', 'tiny', 'slim'], steps: 11_000, batch: 64, lr: 4e-3, warmup: 1000, evalPrompts: 256, curriculumEvery: 250 }, expected: 'about 6 minutes on 2 cores (360 s measured), 2 sizes at a time', expectedSeconds: 360, jobs: 2 },
    // One at a time: the 6 × 128 products are big enough for OpenBLAS to use both cores.
    full: { params: { d: 20, points: 41, sizes: ['tiny', 'small', 'standard'], steps: 20_000, batch: 64, lr: 2e-3, warmup: 1000, evalPrompts: 512, curriculumEvery: 1000 }, expected: 'about 2.8 hours on 2 cores, estimated from bench/icl (0.38 s a step of the 6 x 128); not run here, resumable', expectedSeconds: 10_080, jobs: 1 },
  },
  audit: { resamples: 200 },
  plan(p, seed): IclPlan {
    const train = deriveSeed(seed, 'train');
    const members = p.sizes.map((size): MemberSpec => ({ name: `icl-${size}`, family: 'lab-icl', arch: 'icl', spec: { cfg: trainConfig(p, size, train) } }));
    return { members, d: p.d, points: p.points, sets: evalSets(p.d), prompts: { count: p.evalPrompts, seed: deriveSeed(seed, 'eval-prompts') } };
  },
  async samples(plan, ctx): Promise<IclOut> {
    const d = plan.d;
    const prompts = drawPrompts(plan);
    const errorCurves: ErrorCurve[] = [];
    // Baselines, exactly, while the members train; their predictions kept for the sparsity sets' λ.
    const xq = (p: IclPrompt, k: number): Float64Array => p.xs.subarray(k * d, (k + 1) * d);
    const solutions = new Map<string, { dense: number[][]; sparse: number[][] }>();
    for (const s of plan.sets) {
      const ps = prompts.get(s.name)!;
      ctx.progress(`baselines on ${s.name}`);
      await new Promise((r) => setImmediate(r)); // lets the pool's messages in between sets
      for (const b of standardBaselines()) errorCurves.push({ set: s.name, inMixture: s.inMixture, predictor: b.id, params: null, errors: meanOverPrompts(errorsOf(ps, d, (p, k) => b.predict(p.xs, p.ys, k, d, xq(p, k)))) });
      if (s.cls.kind === 'sparse_linear') {
        const all = (f: (p: IclPrompt, k: number) => number): number[][] => ps.map((p) => Array.from({ length: p.points }, (_, k) => f(p, k)));
        solutions.set(s.name, {
          dense: all((p, k) => bayesLinearMixture(p.xs, p.ys, k, d, xq(p, k), { dense: 1, nonzero: SPARSE_NONZERO, noise: ICL_NOISE })),
          sparse: all((p, k) => bayesLinearMixture(p.xs, p.ys, k, d, xq(p, k), { dense: 0, nonzero: SPARSE_NONZERO, noise: ICL_NOISE })),
        });
      }
      // The posterior mean for the mixture's linear part (dense or 2-sparse, equally likely), where it has a closed form.
      if (s.cls.kind === 'dense_linear' || s.cls.kind === 'sparse_linear') {
        const prior = { dense: 0.5, nonzero: SPARSE_NONZERO, noise: ICL_NOISE };
        errorCurves.push({ set: s.name, inMixture: s.inMixture, predictor: 'bayes_linear_mixture', params: null, errors: meanOverPrompts(errorsOf(ps, d, (p, k) => bayesLinearMixture(p.xs, p.ys, k, d, xq(p, k), prior))) });
      }
    }
    const between: Between[] = [];
    const members = await ctx.trained();
    for (const [index, member] of members.entries()) {
      const m = member as TrainedMember & { arch: 'icl' };
      const t = ctx.load(m);
      for (const [si, set] of plan.sets.entries()) {
        const ps = prompts.get(set.name)!;
        ctx.progress({ phase: 'evaluating members', unit: 'prompt sets', done: index * plan.sets.length + si, total: members.length * plan.sets.length, detail: `${m.name} on ${set.name}` });
        const preds = t.predict(ps);
        const errs = errorsOf(ps, d, (_p, k, i) => preds[i]![k]!);
        const sol = solutions.get(set.name);
        if (sol) between.push({ set: set.name, predictor: m.name, lambda: betweenLambda(preds, sol.dense, sol.sparse, SPARSE_NONZERO) });
        errorCurves.push({ set: set.name, inMixture: set.inMixture, predictor: m.name, params: m.params, errors: meanOverPrompts(errs) });
        const runId = contentId({ member: m.identity, set, prompts: plan.prompts });
        ctx.keep(runId);
        if ((await ctx.store.doneSampleIds(runId)).size >= ps.length * plan.points) continue;
        await ctx.store.upsertRun({
          runId, family: m.family, model: m.name, params: m.params, task: `icl-${set.name}`, taskSource: 'function-classes sampler',
          settings: { member: m.identity, set, train: m.spec.cfg, prompts: plan.prompts, metrics: ['mse'] }, seed: ctx.seed, versions: ctx.versions,
        });
        const samples: StoredSample[] = [];
        errs.forEach((row, i) => row.forEach((e, k) => {
          const id = `${set.name}/${String(i).padStart(4, '0')}/k${String(k).padStart(2, '0')}`;
          samples.push({
            sample: { ...blankSample(id, m.name, `icl-${set.name}`, 'regression', { file: 'function-classes' }), prompt: `${k} in-context examples`, output: String(preds[i]![k]), targets: [String(ps[i]!.ys[k])], squaredError: e },
            rawOutput: null, paths: null, targetTokens: null, latencyMs: 0, error: null, scores: [],
          });
        }));
        await ctx.store.writeSamples(runId, samples); // one transaction: the run's prompts all or none
      }
      ctx.log(`${m.name}: predictions on ${plan.sets.length} sets stored`);
    }
    return { d, errorCurves, between };
  },
  findings({ out, members }) {
    const sets = [...new Set(out.errorCurves.map((c) => c.set))];
    return {
      title: 'In-context regression: error against examples and model size',
      before: sets.map((set) => kTable(out.errorCurves, set, out.d)).join('\n') + '\n',
      lines: iclFindings(out, out.d),
      charts: iclChartSections(out.errorCurves, out.d),
      data: { d: out.d, models: members.map((m) => ({ name: m.name, params: m.params, trainSeconds: m.seconds, finalLoss: m.loss })), errorCurves: out.errorCurves, between: out.between },
    };
  },
});
