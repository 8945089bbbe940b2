/**
 * Every threshold the verdict uses, named and documented in one place.
 * They are analysis choices, not facts: `emergence audit --json` reports the raw
 * numbers beside each verdict so a reader can apply their own.
 */
export interface VerdictThresholds {
  /** Fewer points than this cannot support a fit with a residual and a back-test. */
  readonly minPoints: number;
  /** A trend is real (and a curve leaves its chance band) at this level; an audit lowers it to its FDR cutoff. */
  readonly trendAlpha: number;
  /**
   * An emergent call needs its p-value (the larger of the trend's and the forecast miss's) at most
   * this: a stricter level for the stronger claim, so that at most ~1% of curves without a jump read
   * emergent (measured in docs/verdicts.md); an audit lowers it to its FDR cutoff.
   */
  readonly emergenceAlpha: number;
  /** Without a real trend, a curve is flat (not noisy) when its range is at most this share of the metric's fixed scale... */
  readonly flatShareOfScale: number;
  /** ...or, for metrics without fixed bounds, at most this share of its largest absolute value. */
  readonly flatShareOfMax: number;
  /** Even with a trend, a curve whose whole range is within this many reported standard errors is flat. */
  readonly flatNoiseMultiple: number;
  /**
   * Without a trend and with reported errors, flat when the range is at most this many standard
   * errors: the range of 8 draws of pure noise exceeds ≈ 4.3σ only 5% of the time.
   */
  readonly flatNoiseRange: number;
  /** A flat curve is "at floor"/"at ceiling" when it stays within this share of the scale from that end. */
  readonly boundsTolerance: number;
  /** Non-monotonic: the quadratic in log-params beats a constant at trendAlpha, turns inside the data, and the fall from the best point is at least this share of the range. */
  readonly nonMonotonicDrop: number;
  /** Jumps and drops must exceed this many standard errors of a difference (z·√2·se) when noise is reported. */
  readonly noiseZ: number;
  /** Sharp: at least this share of the total improvement happens within one decade of params (or one step between adjacent models). */
  readonly sharpShare: number;
  /** Unpredictable: some model's value missed the forecast from all smaller models by at least this share of the range. */
  readonly surpriseShare: number;
}

export const DEFAULT_THRESHOLDS: VerdictThresholds = {
  minPoints: 4,
  trendAlpha: 0.05,
  emergenceAlpha: 0.01,
  flatShareOfScale: 0.02,
  flatShareOfMax: 0.1,
  flatNoiseMultiple: 2,
  flatNoiseRange: 4.5,
  boundsTolerance: 0.02,
  nonMonotonicDrop: 0.25,
  noiseZ: 2,
  sharpShare: 0.5,
  surpriseShare: 0.3,
};
