import type { FunctionClass, IclPrompt, MixtureComponent } from '../tasks/function-classes.js';

/**
 * Garg et al. 2022 and Yadlowsky, Doshi & Tripuraneni 2023 on the lab's own transformers: pretrain on
 * prompts from a mixture of dense linear, sparse linear and sinusoid functions, then measure the
 * squared error of the prediction at every number of in-context examples k, against exact baselines
 * on the same prompts, inside the mixture and out of it (convex combinations of linear and sine,
 * extreme frequencies, intermediate sparsity, scaled inputs). Errors are divided by d (Garg et al.'s
 * normalisation: predicting 0 for a dense linear function scores 1).
 */

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

/** Errors per prompt and k of one predictor (normalised by d). */
export function errorsOf(prompts: readonly IclPrompt[], d: number, predict: (p: IclPrompt, k: number, i: number) => number): Float64Array[] {
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

export const meanOverPrompts = (e: readonly Float64Array[]): number[] => Array.from({ length: e[0]!.length }, (_, k) => e.reduce((s, r) => s + r[k]!, 0) / e.length);
