import { createHash } from 'node:crypto';
import type { Example, Provider, Sample, Task, Tokenizer } from '../core/types.js';
import { ProviderError } from '../core/errors.js';
import { blankSample } from '../core/sample.js';
import { makeRng } from '../core/random/rng.js';
import { defaultMetricsForAnswers } from '../core/metrics/default-metrics.js';
import { scoreSamples } from '../core/metrics/score.js';
import { exactMatch } from '../core/metrics/exact-match.js';
import { buildPrompt, extractAnswer, lastNumber, majorityVote, numberAfterMarker } from '../tasks/prompt.js';
import type { DuckStore, StoredSample } from '../store/duckdb-store.js';
import { contentId } from '../store/content-id.js';
import type { EvalConfig, ModelConfig } from './config.js';

/**
 * Runs every task on every model of the family through its provider and stores every sample:
 * prompt, raw generation(s), extracted answer, per-choice or per-token log-likelihoods, latency, and
 * errors. Resumable: a run's id is a hash of everything that determines its samples, and samples
 * already stored are skipped. Deterministic: each example's few-shot draw and sampling seeds derive
 * from (seed, model, task, example), so concurrency and order cannot change a result.
 */
export interface EvalPlanItem {
  readonly model: ModelConfig;
  readonly task: Task;
  readonly runId: string;
}

export interface EvalProgress {
  readonly done: number;
  readonly total: number;
  readonly errors: number;
  readonly skipped: number;
}

export interface EvalOptions {
  readonly limit: number | null;
  readonly retryErrors: boolean;
  readonly concurrency: number | null;
  readonly versions: Readonly<Record<string, string>>;
  readonly onProgress?: (p: EvalProgress & { readonly label: string }) => void;
  readonly signal?: AbortSignal;
}

export const COT_TRIGGER = " Let's think step by step.";

export function runIdFor(cfg: EvalConfig, model: ModelConfig, task: Task): string {
  const spec = {
    family: cfg.family, model: model.name, serverModel: model.provider.model, api: model.provider.api, task: task.id, source: task.source,
    examples: task.examples.length, shots: cfg.shots, seed: cfg.seed, samplesPerExample: cfg.samplesPerExample, temperature: cfg.temperature,
    maxTokens: cfg.maxTokens, stop: cfg.stop, chainOfThought: cfg.chainOfThought, answer: cfg.answer === 'marker' ? `marker:${cfg.answerMarker}` : cfg.answer, scoreTargets: cfg.scoreTargets,
    // Zero-padded targets are other samples; only named when on, so unpadded runs keep their ids.
    ...(padded(cfg, task) ? { padAnswer: true } : {}),
  };
  return contentId(spec);
}

function padded(cfg: EvalConfig, task: Task): boolean {
  const t = cfg.tasks.find((x) => x.name === task.id);
  return t?.source.kind === 'arithmetic' && t.source.padAnswer;
}

/** The answer a generation commits to under the run's extraction rule. */
export function answerOf(cfg: Pick<EvalConfig, 'answer' | 'answerMarker' | 'chainOfThought'>, task: Task, text: string): string {
  return cfg.answer === 'marker' ? numberAfterMarker(text, cfg.answerMarker)
    : cfg.answer === 'last_number' || cfg.chainOfThought ? lastNumber(text) : extractAnswer(text, cfg.answer === 'regex' ? task.outputRegex : null);
}

/** The seed of one request: a hash of its labels, so concurrency and order cannot change it. */
export function seedFor(...parts: (string | number)[]): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32LE(0);
}

/** One example through one provider: the Sample and what else the store keeps. */
export async function evaluateExample(
  cfg: EvalConfig,
  model: ModelConfig,
  task: Task,
  ex: Example,
  provider: Provider,
  signal?: AbortSignal,
): Promise<Omit<StoredSample, 'scores'>> {
  const t0 = performance.now();
  const rng = makeRng(seedFor(cfg.seed, model.name, task.id, ex.id));
  let prompt = buildPrompt(task, ex, cfg.shots, rng);
  const base: Sample = { ...blankSample(ex.id, model.name, task.id, task.kind, { file: task.source }), prompt, targets: ex.targets, choices: ex.choices, targetScores: ex.targetScores };
  try {
    if (task.kind === 'multiple_choice') {
      const lls = await Promise.all(ex.choices!.map((c) => provider.loglikelihood(prompt, c, signal)));
      const logliks = lls.map((r) => r.loglik);
      const best = logliks.indexOf(Math.max(...logliks));
      const scores = ex.targetScores!;
      const top = Math.max(...scores);
      const gold = scores.flatMap((s, i) => (s === top ? [i] : []));
      return { sample: { ...base, choiceLogliks: logliks, gold, output: ex.choices![best]! }, rawOutput: null, paths: null, targetTokens: null, latencyMs: performance.now() - t0, error: null };
    }
    if (task.kind === 'loglikelihood') {
      const r = await provider.loglikelihood(prompt, ex.targets[0]!, signal);
      return {
        sample: { ...base, targetLoglik: r.loglik, targetTokenLogprobs: r.tokenLogprobs, targetTokenGreedy: r.tokenGreedy, greedy: r.greedy },
        rawOutput: null, paths: null, targetTokens: r.tokens, latencyMs: performance.now() - t0, error: null,
      };
    }
    if (cfg.chainOfThought) prompt += COT_TRIGGER;
    const n = cfg.samplesPerExample;
    const gens = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        provider.generate({ prompt, maxTokens: cfg.maxTokens, temperature: cfg.temperature, stop: cfg.stop, seed: seedFor(cfg.seed, model.name, task.id, ex.id, i) }, signal),
      ),
    );
    const answers = gens.map((g) => answerOf(cfg, task, g.text));
    const output = n > 1 ? majorityVote(answers) : answers[0]!;
    let target: Partial<Sample> = {};
    let targetTokens: readonly string[] | null = null;
    if (cfg.scoreTargets && provider.canScore) {
      // The continuous view of the same example: how likely the model finds the right answer.
      const r = await provider.loglikelihood(prompt, ex.targets[0]!, signal);
      target = { targetLoglik: r.loglik, targetTokenLogprobs: r.tokenLogprobs, targetTokenGreedy: r.tokenGreedy };
      targetTokens = r.tokens;
    }
    return {
      sample: { ...base, prompt, output, ...target, attempts: n > 1 ? answers.map((a) => exactMatch(a, ex.targets) === 1) : null },
      rawOutput: gens[0]!.text,
      paths: n > 1 ? gens.map((g) => g.text) : null,
      targetTokens,
      latencyMs: performance.now() - t0,
      error: null,
    };
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    return { sample: base, rawOutput: null, paths: null, targetTokens: null, latencyMs: performance.now() - t0, error: `${e.code}: ${e.message}` };
  }
}

/** Run one (model, task): skip what is stored, evaluate the rest with bounded concurrency, write in batches. */
export async function runModelTask(
  cfg: EvalConfig,
  item: EvalPlanItem,
  provider: Provider,
  store: DuckStore,
  tokenizer: Tokenizer,
  opts: EvalOptions,
): Promise<EvalProgress> {
  const { model, task, runId } = item;
  await store.upsertRun({
    runId, family: cfg.family, model: model.name, params: model.params, task: task.id, taskSource: task.source,
    settings: {
      serverModel: model.provider.model, api: model.provider.api, shots: cfg.shots, samplesPerExample: cfg.samplesPerExample, temperature: cfg.temperature,
      maxTokens: cfg.maxTokens, stop: cfg.stop, chainOfThought: cfg.chainOfThought, answer: cfg.answer, scoreTargets: cfg.scoreTargets, examples: task.examples.length,
      metrics: cfg.metrics, tokenizer: tokenizer.id,
    },
    seed: cfg.seed,
    versions: opts.versions,
  });
  if (opts.retryErrors) await store.deleteErrored(runId);
  const done = await store.doneSampleIds(runId);
  const examples = task.examples.slice(0, opts.limit ?? undefined);
  const todo = examples.filter((e) => !done.has(e.id));
  const metrics = cfg.metrics ?? defaultMetricsForAnswers(task.kind, task.examples.map((e) => e.targets));
  const applicable = metrics.filter((m) => m !== 'expected_calibration_error');
  let finished = 0;
  let errors = 0;
  let pending: StoredSample[] = [];
  let writing: Promise<void> = Promise.resolve();
  // A batch that cannot be written stops the run: no request is sent whose answer could not be kept,
  // and the error reaches the caller (not Node's unhandled-rejection crash while workers still run).
  let writeFailed: { error: unknown } | null = null;
  let lastFlush = Date.now();
  const flush = (): void => {
    const batch = pending;
    pending = [];
    lastFlush = Date.now();
    writing = writing
      .then(() => (writeFailed === null ? store.writeSamples(runId, batch) : undefined))
      .catch((error: unknown) => {
        writeFailed ??= { error };
      });
  };
  const label = `${model.name} · ${task.id}`;
  const report = (): void => opts.onProgress?.({ label, done: finished + done.size, total: examples.length, errors, skipped: done.size });
  report();
  let next = 0;
  const workers = Math.max(1, Math.min(opts.concurrency ?? model.provider.concurrency, todo.length));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < todo.length) {
        if (opts.signal?.aborted || writeFailed !== null) return;
        const ex = todo[next++]!;
        let r: Awaited<ReturnType<typeof evaluateExample>>;
        try {
          r = await evaluateExample(cfg, model, task, ex, provider, opts.signal);
        } catch (e) {
          // Interrupted: this example's requests were cancelled; what is done is still written below.
          if (opts.signal?.aborted) return;
          throw e;
        }
        const scores = r.error === null ? scoreSamples([r.sample], applicable, { tokenizer }) : [];
        if (r.error !== null) errors++;
        pending.push({ ...r, scores });
        finished++;
        if (pending.length >= 256 || Date.now() - lastFlush > 200) flush();
        report();
      }
    }),
  );
  flush();
  await writing;
  if (writeFailed !== null) throw (writeFailed as { error: unknown }).error;
  report();
  return { done: finished + done.size, total: examples.length, errors, skipped: done.size };
}
