import { ConfigError } from '../core/errors.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { blankSample } from '../core/sample.js';
import { contentId } from '../store/content-id.js';
import type { StoredSample } from '../store/duckdb-store.js';
import { checkSequenceSpec } from '../tasks/bursty-sequences.js';
import { ICL_SIZES } from '../zoo/icl-transformer.js';
import { EVAL_KINDS, type BurstyTrainConfig, type BurstyTrainer, type EvalKind } from '../zoo/train-bursty.js';
import { baselines, cellId, gridCells, summarizeCell, type Baselines, type Cell, type CellSummary, type Factor, type MemberCurve } from './bursty-cells.js';
import { burstyCharts, burstyLines, stepTable, summaryTable } from './bursty-findings.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type ParamsOf, type TrainedMember } from './contract.js';

/**
 * Chan et al. 2022 on Reddy's Gaussian class clusters: what in the training data makes in-context
 * learning appear. Each cell (p_B, K, α) trains the same small transformer on sequences of
 * (exemplar, label) pairs and a query, bursty with probability p_B, otherwise drawn from a Zipf law
 * of exponent α over K classes; every `eval-every` steps it is scored on fresh classes with
 * arbitrary labels (ICL) and on trained classes absent from the context (IWL). The grid and the
 * judgement of the three trends are in bursty-cells.ts, the tables and charts in bursty-findings.ts.
 */
const parameters = {
  pBursty: { kind: 'numbers', min: 0, max: 1, help: 'values of p_B (share of bursty training sequences) swept at the base K and α' },
  classes: { kind: 'numbers', min: 2, max: 1_000_000, help: 'values of K (training classes) swept at the base p_B and α' },
  alphas: { kind: 'numbers', min: 0, max: 4, help: 'Zipf exponents α of the class law swept at the base p_B and K' },
  baseBursty: { kind: 'number', min: 0, max: 1, help: 'p_B of the base cell' },
  baseClasses: { kind: 'int', min: 2, max: 1_000_000, help: 'K of the base cell' },
  baseAlpha: { kind: 'number', min: 0, max: 4, help: 'α of the base cell' },
  seeds: { kind: 'int', min: 1, max: 10, help: 'replicate seeds per cell (each its own class world, initialisation and batches)' },
  size: { kind: 'choice', choices: Object.keys(ICL_SIZES), help: 'transformer trunk of every cell' },
  dims: { kind: 'int', min: 2, max: 512, help: 'D: values per exemplar and label vector' },
  labels: { kind: 'int', min: 2, max: 4096, help: 'L: labels the classes map to (chance is 1/L)' },
  context: { kind: 'int', min: 2, max: 64, help: 'N: (exemplar, label) pairs before the query' },
  burst: { kind: 'int', min: 1, max: 64, help: 'B: repeats of each class in a bursty sequence (divides N)' },
  noise: { kind: 'number', min: 0, max: 10, help: 'ε: within-class variation of the exemplars' },
  steps: { kind: 'int', min: 1, max: 10_000_000, help: 'training steps of every cell' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'sequences per step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay)' },
  warmup: { kind: 'int', min: 0, max: 1_000_000, help: 'linear warm-up steps' },
  evalEvery: { kind: 'int', min: 1, max: 1_000_000, help: 'steps between checkpoint evaluations of ICL and IWL' },
  evalSequences: { kind: 'int', min: 1, max: 100_000, help: 'held-out sequences per evaluation set (the same at every checkpoint)' },
  present: { kind: 'number', min: 0.01, max: 1, help: 'ICL (IWL) counts as present at this share of the way from its trivial baseline (copying a context label; chance) to 1' },
} as const satisfies ParamSchema;
type BurstyParams = ParamsOf<typeof parameters>;

interface BurstyMember {
  readonly spec: MemberSpec & { readonly arch: 'bursty' };
  readonly cell: Cell;
  readonly replicate: number;
}

interface BurstyPlan {
  readonly members: readonly MemberSpec[];
  readonly bursty: readonly BurstyMember[];
  readonly cells: readonly { readonly cell: Cell; readonly factors: Factor[] }[];
  readonly baselines: Baselines;
}

export interface BurstyOut {
  readonly members: readonly MemberCurve[];
  readonly cells: readonly CellSummary[];
  readonly baselines: Baselines;
}

const LABEL_NAMES = (L: number): string[] => Array.from({ length: L }, (_, l) => `L${l}`);

/** One stored sample per held-out sequence of the last checkpoint: an L-way choice scored by its log-probabilities. */
function finalSamples(t: BurstyTrainer, kind: EvalKind, model: string, task: string): StoredSample[] {
  const { logProbs, targets } = t.logProbs(kind);
  const L = t.cfg.model.labels;
  const choices = LABEL_NAMES(L);
  return Array.from(targets, (target, i) => {
    const ll = Array.from(logProbs.subarray(i * L, (i + 1) * L));
    const best = ll.reduce((b, v, l) => (v > ll[b]! ? l : b), 0);
    const id = `${kind}/${String(i).padStart(5, '0')}`;
    return {
      sample: { ...blankSample(id, model, task, 'multiple_choice', { file: 'class-clusters' }), prompt: `${kind} sequence ${i}`, targets: [choices[target]!], output: choices[best]!, choices, choiceLogliks: ll, gold: [target] },
      rawOutput: null, paths: null, targetTokens: null, latencyMs: 0, error: null, scores: [],
    };
  });
}

const METRICS = ['acc', 'target_loglik', 'brier_score'];

export const burstyIcl = defineExperiment({
  id: 'bursty-icl',
  question: 'Which properties of the training data — burstiness, many rare classes, a Zipfian law — make in-context learning appear, and at what cost to in-weights learning?',
  citation: 'Chan, Santoro, Lampinen et al. 2022 (arXiv 2205.05055); Reddy 2024 (arXiv 2312.03002); Singh et al. 2023 (arXiv 2311.08360)',
  about: 'Gaussian class clusters with labels (Reddy 2024): sequences of N (exemplar, label) pairs and a query, bursty (N/B classes, each B times) with probability p_B, otherwise drawn from a Zipf law of exponent α over K classes. A transformer per cell and seed, scored as it trains on fresh classes with arbitrary labels (ICL) and on trained classes absent from the context (IWL); one-factor sweeps of p_B, K and α through a base cell test Chan et al.\'s three trends.',
  parameters,
  budgets: {
    quick: {
      params: { pBursty: [0, 0.9], classes: [32, 1024], alphas: [0, 1], baseBursty: 0.9, baseClasses: 1024, baseAlpha: 0, seeds: 2, size: 'tiny', dims: 32, labels: 32, context: 8, burst: 4, noise: 0.1, steps: 2000, batch: 64, lr: 1e-3, warmup: 100, evalEvery: 100, evalSequences: 512, present: 0.5 },
      // 935 s wall at load ~18 on the 2 cores (an upper bound); 267 CPU-seconds in all, so about 3 minutes alone.
      expected: 'about 2 minutes on 2 cores (122 s measured alone)', expectedSeconds: 122, jobs: 2,
    },
    full: {
      params: { pBursty: [0, 0.25, 0.5, 0.75, 0.9, 1], classes: [32, 128, 512, 1024, 4096], alphas: [0, 0.5, 1, 1.5], baseBursty: 0.9, baseClasses: 1024, baseAlpha: 0, seeds: 2, size: 'tiny', dims: 32, labels: 32, context: 8, burst: 4, noise: 0.1, steps: 4000, batch: 64, lr: 1e-3, warmup: 100, evalEvery: 200, evalSequences: 1024, present: 0.5 },
      // 13 cells x 2 seeds x 4,000 steps = 104,000 steps, 6.5x the quick run's 16,000 at the same cost per step.
      expected: 'about 13 minutes on 2 cores (793 s measured alone); resumable', expectedSeconds: 793, jobs: 2,
    },
  },
  audit: { resamples: 200 },
  plan(p: BurstyParams, seed): BurstyPlan {
    for (const [field, vs] of [['classes', p.classes], ['baseClasses', [p.baseClasses]]] as const) {
      for (const k of vs) {
        if (!Number.isInteger(k)) throw new ConfigError(`"--${field === 'classes' ? 'classes' : 'base-classes'}": expected whole numbers, got ${k}`, { code: 'USAGE', field });
        if (!(k > p.context)) throw new ConfigError(`"--${field === 'classes' ? 'classes' : 'base-classes'}": ${k} classes cannot leave an in-weights query class outside a context of ${p.context}`, { code: 'USAGE', field });
      }
    }
    if (p.context % p.burst !== 0) throw new ConfigError(`"--burst": ${p.burst} does not divide the context of ${p.context}`, { code: 'USAGE', field: 'burst' });
    if (p.context / p.burst > p.labels) throw new ConfigError(`"--labels": ${p.labels} labels cannot label the ${p.context / p.burst} classes of an ICL sequence apart`, { code: 'USAGE', field: 'labels' });
    const base: Cell = { pBursty: p.baseBursty, classes: p.baseClasses, alpha: p.baseAlpha };
    const cells = gridCells(base, { pBursty: p.pBursty, classes: p.classes, alpha: p.alphas });
    const bursty = cells.flatMap(({ cell }) => Array.from({ length: p.seeds }, (_, r): BurstyMember => {
      // Replicate r shares its world, initialisation, batches and held-out sequences across cells: only the cell's factor differs.
      const rs = deriveSeed(seed, 'replicate', r);
      const sequences = { context: p.context, burst: p.burst, pBursty: cell.pBursty, noise: p.noise };
      checkSequenceSpec(sequences, cell.classes);
      const cfg: BurstyTrainConfig = {
        model: { ...ICL_SIZES[p.size]!, dims: p.dims, context: p.context, labels: p.labels },
        world: { classes: cell.classes, labels: p.labels, dims: p.dims, seed: deriveSeed(rs, 'world') },
        sequences, alpha: cell.alpha,
        evaluation: { every: p.evalEvery, sequences: p.evalSequences, seed: deriveSeed(rs, 'eval') },
        steps: p.steps, batch: p.batch, lr: p.lr, warmup: p.warmup, weightDecay: 0, seed: deriveSeed(rs, 'train'),
      };
      return { spec: { name: `${cellId(cell)}-s${r}`, family: `lab-bursty-${cellId(cell)}`, arch: 'bursty', spec: { cfg } }, cell, replicate: r };
    }));
    return { members: bursty.map((b) => b.spec), bursty, cells, baselines: baselines(p.labels, p.context, p.burst, p.present) };
  },
  async samples(plan, ctx): Promise<BurstyOut> {
    const trained = new Map((await ctx.trained()).map((m) => [m.name, m]));
    const curves: MemberCurve[] = [];
    for (const [index, b] of plan.bursty.entries()) {
      const m = trained.get(b.spec.name)! as TrainedMember & { arch: 'bursty' };
      ctx.progress({ phase: 'storing the last checkpoint\'s answers', unit: 'members', done: index, total: plan.bursty.length, detail: m.name });
      const t = ctx.load(m);
      curves.push({ name: m.name, cell: b.cell, replicate: b.replicate, history: t.history });
      for (const kind of EVAL_KINDS) {
        const task = `bursty-${kind}`;
        const runId = contentId({ member: m.identity, task, metrics: METRICS });
        ctx.keep(runId);
        if ((await ctx.store.doneSampleIds(runId)).size >= m.spec.cfg.evaluation.sequences) continue;
        await ctx.store.upsertRun({
          runId, family: m.family, model: cellId(b.cell), params: m.params, task, taskSource: 'class-clusters (bursty-sequences)',
          settings: { member: m.identity, spec: m.spec, metrics: METRICS }, seed: m.spec.cfg.seed, versions: ctx.versions,
        });
        await ctx.store.writeSamples(runId, finalSamples(t, kind, cellId(b.cell), task)); // one transaction: all of a set's answers or none
      }
      ctx.log(`${m.name}: ${t.history.length} checkpoints, last ICL ${t.history.at(-1)!.icl.toFixed(3)}, IWL ${t.history.at(-1)!.iwl.toFixed(3)}; answers stored`);
    }
    const cells = plan.cells.map(({ cell, factors }) => summarizeCell(cell, factors, curves, plan.baselines));
    return { members: curves, cells, baselines: plan.baselines };
  },
  findings({ out, members }) {
    return {
      title: 'Bursty ICL: what in the data makes in-context learning appear',
      before: [
        'Final and peak accuracies per cell (ICL: fresh classes, arbitrary labels; IWL: trained classes, the query\'s class absent from the context)',
        summaryTable(out.cells), '',
        'ICL accuracy against training step (seeds\' mean)', stepTable(out.cells, 'icl'), '',
        'IWL accuracy against training step (seeds\' mean)', stepTable(out.cells, 'iwl'), '',
      ].join('\n'),
      lines: burstyLines(out.cells, out.baselines),
      charts: burstyCharts(out.cells, out.baselines),
      data: {
        baselines: out.baselines, cells: out.cells, members: out.members,
        models: members.map((m) => ({ name: m.name, params: m.params, trainSeconds: m.seconds, finalLoss: m.loss })),
      },
    };
  },
});
