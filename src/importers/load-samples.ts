import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readWholeText } from './text-chunks.js';
import { basename, dirname, join } from 'node:path';
import type { Sample } from '../core/types.js';
import { DataError } from '../core/errors.js';
import { importLmEvalSamples, taskFromSampleFile } from './lm-eval-samples.js';
import { isObject } from './json-fields.js';
import { parseJson } from './json-file.js';

/** What a results_*.json beside a samples file says about the run. */
interface RunInfo {
  readonly model: string | null;
  readonly params: number | null;
  readonly delimiters: Record<string, string>;
}

function runInfo(dir: string): RunInfo {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /^results.*\.json$/.test(f)).sort();
  } catch {
    /* no directory listing: no info */
  }
  const delimiters: Record<string, string> = {};
  let model: string | null = null;
  let params: number | null = null;
  for (const f of files) {
    const doc = parseJson(readFileSync(join(dir, f), 'utf8'), join(dir, f));
    if (!isObject(doc)) continue;
    const cfg = isObject(doc.config) ? doc.config : {};
    if (typeof doc.model_name === 'string') model = doc.model_name;
    else if (typeof cfg.model_args === 'string') model = /(?:^|,)\s*(?:pretrained|model)=([^,]+)/.exec(cfg.model_args)?.[1] ?? model;
    if (typeof cfg.model_num_parameters === 'number') params = cfg.model_num_parameters;
    if (isObject(doc.configs)) {
      for (const [task, c] of Object.entries(doc.configs)) {
        if (isObject(c) && typeof c.target_delimiter === 'string') delimiters[task] = c.target_delimiter;
      }
    }
  }
  return { model, params, delimiters };
}

export interface LoadedSamples {
  readonly samples: Sample[];
  readonly logged: Map<string, Readonly<Record<string, number>>>;
  /** Model → parameter count, when the results file says. */
  readonly params: Map<string, number>;
}

/**
 * Read lm-eval sample logs. The model's name (and size) comes from a results_*.json in the same
 * folder, else the folder's name; the task from the file name; the target delimiter from the
 * task's config in the results file (default " ").
 */
export function loadSampleFiles(files: readonly string[], opts: { model?: string } = {}): LoadedSamples {
  const samples: Sample[] = [];
  const logged = new Map<string, Readonly<Record<string, number>>>();
  const params = new Map<string, number>();
  for (const file of files) {
    let st;
    try {
      st = statSync(file);
    } catch {
      throw new DataError('no such file', { code: 'FILE_READ', file });
    }
    if (st.isDirectory()) throw new DataError('is a directory, not a samples file', { code: 'FILE_IS_DIRECTORY', file, hint: `pass ${file.replace(/\/$/, '')}/samples_*.jsonl` });
    if (!/\.jsonl(\.gz)?$/i.test(file)) throw new DataError('expected an lm-eval samples_*.jsonl file', { code: 'FILE_TYPE', file });
    const info = runInfo(dirname(file));
    const model = opts.model ?? info.model ?? basename(dirname(file));
    if (info.params !== null) params.set(model, info.params);
    const task = taskFromSampleFile(basename(file)) ?? basename(file).replace(/\.jsonl(\.gz)?$/i, '');
    const text = readWholeText(file);
    const r = importLmEvalSamples(text, file, { model, task, ...(info.delimiters[task] !== undefined ? { targetDelimiter: info.delimiters[task] } : {}) });
    for (const s of r.samples) {
      const key = `${model}\u0000${s.id}`;
      if (logged.has(key)) throw new DataError(`sample ${s.id} of ${model} appears in two files`, { code: 'DUPLICATE_SAMPLE', file, line: s.source.line });
      logged.set(key, r.logged.get(s.id) ?? {});
      samples.push(s);
    }
  }
  return { samples, logged, params };
}
