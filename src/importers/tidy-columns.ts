import { DataError } from '../core/errors.js';
import { TableBuilder, type ObservationTable } from '../core/curves/observation-table.js';
import { CsvSyntaxError } from './csv-text.js';
import { forEachCsvByteRecord, type CsvBatch } from './csv-bytes.js';
import { ByteNames } from './byte-names.js';
import { PairCodes } from '../core/curves/pair-codes.js';
import { parseBoolCell, parseNumberBytes, parseParamsBytes } from './parse-number.js';
import { tidyHeader, unknownColumnRoles, type ColumnRoles } from './tidy-csv.js';

export interface ImportedTable {
  readonly table: ObservationTable;
  readonly warnings: string[];
  readonly columns: readonly string[];
}

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/** A number cell's check: 0 none; 1: > 0; 2: >= 0; 3: a whole number >= 0; 4: a whole number > 0. */
type Check = 0 | 1 | 2 | 3 | 4;

// The batch's loops over one column, outside the reader's closure so that they read only locals.

/** Column `col` of a batch as numbers into out[r0…] (NaN where empty); false at a cell the row-wise checks must name. */
function numberColumn(bt: CsvBatch, col: number, params: boolean, out: Float64Array, r0: number, check: Check, required: boolean): boolean {
  const { bytes, records, width: w, starts: S, ends: E } = bt;
  for (let r = r0, at = col, end = r0 + records; r < end; r++, at += w) {
    if (!(params ? parseParamsBytes(bytes, S[at]!, E[at]!, out, r) : parseNumberBytes(bytes, S[at]!, E[at]!, out, r))) {
      if (required) return false;
      continue;
    }
    const v = out[r]!;
    if (v - v !== 0) return false; // not finite
    if (check === 0) continue;
    if (check === 1 || check === 4 ? !(v > 0) : v < 0) return false;
    if (check >= 3 && Math.floor(v) !== v) return false;
  }
  return true;
}

/**
 * Tidy CSV straight into columns (`ObservationTable`): the same rows, checks, errors and
 * warnings as `importTidyCsvChunks`, read from bytes (`forEachCsvByteRecord`) with no object
 * and no string per row: numbers are parsed from the bytes, names become codes through
 * `ByteNames`, and an unknown column's values are codes until the columns that split curves are
 * known, when each distinct combination becomes one shared labels object. Plain records come in
 * batches and are read a column at a time (`readBatch`); a batch with anything to report is
 * read again a row at a time (`onRecord`), whose checks in the row reader's order name the line.
 * `fileBytes` (the file's size, 0 when unknown) sizes the columns from the first batch's rows.
 */
export function importTidyTable(chunks: Iterable<Buffer>, file: string, roles: ColumnRoles = {}, fileBytes = 0): ImportedTable {
  let header: string[] | null = null;
  const ignored = new Set(roles.ignore ?? []);
  let unknown: string[] = [];
  let unknownIdx: number[] = [];
  const b = new TableBuilder(1 << 14);
  const names = new ByteNames((s) => b.name(s));
  const nameOf = b.names; // grows as names are added
  let raw = new Int32Array(0); // unknown columns' value codes, row-major
  let distinct: Set<number>[] = []; // per unknown column
  let iFamily = 0, iModel = 0, iParams = 0, iTask = 0, iMetric = 0, iValue = 0;
  let iShots = -1, iSeed = -1, iStep = -1, iTokens = -1, iFlops = -1, iN = -1, iStderr = -1, iLow = -1, iHigh = -1, iHib = -1;
  let cur: Buffer = Buffer.alloc(0);
  let curStarts: Int32Array = new Int32Array(0);
  let curEnds: Int32Array = new Int32Array(0);
  let curLine = 0;
  const cell = (i: number): string => cur.toString('utf8', curStarts[i]!, curEnds[i]!);
  const at = (field: string, message: string): DataError => new DataError(message, { code: 'CSV_VALUE', file, line: curLine, field });
  const text = (i: number, c: string): number => {
    const code = names.code(i, cur, curStarts[i]!, curEnds[i]!);
    if (nameOf[code]!.length === 0) throw at(c, 'empty');
    return code;
  };
  // Parsed into column `out` at row r (NaN when the cell is empty or the column absent), then
  // checked: 1: > 0; 2: >= 0; 3: a whole number >= 0; 4: a whole number > 0. False: empty.
  const num = (i: number, c: string, out: Float64Array, r: number, check: 0 | 1 | 2 | 3 | 4 = 0): boolean => {
    if (i < 0) {
      out[r] = NaN;
      return false;
    }
    const got = i === iParams ? parseParamsBytes(cur, curStarts[i]!, curEnds[i]!, out, r) : parseNumberBytes(cur, curStarts[i]!, curEnds[i]!, out, r);
    if (!got) return false;
    const v = out[r]!;
    if (!Number.isFinite(v)) throw at(c, `expected a finite number, got ${JSON.stringify(cell(i))}`);
    if (check === 0) return true;
    if ((check === 1 || check === 4) && !(v > 0)) throw at(c, `must be > 0, got ${cell(i).trim()}`);
    if ((check === 2 || check === 3) && v < 0) throw at(c, `must be >= 0, got ${cell(i).trim()}`);
    if (check >= 3 && !Number.isInteger(v)) throw at(c, `must be a whole number, got ${cell(i).trim()}`);
    return true;
  };
  const fileCode = b.fileCode(file);
  const onRecord = (bytes: Buffer, starts: Int32Array, ends: Int32Array, count: number, line: number): void => {
    cur = bytes;
    curStarts = starts;
    curEnds = ends;
    curLine = line;
    if (header === null) {
      const h = Array.from({ length: count }, (_, i) => cell(i).trim());
      const th = tidyHeader(h, file, ignored);
      [iFamily, iModel, iParams, iTask, iMetric, iValue] = th.required;
      [iShots, iSeed, iStep, iTokens, iFlops, iN, iStderr, iLow, iHigh, iHib] = th.optional;
      ({ unknown, unknownIdx } = th);
      raw = new Int32Array(unknown.length * 1024);
      distinct = unknown.map(() => new Set<number>());
      header = h;
      sink.width = h.length;
      return;
    }
    if (count !== header.length) {
      throw new DataError(`expected ${header.length} fields, got ${count}`, { code: 'CSV_FIELD_COUNT', file, line });
    }
    // The checks in the order of the row reader, so a row with two faults names the same one;
    // numbers go straight into their columns (a row that fails is never finished).
    const r = b.addRow();
    const { num: f, code: k } = b;
    k.family[r] = text(iFamily, 'family');
    if (!num(iParams, 'params', f.params, r, 1)) throw at('params', 'empty');
    if (!num(iValue, 'value', f.value, r)) throw at('value', 'empty');
    let hib = -1;
    if (iHib >= 0 && ends[iHib]! > starts[iHib]!) {
      const hibCell = cell(iHib);
      const v = parseBoolCell(hibCell);
      if (v === 'invalid') throw at('higher_is_better', `expected true or false, got ${JSON.stringify(hibCell)}`);
      hib = v === null ? -1 : v ? 1 : 0;
    }
    b.hib[r] = hib;
    num(iLow, 'low', f.low, r);
    num(iHigh, 'high', f.high, r);
    if (f.low[r]! > f.high[r]!) throw at('low', `low ${f.low[r]} > high ${f.high[r]}`);
    num(iN, 'n', f.n, r, 4);
    let seed = -1;
    if (iSeed >= 0) {
      seed = names.code(iSeed, cur, starts[iSeed]!, ends[iSeed]!);
      if (nameOf[seed]!.length === 0) seed = -1;
    }
    k.seed[r] = seed;
    k.model[r] = text(iModel, 'model');
    k.task[r] = text(iTask, 'task');
    k.metric[r] = text(iMetric, 'metric');
    num(iShots, 'shots', f.shots, r, 3);
    num(iStderr, 'stderr', f.stderr, r, 2);
    num(iStep, 'step', f.step, r, 2);
    num(iTokens, 'tokens', f.tokens, r, 2);
    num(iFlops, 'flops', f.flops, r, 2);
    k.file[r] = fileCode;
    k.line[r] = line;
    const u = unknown.length;
    if (u > 0) {
      if ((r + 1) * u > raw.length) {
        const more = new Int32Array(raw.length * 2);
        more.set(raw);
        raw = more;
      }
      for (let q = 0; q < u; q++) {
        const i = unknownIdx[q]!;
        const v = names.code(i, cur, starts[i]!, ends[i]!);
        raw[r * u + q] = v;
        distinct[q]!.add(v);
      }
    }
  };
  // Kind of a higher_is_better cell by its name code: 0 false, 1 true, -1 empty, 2 invalid, -2 not yet seen.
  let hibOfCode = new Int8Array(64).fill(-2);
  const hibCode = (code: number): number => {
    if (code >= hibOfCode.length) {
      const more = new Int8Array(Math.max(code + 1, hibOfCode.length * 2)).fill(-2);
      more.set(hibOfCode);
      hibOfCode = more;
    }
    let h = hibOfCode[code]!;
    if (h === -2) {
      const v = parseBoolCell(nameOf[code]!);
      hibOfCode[code] = h = v === 'invalid' ? 2 : v === null ? -1 : v ? 1 : 0;
    }
    return h;
  };
  let scratch = new Int32Array(0); // one batch's codes of a column that is not stored as read
  /** A batch's rows column by column from row r0; false when any cell needs the row-wise checks. */
  const readBatch = (bt: CsvBatch, r0: number): boolean => {
    const { bytes, records, width: w, starts: S, ends: E } = bt;
    const end = r0 + records;
    const { num: f, code: k } = b;
    if (scratch.length < records) scratch = new Int32Array(records);
    const names_ = (col: number, out: Int32Array): boolean => names.codeColumn(col, bytes, S, E, w, records, out, r0);
    const numbers = (col: number, out: Float64Array, check: Check, required: boolean): boolean => {
      if (col < 0) {
        out.fill(NaN, r0, end);
        return true;
      }
      return numberColumn(bt, col, col === iParams, out, r0, check, required);
    };
    if (!names_(iFamily, k.family) || !names_(iModel, k.model) || !names_(iTask, k.task) || !names_(iMetric, k.metric)) return false;
    if (!numbers(iParams, f.params, 1, true) || !numbers(iValue, f.value, 0, true) || !numbers(iLow, f.low, 0, false) || !numbers(iHigh, f.high, 0, false)) return false;
    if (!numbers(iN, f.n, 4, false) || !numbers(iShots, f.shots, 3, false) || !numbers(iStderr, f.stderr, 2, false)) return false;
    if (!numbers(iStep, f.step, 2, false) || !numbers(iTokens, f.tokens, 2, false) || !numbers(iFlops, f.flops, 2, false)) return false;
    const { low, high } = f;
    for (let r = r0; r < end; r++) if (low[r]! > high[r]!) return false;
    const hib = b.hib;
    if (iHib < 0) hib.fill(-1, r0, end);
    else {
      names.codeColumn(iHib, bytes, S, E, w, records, scratch, 0);
      for (let q = 0; q < records; q++) {
        const h = hibCode(scratch[q]!);
        if (h === 2) return false;
        hib[r0 + q] = h;
      }
    }
    const seed = k.seed;
    if (iSeed < 0) seed.fill(-1, r0, end);
    else {
      if (!names.codeColumn(iSeed, bytes, S, E, w, records, seed, r0)) {
        for (let r = r0; r < end; r++) if (seed[r] === names.emptyCode) seed[r] = -1;
      }
    }
    k.file.fill(fileCode, r0, end);
    k.line.set(bt.lines.subarray(0, records), r0);
    const u = unknown.length;
    if (u > 0) {
      if (end * u > raw.length) {
        let size = raw.length * 2;
        while (size < end * u) size *= 2;
        const more = new Int32Array(size);
        more.set(raw);
        raw = more;
      }
      for (let q = 0; q < u; q++) {
        const i = unknownIdx[q]!;
        const seen = distinct[q]!;
        let last = -1;
        names.codeColumn(i, bytes, S, E, w, records, scratch, 0);
        for (let j = 0, at = r0 * u + q; j < records; j++, at += u) {
          const v = scratch[j]!;
          raw[at] = v;
          if (v !== last) seen.add((last = v));
        }
      }
    }
    return true;
  };
  const sink = {
    width: 0,
    onBatch: (bt: CsvBatch): void => {
      if (fileBytes > 0 && b.length === 0) {
        const bytesPerRow = (bt.ends[bt.records * bt.width - 1]! - bt.starts[0]! + 1) / bt.records;
        const rows = Math.ceil((1.05 * fileBytes) / bytesPerRow);
        b.reserve(rows);
        if (raw.length < rows * unknown.length) {
          const more = new Int32Array(rows * unknown.length);
          more.set(raw);
          raw = more;
        }
      }
      const r0 = b.addRows(bt.records);
      if (readBatch(bt, r0)) return;
      b.length = r0;
      for (let q = 0; q < bt.records; q++) {
        const at = q * bt.width;
        onRecord(bt.bytes, bt.starts.subarray(at, at + bt.width), bt.ends.subarray(at, at + bt.width), bt.width, bt.lines[q]!);
      }
    },
  };
  try {
    forEachCsvByteRecord(chunks, onRecord, sink);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new DataError(e.message, { code: 'CSV_SYNTAX', file, line: e.line });
    throw e;
  }
  if (header === null) throw new DataError('empty file: expected a header row', { code: 'EMPTY_FILE', file });
  const rows = b.length;
  if (rows === 0) throw new DataError('no data rows after the header', { code: 'EMPTY_FILE', file, line: 1 });
  const cols = header as string[];

  const u = unknown.length;
  const none = b.labelSet(NONE);
  b.extraSet(NONE);
  const t0 = b.finish();
  const shotsCode = new Map<number, number>();
  const groupPairs = [new PairCodes(), new PairCodes(), new PairCodes()] as const;
  const { labelCols, warnings } = unknownColumnRoles({
    file,
    header: cols,
    unknown,
    ignored,
    splitBy: roles.splitBy,
    rows,
    distinct: (q) => [...distinct[q]!].map((c) => nameOf[c]!),
    family: (r) => t0.family[r]!,
    familyName: (c) => nameOf[c]!,
    // Four codes coded a pair at a time (PairCodes): no string per group.
    groupKey: (r) => {
      const sh = t0.shots[r]!;
      let sc = shotsCode.get(sh); // SameValueZero: one code for NaN (no shots)
      if (sc === undefined) shotsCode.set(sh, (sc = shotsCode.size));
      return groupPairs[2].code(groupPairs[1].code(groupPairs[0].code(t0.family[r]!, t0.task[r]!), t0.metric[r]!), sc);
    },
    sameGroup: (r, p) => t0.family[r] === t0.family[p] && t0.task[r] === t0.task[p] && t0.metric[r] === t0.metric[p] && Object.is(t0.shots[r], t0.shots[p]),
    models: nameOf.length,
    model: (r) => t0.model[r]!,
    value: (r, q) => raw[r * u + q]!,
  });
  if (u > 0) {
    // Rows share their label and attribute objects when the values are the same (few combinations).
    const { labels, extra, family } = b.code;
    const cache = new Map<string, number>();
    for (let r = 0; r < rows; r++) {
      const base = r * u;
      if (r > 0 && family[r] === family[r - 1]) {
        let same = true;
        for (let q = 0; q < u && same; q++) same = raw[base + q] === raw[base - u + q];
        if (same) {
          labels[r] = labels[r - 1]!;
          extra[r] = extra[r - 1]!;
          continue;
        }
      }
      const fam = nameOf[family[r]!]!;
      let lid = 'l';
      let eid = 'e';
      for (let q = 0; q < u; q++) {
        const v = nameOf[raw[base + q]!]!;
        if (labelCols.get(q)?.has(fam)) lid += `\u0000${q}\u0001${v}`;
        else if (v !== '') eid += `\u0000${q}\u0001${v}`;
      }
      const pick = (id: string, label: boolean): number => {
        if (id.length === 1) return none;
        let got = cache.get(id);
        if (got === undefined) {
          const rec: Record<string, string> = {};
          for (let q = 0; q < u; q++) {
            const v = nameOf[raw[base + q]!]!;
            const isLabel = labelCols.get(q)?.has(fam) ?? false;
            if (isLabel === label && (label || v !== '')) rec[unknown[q]!] = v;
          }
          cache.set(id, (got = label ? b.labelSet(rec) : b.extraSet(rec)));
        }
        return got;
      };
      labels[r] = pick(lid, true);
      extra[r] = pick(eid, false);
    }
  } else {
    b.code.labels.fill(none, 0, rows);
    b.code.extra.fill(none, 0, rows);
  }
  return { table: b.finish(), warnings, columns: cols };
}
