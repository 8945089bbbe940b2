import { PY_SPACE_CLASS } from './py-text.js';

/**
 * lm-evaluation-harness's corpus aggregations and analytic standard errors
 * (lm_eval/api/metrics.py, api/task.py): perplexity of per-document log-likelihoods,
 * word/byte perplexity and bits per byte of loglikelihood_rolling documents (Σ ll over Σ words
 * or UTF-8 bytes of the document, words counted as len(re.split(r"\s+", doc))), the sample
 * standard error of a mean, the pooled standard error of a group of subtasks, and the group
 * mean weighted by subtask size or not.
 */

/** lm-eval `perplexity`: exp(−mean(loglikelihoods)). */
export function lmEvalPerplexity(loglikelihoods: ArrayLike<number>): number {
  if (loglikelihoods.length === 0) throw new RangeError('perplexity of no documents');
  let s = 0;
  for (let i = 0; i < loglikelihoods.length; i++) s += loglikelihoods[i]!;
  return Math.exp(-s / loglikelihoods.length);
}

const WS_RUN = new RegExp(`[${PY_SPACE_CLASS}]+`, 'u');

/** Task.count_words: len(re.split(r"\s+", doc)), empty pieces at either end included. */
export function countWords(doc: string): number {
  return doc.split(WS_RUN).length;
}

/** Task.count_bytes: len(doc.encode("utf-8")). */
export function countBytes(doc: string): number {
  return new TextEncoder().encode(doc).length;
}

function weightedMean(lls: ArrayLike<number>, counts: ArrayLike<number>): number {
  if (lls.length !== counts.length) throw new RangeError(`${lls.length} log-likelihoods but ${counts.length} counts`);
  let a = 0;
  let b = 0;
  for (let i = 0; i < lls.length; i++) {
    a += lls[i]!;
    b += counts[i]!;
  }
  if (b === 0) throw new RangeError('no words or bytes to divide by');
  return a / b;
}

/** lm-eval `weighted_perplexity` (word_perplexity, byte_perplexity): exp(−Σ ll / Σ count). */
export function weightedPerplexity(lls: ArrayLike<number>, counts: ArrayLike<number>): number {
  return Math.exp(-weightedMean(lls, counts));
}

/** lm-eval `bits_per_byte`: −Σ ll / Σ bytes / ln 2. */
export function bitsPerByte(lls: ArrayLike<number>, bytes: ArrayLike<number>): number {
  return -weightedMean(lls, bytes) / Math.LN2;
}

/** lm-eval `mean_stderr`: sample standard deviation (n − 1) over √n. */
export function meanStderr(arr: ArrayLike<number>): number {
  const n = arr.length;
  if (n < 2) throw new RangeError(`mean_stderr needs at least 2 values, got ${n}`);
  let mu = 0;
  for (let i = 0; i < n; i++) mu += arr[i]!;
  mu /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (arr[i]! - mu) ** 2;
  return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
}

/** lm-eval `pooled_sample_stderr`: √(Σ (n_i − 1)·se_i²·n_i / (Σ n_i − k) / Σ n_i). */
export function pooledSampleStderr(stderrs: ArrayLike<number>, sizes: ArrayLike<number>): number {
  if (stderrs.length !== sizes.length) throw new RangeError(`${stderrs.length} stderrs but ${sizes.length} sizes`);
  let num = 0;
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    num += (sizes[i]! - 1) * stderrs[i]! ** 2 * sizes[i]!;
    total += sizes[i]!;
  }
  if (total - sizes.length <= 0) throw new RangeError('pooled_sample_stderr: Σ sizes must exceed the number of subtasks');
  return Math.sqrt(num / (total - sizes.length) / total);
}

/** lm-eval `aggregate_subtask_metrics`: the group score, weighted by size unless weightBySize is false. */
export function aggregateSubtaskMetrics(metrics: ArrayLike<number>, sizes: ArrayLike<number>, weightBySize = true): number {
  if (metrics.length !== sizes.length) throw new RangeError(`${metrics.length} metrics but ${sizes.length} sizes`);
  let a = 0;
  let b = 0;
  for (let i = 0; i < metrics.length; i++) {
    const w = weightBySize ? sizes[i]! : 1;
    a += metrics[i]! * w;
    b += w;
  }
  if (b === 0) throw new RangeError('aggregate of no subtasks');
  return a / b;
}
