import type { Curve, CurvePoint } from '../types.js';
import type { Rng } from '../random/rng.js';

/**
 * Curves drawn from known truths, for calibrating the verdict (docs/verdicts.md, "What a verdict is
 * worth"): null models that should never read emergent (a constant ability, a smooth log-linear or
 * saturating trend) and true steps and sigmoids of known size and sharpness that should. Values are
 * proportions measured on `n` examples (binomial noise, as a benchmark reports), or for the
 * perplexity truth a power law with lognormal noise of a stated relative size.
 */
export type SimTruth =
  | { readonly kind: 'constant'; readonly p: number }
  | { readonly kind: 'loglinear'; readonly from: number; readonly to: number }
  /** Saturating power law p(N) = ceiling − (ceiling − from)·(N/N₀)^(−alpha), N₀ the smallest model. */
  | { readonly kind: 'saturating'; readonly from: number; readonly ceiling: number; readonly alpha: number }
  /**
   * A step between two adjacent models, drawn uniformly among the gaps with at least three models
   * before it (the back-test's smallest fit: a jump among the first three cannot be "unforeseen").
   */
  | { readonly kind: 'step'; readonly from: number; readonly to: number }
  /** Logistic in log10(params): `sharpness` per decade, midpoint drawn uniformly in the middle half of the range. */
  | { readonly kind: 'sigmoid'; readonly from: number; readonly to: number; readonly sharpness: number }
  /** Perplexity 1 + a·(N/N₀)^(−alpha) with relative noise `relNoise` (lower is better, unbounded above). */
  | { readonly kind: 'ppl_power'; readonly at0: number; readonly alpha: number; readonly relNoise: number };

export interface SimScenario {
  readonly id: string;
  readonly truth: SimTruth;
  /** Number of models, log-spaced in params from `minParams` to `maxParams`. */
  readonly points: number;
  /** Examples per model (binomial noise); ignored by ppl_power. */
  readonly n: number;
  /** Whether the curve carries the standard errors (and n) a harness reports. */
  readonly reportErrors: boolean;
  readonly minParams?: number;
  readonly maxParams?: number;
  /** Metric id of the curve (acc for proportions, ppl for perplexity by default). */
  readonly metric?: string;
  /** Task name (the scenario id by default): an MMLU subject gives the curve a known chance level of 1/4. */
  readonly task?: string;
}

/** Whether a truth is null for "emergent" (it has no jump the smaller models could not foresee). */
export const isNullForEmergence = (t: SimTruth): boolean => t.kind === 'constant' || t.kind === 'loglinear' || t.kind === 'saturating' || t.kind === 'ppl_power';

/** Binomial(n, p) draw: exact by inversion for small n·p, else the normal approximation rounded and clamped. */
function binomial(n: number, p: number, rng: Rng): number {
  if (p <= 0) return 0;
  if (p >= 1) return n;
  if (n * Math.min(p, 1 - p) < 30) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.next() < p) k++;
    return k;
  }
  const k = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal());
  return Math.min(n, Math.max(0, k));
}

function truthAt(t: SimTruth, x: number, x0: number, x1: number, extra: number): number {
  switch (t.kind) {
    case 'constant':
      return t.p;
    case 'loglinear':
      return t.from + ((t.to - t.from) * (x - x0)) / (x1 - x0);
    case 'saturating':
      return t.ceiling - (t.ceiling - t.from) * Math.pow(10, -t.alpha * (x - x0));
    case 'step':
      return x < extra ? t.from : t.to;
    case 'sigmoid':
      return t.from + (t.to - t.from) / (1 + Math.exp(-t.sharpness * (x - extra)));
    case 'ppl_power':
      return 1 + t.at0 * Math.pow(10, -t.alpha * (x - x0));
  }
}

/** One curve from a scenario; `index` names its task so curves of one audit stay distinct. */
export function simulateCurve(s: SimScenario, rng: Rng, index = 0): Curve {
  const lo = Math.log10(s.minParams ?? 1e8);
  const hi = Math.log10(s.maxParams ?? 1e11);
  const xs = Array.from({ length: s.points }, (_, i) => lo + ((hi - lo) * i) / (s.points - 1));
  let extra = 0;
  if (s.truth.kind === 'step') {
    // The jump lands between models g and g+1, g in 2 … points−2: three models before it at least.
    const gaps = Math.max(1, s.points - 3);
    const g = Math.min(s.points - 2, 2 + Math.floor(rng.next() * gaps));
    extra = (xs[g]! + xs[g + 1]!) / 2;
  } else if (s.truth.kind === 'sigmoid') {
    extra = lo + (hi - lo) * (0.25 + 0.5 * rng.next());
  }
  const ppl = s.truth.kind === 'ppl_power';
  const points: CurvePoint[] = xs.map((x, i) => {
    const truth = truthAt(s.truth, x, lo, hi, extra);
    let value: number;
    let stderr: number | null = null;
    if (ppl) {
      const rel = (s.truth as { relNoise: number }).relNoise;
      value = truth * Math.exp(rel * rng.normal());
      stderr = s.reportErrors ? rel * value : null;
    } else {
      value = binomial(s.n, truth, rng) / s.n;
      // lm-evaluation-harness reports the sample standard error of the mean, √(p(1−p)/(n−1)).
      stderr = s.reportErrors ? Math.sqrt((value * (1 - value)) / (s.n - 1)) : null;
    }
    return {
      model: `m${i}`,
      params: Math.pow(10, x),
      value,
      stderr,
      low: null,
      high: null,
      n: s.reportErrors && !ppl ? s.n : null,
      seeds: 1,
      seedSd: null,
      tokens: null,
      step: null,
      extra: {},
    };
  });
  return {
    key: { family: 'sim', task: s.task ?? `${s.id}#${index}`, metric: s.metric ?? (ppl ? 'ppl' : 'acc'), shots: null, labels: {} },
    higherIsBetter: !ppl,
    points,
    sources: [],
  };
}
