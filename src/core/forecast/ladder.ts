import type { Observation } from '../types.js';
import { fitLossToAccuracy, fitTaskLoss, forecastTwoStep, movingAverage, predictAccuracy, type AccuracyFit, type TaskLossFit } from './two-step.js';

/**
 * The two-step forecast (two-step.ts) over observations: which models form the ladder, which are the
 * targets, what the task loss and the accuracy of each are, and which points feed each step. Follows
 * the OLMo ladder scripts where the data carry their columns (`in_paper_config`, `ladder=target`,
 * `value_last5_mean`, checkpoints with `value_ma5`), and falls back to plain rules elsewhere (every
 * non-target model is the ladder; the largest models by 6·N·D are the targets; the value as given).
 */
export interface LadderOptions {
  /** The continuous task metric (falls as models improve), e.g. rc_bpb. */
  readonly lossMetric: string;
  /** The metric to forecast, e.g. rc_acc. */
  readonly accMetric: string;
  /** Models to forecast; default: those labelled ladder=target, else the `holdout` largest by compute. */
  readonly targets?: readonly string[];
  readonly holdout?: number;
  /** Models to fit on; default: in_paper_config=1 when the data say, else every non-target. */
  readonly fitModels?: readonly string[];
  /** Column holding the smoothed final value (default value_last5_mean, when present). */
  readonly finalColumn?: string;
  /** Column holding a checkpoint's smoothed value (default value_ma5, when present); else a moving average. */
  readonly checkpointColumn?: string;
  /** Share of each run's first checkpoints dropped before step 2 (paper 0.1). */
  readonly skip?: number;
  /** Moving-average window over checkpoints when no smoothed column exists (paper 5). */
  readonly window?: number;
  /** Chance accuracy per task; seeds step 2's start only. */
  readonly chance?: (task: string) => number;
}

export type LossTransform = 'none' | 'negate' | 'log';

/** A log-likelihood (every value ≤ 0) is negated; a perplexity (by name) is logged; else as given. */
export function lossTransformFor(metric: string, values: readonly number[]): LossTransform {
  if (values.length > 0 && values.every((v) => v <= 0)) return 'negate';
  if (/(^|_)(ppl|perplexity)$|perplexity/i.test(metric)) return 'log';
  return 'none';
}

export interface TargetForecast {
  readonly model: string;
  readonly n: number;
  readonly d: number;
  readonly predLoss: number;
  readonly actualLoss: number | null;
  readonly predAcc: number;
  readonly actualAcc: number | null;
  /** Step 2 alone: accuracy predicted from the target's measured loss. */
  readonly predAccFromActualLoss: number | null;
}

export interface LadderTaskForecast {
  readonly task: string;
  readonly step1: TaskLossFit;
  readonly step2: AccuracyFit;
  readonly step2Source: 'checkpoints' | 'finals';
  readonly targets: readonly TargetForecast[];
}

export interface LadderForecast {
  readonly lossMetric: string;
  readonly accMetric: string;
  /**
   * How the loss metric became a positive loss: as given; negated (a log-likelihood, ≤ 0); or its
   * logarithm (a perplexity: ln ppl is the cross-entropy in nats per token).
   */
  readonly lossTransform: LossTransform;
  readonly fitModels: readonly string[];
  readonly targets: readonly string[];
  readonly tasks: readonly LadderTaskForecast[];
  readonly skipped: readonly { readonly task: string; readonly reason: string }[];
}

const field = (o: Observation, name: string): string | undefined => o.labels[name] ?? o.extra[name];

function smoothed(o: Observation, column: string | undefined): number {
  if (column === undefined) return o.value;
  const raw = field(o, column);
  const v = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(v) ? v : o.value;
}

/** The paper's chance levels (`task_utils.v2_minimums_rc`); 0.25 otherwise. */
export function paperChance(task: string): number {
  const t = task.toLowerCase();
  if (t.startsWith('piqa') || t.startsWith('boolq') || t.startsWith('winogrande')) return 0.5;
  if (t.startsWith('socialiqa') || t.startsWith('siqa')) return 1 / 3;
  if (t.startsWith('csqa') || t.startsWith('commonsense_qa')) return 0.2;
  return 0.25;
}

export function forecastLadder(finals: readonly Observation[], checkpoints: readonly Observation[], opts: LadderOptions): LadderForecast {
  const skipShare = opts.skip ?? 0.1;
  const window = opts.window ?? 5;
  const chance = opts.chance ?? paperChance;
  const rel = finals.filter((o) => o.metric === opts.lossMetric || o.metric === opts.accMetric);
  const finalColumn = opts.finalColumn ?? (rel.some((o) => field(o, 'value_last5_mean') !== undefined) ? 'value_last5_mean' : undefined);
  const ckRel = checkpoints.filter((o) => o.metric === opts.lossMetric || o.metric === opts.accMetric);
  const ckColumn = opts.checkpointColumn ?? (ckRel.some((o) => field(o, 'value_ma5') !== undefined) ? 'value_ma5' : undefined);
  const lossRows = rel.filter((o) => o.metric === opts.lossMetric);
  const lossTransform = lossTransformFor(opts.lossMetric, lossRows.map((o) => o.value));
  const lossOf = (v: number): number => (lossTransform === 'negate' ? -v : lossTransform === 'log' ? Math.log(v) : v);

  // One (n, d) per model: the first row's.
  const scale = new Map<string, { n: number; d: number }>();
  for (const o of rel) if (!scale.has(o.model)) scale.set(o.model, { n: o.params, d: o.tokens ?? NaN });
  const models = [...scale.keys()];
  const compute = (m: string): number => { const s = scale.get(m)!; return s.n * (Number.isNaN(s.d) ? 1 : s.d); };
  let targets = opts.targets ? [...opts.targets] : models.filter((m) => rel.some((o) => o.model === m && field(o, 'ladder') === 'target'));
  if (targets.length === 0) targets = [...models].sort((a, b) => compute(b) - compute(a)).slice(0, opts.holdout ?? 2);
  for (const t of targets) if (!scale.has(t)) throw new RangeError(`forecastLadder: target ${t} has no ${opts.lossMetric} or ${opts.accMetric} rows`);
  targets.sort((a, b) => compute(a) - compute(b));
  const targetSet = new Set(targets);
  let fitModels = opts.fitModels ? [...opts.fitModels] : null;
  if (fitModels === null) {
    const paperConfig = rel.some((o) => field(o, 'in_paper_config') !== undefined);
    fitModels = models.filter((m) => !targetSet.has(m) && (!paperConfig || rel.some((o) => o.model === m && field(o, 'in_paper_config') === '1')));
  }
  fitModels = fitModels.filter((m) => !targetSet.has(m)).sort((a, b) => compute(a) - compute(b));

  const tasks = [...new Set(rel.map((o) => o.task))].sort();
  const out: LadderTaskForecast[] = [];
  const skipped: { task: string; reason: string }[] = [];
  for (const task of tasks) {
    const one = (model: string, metric: string): Observation | null | 'many' => {
      const rs = rel.filter((o) => o.model === model && o.task === task && o.metric === metric);
      return rs.length === 0 ? null : rs.length > 1 ? 'many' : rs[0]!;
    };
    const pts = [];
    let reason: string | null = null;
    for (const m of fitModels) {
      const l = one(m, opts.lossMetric);
      if (l === 'many') { reason = `several ${opts.lossMetric} rows for ${m} (filter by shots or labels first)`; break; }
      if (l === null) continue;
      pts.push({ n: scale.get(m)!.n, d: scale.get(m)!.d, loss: lossOf(smoothed(l, finalColumn)) });
    }
    if (reason === null && pts.length < 4) reason = `only ${pts.length} ladder models have ${opts.lossMetric}`;
    if (reason !== null) { skipped.push({ task, reason }); continue; }
    let step1: TaskLossFit;
    try {
      step1 = fitTaskLoss(pts);
    } catch (e) {
      skipped.push({ task, reason: (e as Error).message });
      continue;
    }

    // Step 2: every checkpoint of the ladder runs (first share dropped, smoothed), else their finals.
    const acc2: { loss: number; acc: number }[] = [];
    let fromCheckpoints = false;
    for (const m of fitModels) {
      const byStep = new Map<number, { loss?: Observation; acc?: Observation }>();
      for (const o of ckRel) {
        if (o.model !== m || o.task !== task || o.step === null) continue;
        const e = byStep.get(o.step) ?? {};
        if (o.metric === opts.lossMetric) e.loss = o;
        else e.acc = o;
        byStep.set(o.step, e);
      }
      const steps = [...byStep.entries()].filter(([, e]) => e.loss && e.acc).sort((a, b) => a[0] - b[0]);
      if (steps.length > 0) {
        fromCheckpoints = true;
        const kept = steps.slice(Math.ceil(skipShare * steps.length));
        if (ckColumn !== undefined) {
          for (const [, e] of kept) acc2.push({ loss: lossOf(smoothed(e.loss!, ckColumn)), acc: smoothed(e.acc!, ckColumn) });
        } else {
          const ls = movingAverage(kept.map(([, e]) => lossOf(e.loss!.value)), window);
          const as = movingAverage(kept.map(([, e]) => e.acc!.value), window);
          for (let i = 0; i < kept.length; i++) acc2.push({ loss: ls[i]!, acc: as[i]! });
        }
      } else {
        const l = one(m, opts.lossMetric);
        const a = one(m, opts.accMetric);
        if (l && a && l !== 'many' && a !== 'many') acc2.push({ loss: lossOf(smoothed(l, finalColumn)), acc: smoothed(a, finalColumn) });
      }
    }
    if (acc2.length < 4) { skipped.push({ task, reason: `only ${acc2.length} (loss, ${opts.accMetric}) pairs for step 2` }); continue; }
    const step2 = fitLossToAccuracy(acc2, { chance: chance(task) });
    const rows: TargetForecast[] = [];
    for (const t of targets) {
      const { n, d } = scale.get(t)!;
      const l = one(t, opts.lossMetric);
      const a = one(t, opts.accMetric);
      const actualLoss = l && l !== 'many' ? lossOf(smoothed(l, finalColumn)) : null;
      const actualAcc = a && a !== 'many' ? smoothed(a, finalColumn) : null;
      const f = forecastTwoStep(step1, step2, n, d);
      rows.push({ model: t, n, d, predLoss: f.loss, actualLoss, predAcc: f.accuracy, actualAcc, predAccFromActualLoss: actualLoss === null ? null : predictAccuracy(step2, actualLoss) });
    }
    out.push({ task, step1, step2, step2Source: fromCheckpoints ? 'checkpoints' : 'finals', targets: rows });
  }
  return { lossMetric: opts.lossMetric, accMetric: opts.accMetric, lossTransform, fitModels, targets, tasks: out, skipped };
}
