import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation, Tokenizer } from '../core/types.js';
import { DataError } from '../core/errors.js';
import { defaultMetricsForSamples } from '../core/metrics/default-metrics.js';
import { scoreSamples } from '../core/metrics/score.js';
import { summarizeMetric } from '../core/metrics/aggregate.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { loadSampleFiles } from './load-samples.js';
import { familyFromName, type ModelMap } from './lm-eval-results.js';

export interface RunDirOptions {
  readonly models?: ModelMap;
  readonly tokenizer: Tokenizer;
  readonly seed?: number;
  readonly resamples?: number;
}

/**
 * A model family's lm-evaluation-harness runs, one folder per model, each with its results_*.json
 * and samples_*.jsonl: every sample is re-scored under every applicable metric (continuous and
 * discontinuous side by side), and each (task, metric) becomes one observation whose standard
 * error is the bootstrap's, ready for the audit.
 */
export function importRunDirectory(dir: string, opts: RunDirOptions): { observations: Observation[]; warnings: string[] } {
  const folders = readdirSync(dir)
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isDirectory())
    .sort();
  const runs = folders
    .map((f) => ({ folder: f, files: readdirSync(f).filter((x) => /^samples_.*\.jsonl$/.test(x)).sort().map((x) => join(f, x)) }))
    .filter((r) => r.files.length > 0);
  if (runs.length === 0) {
    throw new DataError('no lm-eval runs found in this directory', {
      code: 'NO_RUNS',
      file: dir,
      hint: 'expected one folder per model holding results_*.json and samples_*.jsonl (lm_eval --log_samples), or pass results files',
    });
  }
  const observations: Observation[] = [];
  const warnings: string[] = [];
  const seed = opts.seed ?? 0;
  for (const run of runs) {
    const loaded = loadSampleFiles(run.files);
    const model = loaded.samples[0]!.model;
    const info = opts.models?.get(model) ?? opts.models?.get(model.split('/').pop()!) ?? {};
    const params = info.params ?? loaded.params.get(model) ?? null;
    if (params === null) {
      throw new DataError(`no parameter count for model "${model}"`, {
        code: 'LM_EVAL_PARAMS',
        file: run.folder,
        hint: 'its results_*.json has no config.model_num_parameters: pass --models FILE',
      });
    }
    const family = info.family ?? familyFromName(model);
    const byTask = new Map<string, typeof loaded.samples>();
    for (const s of loaded.samples) byTask.set(s.task, [...(byTask.get(s.task) ?? []), s]);
    for (const [task, samples] of byTask) {
      const metrics = defaultMetricsForSamples(samples);
      const scores = scoreSamples(samples, metrics, { tokenizer: opts.tokenizer });
      metrics.forEach((m) => {
        const sum = summarizeMetric(m, samples, scores, { tokenizer: opts.tokenizer }, { rng: makeRng(deriveSeed(seed, 'bootstrap', model, task, m)), resamples: opts.resamples ?? 1000 });
        if (!sum) return;
        observations.push({
          family, model, params, task, metric: sum.metric, shots: null, seed: null, value: sum.value,
          stderr: sum.interval?.se ?? null, low: sum.interval?.low ?? null, high: sum.interval?.high ?? null, n: sum.n,
          step: null, tokens: null, higherIsBetter: sum.higherIsBetter, labels: {},
          extra: sum.tokenizer ? { tokenizer: sum.tokenizer } : {},
          source: { file: run.folder, field: `${task}.${sum.metric}` },
        });
      });
    }
  }
  return { observations, warnings };
}
