/**
 * The domain types that flow through every layer (DESIGN.md, "The nouns").
 * Everything here is plain data: readonly, serialisable, no classes.
 */

/** Identifies one scaling curve: a (family, task, metric) series under fixed settings. */
export interface CurveKey {
  readonly family: string;
  readonly task: string;
  readonly metric: string;
  /** Few-shot count when known; curves with different shots are different curves. */
  readonly shots: number | null;
  /** Extra categorical labels that split curves (e.g. `deduped=true`), sorted by name. */
  readonly labels: Readonly<Record<string, string>>;
}

/** One model's value on a curve. */
export interface CurvePoint {
  readonly model: string;
  /**
   * Position on the curve's scale axis, read on log10 by the analysis; always > 0. On the default
   * axis the total parameter count; on another (Curve.axis) see core/curves/axis.ts, with the
   * model's own size in `modelParams` and the axis value in its units in `x`.
   */
  readonly params: number;
  /** The value on a non-default axis, in its units (tokens, FLOPs, step, the metric). */
  readonly x?: number;
  /** The model's parameter count, when `params` holds another axis. */
  readonly modelParams?: number;
  /** Mean over seeds (or the single reported value). */
  readonly value: number;
  /** Standard error of `value` when known (reported, or from the seed spread). */
  readonly stderr: number | null;
  /** Confidence interval when reported. */
  readonly low: number | null;
  readonly high: number | null;
  /** Number of evaluated examples when known. */
  readonly n: number | null;
  /** Number of seeds averaged into `value` (1 when no seed column). */
  readonly seeds: number;
  /** Sample standard deviation across seeds; null for a single seed. */
  readonly seedSd: number | null;
  readonly tokens: number | null;
  readonly step: number | null;
  /** Training compute when reported (or 6·N·D on a FLOPs axis). */
  readonly flops?: number | null;
  /** Per-point attributes carried along from the source (numeric unknown columns, etc.). */
  readonly extra: Readonly<Record<string, string>>;
}

export interface Curve {
  readonly key: CurveKey;
  readonly higherIsBetter: boolean;
  /** Points sorted by ascending params. */
  readonly points: readonly CurvePoint[];
  /** Where the curve came from (file names), for the report. */
  readonly sources: readonly string[];
  /** The scale axis when it is not parameters (core/curves/axis.ts). */
  readonly axis?: import('./curves/axis.js').ScaleAxis;
}

/** 'constant' is the no-trend model: it competes in forecasts (a flat curve forecasts flat), not among the verdict's scaling forms. */
export type FitForm = 'constant' | 'linear' | 'power' | 'sigmoid';

/** A fitted scaling form against x = log10(params). */
export interface ScalingFit {
  readonly form: FitForm;
  /** Form-specific parameters, named (see core/fit/*). */
  readonly params: Readonly<Record<string, number>>;
  readonly n: number;
  /** Number of free parameters. */
  readonly k: number;
  readonly rss: number;
  readonly r2: number;
  readonly rmse: number;
  /** Small-sample corrected AIC; +Infinity when n <= k + 1. */
  readonly aicc: number;
}

/** A prediction interval: where the measured value of an unseen model should fall, at nominal `level`. */
export interface ForecastInterval {
  readonly low: number;
  readonly high: number;
  readonly level: number;
}

export interface BacktestStep {
  /** Number of smallest models used for the fit. */
  readonly k: number;
  /** Params of the largest model in the training prefix. */
  readonly trainedUpTo: number;
  /** The law forecast from: 'constant' when the fitted points showed no trend (core/analysis/backtest.ts). */
  readonly form: FitForm;
  /** 'no_change' when the fitted points showed no trend (the forecast is the largest fitted model's value), else 'law'. */
  readonly rule: 'no_change' | 'law';
  /** Chance level no forecast goes below (a multiple-choice accuracy), or null; a forecast equal to it was lifted to it. */
  readonly floor: number | null;
  /** p of the flatness test (χ² against the weighted mean) on the fitted points; null without reported errors. */
  readonly trendP: number | null;
  /** Prediction for the next model (index k), its interval, and its actual value. */
  readonly nextPredicted: number;
  readonly nextInterval: ForecastInterval;
  readonly nextActual: number;
  /** The log-linear law's forecast of the next model from the same points: what the verdict's surprise is measured against. */
  readonly trendNextPredicted: number;
  /** Prediction for the largest model, its interval, and its actual value. */
  readonly largestPredicted: number;
  readonly largestInterval: ForecastInterval;
  readonly largestActual: number;
  /** |predicted - actual| at the largest model, in the metric's units. */
  readonly largestAbsError: number;
  /** σ of one measurement behind the intervals, and whether it came from reported errors or the fit's residual. */
  readonly sigma: number;
  readonly sigmaFrom: 'reported' | 'residual' | 'none';
  /** Naive forecasts of the largest model from the same points, for the scoreboard: the last fitted value, and the log-linear law. */
  readonly baselines: { readonly noChange: number; readonly logLinear: number };
  /** The fit the forecast came from (so a report can draw it without fitting again). */
  readonly fit: ScalingFit;
}

export type VerdictClass =
  | 'emergent'
  | 'smooth'
  | 'flat'
  | 'non_monotonic'
  | 'too_few_points'
  | 'too_noisy'
  /** Every model within the task's chance band: no model is distinguishable from guessing. */
  | 'at_chance'
  /** The call flips under a small perturbation (leave one model out, values within their errors). */
  | 'fragile';

export interface EmergenceMeasures {
  /** Srivastava et al. 2022 breakthroughness B; +Infinity when the median jump is exactly 0. */
  readonly breakthroughness: number | null;
  /** Srivastava et al. 2022 linearity L. */
  readonly linearity: number | null;
  /** Largest share of the improvement within one decade of params (this project's sharpness; see core/analysis/measures.ts). */
  readonly sharpness: number | null;
  /** Oriented total improvement I(y) (positive = gets better with scale). */
  readonly improvement: number;
  readonly range: number;
  /** Spearman rank correlation of oriented value with params. */
  readonly spearman: number | null;
  /** Largest oriented drop below the running best, in metric units. */
  readonly maxDrawdown: number;
  /** Noise scale used by the verdict (reported stderr, seed sd, or fit residual). */
  readonly noise: number;
  readonly noiseSource: 'stderr' | 'seeds' | 'binomial' | 'residual' | 'none';
}

export interface Verdict {
  readonly key: CurveKey;
  readonly verdict: VerdictClass;
  /** Qualifier such as 'at floor' / 'at ceiling' for flat curves. */
  readonly qualifier: string | null;
  /** Human-readable reasons, each with the numbers that led to it. */
  readonly reasons: readonly string[];
  readonly measures: EmergenceMeasures;
  readonly fits: readonly ScalingFit[];
  /** The form chosen by AICc on all points, or null when none could be fitted. */
  readonly bestForm: FitForm | null;
  /** p-value of a trend: χ² against a constant with reported errors, else Mann–Kendall and the F test (Bonferroni). */
  readonly trendP: number | null;
  /** Bonferroni p-value of the back-test's largest unforeseen miss (see verdict.ts), or null without a back-test. */
  readonly surpriseP: number | null;
  /** p-value the emergent call rests on: max(trendP, surpriseP), an intersection–union test. */
  readonly emergenceP: number | null;
  /** FDR-adjusted q-values across the audit (null for a lone curve or under --no-fdr). */
  readonly trendQ: number | null;
  readonly emergenceQ: number | null;
  /** The chance level the curve was held against, where it came from, and the Šidák p of the model farthest from it. */
  readonly chance: { readonly level: number; readonly source: 'given' | 'data' | 'choices'; readonly p: number } | null;
  /**
   * The perturbations the call was checked under, and the ones that flipped it. When any did, the
   * verdict is `fragile` and `leaning` is what the full data read.
   */
  readonly stability: {
    readonly checked: readonly string[];
    readonly flips: readonly { readonly by: string; readonly verdict: VerdictClass }[];
    readonly leaning: VerdictClass;
  } | null;
  readonly backtest: readonly BacktestStep[];
  /** The headline back-test (fit on all but the `holdout` largest), or null. */
  readonly headline: BacktestStep | null;
  /** Worst next-model error over the back-test, as a fraction of the curve's range. */
  readonly surprise: number | null;
}

/** Where an observation came from, so a conflict can name the file and line (or JSON field). */
export interface SourceRef {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
}

/**
 * One reported value before curves are assembled: a row of a tidy CSV, one score of a
 * BIG-bench results file, one metric of an lm-eval results file.
 */
export interface Observation {
  readonly family: string;
  readonly model: string;
  readonly params: number;
  readonly task: string;
  readonly metric: string;
  readonly shots: number | null;
  readonly seed: string | null;
  readonly value: number;
  readonly stderr: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly n: number | null;
  readonly step: number | null;
  readonly tokens: number | null;
  /** Training compute (FLOPs) when the source reports it. */
  readonly flops?: number | null;
  /** null when the source does not say; then the metric registry decides. */
  readonly higherIsBetter: boolean | null;
  /** Categorical labels that split curves. */
  readonly labels: Readonly<Record<string, string>>;
  /** Per-point attributes carried along. */
  readonly extra: Readonly<Record<string, string>>;
  readonly source: SourceRef;
}

export type SampleKind = 'generate' | 'multiple_choice' | 'loglikelihood' | 'regression';

/**
 * One model's answer to one example (DESIGN.md "Sample"): everything any metric needs, kept so
 * that continuous metrics can always be computed later without running the model again.
 */
export interface Sample {
  /** Stable id, unique within a run: task/example[/repeat]. */
  readonly id: string;
  readonly model: string;
  readonly task: string;
  readonly exampleId: string;
  readonly kind: SampleKind;
  readonly prompt: string | null;
  /** Generated text after answer extraction / filters (generate). */
  readonly output: string | null;
  /** Acceptable references (generate), or the gold continuation (loglikelihood). */
  readonly targets: readonly string[];
  readonly choices: readonly string[] | null;
  /** Log-likelihood of each choice as a continuation of the prompt (nats). */
  readonly choiceLogliks: readonly number[] | null;
  /** Indices of the correct choices. */
  readonly gold: readonly number[] | null;
  /** Credit per choice (BIG-bench target_scores); one-hot of `gold` when absent. */
  readonly targetScores: readonly number[] | null;
  /** Teacher-forced log-probability of each target token. */
  readonly targetTokenLogprobs: readonly number[] | null;
  /** Teacher-forced: was each target token the model's top choice. */
  readonly targetTokenGreedy: readonly boolean[] | null;
  /** Total target log-likelihood when per-token values are not available. */
  readonly targetLoglik: number | null;
  /** Outcome of each of several attempts (pass@k, self-consistency). */
  readonly attempts: readonly boolean[] | null;
  /** loglikelihood: the target is the model's greedy continuation. */
  readonly greedy: boolean | null;
  /**
   * regression: the squared error of a real-valued prediction, averaged over its dimensions (an
   * image's per-pixel reconstruction error, an in-context regression's error on its query point).
   */
  readonly squaredError?: number | null;
  /**
   * multiple_choice with lm-eval's acc_mutual_info: log P(choice) with an empty context, one per
   * choice (the unconditional requests lm-eval appends), for log P(choice | ctx) − log P(choice).
   */
  readonly choiceLogliksUnconditional?: readonly number[] | null;
  readonly source: SourceRef;
}

/** Turns text into token ids for token-level metrics; its id is recorded with every score. */
export interface Tokenizer {
  readonly id: string;
  encode(text: string): ArrayLike<number>;
}

/** One metric's value for one sample. */
export interface Score {
  readonly sampleId: string;
  readonly metric: string;
  readonly value: number;
  /** The tokenizer a token-level metric used, else null. */
  readonly tokenizer: string | null;
}

/** One example of a task (DESIGN.md "Example"). */
export interface Example {
  readonly id: string;
  readonly input: string;
  /** Acceptable answers (generate), the gold continuation (loglikelihood), or the gold choices' text. */
  readonly targets: readonly string[];
  /** multiple_choice: the choices, scored by log-likelihood as continuations of the prompt. */
  readonly choices: readonly string[] | null;
  /** multiple_choice: credit per choice (BIG-bench target_scores). */
  readonly targetScores: readonly number[] | null;
}

/** How examples become prompts (BIG-bench's fields, with its defaults). */
export interface PromptFormat {
  readonly taskPrefix: string;
  readonly inputPrefix: string;
  readonly outputPrefix: string;
  readonly separator: string;
}

export interface Task {
  readonly id: string;
  readonly kind: SampleKind;
  readonly examples: readonly Example[];
  /** Examples few-shot prompts draw from (a train split), or null to draw from the other examples. */
  readonly shotPool: readonly Example[] | null;
  readonly format: PromptFormat;
  /** Regex whose first match (or first group) is the answer in a generation. */
  readonly outputRegex: string | null;
  /** Metrics the task asks for (BIG-bench `metrics`), and its preferred one. */
  readonly metrics: readonly string[];
  readonly preferredMetric: string | null;
  /** Where the task came from, for the run record. */
  readonly source: string;
}

export interface GenerateRequest {
  readonly prompt: string;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP?: number;
  readonly stop: readonly string[];
  readonly seed?: number;
}

export interface Generation {
  readonly text: string;
  /** Log-probability of each generated token, when the server returned them. */
  readonly tokenLogprobs: readonly number[] | null;
  readonly finishReason: string | null;
}

export interface LoglikResult {
  /** The continuation's tokens as the server split them (for display). */
  readonly tokens: readonly string[];
  /** Σ log p over the continuation's tokens. */
  readonly loglik: number;
  /** Every continuation token was the model's top choice. */
  readonly greedy: boolean;
  readonly tokenLogprobs: readonly number[];
  readonly tokenGreedy: readonly boolean[];
}

/** How a model is reached (STYLE.md: a small provider type; adapters implement it). */
export interface Provider {
  readonly id: string;
  /** Whether the log-likelihood of a given continuation can be scored (completions with echo). */
  readonly canScore: boolean;
  generate(req: GenerateRequest, signal?: AbortSignal): Promise<Generation>;
  /** `n` generations of one request at once (the OpenAI API's `n`), in choice order; the seed covers all n. */
  sample(req: GenerateRequest, n: number, signal?: AbortSignal): Promise<readonly Generation[]>;
  loglikelihood(context: string, continuation: string, signal?: AbortSignal): Promise<LoglikResult>;
}
