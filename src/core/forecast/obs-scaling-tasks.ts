import type { Observation } from '../types.js';
import { observationalScaling } from './obs-scaling.js';
import { pcaImpute } from './pca-impute.js';
import { fitPca } from './pca.js';

/**
 * Observational scaling over observations: a base table (standard benchmarks per model) and target
 * tasks (emergent BIG-bench tasks per model), split by training compute at the paper's cutoff, one
 * PC-vs-FLOPs comparison per (task, metric). Defaults follow ObsScaling (`utils/constants.py`): the
 * 8 Open LLM Leaderboard-style benchmarks, 3 PCs out of 5, cutoff 8.4e22 FLOPs (Llama-2 7B), and
 * GSM8K left out of the base for the arithmetic tasks (`NONGSM_PCA_PREPROCESS_KWARGS`: "Exclude
 * GSM-8k for some tasks, e.g., arithmetic").
 */
export const OBS_BASE_BENCHMARKS = ['MMLU', 'ARC-C', 'HellaSwag', 'Winograd', 'TruthfulQA', 'GSM8K', 'XWinograd', 'HumanEval'] as const;
export const OBS_DEFAULT_CUTOFF_FLOPS = 8.4e22;

export interface ObsTasksOptions {
  readonly base?: readonly string[];
  readonly cutoffFlops?: number;
  readonly components?: number;
  readonly pcaComponents?: number;
  /** Benchmarks left out of the base for a task (default: GSM8K for arithmetic_*). */
  readonly exclude?: (task: string) => readonly string[];
}

export interface ObsTestRow {
  readonly model: string;
  readonly flops: number;
  readonly actual: number;
  readonly pc: number;
  readonly logFlops: number;
}

export interface ObsTaskResult {
  readonly task: string;
  readonly metric: string;
  /** Divisor applied to the scores to bring them to [0, 1] (100 for BLEU). */
  readonly scale: number;
  readonly base: readonly string[];
  readonly nTrain: number;
  readonly nTest: number;
  readonly explainedVarianceRatio: readonly number[];
  readonly imputedShareTrain: number;
  readonly pcMse: number;
  readonly flopsMse: number;
  readonly pcMae: number;
  readonly flopsMae: number;
  readonly test: readonly ObsTestRow[];
}

export interface ObsTasksResult {
  readonly cutoffFlops: number;
  readonly components: number;
  /** PCA of the base benchmarks over every model that has them (imputed): the paper's §3.2 check. */
  readonly allModels: { readonly n: number; readonly base: readonly string[]; readonly explainedVarianceRatio: readonly number[] };
  readonly tasks: readonly ObsTaskResult[];
  readonly skipped: readonly { readonly task: string; readonly metric: string; readonly reason: string }[];
}

const defaultExclude = (task: string): readonly string[] => (task.startsWith('arithmetic') ? ['GSM8K'] : []);

/** Training FLOPs of a row: flops_1e21 × 1e21, flops, or 6·N·D from pretrain_tokens / tokens. */
export function rowFlops(o: Observation): number | null {
  const e = o.extra;
  const num = (k: string): number | null => (e[k] === undefined || e[k] === '' ? null : Number(e[k]));
  const f21 = num('flops_1e21');
  if (f21 !== null && f21 > 0) return f21 * 1e21;
  const f = num('flops');
  if (f !== null && f > 0) return f;
  const d = o.tokens ?? num('pretrain_tokens');
  return d !== null && d > 0 ? 6 * o.params * d : null;
}

export function obsScalingTasks(bench: readonly Observation[], targets: readonly Observation[], opts: ObsTasksOptions = {}): ObsTasksResult {
  const base = opts.base ?? OBS_BASE_BENCHMARKS;
  const cutoff = opts.cutoffFlops ?? OBS_DEFAULT_CUTOFF_FLOPS;
  const components = opts.components ?? 3;
  const exclude = opts.exclude ?? defaultExclude;
  const scores = new Map<string, Map<string, number>>();
  const flops = new Map<string, number>();
  for (const o of bench) {
    const f = rowFlops(o);
    if (f !== null && !flops.has(o.model)) flops.set(o.model, f);
    if (!base.includes(o.task)) continue;
    const m = scores.get(o.model) ?? new Map<string, number>();
    if (!m.has(o.task)) m.set(o.task, o.value);
    scores.set(o.model, m);
  }
  for (const o of targets) {
    const f = rowFlops(o);
    if (f !== null && !flops.has(o.model)) flops.set(o.model, f);
  }
  const matrix = (models: readonly string[], cols: readonly string[]): Float64Array => {
    const X = new Float64Array(models.length * cols.length);
    models.forEach((m, i) => cols.forEach((c, j) => (X[i * cols.length + j] = scores.get(m)?.get(c) ?? NaN)));
    return X;
  };
  const allModelsList = [...scores.keys()].sort();
  const allImp = pcaImpute(matrix(allModelsList, base), allModelsList.length, new Float64Array(0), 0, base.length);
  const allPca = fitPca(allImp.train, allModelsList.length, base.length, base.length);

  const groups = new Map<string, Observation[]>();
  for (const o of targets) {
    const k = `${o.task}\u0000${o.metric}`;
    groups.set(k, [...(groups.get(k) ?? []), o]);
  }
  const tasks: ObsTaskResult[] = [];
  const skipped: { task: string; metric: string; reason: string }[] = [];
  for (const [k, rows] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const [task, metric] = k.split('\u0000') as [string, string];
    const cols = base.filter((b) => !exclude(task).includes(b));
    const y = new Map<string, number>();
    for (const o of rows) if (scores.has(o.model) && flops.has(o.model) && !y.has(o.model)) y.set(o.model, o.value);
    const scale = metric === 'bleu' || [...y.values()].some((v) => v > 1) ? 100 : 1;
    const models = [...y.keys()].sort();
    const train = models.filter((m) => flops.get(m)! <= cutoff);
    const test = models.filter((m) => flops.get(m)! > cutoff);
    if (train.length < components + 3 || test.length === 0) {
      skipped.push({ task, metric, reason: `${train.length} models at or below the cutoff, ${test.length} above` });
      continue;
    }
    const r = observationalScaling({
      trainBase: matrix(train, cols),
      testBase: matrix(test, cols),
      cols: cols.length,
      trainFlops: Float64Array.from(train, (m) => flops.get(m)!),
      testFlops: Float64Array.from(test, (m) => flops.get(m)!),
      trainY: Float64Array.from(train, (m) => y.get(m)! / scale),
      testY: Float64Array.from(test, (m) => y.get(m)! / scale),
      components,
      ...(opts.pcaComponents === undefined ? {} : { pcaComponents: opts.pcaComponents }),
    });
    tasks.push({
      task, metric, scale, base: cols, nTrain: train.length, nTest: test.length,
      explainedVarianceRatio: [...r.explainedVarianceRatio],
      imputedShareTrain: r.imputedShareTrain,
      pcMse: r.pc.testMse, flopsMse: r.flops.testMse, pcMae: r.pc.testMae, flopsMae: r.flops.testMae,
      test: test.map((m, i) => ({ model: m, flops: flops.get(m)!, actual: y.get(m)! / scale, pc: r.pc.testPred[i]!, logFlops: r.flops.testPred[i]! })),
    });
  }
  return {
    cutoffFlops: cutoff,
    components,
    allModels: { n: allModelsList.length, base: [...base], explainedVarianceRatio: [...allPca.explainedVarianceRatio] },
    tasks,
    skipped,
  };
}
