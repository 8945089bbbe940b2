import type { Observation } from '../types.js';

/**
 * Observations as columns: a million rows of a tidy CSV are a few typed arrays and a dictionary
 * of names, not a million objects (an object per row was three quarters of the loading time:
 * building them, then collecting them). Names (family, model, task, metric, seed) are codes into
 * `names`; a nullable number is NaN where the source gives none; labels and point attributes are
 * codes into shared sets. `observationAt` gives a row back as an `Observation` where one is
 * needed (an error naming two rows, a metric axis lookup).
 */
export interface ObservationTable {
  readonly length: number;
  readonly names: readonly string[];
  readonly family: Int32Array;
  readonly model: Int32Array;
  readonly task: Int32Array;
  readonly metric: Int32Array;
  /** -1: no seed. */
  readonly seed: Int32Array;
  readonly params: Float64Array;
  readonly value: Float64Array;
  /** NaN: not given. */
  readonly shots: Float64Array;
  readonly stderr: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly n: Float64Array;
  readonly step: Float64Array;
  readonly tokens: Float64Array;
  readonly flops: Float64Array;
  /** -1: not stated; 0: lower is better; 1: higher. */
  readonly higherIsBetter: Int8Array;
  readonly labels: Int32Array;
  readonly labelSets: readonly Readonly<Record<string, string>>[];
  readonly extra: Int32Array;
  readonly extraSets: readonly Readonly<Record<string, string>>[];
  readonly file: Int32Array;
  readonly files: readonly string[];
  /** 0: the source has no line. */
  readonly line: Int32Array;
  /** The rows as the importer made them, when it made objects (JSON results): returned as they are. */
  readonly objects?: readonly Observation[];
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Row i as an observation (the importer's own object when it made one). */
export function observationAt(t: ObservationTable, i: number): Observation {
  if (t.objects) return t.objects[i]!;
  const seed = t.seed[i]!;
  const hib = t.higherIsBetter[i]!;
  const line = t.line[i]!;
  return {
    family: t.names[t.family[i]!]!,
    model: t.names[t.model[i]!]!,
    params: t.params[i]!,
    task: t.names[t.task[i]!]!,
    metric: t.names[t.metric[i]!]!,
    shots: orNull(t.shots[i]!),
    seed: seed < 0 ? null : t.names[seed]!,
    value: t.value[i]!,
    stderr: orNull(t.stderr[i]!),
    low: orNull(t.low[i]!),
    high: orNull(t.high[i]!),
    n: orNull(t.n[i]!),
    step: orNull(t.step[i]!),
    tokens: orNull(t.tokens[i]!),
    flops: orNull(t.flops[i]!),
    higherIsBetter: hib < 0 ? null : hib === 1,
    labels: t.labelSets[t.labels[i]!]!,
    extra: t.extraSets[t.extra[i]!]!,
    source: line > 0 ? { file: t.files[t.file[i]!]!, line } : { file: t.files[t.file[i]!]! },
  };
}

export function observationsOf(t: ObservationTable): Observation[] {
  if (t.objects) return [...t.objects];
  const out: Observation[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = observationAt(t, i);
  return out;
}

const NUMBER_COLUMNS = ['params', 'value', 'shots', 'stderr', 'low', 'high', 'n', 'step', 'tokens', 'flops'] as const;
const CODE_COLUMNS = ['family', 'model', 'task', 'metric', 'seed', 'labels', 'extra', 'file', 'line'] as const;
type NumberColumn = (typeof NUMBER_COLUMNS)[number];
type CodeColumn = (typeof CODE_COLUMNS)[number];

/**
 * Rows appended one at a time into growing columns. Names, label sets and files are given as
 * codes from `name`, `labelSet` and `fileCode`; `finish` returns the table (views, no copy).
 */
export class TableBuilder {
  length = 0;
  private capacity: number;
  readonly num: Record<NumberColumn, Float64Array>;
  readonly code: Record<CodeColumn, Int32Array>;
  hib: Int8Array;
  /** The dictionary so far (it grows as names are added). */
  readonly names: string[] = [];
  private readonly nameCodes = new Map<string, number>();
  private readonly labelSets: Readonly<Record<string, string>>[] = [];
  private readonly extraSets: Readonly<Record<string, string>>[] = [];
  private readonly files: string[] = [];

  constructor(capacity = 1024) {
    this.capacity = Math.max(16, capacity);
    this.num = Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, new Float64Array(this.capacity)])) as Record<NumberColumn, Float64Array>;
    this.code = Object.fromEntries(CODE_COLUMNS.map((c) => [c, new Int32Array(this.capacity)])) as Record<CodeColumn, Int32Array>;
    this.hib = new Int8Array(this.capacity);
  }

  name(s: string): number {
    let c = this.nameCodes.get(s);
    if (c === undefined) {
      this.nameCodes.set(s, (c = this.names.length));
      this.names.push(s);
    }
    return c;
  }

  labelSet(labels: Readonly<Record<string, string>>): number {
    this.labelSets.push(labels);
    return this.labelSets.length - 1;
  }

  extraSet(extra: Readonly<Record<string, string>>): number {
    this.extraSets.push(extra);
    return this.extraSets.length - 1;
  }

  fileCode(file: string): number {
    const i = this.files.indexOf(file);
    if (i >= 0) return i;
    this.files.push(file);
    return this.files.length - 1;
  }

  /** Room for one more row; returns its index. The caller fills every column at that index. */
  addRow(): number {
    if (this.length === this.capacity) this.grow(this.length + 1);
    return this.length++;
  }

  /** Room for `rows` rows in all without growing (a guess from the file's size: one allocation, not ten). */
  reserve(rows: number): void {
    if (rows > this.capacity) this.grow(rows);
  }

  /** Room for `count` more rows; returns the first one's index. The caller fills them all. */
  addRows(count: number): number {
    if (this.length + count > this.capacity) this.grow(this.length + count);
    const first = this.length;
    this.length += count;
    return first;
  }

  private grow(atLeast: number): void {
    this.capacity = Math.max(atLeast, this.capacity * 2);
    const more = <T extends Float64Array | Int32Array | Int8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    for (const c of NUMBER_COLUMNS) this.num[c] = more(this.num[c]);
    for (const c of CODE_COLUMNS) this.code[c] = more(this.code[c]);
    this.hib = more(this.hib);
  }

  finish(objects?: readonly Observation[]): ObservationTable {
    const n = this.length;
    const f = (c: NumberColumn): Float64Array => this.num[c].subarray(0, n);
    const k = (c: CodeColumn): Int32Array => this.code[c].subarray(0, n);
    return {
      length: n,
      names: this.names,
      family: k('family'), model: k('model'), task: k('task'), metric: k('metric'), seed: k('seed'),
      params: f('params'), value: f('value'), shots: f('shots'), stderr: f('stderr'), low: f('low'), high: f('high'),
      n: f('n'), step: f('step'), tokens: f('tokens'), flops: f('flops'),
      higherIsBetter: this.hib.subarray(0, n),
      labels: k('labels'), labelSets: this.labelSets, extra: k('extra'), extraSets: this.extraSets,
      file: k('file'), files: this.files, line: k('line'),
      ...(objects ? { objects } : {}),
    };
  }
}

const nanIfNull = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);

/**
 * Tables from several files, or observations from any importer, as one table. Tables alone are
 * joined column by column with their codes renumbered; where any part is objects (JSON results,
 * whose `source.field` a table has no column for) every row is kept as its object.
 */
export function tableOf(parts: readonly (ObservationTable | readonly Observation[])[]): ObservationTable {
  if (parts.length === 1 && !isObservationArray(parts[0]!)) return parts[0] as ObservationTable;
  const total = parts.reduce((s, p) => s + p.length, 0);
  const b = new TableBuilder(total);
  if (parts.every((p) => !isObservationArray(p))) {
    for (const p of parts as readonly ObservationTable[]) appendTable(b, p);
    return b.finish();
  }
  const objects: Observation[] = [];
  for (const p of parts) {
    if (isObservationArray(p)) objects.push(...p);
    else for (let i = 0; i < p.length; i++) objects.push(observationAt(p, i));
  }
  const labelCode = new Map<object, number>();
  const extraCode = new Map<object, number>();
  const setCode = (m: Map<object, number>, o: Readonly<Record<string, string>>, add: (o: Readonly<Record<string, string>>) => number): number => {
    let c = m.get(o);
    if (c === undefined) m.set(o, (c = add(o)));
    return c;
  };
  for (const o of objects) {
    const i = b.addRow();
    const { num, code } = b;
    code.family[i] = b.name(o.family);
    code.model[i] = b.name(o.model);
    code.task[i] = b.name(o.task);
    code.metric[i] = b.name(o.metric);
    code.seed[i] = o.seed === null ? -1 : b.name(o.seed);
    num.params[i] = o.params;
    num.value[i] = o.value;
    num.shots[i] = nanIfNull(o.shots);
    num.stderr[i] = nanIfNull(o.stderr);
    num.low[i] = nanIfNull(o.low);
    num.high[i] = nanIfNull(o.high);
    num.n[i] = nanIfNull(o.n);
    num.step[i] = nanIfNull(o.step);
    num.tokens[i] = nanIfNull(o.tokens);
    num.flops[i] = nanIfNull(o.flops);
    b.hib[i] = o.higherIsBetter === null ? -1 : o.higherIsBetter ? 1 : 0;
    code.labels[i] = setCode(labelCode, o.labels, (s) => b.labelSet(s));
    code.extra[i] = setCode(extraCode, o.extra, (s) => b.extraSet(s));
    code.file[i] = b.fileCode(o.source.file);
    code.line[i] = o.source.line ?? 0;
  }
  return b.finish(objects);
}

function appendTable(b: TableBuilder, t: ObservationTable): void {
  const names = Int32Array.from(t.names, (s) => b.name(s));
  const labels = Int32Array.from(t.labelSets, (s) => b.labelSet(s));
  const extras = Int32Array.from(t.extraSets, (s) => b.extraSet(s));
  const files = Int32Array.from(t.files, (s) => b.fileCode(s));
  for (let i = 0; i < t.length; i++) {
    const r = b.addRow();
    const { num, code } = b;
    code.family[r] = names[t.family[i]!]!;
    code.model[r] = names[t.model[i]!]!;
    code.task[r] = names[t.task[i]!]!;
    code.metric[r] = names[t.metric[i]!]!;
    code.seed[r] = t.seed[i]! < 0 ? -1 : names[t.seed[i]!]!;
    code.labels[r] = labels[t.labels[i]!]!;
    code.extra[r] = extras[t.extra[i]!]!;
    code.file[r] = files[t.file[i]!]!;
    code.line[r] = t.line[i]!;
    for (const c of NUMBER_COLUMNS) num[c][r] = t[c][i]!;
    b.hib[r] = t.higherIsBetter[i]!;
  }
}

function isObservationArray(p: ObservationTable | readonly Observation[]): p is readonly Observation[] {
  return Array.isArray(p);
}
