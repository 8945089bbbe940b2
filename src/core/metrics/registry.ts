import type { Sample, SampleKind, Tokenizer } from '../types.js';
import { brierScore, expectedCalibrationError, mcAccuracy, mcAccuracyBytes, mcAccuracyMutualInfo, mcAccuracyNorm, mcConfidence, oneHot } from './choice.js';
import { corpusBleu, bleuStats, bleuFromStats } from './bleu.js';
import { corpusChrf, chrfStats, chrfFromStats } from './chrf.js';
import { passAtK, expectedSubsetAccuracy } from './counting.js';
import { charEditDistance, levenshtein } from './edit-distance.js';
import { caseInsensitiveMatch, exactMatch, numericMatch } from './exact-match.js';
import { tokenF1 } from './f1.js';
import { corpusPerplexity, perTokenAccuracy, perTokenPerplexity, targetLoglik } from './loglik.js';
import { bitsPerByte, countBytes, countWords, weightedPerplexity } from './lm-eval-aggregates.js';
import { rouge } from './rouge.js';
import { corpusTer, terFromStats, terStats } from './ter.js';

/**
 * Every per-sample metric, in one record keyed by id (STYLE.md; ids follow lm-evaluation-harness
 * where it has them so results compare). Each says whether it is continuous (the verdict needs it),
 * its direction and range, which samples it applies to, and how it aggregates: the mean of the
 * per-sample values unless `corpus` says otherwise (corpus BLEU and chrF, perplexity, ECE).
 */
export interface MetricContext {
  readonly tokenizer: Tokenizer;
}

export interface MetricDef {
  readonly id: string;
  readonly description: string;
  readonly continuous: boolean;
  readonly higherIsBetter: boolean;
  readonly range: readonly [number, number] | null;
  readonly kinds: readonly SampleKind[];
  readonly usesTokenizer: boolean;
  /** Computed only when asked for by name, never among the defaults (added after the defaults were fixed, so existing reports stay as they were). */
  readonly optIn?: boolean;
  /** The value for one sample, or null when the sample lacks what the metric needs. */
  readonly perSample: ((s: Sample, ctx: MetricContext) => number | null) | null;
  /**
   * Corpus-level aggregate when it is not the mean of per-sample values: per-sample sufficient
   * statistics, and how to combine them (so a bootstrap re-sums statistics, never re-tokenizes).
   */
  readonly corpus?: {
    readonly stats: (s: Sample, ctx: MetricContext) => ArrayLike<number> | null;
    readonly combine: (stats: readonly ArrayLike<number>[]) => number;
  };
}

const gen = (s: Sample): string | null => (s.kind === 'generate' && s.output !== null && s.targets.length > 0 ? s.output : null);
const mc = (s: Sample): readonly number[] | null => (s.kind === 'multiple_choice' && s.choiceLogliks !== null && s.gold !== null ? s.choiceLogliks : null);

function tokenEdit(s: Sample, ctx: MetricContext, normalized: boolean): number | null {
  const out = gen(s);
  if (out === null) return null;
  const o = ctx.tokenizer.encode(out);
  let best = Infinity;
  for (const t of s.targets) {
    const tt = ctx.tokenizer.encode(t);
    const d = levenshtein(o, tt);
    const n = Math.max(o.length, tt.length);
    best = Math.min(best, normalized ? (n === 0 ? 0 : d / n) : d);
  }
  return best;
}

/** Correct or not, for the counting metrics: exact match for generation, acc for multiple choice. */
export function isCorrect(s: Sample): boolean | null {
  if (s.kind === 'generate') {
    const out = gen(s);
    return out === null ? null : exactMatch(out, s.targets) === 1;
  }
  const lls = mc(s);
  return lls === null ? null : mcAccuracy(lls, s.gold!) === 1;
}

const textMetric = (
  id: string,
  description: string,
  continuous: boolean,
  higherIsBetter: boolean,
  range: readonly [number, number] | null,
  f: (out: string, targets: readonly string[]) => number,
): MetricDef => ({
  id, description, continuous, higherIsBetter, range, kinds: ['generate'], usesTokenizer: false,
  perSample: (s) => { const o = gen(s); return o === null ? null : f(o, s.targets); },
});

const optIn = (d: MetricDef): MetricDef => ({ ...d, optIn: true });

/** A corpus metric of whole documents' log-likelihoods (lm-eval loglikelihood_rolling): Σ ll over Σ count of the document. */
function rollingMetric(
  id: string, description: string, count: (doc: string) => number, combine: (lls: number[], counts: number[]) => number,
): MetricDef {
  const stats = (s: Sample): [number, number] | null => (s.kind === 'loglikelihood' && s.targetLoglik !== null && s.targets.length === 1 ? [s.targetLoglik, count(s.targets[0]!)] : null);
  return {
    id, description, continuous: true, higherIsBetter: false, range: null, kinds: ['loglikelihood'], usesTokenizer: false,
    perSample: (s) => { const st = stats(s); return st === null || st[1] === 0 ? null : combine([st[0]], [st[1]]); },
    corpus: { stats, combine: (st) => combine(st.map((v) => v[0]!), st.map((v) => v[1]!)) },
  };
}

export const METRICS: Record<string, MetricDef> = {
  exact_match: textMetric('exact_match', 'output equals a target exactly', false, true, [0, 1], (o, t) => exactMatch(o, t)),
  case_insensitive_match: textMetric('case_insensitive_match', 'exact match after lowercasing and trimming', false, true, [0, 1], caseInsensitiveMatch),
  numeric_match: textMetric('numeric_match', 'output and target read as numbers agree within 1e-6 relative', false, true, [0, 1], (o, t) => numericMatch(o, t)),
  char_edit_distance: textMetric('char_edit_distance', 'Levenshtein distance in code points (best target)', true, false, null,
    (o, t) => Math.min(...t.map((x) => charEditDistance(o, x)))),
  rouge1: textMetric('rouge1', 'ROUGE-1 F (rouge_score tokenization), 0–100', true, true, [0, 100], (o, t) => rouge('rouge1', o, t)),
  rouge2: textMetric('rouge2', 'ROUGE-2 F, 0–100', true, true, [0, 100], (o, t) => rouge('rouge2', o, t)),
  rougeL: textMetric('rougeL', 'ROUGE-L F (longest common subsequence), 0–100', true, true, [0, 100], (o, t) => rouge('rougeL', o, t)),
  rougeLsum: optIn(textMetric('rougeLsum', 'ROUGE-Lsum F (summary-level union LCS over newline-split sentences), 0–100', true, true, [0, 100],
    (o, t) => rouge('rougeLsum', o, t))),
  f1: textMetric('f1', 'SQuAD word-overlap F1', true, true, [0, 1], (o, t) => tokenF1(o, t)),
  bleu: {
    ...textMetric('bleu', 'sacreBLEU BLEU (13a, exp smoothing), 0–100; per sample: sentence BLEU; aggregate: corpus BLEU', true, true, [0, 100],
      (o, t) => bleuFromStats(bleuStats(o, t), { effectiveOrder: true })),
    corpus: { stats: (s) => { const o = gen(s); return o === null ? null : bleuStats(o, s.targets); }, combine: corpusBleu },
  },
  chrf: {
    ...textMetric('chrf', 'sacreBLEU chrF (char 6-grams, β = 2), 0–100; aggregate: corpus chrF', true, true, [0, 100],
      (o, t) => chrfFromStats(chrfStats(o, t))),
    corpus: { stats: (s) => { const o = gen(s); return o === null ? null : chrfStats(o, s.targets); }, combine: corpusChrf },
  },
  chrf_plus_plus: optIn({
    ...textMetric('chrf_plus_plus', 'sacreBLEU chrF++ (char 6-grams + word 2-grams, β = 2), 0–100; aggregate: corpus chrF++', true, true, [0, 100],
      (o, t) => chrfFromStats(chrfStats(o, t, { wordOrder: 2 }))),
    corpus: { stats: (s) => { const o = gen(s); return o === null ? null : chrfStats(o, s.targets, { wordOrder: 2 }); }, combine: (st) => corpusChrf(st) },
  }),
  ter: optIn({
    ...textMetric('ter', 'sacreBLEU TER (edits with block shifts / reference words), 0–100, lower is better; aggregate: corpus TER', true, false, null,
      (o, t) => terFromStats(terStats(o, t))),
    corpus: { stats: (s) => { const o = gen(s); return o === null ? null : terStats(o, s.targets); }, combine: corpusTer },
  }),
  token_edit_distance: {
    id: 'token_edit_distance', description: 'Levenshtein distance in tokens (best target)', continuous: true, higherIsBetter: false,
    range: null, kinds: ['generate'], usesTokenizer: true, perSample: (s, ctx) => tokenEdit(s, ctx, false),
  },
  normalized_token_edit_distance: {
    id: 'normalized_token_edit_distance', description: 'token edit distance / max(length), in [0, 1]', continuous: true,
    higherIsBetter: false, range: [0, 1], kinds: ['generate'], usesTokenizer: true, perSample: (s, ctx) => tokenEdit(s, ctx, true),
  },
  acc: {
    id: 'acc', description: 'multiple choice: the highest-likelihood choice is gold; loglikelihood: the target is the greedy continuation',
    continuous: false, higherIsBetter: true, range: [0, 1], kinds: ['multiple_choice', 'loglikelihood'], usesTokenizer: false,
    perSample: (s) => {
      if (s.kind === 'loglikelihood') return s.greedy === null ? null : s.greedy ? 1 : 0;
      const l = mc(s);
      return l === null ? null : mcAccuracy(l, s.gold!);
    },
  },
  acc_norm: {
    id: 'acc_norm', description: 'the highest likelihood per character is gold', continuous: false, higherIsBetter: true, range: [0, 1],
    kinds: ['multiple_choice'], usesTokenizer: false,
    perSample: (s) => { const l = mc(s); return l === null || s.choices === null ? null : mcAccuracyNorm(l, s.choices, s.gold!); },
  },
  acc_bytes: optIn({
    id: 'acc_bytes', description: 'the highest likelihood per UTF-8 byte of the choice is gold (lm-eval)', continuous: false, higherIsBetter: true,
    range: [0, 1], kinds: ['multiple_choice'], usesTokenizer: false,
    perSample: (s) => { const l = mc(s); return l === null || s.choices === null ? null : mcAccuracyBytes(l, s.choices, s.gold!); },
  }),
  acc_mutual_info: optIn({
    id: 'acc_mutual_info', description: 'argmax of log P(choice | ctx) − log P(choice) is gold (lm-eval; needs the unconditional log-likelihoods)',
    continuous: false, higherIsBetter: true, range: [0, 1], kinds: ['multiple_choice'], usesTokenizer: false,
    perSample: (s) => {
      const l = mc(s);
      const u = s.choiceLogliksUnconditional;
      return l === null || u === undefined || u === null ? null : mcAccuracyMutualInfo(l, u, s.gold!);
    },
  }),
  brier_score: {
    id: 'brier_score', description: 'Σ (softmax p − target)² over choices, in [0, 2]', continuous: true, higherIsBetter: false, range: [0, 2],
    kinds: ['multiple_choice'], usesTokenizer: false,
    perSample: (s) => { const l = mc(s); return l === null ? null : brierScore(l, s.targetScores ?? oneHot(l.length, s.gold!)); },
  },
  expected_calibration_error: {
    id: 'expected_calibration_error', description: 'ECE of the chosen answer, 10 equal-width bins (corpus only)', continuous: true,
    higherIsBetter: false, range: [0, 1], kinds: ['multiple_choice'], usesTokenizer: false, perSample: null,
    corpus: {
      stats: (s) => { const l = mc(s); return l === null ? null : [mcConfidence(l), mcAccuracy(l, s.gold!)]; },
      combine: (st) => expectedCalibrationError(st.map((v) => v[0]!), st.map((v) => v[1]!)),
    },
  },
  target_loglik: {
    id: 'target_loglik', description: 'log-likelihood of the target (nats)', continuous: true, higherIsBetter: true, range: null,
    kinds: ['generate', 'loglikelihood', 'multiple_choice'], usesTokenizer: false,
    perSample: (s) => {
      if (s.targetTokenLogprobs !== null) return targetLoglik(s.targetTokenLogprobs);
      if (s.targetLoglik !== null) return s.targetLoglik;
      const l = mc(s);
      return l !== null && s.gold!.length === 1 ? l[s.gold![0]!]! : null;
    },
  },
  per_token_perplexity: {
    id: 'per_token_perplexity', description: 'exp(−mean token log p) of the target; aggregate: corpus perplexity', continuous: true,
    higherIsBetter: false, range: null, kinds: ['generate', 'loglikelihood'], usesTokenizer: false,
    perSample: (s) => (s.targetTokenLogprobs !== null && s.targetTokenLogprobs.length > 0 ? perTokenPerplexity(s.targetTokenLogprobs) : null),
    corpus: {
      stats: (s) => (s.targetTokenLogprobs !== null && s.targetTokenLogprobs.length > 0 ? [targetLoglik(s.targetTokenLogprobs), s.targetTokenLogprobs.length] : null),
      combine: (st) => corpusPerplexity(st.map((v) => v[0]!), st.map((v) => v[1]!)),
    },
  },
  word_perplexity: optIn(rollingMetric('word_perplexity', 'lm-eval word perplexity of loglikelihood_rolling documents: exp(−Σ ll / Σ words)', countWords, weightedPerplexity)),
  byte_perplexity: optIn(rollingMetric('byte_perplexity', 'lm-eval byte perplexity: exp(−Σ ll / Σ UTF-8 bytes)', countBytes, weightedPerplexity)),
  bits_per_byte: optIn(rollingMetric('bits_per_byte', 'lm-eval bits per byte: −Σ ll / Σ UTF-8 bytes / ln 2', countBytes, bitsPerByte)),
  mse: {
    id: 'mse', description: 'regression: squared error of the prediction, averaged over its dimensions', continuous: true,
    higherIsBetter: false, range: null, kinds: ['regression'], usesTokenizer: false, perSample: (s) => s.squaredError ?? null,
  },
  per_token_accuracy: {
    id: 'per_token_accuracy', description: 'share of target tokens ranked first under teacher forcing', continuous: true,
    higherIsBetter: true, range: [0, 1], kinds: ['generate', 'loglikelihood'], usesTokenizer: false,
    perSample: (s) => (s.targetTokenGreedy !== null && s.targetTokenGreedy.length > 0 ? perTokenAccuracy(s.targetTokenGreedy) : null),
  },
};

/** `pass@k`, `subset_accuracy@K`, `independent_subset_accuracy@K` take their k in the id, `mse_below@c` its threshold. */
function parameterized(id: string): MetricDef | null {
  const pass = /^pass@(\d+)$/.exec(id);
  if (pass) {
    const k = Number(pass[1]);
    return {
      id, description: `unbiased pass@${k} over each sample's attempts (Chen et al. 2021)`, continuous: false, higherIsBetter: true,
      range: [0, 1], kinds: ['generate'], usesTokenizer: false,
      perSample: (s) => (s.attempts !== null && s.attempts.length >= k ? passAtK(s.attempts.length, s.attempts.filter(Boolean).length, k) : null),
    };
  }
  const subset = /^subset_accuracy@(\d+)$/.exec(id);
  if (subset) {
    const k = Number(subset[1]);
    return {
      id, description: `all ${k} of ${k} right: expected over K-subsets of the samples (corpus only)`, continuous: false, higherIsBetter: true,
      range: [0, 1], kinds: ['generate', 'multiple_choice'], usesTokenizer: false, perSample: null,
      corpus: {
        stats: (s) => { const c = isCorrect(s); return c === null ? null : [c ? 1 : 0]; },
        combine: (st) => (st.length < k ? NaN : expectedSubsetAccuracy(st.length, st.filter((v) => v[0] === 1).length, k)),
      },
    };
  }
  const indep = /^independent_subset_accuracy@(\d+)$/.exec(id);
  if (indep) {
    const k = Number(indep[1]);
    return {
      id, description: `p^${k} with p the accuracy: subset accuracy expected if items were independent (corpus only)`, continuous: false,
      higherIsBetter: true, range: [0, 1], kinds: ['generate', 'multiple_choice'], usesTokenizer: false, perSample: null,
      corpus: {
        stats: (s) => { const c = isCorrect(s); return c === null ? null : [c ? 1 : 0]; },
        combine: (st) => (st.length === 0 ? NaN : (st.filter((v) => v[0] === 1).length / st.length) ** k),
      },
    };
  }
  const below = /^mse_below@(\d*\.?\d+(?:e-?\d+)?)$/.exec(id);
  if (below) {
    const c = Number(below[1]);
    return {
      id, description: `regression: 1 when the squared error is below ${c} (Schaeffer et al.'s thresholded reconstruction)`, continuous: false,
      higherIsBetter: true, range: [0, 1], kinds: ['regression'], usesTokenizer: false,
      perSample: (s) => (s.squaredError === null || s.squaredError === undefined ? null : s.squaredError < c ? 1 : 0),
    };
  }
  return null;
}

export function metricDef(id: string): MetricDef | null {
  return METRICS[id] ?? parameterized(id);
}

export const METRIC_IDS = Object.keys(METRICS);

/** The metrics that apply to a sample kind by default (parameterized ones are asked for by name). */
export function defaultMetricsFor(kind: SampleKind): string[] {
  return METRIC_IDS.filter((id) => !METRICS[id]!.optIn && METRICS[id]!.kinds.includes(kind) && (kind !== 'multiple_choice' || id !== 'per_token_perplexity'));
}
