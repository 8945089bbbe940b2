/**
 * Multiple-choice metrics from per-choice log-likelihoods, as lm-evaluation-harness computes
 * them (lm_eval/api/task.py process_results for output_type multiple_choice):
 *   acc      = 1 if argmax_i ll_i is a gold choice
 *   acc_norm = 1 if argmax_i ll_i / len(choice_i in characters) is a gold choice
 * np.argmax takes the first of tied maxima; so does this. Brier and calibration follow
 * BIG-bench's multiple-choice scoring: probabilities are the softmax of the log-likelihoods.
 */

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

function check(lls: ArrayLike<number>): void {
  if (lls.length === 0) throw new RangeError('no choices');
  for (let i = 0; i < lls.length; i++) {
    if (!Number.isFinite(lls[i]!)) throw new RangeError(`log-likelihood of choice ${i} is ${lls[i]}`);
  }
}

export function mcAccuracy(lls: ArrayLike<number>, gold: readonly number[]): number {
  check(lls);
  return gold.includes(argmax(lls)) ? 1 : 0;
}

export function mcAccuracyNorm(lls: ArrayLike<number>, choices: readonly string[], gold: readonly number[]): number {
  check(lls);
  if (choices.length !== lls.length) throw new RangeError(`${choices.length} choices but ${lls.length} log-likelihoods`);
  // lm-eval divides by len(choice): Python counts code points.
  const norm = Array.from(lls, (ll, i) => ll / Array.from(choices[i]!).length);
  return gold.includes(argmax(norm)) ? 1 : 0;
}

/** lm-eval's acc_bytes: argmax of log-likelihood per UTF-8 byte of the choice. */
export function mcAccuracyBytes(lls: ArrayLike<number>, choices: readonly string[], gold: readonly number[]): number {
  check(lls);
  if (choices.length !== lls.length) throw new RangeError(`${choices.length} choices but ${lls.length} log-likelihoods`);
  const enc = new TextEncoder();
  const norm = Array.from(lls, (ll, i) => ll / enc.encode(choices[i]!).length);
  return gold.includes(argmax(norm)) ? 1 : 0;
}

/**
 * lm-eval's acc_mutual_info: argmax of log P(choice | context) − log P(choice), the second from
 * the unconditional requests ("", continuation) lm-eval appends when the metric is asked for.
 */
export function mcAccuracyMutualInfo(lls: ArrayLike<number>, llsUnconditional: ArrayLike<number>, gold: readonly number[]): number {
  check(lls);
  check(llsUnconditional);
  if (llsUnconditional.length !== lls.length) throw new RangeError(`${lls.length} conditional but ${llsUnconditional.length} unconditional log-likelihoods`);
  return gold.includes(argmax(Array.from(lls, (ll, i) => ll - llsUnconditional[i]!))) ? 1 : 0;
}

/** softmax with the max subtracted (log-sum-exp stable). */
export function softmax(lls: ArrayLike<number>, out = new Float64Array(lls.length)): Float64Array {
  check(lls);
  let m = -Infinity;
  for (let i = 0; i < lls.length; i++) m = Math.max(m, lls[i]!);
  let z = 0;
  for (let i = 0; i < lls.length; i++) {
    out[i] = Math.exp(lls[i]! - m);
    z += out[i]!;
  }
  for (let i = 0; i < lls.length; i++) out[i]! /= z;
  return out;
}

/**
 * Multi-class Brier score Σ_k (p_k − y_k)², in [0, 2], lower is better (Brier 1950).
 * y is the target score of each choice (one-hot for a single gold answer; BIG-bench's
 * target_scores may give several choices credit).
 */
export function brierScore(lls: ArrayLike<number>, targetScores: ArrayLike<number>): number {
  if (targetScores.length !== lls.length) throw new RangeError(`${targetScores.length} target scores but ${lls.length} choices`);
  const p = softmax(lls);
  let s = 0;
  for (let k = 0; k < p.length; k++) s += (p[k]! - targetScores[k]!) ** 2;
  return s;
}

/** One-hot (or multi-hot) target scores from gold indices. */
export function oneHot(k: number, gold: readonly number[]): Float64Array {
  const y = new Float64Array(k);
  for (const g of gold) {
    if (!(g >= 0 && g < k)) throw new RangeError(`gold index ${g} outside 0..${k - 1}`);
    y[g] = 1;
  }
  return y;
}

/** Confidence of the predicted choice: the largest softmax probability. */
export function mcConfidence(lls: ArrayLike<number>): number {
  const p = softmax(lls);
  return p[argmax(p)]!;
}

/**
 * Expected calibration error (Naeini et al. 2015; Guo et al. 2017): predictions binned by
 * confidence into `bins` equal-width bins over [0, 1] (a confidence of exactly 1 goes in the last),
 * ECE = Σ_b (n_b/n)·|accuracy_b − mean confidence_b|. A corpus-level metric: no per-sample value.
 */
export function expectedCalibrationError(confidence: ArrayLike<number>, correct: ArrayLike<number>, bins = 10): number {
  const n = confidence.length;
  if (correct.length !== n) throw new RangeError(`${n} confidences but ${correct.length} outcomes`);
  if (n === 0) throw new RangeError('no predictions');
  const cnt = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    if (!(c >= 0 && c <= 1)) throw new RangeError(`confidence ${c} outside [0, 1]`);
    const b = Math.min(bins - 1, Math.floor(c * bins));
    cnt[b]!++;
    conf[b]! += c;
    acc[b]! += correct[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]! > 0) ece += (cnt[b]! / n) * Math.abs(acc[b]! / cnt[b]! - conf[b]! / cnt[b]!);
  return ece;
}
