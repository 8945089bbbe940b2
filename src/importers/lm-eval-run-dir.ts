import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Observation, Tokenizer } from '../core/types.js';
import { DataError } from '../core/errors.js';
import { defaultMetricsForSamples } from '../core/metrics/default-metrics.js';
import { scoreSamples } from '../core/metrics/score.js';
import { summarizeMetric } from '../core/metrics/aggregate.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { loadSampleFiles } from './load-samples.js';
import { familyFromName, importLmEvalResults, looksLikeLmEval, type ModelMap } from './lm-eval-results.js';
import { taskFromSampleFile, timestampOfRunFile } from './lm-eval-samples.js';
import { isObject } from './json-fields.js';
import { parseJson } from './json-file.js';

export interface RunDirOptions {
  readonly models?: ModelMap;
  readonly tokenizer: Tokenizer;
  readonly seed?: number;
  readonly resamples?: number;
}

const SAMPLES = /^samples_.*\.jsonl(\.gz)?$/i;
const RESULTS = /^results.*\.json$/i;

const listDir = (dir: string): string[] => {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
};
const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** A folder lm-eval wrote for one model: its results_*.json and (with --log_samples) samples_*.jsonl. */
const isRunFolder = (dir: string): boolean => listDir(dir).some((f) => SAMPLES.test(f) || RESULTS.test(f));

/** One model's run folder, reduced to the latest run of each task. */
interface RunFiles {
  readonly folder: string;
  /** The latest sample log of each task. */
  readonly samples: string[];
  /** Results files, oldest first (a re-run writes a second one). */
  readonly results: string[];
}

/**
 * lm-eval writes a re-run beside the first (a second timestamp); the latest run of each task
 * is the one that counts, and the user is told which were set aside.
 */
function latestRunFiles(folder: string, warnings: string[]): RunFiles {
  const files = listDir(folder);
  const byTask = new Map<string, string[]>();
  for (const f of files.filter((x) => SAMPLES.test(x))) {
    const task = taskFromSampleFile(f) ?? f;
    byTask.set(task, [...(byTask.get(task) ?? []), f]);
  }
  const samples: string[] = [];
  for (const [task, list] of byTask) {
    const sorted = [...list].sort((a, b) => (timestampOfRunFile(a) ?? a).localeCompare(timestampOfRunFile(b) ?? b));
    const latest = sorted[sorted.length - 1]!;
    if (sorted.length > 1) {
      warnings.push(`${folder}: ${task} was run ${sorted.length} times (${sorted.map((f) => timestampOfRunFile(f) ?? f).join(', ')}): using the latest, ${timestampOfRunFile(latest) ?? latest}`);
    }
    samples.push(join(folder, latest));
  }
  const results = files.filter((x) => RESULTS.test(x)).sort((a, b) => (timestampOfRunFile(a) ?? a).localeCompare(timestampOfRunFile(b) ?? b)).map((f) => join(folder, f));
  return { folder, samples: samples.sort(), results };
}

/** Per task, the latest results file that reports it, with its shot count. */
function resultsByTask(results: readonly string[]): Map<string, { file: string; doc: Record<string, unknown>; shots: number | null }> {
  const out = new Map<string, { file: string; doc: Record<string, unknown>; shots: number | null }>();
  for (const file of results) {
    const doc = parseJson(readFileSync(file, 'utf8'), file);
    if (!isObject(doc) || !looksLikeLmEval(doc) || !isObject(doc.results)) continue;
    const nShot = isObject(doc['n-shot']) ? doc['n-shot'] : {};
    for (const task of Object.keys(doc.results)) {
      const s = nShot[task];
      out.set(task, { file, doc, shots: typeof s === 'number' && Number.isInteger(s) && s >= 0 ? s : null });
    }
  }
  return out;
}

/**
 * Re-score one model's sample logs (every sample under every applicable metric, continuous and
 * discontinuous side by side; each (task, metric) one observation with the bootstrap's standard
 * error), with the shot count its results file states, so the curves line up with the same
 * results read from the JSON files. With `aggregates`, tasks that have results but no sample
 * log keep lm-eval's own aggregate values, and the user is told.
 */
function importRun(run: RunFiles, opts: RunDirOptions, aggregates: boolean, warnings: string[]): Observation[] {
  const byTask = resultsByTask(run.results);
  const observations: Observation[] = [];
  const seed = opts.seed ?? 0;
  let model: string | null = null;
  let family = '';
  let params: number | null = null;
  if (run.samples.length > 0) {
    const loaded = loadSampleFiles(run.samples);
    model = loaded.samples[0]!.model;
    const info = opts.models?.get(model) ?? opts.models?.get(model.split('/').pop()!) ?? {};
    params = info.params ?? loaded.params.get(model) ?? null;
    if (params === null) {
      throw new DataError(`no parameter count for model "${model}"`, {
        code: 'LM_EVAL_PARAMS',
        file: run.folder,
        hint: 'its results_*.json has no config.model_num_parameters: pass --models FILE',
      });
    }
    family = info.family ?? familyFromName(model);
    const bySampleTask = new Map<string, typeof loaded.samples>();
    for (const s of loaded.samples) bySampleTask.set(s.task, [...(bySampleTask.get(s.task) ?? []), s]);
    for (const [task, samples] of bySampleTask) {
      const shots = byTask.get(task)?.shots ?? null;
      const metrics = defaultMetricsForSamples(samples);
      const scores = scoreSamples(samples, metrics, { tokenizer: opts.tokenizer });
      for (const m of metrics) {
        const sum = summarizeMetric(m, samples, scores, { tokenizer: opts.tokenizer }, { rng: makeRng(deriveSeed(seed, 'bootstrap', model, task, m)), resamples: opts.resamples ?? 1000 });
        if (!sum) continue;
        observations.push({
          family, model, params, task, metric: sum.metric, shots, seed: null, value: sum.value,
          stderr: sum.interval?.se ?? null, low: sum.interval?.low ?? null, high: sum.interval?.high ?? null, n: sum.n,
          step: null, tokens: null, higherIsBetter: sum.higherIsBetter, labels: {},
          extra: sum.tokenizer ? { tokenizer: sum.tokenizer } : {},
          source: { file: run.folder, field: `${task}.${sum.metric}` },
        });
      }
      byTask.delete(task);
    }
  }
  if (!aggregates || byTask.size === 0) return observations;
  // Tasks with results but no sample log: lm-eval's aggregates, read as from the results file.
  const files = [...new Set([...byTask.values()].map((v) => v.file))];
  const kept: string[] = [];
  for (const file of files) {
    const tasks = new Set([...byTask].filter(([, v]) => v.file === file).map(([t]) => t));
    const r = importLmEvalResults(byTask.get([...tasks][0]!)!.doc, file, opts.models);
    for (const o of r.observations) {
      if (!tasks.has(o.task)) continue;
      // The same model as the re-scored tasks, so its points join the same curves' family.
      observations.push(model === null ? o : { ...o, model, family, params: params! });
    }
    kept.push(...tasks);
  }
  if (run.samples.length > 0) {
    warnings.push(`${run.folder}: no sample log for ${kept.sort().join(', ')}: kept lm-eval's aggregate values (not re-scored under other metrics)`);
  }
  return observations;
}

/**
 * lm-evaluation-harness output: a family's folder of model folders, or one model's own folder
 * (`--output_path` as lm-eval writes it), each with results_*.json and, with --log_samples,
 * samples_*.jsonl.
 */
export function importRunDirectory(dir: string, opts: RunDirOptions): { observations: Observation[]; warnings: string[] } {
  const folders = isRunFolder(dir) ? [dir] : listDir(dir).map((f) => join(dir, f)).filter((p) => isDir(p) && isRunFolder(p));
  if (folders.length === 0) {
    throw new DataError('no lm-eval runs found in this directory', {
      code: 'NO_RUNS',
      file: dir,
      hint: 'expected a model folder with results_*.json and samples_*.jsonl (lm_eval --output_path … --log_samples), or a folder of such folders',
    });
  }
  const warnings: string[] = [];
  const observations: Observation[] = [];
  for (const folder of folders) observations.push(...importRun(latestRunFiles(folder, warnings), opts, true, warnings));
  return { observations, warnings };
}

/** `audit samples_<task>_<date>.jsonl`: one sample log, re-scored, with its folder's results file for size and shots. */
export function importSampleLog(file: string, opts: RunDirOptions): { observations: Observation[]; warnings: string[] } {
  const folder = dirname(file);
  const results = listDir(folder).filter((x) => RESULTS.test(x)).map((f) => join(folder, f));
  const warnings: string[] = [];
  const observations = importRun({ folder: basename(file) === file ? '.' : folder, samples: [file], results }, opts, false, warnings);
  return { observations: observations.map((o) => ({ ...o, source: { file, field: o.source.field ?? '' } })), warnings };
}
