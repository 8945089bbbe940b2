import type { Observation } from '../core/types.js';
import { DataError } from '../core/errors.js';
import { CsvSyntaxError } from './csv-text.js';
import { forEachCsvByteRecord } from './csv-bytes.js';
import { parseBoolCell, parseNumberBytes, parseNumberCell, parseParamsBytes } from './parse-number.js';

export interface Imported {
  readonly observations: Observation[];
  readonly warnings: string[];
  /** The header, for a check that a column the user named exists somewhere. */
  readonly columns?: readonly string[];
}

/** Which unknown columns split curves: the user's word over the importer's guess. */
export interface ColumnRoles {
  /** Exactly these unknown columns split curves (as labels); every other one rides along. */
  readonly splitBy?: readonly string[];
  /** These columns are read past: neither labels nor point attributes (free text, ids). */
  readonly ignore?: readonly string[];
}

export const REQUIRED_COLUMNS = ['family', 'model', 'params', 'task', 'metric', 'value'] as const;
export const OPTIONAL_COLUMNS = ['shots', 'seed', 'step', 'tokens', 'flops', 'n', 'stderr', 'low', 'high', 'higher_is_better'] as const;
export const KNOWN_COLUMNS: ReadonlySet<string> = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);

type Six = [number, number, number, number, number, number];
type Ten = [number, number, number, number, number, number, number, number, number, number];

/**
 * A tidy CSV's header row, checked (no empty or repeated names, every required column present), as
 * the positions of the required and optional columns (−1: absent) and the unknown columns not
 * ignored. The row reader and the column-wise reader both start here.
 */
export function tidyHeader(names: readonly string[], file: string, ignored: ReadonlySet<string>): { required: Six; optional: Ten; unknown: string[]; unknownIdx: number[] } {
  const col = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') throw new DataError(`column ${i + 1} has an empty name`, { code: 'CSV_HEADER', file, line: 1 });
    if (col.has(name)) throw new DataError(`column "${name}" appears twice`, { code: 'CSV_HEADER', file, line: 1 });
    col.set(name, i);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !col.has(c));
  if (missing.length > 0) {
    throw new DataError(`missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`, {
      code: 'CSV_MISSING_COLUMN',
      file,
      line: 1,
      hint: `a tidy CSV needs ${REQUIRED_COLUMNS.join(',')}`,
    });
  }
  const at = (c: string): number => col.get(c) ?? -1;
  const unknown = names.filter((c) => !KNOWN_COLUMNS.has(c) && !ignored.has(c));
  return { required: REQUIRED_COLUMNS.map(at) as Six, optional: OPTIONAL_COLUMNS.map(at) as Ten, unknown, unknownIdx: unknown.map((c) => col.get(c)!) };
}

const NONE: Readonly<Record<string, string>> = Object.freeze({});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How one unknown column behaves inside one (family, task, metric, shots) group. */
interface GroupStats<V> {
  /** Models in the group. */
  models: number;
  readonly values: Set<V | undefined>;
  withinModel: boolean;
}

/**
 * Should an unknown non-numeric column split this family's curves? Only where it takes several
 * values inside one (task, metric, shots) group, and then only if it is not merely a model's
 * own metadata: a column that varies for the same model (a prompt variant) splits; a column
 * constant within each model splits when it sorts the models into series (`deduped`, `ladder`:
 * at most half as many values as models), but not when it names each model apart (`eval_date`,
 * a free-text note), which would leave every model a one-point curve.
 */
function splitsGroup<V>(g: GroupStats<V>): boolean {
  if (g.values.size < 2) return false;
  return g.withinModel || g.values.size * 2 <= g.models;
}

/**
 * Tidy CSV: one row per (model, task, metric[, seed]). Columns are documented in docs/inputs.md.
 * Read as a stream of records (the UTF-8 bytes of a plain or inflated file, in chunks), each row
 * checked as it comes so an error names its line; unknown columns are never dropped silently
 * (see `splitsGroup` and `ColumnRoles`): a column that does not split rides along on each point.
 * This is the row reader, an observation per row, for small inputs and the library; files go
 * through `importTidyTable` (tidy-columns.ts), which must give the same rows, errors and warnings.
 */
export function importTidyCsvChunks(chunks: Iterable<Buffer>, file: string, roles: ColumnRoles = {}): Imported {
  let header = null as string[] | null;
  let unknown: string[] = [];
  let unknownIdx: number[] = [];
  const ignored = new Set(roles.ignore ?? []);
  const pending: Mutable<Observation>[] = [];
  const raw: string[] = []; // unknown columns' values, row-major (interned)
  const intern: Map<string, string>[] = [];
  let iFamily = 0, iModel = 0, iParams = 0, iTask = 0, iMetric = 0, iValue = 0;
  let iShots = -1, iSeed = -1, iStep = -1, iTokens = -1, iFlops = -1, iN = -1, iStderr = -1, iLow = -1, iHigh = -1, iHib = -1;
  // The record being read: its bytes and its fields' ranges.
  let cur: Buffer = Buffer.alloc(0);
  let curStarts: Int32Array = new Int32Array(0);
  let curEnds: Int32Array = new Int32Array(0);
  let curLine = 0;
  const cell = (i: number): string => cur.toString('utf8', curStarts[i]!, curEnds[i]!);
  const at = (field: string, message: string): DataError => new DataError(message, { code: 'CSV_VALUE', file, line: curLine, field });
  // Names repeat on every row: one string each, so a million rows do not keep a million copies.
  const strings = new Map<string, string>();
  const text = (i: number, c: string): string => {
    const raw = cell(i);
    let v = strings.get(raw);
    if (v === undefined) {
      v = raw.trim();
      if (v === '') throw at(c, 'empty');
      strings.set(raw, v);
    }
    return v;
  };
  const parsed = new Float64Array(1);
  const num = (i: number, c: string, check: 0 | 1 | 2 | 3 | 4 = 0): number | null => {
    if (i < 0) return null;
    const parse = i === iParams ? parseParamsBytes : parseNumberBytes;
    if (!parse(cur, curStarts[i]!, curEnds[i]!, parsed, 0)) return null;
    const v = parsed[0]!;
    if (!Number.isFinite(v)) throw at(c, `expected a finite number, got ${JSON.stringify(cell(i))}`);
    // 1: > 0; 2: >= 0; 3: a whole number >= 0; 4: a whole number > 0
    if (check === 0) return v;
    if ((check === 1 || check === 4) && !(v > 0)) throw at(c, `must be > 0, got ${cell(i).trim()}`);
    if ((check === 2 || check === 3) && v < 0) throw at(c, `must be >= 0, got ${cell(i).trim()}`);
    if (check >= 3 && !Number.isInteger(v)) throw at(c, `must be a whole number, got ${cell(i).trim()}`);
    return v;
  };
  const onRecord = (bytes: Buffer, starts: Int32Array, ends: Int32Array, count: number, line: number): void => {
    cur = bytes;
    curStarts = starts;
    curEnds = ends;
    curLine = line;
    if (header === null) {
      header = Array.from({ length: count }, (_, i) => cell(i).trim());
      const th = tidyHeader(header, file, ignored);
      [iFamily, iModel, iParams, iTask, iMetric, iValue] = th.required;
      [iShots, iSeed, iStep, iTokens, iFlops, iN, iStderr, iLow, iHigh, iHib] = th.optional;
      ({ unknown, unknownIdx } = th);
      for (let k = 0; k < unknown.length; k++) intern.push(new Map());
      return;
    }
    if (count !== header.length) {
      throw new DataError(`expected ${header.length} fields, got ${count}`, { code: 'CSV_FIELD_COUNT', file, line });
    }
    const family = text(iFamily, 'family');
    const params = num(iParams, 'params', 1);
    if (params === null) throw at('params', 'empty');
    const value = num(iValue, 'value');
    if (value === null) throw at('value', 'empty');
    const hibCell = iHib < 0 ? '' : cell(iHib);
    const hib = parseBoolCell(hibCell);
    if (hib === 'invalid') throw at('higher_is_better', `expected true or false, got ${JSON.stringify(hibCell)}`);
    const low = num(iLow, 'low');
    const high = num(iHigh, 'high');
    if (low !== null && high !== null && low > high) throw at('low', `low ${low} > high ${high}`);
    const n = num(iN, 'n', 4);
    const seed = iSeed < 0 || cell(iSeed).trim() === '' ? null : text(iSeed, 'seed');
    pending.push({
      family,
      model: text(iModel, 'model'),
      params,
      task: text(iTask, 'task'),
      metric: text(iMetric, 'metric'),
      shots: num(iShots, 'shots', 3),
      seed,
      value,
      stderr: num(iStderr, 'stderr', 2),
      low,
      high,
      n,
      step: num(iStep, 'step', 2),
      tokens: num(iTokens, 'tokens', 2),
      flops: num(iFlops, 'flops', 2),
      higherIsBetter: hib,
      labels: NONE,
      extra: NONE,
      source: { file, line },
    });
    if (unknown.length > 0) {
      for (let k = 0; k < unknown.length; k++) {
        const c = cell(unknownIdx[k]!);
        const m = intern[k]!;
        let s = m.get(c);
        if (s === undefined) m.set(c, (s = c.trim()));
        raw.push(s);
      }
    }
  };
  try {
    forEachCsvByteRecord(chunks, onRecord);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new DataError(e.message, { code: 'CSV_SYNTAX', file, line: e.line });
    throw e;
  }
  if (header === null) throw new DataError('empty file: expected a header row', { code: 'EMPTY_FILE', file });
  if (pending.length === 0) throw new DataError('no data rows after the header', { code: 'EMPTY_FILE', file, line: 1 });

  const modelCode = new Map<string, number>();
  for (const o of pending) if (!modelCode.has(o.model)) modelCode.set(o.model, modelCode.size);
  const { labelCols, warnings } = unknownColumnRoles({
    file,
    header: header as string[],
    unknown,
    ignored,
    splitBy: roles.splitBy,
    rows: pending.length,
    distinct: (k) => [...intern[k]!.keys()],
    family: (r) => pending[r]!.family,
    familyName: (f) => f,
    groupKey: (r) => { const o = pending[r]!; return `${o.family}\u0000${o.task}\u0000${o.metric}\u0000${o.shots ?? ''}`; },
    // Names are interned (one string per value), so compared by identity.
    sameGroup: (r, p) => { const o = pending[r]!, q = pending[p]!; return o.family === q.family && o.task === q.task && o.metric === q.metric && o.shots === q.shots; },
    models: modelCode.size,
    model: (r) => modelCode.get(pending[r]!.model)!,
    value: (r, k) => raw[r * unknown.length + k]!,
  });
  if (unknown.length > 0) {
    // Rows share their label and attribute objects when the values are the same (few combinations);
    // the lookup key is the values themselves, so a row allocates nothing new on a hit.
    const cache = new Map<string, Readonly<Record<string, string>>>();
    const u = unknown.length;
    for (let r = 0; r < pending.length; r++) {
      const o = pending[r]!;
      const base = r * u;
      // The previous row's family and values (interned, so compared by identity): its objects.
      if (r > 0 && o.family === pending[r - 1]!.family) {
        let same = true;
        for (let k = 0; k < u && same; k++) same = raw[base + k] === raw[base - u + k];
        if (same) {
          o.labels = pending[r - 1]!.labels;
          o.extra = pending[r - 1]!.extra;
          continue;
        }
      }
      let lid = 'l';
      let eid = 'e';
      for (let k = 0; k < unknown.length; k++) {
        if (labelCols.get(k)?.has(o.family)) lid += `\u0000${k}\u0001${raw[base + k]!}`;
        else if (raw[base + k]! !== '') eid += `\u0000${k}\u0001${raw[base + k]!}`;
      }
      const pick = (id: string, label: boolean): Readonly<Record<string, string>> => {
        if (id.length === 1) return NONE;
        let got = cache.get(id);
        if (got === undefined) {
          const rec: Record<string, string> = {};
          for (let k = 0; k < unknown.length; k++) {
            const isLabel = labelCols.get(k)?.has(o.family) ?? false;
            if (isLabel === label && (label || raw[base + k]! !== '')) rec[unknown[k]!] = raw[base + k]!;
          }
          cache.set(id, (got = rec));
        }
        return got;
      };
      o.labels = pick(lid, true);
      o.extra = pick(eid, false);
    }
  }
  return { observations: pending, warnings, columns: header as string[] };
}

/** The same from a whole text (tests, small inputs). */
export function importTidyCsv(text: string, file: string, roles: ColumnRoles = {}): Imported {
  return importTidyCsvChunks(text.trim() === '' ? [] : [Buffer.from(text, 'utf8')], file, roles);
}

/** What the classification of unknown columns reads of the rows, whichever reader holds them. */
export interface UnknownColumnRows<F, V> {
  readonly file: string;
  readonly header: readonly string[];
  readonly unknown: readonly string[];
  readonly ignored: ReadonlySet<string>;
  readonly splitBy: readonly string[] | undefined;
  readonly rows: number;
  /** An unknown column's distinct values (a number column is never a label). */
  distinct(k: number): readonly string[];
  /** Row r's family, model and unknown column k's value, as anything compared by identity. */
  family(r: number): F;
  familyName(f: F): string;
  /** Equal for rows of one group and only for them: a string, or an integer the reader codes. */
  groupKey(r: number): string | number;
  /** Rows r and p share (family, task, metric, shots). */
  sameGroup(r: number, p: number): boolean;
  /** Row r's model as a code below `models`. */
  model(r: number): number;
  readonly models: number;
  value(r: number, k: number): V;
}

/**
 * Which unknown columns are labels, and in which families (see `splitsGroup`), with the warnings
 * that say so: one rule for the row reader and the column reader.
 */
export function unknownColumnRoles<F, V>(d: UnknownColumnRows<F, V>): { labelCols: Map<number, Set<string>>; warnings: string[] } {
  const { unknown, ignored, file } = d;
  const splitBy = d.splitBy === undefined ? null : new Set(d.splitBy);
  const labelCols = new Map<number, Set<string>>(); // unknown column index -> families where it splits curves
  const perModel: string[] = [];
  const groupOf = new Int32Array(unknown.length > 0 ? d.rows : 0);
  const groupNames: string[] = [];
  if (unknown.length > 0) {
    const ids = new Map<string | number, number>();
    // Tidy files list a group's rows together: a row of the previous row's group needs no key.
    let prev = -1;
    let prevId = -1;
    for (let r = 0; r < d.rows; r++) {
      if (prev >= 0 && d.sameGroup(r, prev)) {
        groupOf[r] = prevId;
        continue;
      }
      const g = d.groupKey(r);
      let id = ids.get(g);
      if (id === undefined) {
        ids.set(g, (id = groupNames.length));
        groupNames.push(d.familyName(d.family(r)));
      }
      groupOf[r] = prevId = id;
      prev = r;
    }
  }
  // Each group's rows together (a counting sort), so one map and one set serve every group in turn.
  const groupStart = new Int32Array(groupNames.length + 1);
  for (let r = 0; r < groupOf.length; r++) groupStart[groupOf[r]! + 1]!++;
  for (let g = 0; g < groupNames.length; g++) groupStart[g + 1]! += groupStart[g]!;
  const byGroup = new Int32Array(groupOf.length);
  const fill = groupStart.slice(0, groupNames.length);
  for (let r = 0; r < groupOf.length; r++) byGroup[fill[groupOf[r]!]!++] = r;
  const s: GroupStats<V> = { models: 0, values: new Set(), withinModel: false };
  // Each model's value in the group being read: valueOf[m], valid where seenIn[m] is the group.
  const valueOf: V[] = new Array(d.models);
  const seenIn = new Int32Array(d.models).fill(-1);
  unknown.forEach((c, k) => {
    if (splitBy !== null && !splitBy.has(c)) return;
    // A column whose every value is a number (or empty) is a measurement, never a label.
    if (splitBy === null && d.distinct(k).every((v) => { const x = parseNumberCell(v); return x === null || !Number.isNaN(x); })) return;
    const families = new Set<string>();
    let guessedPerModel = false;
    seenIn.fill(-1);
    for (let g = 0; g < groupNames.length; g++) {
      s.models = 0;
      s.values.clear();
      s.withinModel = false;
      let lastV: V | undefined;
      for (let j = groupStart[g]!; j < groupStart[g + 1]!; j++) {
        const r = byGroup[j]!;
        const v = d.value(r, k);
        if (j === groupStart[g] || v !== lastV) s.values.add(v);
        lastV = v;
        const m = d.model(r);
        if (seenIn[m] !== g) {
          seenIn[m] = g;
          valueOf[m] = v;
          s.models++;
        } else if (valueOf[m] !== v) s.withinModel = true;
      }
      const fam = groupNames[g]!;
      if (splitBy !== null ? s.values.size > 1 : splitsGroup(s)) families.add(fam);
      else if (s.values.size > 1) guessedPerModel = true;
    }
    if (families.size > 0) labelCols.set(k, families);
    else if (guessedPerModel) perModel.push(c);
  });
  const warnings: string[] = [];
  if (unknown.length > 0 || ignored.size > 0) {
    const labels = [...labelCols.keys()].map((k) => unknown[k]!);
    const extras = unknown.filter((_, k) => !labelCols.has(k));
    const parts: string[] = [];
    if (labels.length > 0) parts.push(`${labels.join(', ')} split curves as labels`);
    if (extras.length > 0) parts.push(`${extras.join(', ')} kept as point attributes`);
    const skipped = d.header.filter((h) => ignored.has(h));
    if (skipped.length > 0) parts.push(`${skipped.join(', ')} ignored`);
    if (parts.length > 0) warnings.push(`${file}: unknown columns: ${parts.join('; ')}`);
    if (perModel.length > 0) {
      warnings.push(`${file}: ${perModel.join(', ')} ${perModel.length > 1 ? 'take' : 'takes'} one value per model, so ${perModel.length > 1 ? 'they ride' : 'it rides'} along instead of splitting every model into its own curve (--split-by ${perModel[0]} to split by it)`);
    }
  }
  return { labelCols, warnings };
}
