/**
 * What the analysis needs to know about a metric id it has not computed itself:
 * direction, and the bounds of its scale when they are fixed. Ids follow
 * lm-evaluation-harness and BIG-bench so imported results line up.
 */
export interface MetricInfo {
  readonly higherIsBetter: boolean;
  /** Fixed scale bounds, or null when unbounded or unknown. */
  readonly bounds: readonly [number, number] | null;
  /** Natural limits, possibly half-open (a log-likelihood is ≤ 0): used only to clip forecasts. */
  readonly limits?: readonly [number, number];
}

const FRACTION: MetricInfo = { higherIsBetter: true, bounds: [0, 1] };
const PERCENT: MetricInfo = { higherIsBetter: true, bounds: [0, 100] };

const KNOWN: Record<string, MetricInfo> = {
  acc: FRACTION,
  acc_norm: FRACTION,
  exact_match: FRACTION,
  exact_str_match: FRACTION,
  em: FRACTION,
  multiple_choice_grade: FRACTION,
  mc1: FRACTION,
  mc2: FRACTION,
  f1: FRACTION,
  pct_stereotype: FRACTION,
  'pass@1': FRACTION,
  'pass@10': FRACTION,
  'pass@100': FRACTION,
  subset_accuracy: FRACTION,
  score: FRACTION,
  per_token_accuracy: FRACTION,
  bleu: PERCENT,
  chrf: PERCENT,
  chrf_plus_plus: PERCENT,
  ter: { higherIsBetter: false, bounds: null, limits: [0, Infinity] },
  acc_bytes: FRACTION,
  acc_mutual_info: FRACTION,
  rouge1: PERCENT,
  rouge2: PERCENT,
  rougeL: PERCENT,
  rougeLsum: PERCENT,
  ppl: { higherIsBetter: false, bounds: null, limits: [1, Infinity] },
  perplexity: { higherIsBetter: false, bounds: null, limits: [1, Infinity] },
  per_token_perplexity: { higherIsBetter: false, bounds: null, limits: [1, Infinity] },
  word_perplexity: { higherIsBetter: false, bounds: null, limits: [1, Infinity] },
  byte_perplexity: { higherIsBetter: false, bounds: null, limits: [1, Infinity] },
  bits_per_byte: { higherIsBetter: false, bounds: null, limits: [0, Infinity] },
  likelihood_difference: { higherIsBetter: false, bounds: null, limits: [0, Infinity] },
  brier_score: { higherIsBetter: false, bounds: [0, 2] },
  expected_calibration_error: { higherIsBetter: false, bounds: [0, 1] },
  ece: { higherIsBetter: false, bounds: [0, 1] },
  token_edit_distance: { higherIsBetter: false, bounds: null, limits: [0, Infinity] },
  char_edit_distance: { higherIsBetter: false, bounds: null, limits: [0, Infinity] },
  normalized_token_edit_distance: { higherIsBetter: false, bounds: [0, 1] },
  target_loglik: { higherIsBetter: true, bounds: null, limits: [-Infinity, 0] },
  log_likelihood: { higherIsBetter: true, bounds: null, limits: [-Infinity, 0] },
  mse: { higherIsBetter: false, bounds: null, limits: [0, Infinity] },
};

/** Known info for a metric id, or null. Matching ignores case and a `@k` / `@c` parameter. */
export function metricInfo(metric: string): MetricInfo | null {
  const direct = KNOWN[metric] ?? KNOWN[metric.toLowerCase()];
  if (direct) return direct;
  // lm-eval's filtered metrics (`exact_match/strict-match`, `exact_match/flexible-extract`) are the
  // base metric computed on a filtered answer: same scale, same direction.
  const slash = metric.indexOf('/');
  if (slash > 0) return metricInfo(metric.slice(0, slash));
  if (/^(pass|subset_accuracy|independent_subset_accuracy|mse_below)@[\d.e-]+$/i.test(metric)) return FRACTION;
  return null;
}

/** The range a metric's values can take: its fixed bounds, else its natural limits, else null. Plots and forecasts keep to it. */
export function metricScale(metric: string): readonly [number, number] | null {
  const i = metricInfo(metric);
  return i === null ? null : (i.bounds ?? i.limits ?? null);
}
