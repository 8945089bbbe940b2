import type { SampleKind } from '../types.js';
import { defaultMetricsFor } from './registry.js';

/**
 * The default metrics of a set of examples, chosen by what their answers are, not only by the
 * sample kind. n-gram overlap metrics say nothing about a number: sentence BLEU of "324" against
 * "325" is 0, as is ROUGE-2 of any one-word answer, so on numeric answers they read 0 at every scale
 * and then "disagree" with exact match by construction. They stay the default for free text, and
 * BLEU and ROUGE-2 (which need 4- and 2-grams) are dropped for answers of a word or two.
 */
export type AnswerType = 'numeric' | 'short_text' | 'text';

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const NGRAM_METRICS = ['bleu', 'chrf', 'rouge1', 'rouge2', 'rougeL', 'f1'];
const LONG_NGRAM_METRICS = ['bleu', 'rouge2'];

export function answerType(targets: readonly (readonly string[])[]): AnswerType {
  const all = targets.flat();
  if (all.length === 0) return 'text';
  if (all.every((t) => NUMBER.test(t))) return 'numeric';
  const words = all.map((t) => t.trim().split(/\s+/).filter(Boolean).length).sort((a, b) => a - b);
  return words[Math.floor(words.length / 2)]! <= 2 ? 'short_text' : 'text';
}

export function defaultMetricsForAnswers(kind: SampleKind, targets: readonly (readonly string[])[]): string[] {
  const base = defaultMetricsFor(kind);
  if (kind !== 'generate') return base;
  const type = answerType(targets);
  const drop = type === 'numeric' ? NGRAM_METRICS : type === 'short_text' ? LONG_NGRAM_METRICS : [];
  return base.filter((m) => !drop.includes(m));
}

/** The defaults over samples of any kinds: each kind's, by its own samples' answers. */
export function defaultMetricsForSamples(samples: readonly { readonly kind: SampleKind; readonly targets: readonly string[] }[]): string[] {
  const kinds = [...new Set(samples.map((s) => s.kind))];
  return [...new Set(kinds.flatMap((k) => defaultMetricsForAnswers(k, samples.filter((s) => s.kind === k).map((s) => s.targets))))];
}
