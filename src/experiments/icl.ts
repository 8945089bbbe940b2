import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { assembleCurves } from '../core/curves/assemble.js';
import { audit, type AuditReport } from '../core/analysis/audit.js';
import { bayesLinearMixture, standardBaselines } from '../core/icl/baselines.js';
import { charTokenizer } from '../core/metrics/tokenizers.js';
import { blankSample } from '../core/sample.js';
import { makeRng } from '../core/random/rng.js';
import type { Curve } from '../core/types.js';
import { DuckStore, type StoredSample } from '../store/duckdb-store.js';
import { observationsFromStore } from '../store/store-curves.js';
import { contentId } from '../store/content-id.js';
import { samplePrompt, type FunctionClass, type IclPrompt, type MixtureComponent } from '../tasks/function-classes.js';
import type { Gemm } from '../zoo/engine/gemm.js';
import { ICL_SIZES } from '../zoo/icl-transformer.js';
import type { IclTrainConfig } from '../zoo/train-icl.js';
import { describeProgress, runTrainJob, type JobResult, type TrainJob } from '../zoo/train-jobs.js';
import { trainPool } from '../zoo/train-pool.js';

/**
 * Garg et al. 2022 and Yadlowsky, Doshi & Tripuraneni 2023 on the lab's own transformers: pretrain on
 * prompts from a mixture of dense linear, sparse linear and sinusoid functions, then measure the
 * squared error of the prediction at every number of in-context examples k, against exact baselines
 * on the same prompts, inside the mixture and out of it (convex combinations of linear and sine,
 * extreme frequencies, intermediate sparsity, scaled inputs). Errors are divided by d (Garg et al.'s
 * normalisation: predicting 0 for a dense linear function scores 1).
 */
export type IclBudget = 'quick' | 'full';

export interface IclPlan {
  readonly d: number;
  readonly points: number;
  readonly sizes: readonly string[];
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly evalPrompts: number;
  readonly curriculumEvery: number;
  /**
   * Sizes trained at once, each in its own process on one core. 2 for small models, whose matrix
   * products are too small for OpenBLAS to use two cores; 1 when the largest model's products are
   * big enough to use both (two jobs would then slow it more than they save).
   */
  readonly jobs: number;
}

export const ICL_BUDGETS: Record<IclBudget, IclPlan & { expected: string }> = {
  quick: { d: 5, points: 15, sizes: ['nano', 'micro', 'tiny', 'slim'], steps: 11_000, batch: 64, lr: 4e-3, warmup: 1000, evalPrompts: 256, curriculumEvery: 250, jobs: 2, expected: 'about 13 minutes on 2 cores, 2 sizes at a time' },
  full: { d: 20, points: 41, sizes: ['tiny', 'small', 'standard'], steps: 20_000, batch: 64, lr: 2e-3, warmup: 1000, evalPrompts: 512, curriculumEvery: 1000, jobs: 1, expected: 'about 7 hours on 2 cores, estimated from bench/icl; not run here' },
};

/** Observation noise on every y: least squares then has a non-zero error to compare with. */
export const ICL_NOISE = 0.5;
export const SPARSE_NONZERO = 2;
const SINE: FunctionClass = { kind: 'sinusoid', amplitude: [0.5, 2], frequency: [0.5, 2] };

export function pretrainingMixture(): MixtureComponent[] {
  return [
    { name: 'dense_linear', cls: { kind: 'dense_linear' }, weight: 1 },
    { name: 'sparse_linear', cls: { kind: 'sparse_linear', nonzero: SPARSE_NONZERO }, weight: 1 },
    { name: 'sinusoid', cls: SINE, weight: 1 },
  ];
}

export interface EvalSet {
  readonly name: string;
  readonly inMixture: boolean;
  readonly cls: FunctionClass;
  readonly inputScale: number;
}

export function evalSets(d: number): EvalSet[] {
  const sets: EvalSet[] = [
    { name: 'dense_linear', inMixture: true, cls: { kind: 'dense_linear' }, inputScale: 1 },
    { name: 'sparse_linear', inMixture: true, cls: { kind: 'sparse_linear', nonzero: SPARSE_NONZERO }, inputScale: 1 },
    { name: 'sinusoid', inMixture: true, cls: SINE, inputScale: 1 },
    { name: 'convex_linear_sine', inMixture: false, cls: { kind: 'convex', alpha: 0.5, a: { kind: 'dense_linear' }, b: SINE }, inputScale: 1 },
    { name: 'sinusoid_low_freq', inMixture: false, cls: { kind: 'sinusoid', amplitude: [0.5, 2], frequency: [0.05, 0.15] }, inputScale: 1 },
    { name: 'sinusoid_high_freq', inMixture: false, cls: { kind: 'sinusoid', amplitude: [0.5, 2], frequency: [5, 8] }, inputScale: 1 },
    { name: 'dense_linear_scaled_x3', inMixture: false, cls: { kind: 'dense_linear' }, inputScale: 3 },
  ];
  for (let s = SPARSE_NONZERO + 1; s < d; s++) sets.push({ name: `sparse_linear_nnz${s}`, inMixture: false, cls: { kind: 'sparse_linear', nonzero: s }, inputScale: 1 });
  return sets;
}

/** Mean normalised squared error at each k, per predictor. */
export interface ErrorCurve {
  readonly set: string;
  readonly inMixture: boolean;
  readonly predictor: string;
  /** Parameters of a transformer; null for a baseline. */
  readonly params: number | null;
  readonly errors: readonly number[];
}

/**
 * Where a transformer's predictions sit between the dense solution and the sparse one (seed 003's
 * figure 3). The two single-class optimal predictors stand in for the two single-class models: the
 * posterior mean under the dense prior (ridge with α = σ²) and under the trained s-sparse prior.
 * λ = Σ(ŷ − ŷ_dense)(ŷ_sparse − ŷ_dense) / Σ(ŷ_sparse − ŷ_dense)² over prompts and k ≥ s, so 0 is
 * the dense solution and 1 the sparse one.
 */
export interface Between {
  readonly set: string;
  readonly predictor: string;
  readonly lambda: number;
}

export interface IclResult {
  readonly plan: IclPlan;
  readonly between: Between[];
  readonly curves: Curve[];
  readonly report: AuditReport;
  readonly errorCurves: ErrorCurve[];
  readonly store: string;
  readonly models: { name: string; params: number; trainSeconds: number; finalLoss: number | null }[];
}

function trainConfig(plan: IclPlan, size: string, seed: number): IclTrainConfig {
  const s = ICL_SIZES[size];
  if (!s) throw new RangeError(`unknown size ${size}`);
  return {
    model: { ...s, dims: plan.d, points: plan.points }, mixture: pretrainingMixture(), noise: ICL_NOISE, steps: plan.steps, batch: plan.batch, lr: plan.lr,
    warmup: plan.warmup, weightDecay: 0, seed, curriculum: { dimsStart: Math.min(plan.d, Math.max(SPARSE_NONZERO, 2)), pointsStart: Math.min(plan.points, 5), every: plan.curriculumEvery },
  };
}

const SAVE_EVERY = 250;

/** Errors per prompt and k of one predictor (normalised by d). */
function errorsOf(prompts: readonly IclPrompt[], d: number, predict: (p: IclPrompt, k: number, i: number) => number): Float64Array[] {
  return prompts.map((p, i) => Float64Array.from({ length: p.points }, (_, k) => (predict(p, k, i) - p.ys[k]!) ** 2 / d));
}

/** λ of `Between`: the least-squares position of ŷ on the line from the dense solution (0) to the sparse one (1), over prompts and k ≥ from. */
export function betweenLambda(preds: ArrayLike<ArrayLike<number>>, ls: ArrayLike<ArrayLike<number>>, lasso: ArrayLike<ArrayLike<number>>, from: number): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < preds.length; i++) {
    for (let k = from; k < preds[i]!.length; k++) {
      const g = lasso[i]![k]! - ls[i]![k]!;
      num += (preds[i]![k]! - ls[i]![k]!) * g;
      den += g * g;
    }
  }
  return den > 0 ? num / den : NaN;
}

const meanOverPrompts = (e: readonly Float64Array[]): number[] => Array.from({ length: e[0]!.length }, (_, k) => e.reduce((s, r) => s + r[k]!, 0) / e.length);

export async function runIcl(opts: {
  budget: IclBudget; dir: string; seed: number; gemm: Gemm; log: (m: string) => void; progress: (m: string) => void; plan?: IclPlan;
  /** Overrides the plan's jobs (1: in this process, one after another); either is capped at the machine's cores. */
  jobs?: number;
}): Promise<IclResult> {
  const plan = opts.plan ?? ICL_BUDGETS[opts.budget];
  const root = join(opts.dir, opts.plan ? 'custom' : opts.budget);
  mkdirSync(join(root, 'models'), { recursive: true });
  const d = plan.d;
  const sets = evalSets(d);
  // The same prompts for every predictor, drawn once from the seed.
  const rng = makeRng(opts.seed + 1000);
  const prompts = new Map(sets.map((s) => [s.name, Array.from({ length: plan.evalPrompts }, () => samplePrompt([{ name: s.name, cls: s.cls, weight: 1 }], { d, points: plan.points, inputScale: s.inputScale, noise: ICL_NOISE }, rng))]));
  const configs = plan.sizes.map((size) => ({ size, name: `icl-${size}`, cfg: trainConfig(plan, size, opts.seed) }));
  const jobs: TrainJob[] = configs.map(({ name, cfg }) => ({ name, arch: 'icl', cfg, file: join(root, 'models', `${name}.safetensors`), saveEvery: SAVE_EVERY }));
  // With --jobs, the sizes train in worker processes while this one computes the baselines; the
  // loop below then finds each model finished and loads it.
  const parallel = Math.min(opts.jobs ?? plan.jobs, availableParallelism(), jobs.length);
  const pool = parallel > 1 ? trainPool(jobs, parallel, (m) => opts.progress(`training ${m}`)) : null;
  pool?.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled meanwhile
  const errorCurves: ErrorCurve[] = [];
  // Baselines, exactly; their predictions kept for the sparsity sets' "between" measure.
  const xq = (p: IclPrompt, k: number): Float64Array => p.xs.subarray(k * d, (k + 1) * d);
  const solutions = new Map<string, { dense: number[][]; sparse: number[][] }>();
  for (const s of sets) {
    const ps = prompts.get(s.name)!;
    opts.progress(`baselines on ${s.name}`);
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
  const storePath = join(root, 'icl.duckdb');
  const store = await DuckStore.open(storePath);
  const models: IclResult['models'] = [];
  try {
    const runs = configs.flatMap(({ size, name, cfg }) => sets.map((s) => ({ name, set: s, runId: contentId({ size, cfg, set: s, prompts: plan.evalPrompts, seed: opts.seed }) })));
    await store.keepOnlyRuns(runs.map((r) => r.runId));
    const pooled = new Map<string, JobResult>((pool ? await pool : []).map((r) => [r.name, r]));
    for (const job of jobs) {
      const name = job.name;
      const cfg = job.cfg;
      const own = runTrainJob(job, opts.gemm, (p) => opts.progress(`training ${describeProgress(name, p)}`));
      const t = own.trainer;
      const { seconds, loss, stepsRun } = pooled.get(name) ?? own;
      models.push({ name, params: t.model.numParams, trainSeconds: seconds, finalLoss: loss });
      opts.log(`${name}: ${t.model.numParams.toLocaleString('en')} params, ${stepsRun === 0 ? 'reused' : `trained ${stepsRun} steps in ${seconds.toFixed(0)} s`}`);
      for (const r of runs.filter((x) => x.name === name)) {
        const ps = prompts.get(r.set.name)!;
        opts.progress(`${name} on ${r.set.name}`);
        const preds = t.predict(ps);
        const errs = errorsOf(ps, d, (_p, k, i) => preds[i]![k]!);
        const sol = solutions.get(r.set.name);
        if (sol) between.push({ set: r.set.name, predictor: name, lambda: betweenLambda(preds, sol.dense, sol.sparse, SPARSE_NONZERO) });
        errorCurves.push({ set: r.set.name, inMixture: r.set.inMixture, predictor: name, params: t.model.numParams, errors: meanOverPrompts(errs) });
        await store.upsertRun({
          runId: r.runId, family: 'lab-icl', model: name, params: t.model.numParams, task: `icl-${r.set.name}`, taskSource: 'function-classes sampler',
          settings: { set: r.set, train: cfg, prompts: plan.evalPrompts, metrics: ['mse'] }, seed: opts.seed, versions: {},
        });
        const samples: StoredSample[] = [];
        errs.forEach((row, i) => row.forEach((e, k) => {
          const id = `${r.set.name}/${String(i).padStart(4, '0')}/k${String(k).padStart(2, '0')}`;
          samples.push({
            sample: {
              ...blankSample(id, name, `icl-${r.set.name}`, 'regression', { file: 'function-classes' }),
              prompt: `${k} in-context examples`, output: String(preds[i]![k]), targets: [String(ps[i]!.ys[k])], squaredError: e,
            },
            rawOutput: null, paths: null, targetTokens: null, latencyMs: 0, error: null, scores: [],
          });
        }));
        await store.writeSamples(r.runId, samples);
      }
    }
    opts.progress('auditing the family from the store');
    const { observations } = await observationsFromStore(store, { tokenizer: charTokenizer, seed: opts.seed, resamples: 200 });
    const curves = assembleCurves(observations).curves;
    return { plan, between, curves, report: audit(curves), errorCurves, store: storePath, models };
  } finally {
    store.close();
  }
}
