import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Curve, Observation, Tokenizer } from '../core/types.js';
import { charTokenizer } from '../core/metrics/tokenizers.js';
import { importRunDirectory, importSampleLog, type RunDirOptions } from './lm-eval-run-dir.js';
import { ConfigError, DataError } from '../core/errors.js';
import { assembleCurves } from '../core/curves/assemble.js';
import { scaleWarnings } from '../core/curves/scale-check.js';
import type { AxisRequest, ScaleAxis } from '../core/curves/axis.js';
import type { ColumnRoles } from './tidy-csv.js';
import { importTidyTable } from './tidy-columns.js';
import { observationsOf, tableOf, type ObservationTable } from '../core/curves/observation-table.js';
import { byteChunks, innerExtension, plainFileBytes, readWholeText } from './text-chunks.js';
import { importBigBench, looksLikeBigBench, type ParamsAxis } from './bigbench-results.js';
import { importLmEvalResults, looksLikeLmEval, type ModelInfo, type ModelMap } from './lm-eval-results.js';
import { parseCsv } from './csv-text.js';
import { parseParamsCell } from './parse-number.js';
import { isObject } from './json-fields.js';
import { parseJson } from './json-file.js';

export interface LoadOptions {
  /** For directories of lm-eval runs: tokenizer of token-level metrics, bootstrap seed and resamples. */
  readonly tokenizer?: Tokenizer;
  readonly seed?: number;
  readonly resamples?: number;
  /** Family and size for models that result files do not describe (lm-eval). */
  readonly models?: ModelMap;
  /** BIG-bench: which parameter count is the scale axis. */
  readonly bigbenchParams?: ParamsAxis;
  /** Tidy CSV: which unknown columns split curves, which are ignored. */
  readonly columns?: ColumnRoles;
  /** The scale axis (default parameters): `--x`. */
  readonly axis?: AxisRequest;
}

export interface Loaded {
  readonly curves: Curve[];
  readonly axis: ScaleAxis;
  readonly observations: number;
  readonly warnings: string[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const readText = readWholeText;

/** One file read: a tidy CSV as columns, the other formats as observations. */
interface FileRows {
  readonly rows: ObservationTable | Observation[];
  readonly warnings: string[];
  readonly columns?: readonly string[];
}

function importRows(file: string, options: LoadOptions): FileRows {
  const ext = innerExtension(file);
  if (ext === '.csv' || ext === '.tsv') {
    const r = importTidyTable(byteChunks(file), file, options.columns, plainFileBytes(file));
    return { rows: r.table, warnings: r.warnings, columns: r.columns };
  }
  if (ext === '.jsonl') return toRows(importSampleLog(file, runOptions(options)));
  if (ext === '.json') {
    const doc = parseJson(readText(file), file);
    if (looksLikeBigBench(doc)) return toRows(importBigBench(doc, file, options.bigbenchParams));
    if (looksLikeLmEval(doc)) return toRows(importLmEvalResults(doc, file, options.models));
    const keys = isObject(doc) ? Object.keys(doc).slice(0, 8).join(', ') : Array.isArray(doc) ? '(an array)' : typeof doc;
    throw new DataError(`unknown JSON schema (top-level: ${keys || 'nothing'})`, {
      code: 'JSON_SCHEMA',
      file,
      hint: 'expected BIG-bench results (model, scores) or lm-evaluation-harness results (results, config)',
    });
  }
  throw new DataError(`unsupported file type "${ext || basename(file)}"`, { code: 'FILE_TYPE', file, hint: 'expected .csv, .json or .jsonl (each optionally .gz)' });
}

const toRows = (r: { observations: Observation[]; warnings: string[]; columns?: readonly string[] }): FileRows => ({ rows: r.observations, warnings: r.warnings, ...(r.columns ? { columns: r.columns } : {}) });

/** Read one results file of any supported format into observations. */
export function importFile(file: string, options: LoadOptions = {}): { observations: Observation[]; warnings: string[]; columns?: readonly string[] } {
  const r = importRows(file, options);
  return { observations: Array.isArray(r.rows) ? r.rows : observationsOf(r.rows as ObservationTable), warnings: r.warnings, ...(r.columns ? { columns: r.columns } : {}) };
}

/** Read one tidy CSV (or any file) as a table: a CSV's rows never become objects. */
export function importTable(file: string, options: LoadOptions = {}): { table: ObservationTable; warnings: string[]; columns?: readonly string[] } {
  const r = importRows(file, options);
  return { table: tableOf([r.rows]), warnings: r.warnings, ...(r.columns ? { columns: r.columns } : {}) };
}

/** Model name → family/params mapping, from CSV (`model,family,params`) or JSON (`{"name": {"family", "params"}}`). */
export function loadModelMap(file: string): ModelMap {
  const text = readText(file);
  const map = new Map<string, ModelInfo>();
  if (extname(file).toLowerCase() === '.json') {
    const doc = parseJson(text, file);
    if (!isObject(doc)) throw new DataError('expected an object of model name → {family, params}', { code: 'JSON_SCHEMA', file });
    for (const [name, v] of Object.entries(doc)) {
      if (!isObject(v)) throw new DataError('expected {family, params}', { code: 'JSON_FIELD', file, field: name });
      const params = typeof v.params === 'number' ? v.params : typeof v.params === 'string' ? parseParamsCell(v.params) : null;
      if (params !== null && !(params > 0)) throw new DataError(`params must be > 0, got ${String(v.params)}`, { code: 'JSON_FIELD', file, field: `${name}.params` });
      map.set(name, { ...(typeof v.family === 'string' ? { family: v.family } : {}), ...(params !== null ? { params } : {}) });
    }
    return map;
  }
  const rows = parseCsv(text);
  const header = rows[0]?.fields.map((h) => h.trim()) ?? [];
  const iModel = header.indexOf('model');
  if (iModel < 0) throw new DataError('missing required column "model"', { code: 'CSV_MISSING_COLUMN', file, line: 1 });
  const iFamily = header.indexOf('family');
  const iParams = header.indexOf('params');
  for (const r of rows.slice(1)) {
    const params = iParams >= 0 ? parseParamsCell(r.fields[iParams] ?? '') : null;
    if (params !== null && !(params > 0)) throw new DataError(`must be > 0`, { code: 'CSV_VALUE', file, line: r.line, field: 'params' });
    const family = iFamily >= 0 ? (r.fields[iFamily] ?? '').trim() : '';
    map.set((r.fields[iModel] ?? '').trim(), { ...(family ? { family } : {}), ...(params !== null ? { params } : {}) });
  }
  return map;
}

const place = (o: Observation): string =>
  o.source.line !== undefined ? `${o.source.file}:${o.source.line}` : `${o.source.file} ${o.source.field ?? ''}`.trim();

/** True when any input is a directory of lm-eval runs or a sample log, so the caller knows to load a tokenizer. */
export function needsTokenizer(files: readonly string[]): boolean {
  return files.some((f) => isDirectory(f) || innerExtension(f) === '.jsonl');
}

const runOptions = (options: LoadOptions): RunDirOptions => ({
  tokenizer: options.tokenizer ?? charTokenizer,
  ...(options.models ? { models: options.models } : {}),
  ...(options.seed !== undefined ? { seed: options.seed } : {}),
  ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
});

/** Read every file, then assemble curves; a conflict between two observations is an error naming both. */
export function loadCurves(files: readonly string[], options: LoadOptions = {}, onFile?: (file: string, i: number) => void, extra: readonly Observation[] = []): Loaded {
  const parts: (ObservationTable | readonly Observation[])[] = extra.length > 0 ? [extra] : [];
  const warnings: string[] = [];
  const seenColumns = new Set<string>();
  let anyCsv = false;
  files.forEach((f, i) => {
    onFile?.(f, i);
    const r: FileRows = isDirectory(f) ? toRows(importRunDirectory(f, runOptions(options))) : importRows(f, options);
    parts.push(r.rows);
    warnings.push(...r.warnings);
    if (r.columns) {
      anyCsv = true;
      for (const c of r.columns) seenColumns.add(c);
    }
  });
  const all = tableOf(parts);
  const named: [string, readonly string[] | undefined][] = [['--split-by', options.columns?.splitBy], ['--ignore', options.columns?.ignore]];
  for (const [flag, names] of named) {
    const absent = anyCsv ? (names ?? []).filter((c) => !seenColumns.has(c)) : [];
    if (absent.length > 0) throw new ConfigError(`no input CSV has a column ${absent.map((c) => `"${c}"`).join(', ')}`, { code: 'USAGE', field: flag });
  }
  const ax = options.axis;
  if (ax?.kind === 'metric') {
    const metricCodes = new Set(all.metric);
    const nameOf = (c: number): string => all.names[c]!;
    let found = false;
    for (let i = 0; i < all.length && !found; i++) found = nameOf(all.metric[i]!) === ax.metric && (ax.task === null || nameOf(all.task[i]!) === ax.task);
    if (!found) {
      const metrics = [...new Set([...metricCodes].map(nameOf))].sort().slice(0, 12).join(', ');
      throw new ConfigError(`no ${ax.task === null ? '' : `${ax.task}:`}${ax.metric} values in the input to put on the axis`, {
        code: 'USAGE',
        field: '--x',
        hint: `expected params, tokens, flops, step, a metric or task:metric (metrics here: ${metrics})`,
      });
    }
  }
  const assembled = assembleCurves(all, ax ? { axis: ax } : {});
  const c = assembled.conflicts[0];
  if (c) {
    throw new DataError(`${c.what} (also at ${place(c.first)})`, {
      code: 'CONFLICT',
      file: c.second.source.file,
      ...(c.second.source.line !== undefined ? { line: c.second.source.line } : {}),
      ...(c.second.source.field !== undefined ? { field: c.second.source.field } : {}),
    });
  }
  if (assembled.unknownDirection.length > 0) {
    warnings.push(`direction unknown for metric${assembled.unknownDirection.length > 1 ? 's' : ''} ${assembled.unknownDirection.join(', ')}: assumed higher is better (add a higher_is_better column)`);
  }
  if (assembled.droppedEarlierSteps > 0) {
    warnings.push(`${assembled.droppedEarlierSteps} rows from earlier training steps left out: each model's last step is its point (--x step or --x tokens reads checkpoints as training curves)`);
  }
  warnings.push(...assembled.axisNotes);
  warnings.push(...scaleWarnings(assembled.curves));
  return { curves: assembled.curves, axis: assembled.axis, observations: all.length, warnings };
}
