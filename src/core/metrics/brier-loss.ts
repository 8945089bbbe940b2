/**
 * The Brier score of probabilities given directly, as scikit-learn defines it
 * (sklearn.metrics.brier_score_loss): binary, mean of (1[y = pos_label] − p)², optionally
 * weighted (np.average with sample_weight); probabilities of exactly 0 and 1 allowed, outside
 * [0, 1] an error. pos_label by sklearn's rule: given, else 1 when the labels are a subset of
 * {0, 1} or {−1, 1}, else the greatest label when the labels are numbers (its backward-compatible
 * fallback), else an error. The multi-class form (sklearn ≥ 1.7 with scale_by_half=False) is the
 * mean over samples of Σ_k (p_k − 1[y = labels_k])², in [0, 2].
 */
export type Label = number | string | boolean;

function weightedMean(v: Float64Array, sampleWeight: ArrayLike<number> | undefined): number {
  if (sampleWeight === undefined) {
    let s = 0;
    for (const x of v) s += x;
    return s / v.length;
  }
  if (sampleWeight.length !== v.length) throw new RangeError(`sample_weight has ${sampleWeight.length} values for ${v.length} samples`);
  let a = 0;
  let b = 0;
  for (let i = 0; i < v.length; i++) {
    const w = sampleWeight[i]!;
    if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`sample_weight[${i}] = ${w}: weights must be finite and >= 0`);
    a += w * v[i]!;
    b += w;
  }
  if (b === 0) throw new RangeError('sample_weight sums to zero');
  return a / b;
}

function checkProb(p: number, where: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${where} = ${p}: probabilities must lie in [0, 1]`);
}

function resolvePosLabel(yTrue: readonly Label[], posLabel: Label | undefined): Label {
  const classes = [...new Set(yTrue)];
  if (classes.length > 2) throw new RangeError(`Only binary classification is supported: y_true has ${classes.length} labels`);
  if (posLabel !== undefined) return posLabel;
  const numeric = classes.every((c) => typeof c === 'number' || typeof c === 'boolean');
  const asNum = classes.map(Number);
  if (numeric && (asNum.every((c) => c === 0 || c === 1) || asNum.every((c) => c === -1 || c === 1))) return classes.find((c) => Number(c) === 1) ?? 1;
  if (numeric) return classes.reduce((a, b) => (Number(b) > Number(a) ? b : a));
  throw new RangeError(`y_true labels ${JSON.stringify(classes)} are not {0, 1} or {-1, 1}: give pos_label`);
}

export function brierScoreLoss(yTrue: readonly Label[], yProb: ArrayLike<number>, o: { posLabel?: Label; sampleWeight?: ArrayLike<number> } = {}): number {
  if (yTrue.length !== yProb.length) throw new RangeError(`y_true has ${yTrue.length} values but y_prob ${yProb.length}`);
  if (yTrue.length === 0) throw new RangeError('brier_score_loss of no samples');
  const pos = resolvePosLabel(yTrue, o.posLabel);
  const d = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    checkProb(yProb[i]!, `y_prob[${i}]`);
    const y = yTrue[i] === pos || (typeof pos !== 'string' && typeof yTrue[i] !== 'string' && Number(yTrue[i]) === Number(pos)) ? 1 : 0;
    d[i] = (y - yProb[i]!) ** 2;
  }
  return weightedMean(d, o.sampleWeight);
}

/** Multi-class Brier: yProb[i] holds one probability per entry of `labels` (default: the sorted distinct labels). */
export function brierScoreMulticlass(yTrue: readonly Label[], yProb: readonly ArrayLike<number>[], o: { labels?: readonly Label[]; sampleWeight?: ArrayLike<number> } = {}): number {
  if (yTrue.length !== yProb.length) throw new RangeError(`y_true has ${yTrue.length} values but y_prob ${yProb.length} rows`);
  if (yTrue.length === 0) throw new RangeError('brier score of no samples');
  const labels = o.labels ?? [...new Set(yTrue)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const d = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const row = yProb[i]!;
    if (row.length !== labels.length) throw new RangeError(`y_prob[${i}] has ${row.length} probabilities for ${labels.length} labels`);
    const k = labels.indexOf(yTrue[i]!);
    if (k < 0) throw new RangeError(`y_true[${i}] = ${JSON.stringify(yTrue[i])} is not among labels ${JSON.stringify(labels)}`);
    let sum = 0;
    let s = 0;
    for (let j = 0; j < row.length; j++) {
      checkProb(row[j]!, `y_prob[${i}][${j}]`);
      sum += row[j]!;
      s += (row[j]! - (j === k ? 1 : 0)) ** 2;
    }
    if (Math.abs(sum - 1) > 1e-8 * row.length) throw new RangeError(`y_prob[${i}] sums to ${sum}, not 1`);
    d[i] = s;
  }
  return weightedMean(d, o.sampleWeight);
}
