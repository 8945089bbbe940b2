import type { Curve } from '../types.js';

/**
 * The score a model gets by guessing, for multiple-choice accuracy: 1/k for k choices per question.
 * Known here for the common lm-evaluation-harness and leaderboard tasks whose every question has
 * the same number of choices (ARC: nearly all 4, a few 3 or 5); anything else needs a `chance` or
 * `choices` column in the data or `--chance TASK=LEVEL`. Tasks whose questions differ in their
 * number of choices (BBH, MuSR, TruthfulQA mc1, BIG-bench JSON tasks) are deliberately absent:
 * a single 1/k would be wrong for them.
 */
const CHOICES: readonly (readonly [RegExp, number])[] = [
  [/^(hendrycksTest-|mmlu_|mmlu$|MMLU$)/i, 4],
  [/^(arc_challenge|arc_easy|ARC-C|ARC-E|arc)$/i, 4],
  [/^hellaswag$/i, 4],
  [/^(sciq|logiqa|logiqa2|openbookqa|race|medmcqa|medqa_4options|swag|prost|leaderboard_gpqa.*|gpqa.*)$/i, 4],
  [/^(leaderboard_mmlu_pro|mmlu_pro.*)$/i, 10],
  [/^(mathqa|commonsense_qa|qa4mre.*)$/i, 5],
  [/^(anli_r[123]|mnli.*|pubmedqa|siqa|social_iqa)$/i, 3],
  [/^(winogrande|xwinograd.*|Winograd|XWinograd|piqa|boolq|copa|xcopa.*|wsc|wsc273|wic|rte|qnli|sst2|mrpc|qqp|storycloze.*|xstorycloze.*|blimp_.*)$/i, 2],
];

/** Metrics that score a multiple-choice pick: guessing earns 1/k on these, not on generation metrics. */
const CHOICE_METRICS = new Set(['acc', 'acc_norm', 'multiple_choice_grade']);

/** A user's chance level for tasks matching a pattern (`--chance 'my_task*=0.2'`). */
export interface ChanceRule {
  readonly task: (task: string) => boolean;
  readonly level: number;
}

export interface ChanceLevel {
  readonly level: number;
  readonly source: 'given' | 'data' | 'choices';
}

/**
 * The chance level of a curve, or null when unknown or not applicable. Order: a user rule (any
 * metric it names by task), the data's own `chance` (a level) or `choices` (k) attribute on every
 * point, then the task table for choice metrics.
 */
export function chanceLevel(curve: Curve, rules: readonly ChanceRule[] = []): ChanceLevel | null {
  const { task, metric } = curve.key;
  for (const r of rules) if (r.task(task)) return { level: r.level, source: 'given' };
  const first = curve.points[0]?.extra;
  if (first !== undefined) {
    const same = (name: string): number | null => {
      const v = first[name];
      if (v === undefined || !curve.points.every((p) => p.extra[name] === v)) return null;
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    };
    const c = same('chance');
    if (c !== null && c > 0 && c < 1) return { level: c, source: 'data' };
    const k = same('choices');
    if (k !== null && Number.isInteger(k) && k >= 2) return { level: 1 / k, source: 'data' };
  }
  if (!CHOICE_METRICS.has(metric.toLowerCase())) return null;
  for (const [re, k] of CHOICES) if (re.test(task)) return { level: 1 / k, source: 'choices' };
  return null;
}
