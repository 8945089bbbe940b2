import type { Observation, Tokenizer } from '../core/types.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { defaultMetricsForSamples } from '../core/metrics/default-metrics.js';
import { scoreSamples } from '../core/metrics/score.js';
import { summarizeMetric, type MetricSummary } from '../core/metrics/aggregate.js';
import { loadStoredSamples, type DuckStore } from './duckdb-store.js';
import { DEFAULT_TOKENIZER, tokenizerById } from '../tokenizers/index.js';

export interface StoredRun {
  readonly run_id: string;
  readonly family: string;
  readonly model: string;
  readonly params: number;
  readonly task: string;
  readonly shots: number | null;
  /** The metrics the run asked for, when it named them (the audit re-scores with these by default). */
  readonly metrics: readonly string[] | null;
  /** The run's seed: runs of one model and task that differ only in seed are averaged into one point. */
  readonly seed: number | null;
  /** The tokenizer the run scored its token metrics with (null: a run stored before runs recorded it). */
  readonly tokenizer: string | null;
}

/**
 * The tokenizer to re-score a run with: the one asked for, else the one the run recorded, so the
 * audit of a store matches the scores its own eval or experiment printed, else the default.
 */
export async function tokenizerForRun(run: Pick<StoredRun, 'tokenizer'> | undefined, override?: Tokenizer): Promise<Tokenizer> {
  return override ?? tokenizerById(run?.tokenizer ?? DEFAULT_TOKENIZER);
}

export async function storedRuns(store: DuckStore, runIds?: readonly string[]): Promise<StoredRun[]> {
  const rows = await store.query('SELECT run_id, family, model, params, task, settings, seed FROM runs ORDER BY family, params, model, task, seed');
  return rows
    .filter((r) => runIds === undefined || runIds.includes(String(r.run_id)))
    .map((r) => {
      const settings = JSON.parse(String(r.settings ?? '{}')) as { shots?: number; metrics?: unknown; tokenizer?: unknown };
      const metrics = Array.isArray(settings.metrics) && settings.metrics.every((m) => typeof m === 'string') ? (settings.metrics as string[]) : null;
      return { run_id: String(r.run_id), family: String(r.family), model: String(r.model), params: Number(r.params), task: String(r.task), shots: typeof settings.shots === 'number' ? settings.shots : null, metrics, seed: r.seed === null || r.seed === undefined ? null : Number(r.seed), tokenizer: typeof settings.tokenizer === 'string' ? settings.tokenizer : null };
    });
}

/**
 * Every stored run's samples, re-scored under the given metrics (default: all that apply), summarised
 * with bootstrap intervals: the per-metric scores `emergence eval` prints and the observations the
 * audit and the viewer's report are built from. Token metrics use `tokenizer` when given, else each
 * run's own (tokenizerForRun).
 */
export async function observationsFromStore(
  store: DuckStore,
  opts: { tokenizer?: Tokenizer; seed: number; metrics?: readonly string[] | null; runIds?: readonly string[]; keep?: (runId: string, sampleId: string) => boolean; resamples?: number },
): Promise<{ observations: Observation[]; summaries: (MetricSummary & { run: StoredRun })[] }> {
  const observations: Observation[] = [];
  const summaries: (MetricSummary & { run: StoredRun })[] = [];
  for (const run of await storedRuns(store, opts.runIds)) {
    let samples = await loadStoredSamples(store, run.run_id, run.model, run.task);
    if (opts.keep) samples = samples.filter((s) => opts.keep!(run.run_id, s.id));
    if (samples.length === 0) continue;
    const metrics = opts.metrics ?? run.metrics ?? defaultMetricsForSamples(samples);
    const tokenizer = await tokenizerForRun(run, opts.tokenizer);
    const scores = scoreSamples(samples, metrics.filter((m) => m !== 'expected_calibration_error'), { tokenizer });
    metrics.forEach((m) => {
      const s = summarizeMetric(m, samples, scores, { tokenizer }, { rng: makeRng(deriveSeed(opts.seed, 'bootstrap', run.run_id, m)), resamples: opts.resamples ?? 1000 });
      if (!s) return;
      summaries.push({ ...s, run });
      observations.push({
        family: run.family, model: run.model, params: run.params, task: run.task, metric: s.metric, shots: run.shots, seed: run.seed === null ? null : String(run.seed), value: s.value,
        stderr: s.interval?.se ?? null, low: s.interval?.low ?? null, high: s.interval?.high ?? null, n: s.n, step: null, tokens: null,
        higherIsBetter: s.higherIsBetter, labels: {}, extra: {}, source: { file: store.path, field: run.run_id },
      });
    });
  }
  return { observations, summaries };
}
