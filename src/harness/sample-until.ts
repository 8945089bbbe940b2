import type { Example, Provider, Task } from '../core/types.js';
import { ProviderError } from '../core/errors.js';
import { blankSample } from '../core/sample.js';
import { makeRng } from '../core/random/rng.js';
import { exactMatch } from '../core/metrics/exact-match.js';
import type { UntilRecord } from '../core/resolution/pass-probability.js';
import { buildPrompt } from '../tasks/prompt.js';
import { loadStoredSamples, type DuckStore, type StoredSample } from '../store/duckdb-store.js';
import { contentId } from '../store/content-id.js';
import type { EvalConfig, ModelConfig } from './config.js';
import { answerOf, runIdFor, seedFor, type EvalOptions, type EvalProgress } from './run-eval.js';

/**
 * Sampling until k successes or a cap (inverse binomial sampling; Hu et al. 2023's PassUntil): per
 * example, ask the server for `batch` samples at a time (the API's n) at the run's temperature, read
 * them in choice order, and stop at the k-th exact match or at `cap` draws. The draws after the k-th
 * success in the last batch are dropped, so the record is what one-at-a-time sampling would have
 * given, and the estimators of core/resolution apply. One stored sample per example holds the draws
 * in order (`attempts`); a rerun skips the examples stored, and an interrupted example starts again
 * from its first batch with the same seeds, so it ends the same.
 */
export interface UntilSettings {
  readonly k: number;
  readonly cap: number;
  /** Samples asked per request (the server's `n`; emergence serve allows up to 16). */
  readonly batch: number;
}

/** The run's task in the store: its own, so a sampled run never mixes into the greedy run's curves. */
export const untilTaskId = (task: string): string => `${task}:sampled`;

/** A hash of the greedy run's settings (temperature included) and the stopping rule. */
export function untilRunId(cfg: EvalConfig, model: ModelConfig, task: Task, u: UntilSettings): string {
  return contentId({ run: runIdFor(cfg, model, task), until: { k: u.k, cap: u.cap, batch: u.batch } });
}

function checkSettings(u: UntilSettings): void {
  for (const [k, v] of Object.entries({ k: u.k, cap: u.cap, batch: u.batch })) if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`sampling until k: ${k} must be a whole number >= 1, got ${v}`);
  if (u.cap < u.k) throw new RangeError(`sampling until k: cap ${u.cap} is below k ${u.k}`);
}

/** One example sampled until its k-th success or the cap. */
export async function sampleUntil(cfg: EvalConfig, model: ModelConfig, task: Task, ex: Example, provider: Provider, u: UntilSettings, signal?: AbortSignal): Promise<Omit<StoredSample, 'scores'>> {
  checkSettings(u);
  const t0 = performance.now();
  // The greedy run's prompt for this example (same few-shot draw).
  const prompt = buildPrompt(task, ex, cfg.shots, makeRng(seedFor(cfg.seed, model.name, task.id, ex.id)));
  const base = { ...blankSample(ex.id, model.name, untilTaskId(task.id), 'generate', { file: task.source }), prompt, targets: ex.targets };
  const attempts: boolean[] = [];
  let successes = 0;
  let firstHit: string | null = null;
  let hitLogprob: number | null = null;
  let last = '';
  try {
    for (let round = 0; successes < u.k && attempts.length < u.cap; round++) {
      const n = Math.min(u.batch, u.cap - attempts.length);
      const gens = await provider.sample({ prompt, maxTokens: cfg.maxTokens, temperature: cfg.temperature, stop: cfg.stop, seed: seedFor(cfg.seed, model.name, task.id, ex.id, 'until', round) }, n, signal);
      for (const g of gens) {
        last = g.text;
        const ok = exactMatch(answerOf(cfg, task, g.text), ex.targets) === 1;
        attempts.push(ok);
        if (ok) {
          successes++;
          if (firstHit === null) {
            firstHit = g.text;
            // The log-probability of the whole successful draw as generated (a stop sequence the server cut is not in it).
            hitLogprob = g.tokenLogprobs !== null && g.tokenLogprobs.every(Number.isFinite) ? g.tokenLogprobs.reduce((a, b) => a + b, 0) : null;
          }
          if (successes === u.k) break;
        }
      }
    }
    return { sample: { ...base, output: answerOf(cfg, task, firstHit ?? last), attempts, targetLoglik: hitLogprob }, rawOutput: firstHit ?? last, paths: null, targetTokens: null, latencyMs: performance.now() - t0, error: null };
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    return { sample: base, rawOutput: null, paths: null, targetTokens: null, latencyMs: performance.now() - t0, error: `${e.code}: ${e.message}` };
  }
}

/** One (model, task) sampled until k: skip the examples stored, the rest with bounded concurrency, written in batches. */
export async function runUntil(
  cfg: EvalConfig,
  item: { readonly model: ModelConfig; readonly task: Task; readonly runId: string },
  provider: Provider,
  store: DuckStore,
  u: UntilSettings,
  opts: EvalOptions,
): Promise<EvalProgress & { readonly draws: number }> {
  checkSettings(u);
  const { model, task, runId } = item;
  await store.upsertRun({
    runId, family: cfg.family, model: model.name, params: model.params, task: untilTaskId(task.id), taskSource: task.source,
    // No metrics: the audit re-scores nothing here (its estimators read the attempts).
    settings: { serverModel: model.provider.model, api: model.provider.api, shots: cfg.shots, temperature: cfg.temperature, maxTokens: cfg.maxTokens, stop: cfg.stop, answer: cfg.answer, examples: task.examples.length, until: { k: u.k, cap: u.cap, batch: u.batch }, metrics: [] },
    seed: cfg.seed,
    versions: opts.versions,
  });
  if (opts.retryErrors) await store.deleteErrored(runId);
  const done = await store.doneSampleIds(runId);
  const examples = task.examples.slice(0, opts.limit ?? undefined);
  const todo = examples.filter((e) => !done.has(e.id));
  let finished = 0, errors = 0, draws = 0;
  let pending: StoredSample[] = [];
  let writing: Promise<void> = Promise.resolve();
  let writeFailed: { error: unknown } | null = null;
  const flush = (): void => {
    const batch = pending;
    pending = [];
    writing = writing.then(() => (writeFailed === null ? store.writeSamples(runId, batch) : undefined)).catch((error: unknown) => {
      writeFailed ??= { error };
    });
  };
  const label = `${model.name} · ${untilTaskId(task.id)}`;
  const report = (): void => opts.onProgress?.({ label, done: finished + done.size, total: examples.length, errors, skipped: done.size });
  report();
  let next = 0;
  const workers = Math.max(1, Math.min(opts.concurrency ?? model.provider.concurrency, todo.length));
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < todo.length) {
      if (opts.signal?.aborted || writeFailed !== null) return;
      const ex = todo[next++]!;
      let r: Awaited<ReturnType<typeof sampleUntil>>;
      try {
        r = await sampleUntil(cfg, model, task, ex, provider, u, opts.signal);
      } catch (e) {
        if (opts.signal?.aborted) return;
        throw e;
      }
      if (r.error !== null) errors++;
      draws += r.sample.attempts?.length ?? 0;
      // Each example is written as soon as it is done: an example costs up to `cap` draws, too many to lose to a kill.
      pending.push({ ...r, scores: [] });
      finished++;
      flush();
      report();
    }
  }));
  flush();
  await writing;
  if (writeFailed !== null) throw (writeFailed as { error: unknown }).error;
  report();
  return { done: finished + done.size, total: examples.length, errors, skipped: done.size, draws };
}

/**
 * The stored draws of a run sampled until k, one record per example (errored examples left out), with
 * the log-probability of the example's first successful draw as the server generated it (null without one).
 */
export async function loadUntilRecords(store: DuckStore, runId: string, model: string, task: string): Promise<{ exampleId: string; record: UntilRecord; hitLogprob: number | null }[]> {
  const samples = await loadStoredSamples(store, runId, model, untilTaskId(task));
  return samples.filter((s) => s.attempts !== null && s.attempts.length > 0).map((s) => ({
    exampleId: s.exampleId, record: { draws: s.attempts!.length, successes: s.attempts!.filter(Boolean).length }, hitLogprob: s.targetLoglik,
  }));
}
