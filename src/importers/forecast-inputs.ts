import { join } from 'node:path';
import type { Observation } from '../core/types.js';
import { packageRoot } from './bundled.js';
import { statSync } from 'node:fs';
import { charTokenizer } from '../core/metrics/tokenizers.js';
import { importFile, type LoadOptions } from './load.js';
import { importRunDirectory } from './lm-eval-run-dir.js';

/** The bundled inputs of `emergence forecast`: the OLMo ladder (finals, checkpoints) and ObsScaling (base, emergent). */
export function bundledForecastFiles(): { ladder: string; ladderCheckpoints: string; obsBase: string; obsTargets: string } {
  const data = join(packageRoot(), 'data');
  return {
    ladder: join(data, 'olmo-ladder', 'olmo_ladder.csv'),
    ladderCheckpoints: join(data, 'olmo-ladder', 'olmo_ladder_checkpoints.csv'),
    obsBase: join(data, 'obsscaling_benchmarks.csv'),
    obsTargets: join(data, 'obsscaling_emergent_bigbench_tasks.csv'),
  };
}

const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Every file's observations, in file order, with the importers' warnings. A directory is a family of
 * lm-eval runs (one folder per model with results and `--log_samples` JSONL): every sample re-scored,
 * so its target log-likelihood stands beside its accuracy.
 */
export function loadObservations(files: readonly string[], onFile?: (file: string, i: number) => void, options: LoadOptions = {}): { observations: Observation[]; warnings: string[] } {
  const observations: Observation[] = [];
  const warnings: string[] = [];
  files.forEach((f, i) => {
    onFile?.(f, i);
    const r = isDirectory(f)
      ? importRunDirectory(f, { tokenizer: options.tokenizer ?? charTokenizer, ...(options.models ? { models: options.models } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) })
      : importFile(f, options);
    for (const o of r.observations) observations.push(o);
    warnings.push(...r.warnings);
  });
  return { observations, warnings };
}

/**
 * Final evaluations apart from intermediate checkpoints: a file is a checkpoint file when one
 * (model, task, metric) appears in it at two or more steps.
 */
export function splitCheckpoints(obs: readonly Observation[]): { finals: Observation[]; checkpoints: Observation[] } {
  const stepsSeen = new Map<string, Set<number>>();
  const checkpointFiles = new Set<string>();
  for (const o of obs) {
    if (o.step === null) continue;
    const k = [o.source.file, o.model, o.task, o.metric].join('\u0000');
    const s = stepsSeen.get(k) ?? new Set<number>();
    s.add(o.step);
    stepsSeen.set(k, s);
    if (s.size > 1) checkpointFiles.add(o.source.file);
  }
  return {
    finals: obs.filter((o) => !checkpointFiles.has(o.source.file)),
    checkpoints: obs.filter((o) => checkpointFiles.has(o.source.file)),
  };
}
