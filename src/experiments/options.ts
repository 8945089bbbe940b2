import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { BUDGET_NAMES, type BudgetName, type ParamDef, type ParamSchema } from './contract.js';

/**
 * An experiment's command line, generated from its declared parameters: one option per parameter
 * (camelCase key → --kebab-case), beside the options every experiment shares. The same table makes
 * --help and validates values, so the two cannot drift apart.
 */
export type ParamValueAny = number | string | readonly string[] | readonly number[];

/** What the help and the parser need of an experiment, whatever its types. */
export interface ExperimentInfo {
  readonly id: string;
  readonly question: string;
  readonly citation: string;
  readonly about: string;
  readonly parameters: ParamSchema;
  readonly budgets: Readonly<Record<BudgetName, { readonly params: Readonly<Record<string, ParamValueAny>>; readonly expected: string; readonly jobs: number }>>;
}

export interface ExperimentOptions {
  readonly budget: BudgetName;
  /** Parameters given on the command line; the rest come from the budget. */
  readonly overrides: Readonly<Record<string, ParamValueAny>>;
  readonly seed: number;
  readonly dir: string | null;
  readonly jobs: number | null;
  readonly out: string | null;
  readonly html: string | null;
  readonly json: boolean;
  readonly help: boolean;
}

/**
 * One command-line option: its type, the word shown for its value, and its help. A command declares
 * a table of them; the same table makes its --help and its parser (`parseOptionTable`).
 */
export interface OptionDef {
  readonly type: 'string' | 'boolean';
  readonly arg: string;
  readonly help: string;
  readonly short?: string;
}
export type OptionTable = Readonly<Record<string, OptionDef>>;
export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** Parses argv against a table: unknown options and stray arguments are usage errors (exit 2). */
export function parseOptionTable<T extends OptionTable>(table: T, argv: readonly string[], o: { positionals?: boolean } = {}): { values: OptionValues<T>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [k, d] of Object.entries(table)) options[k] = { type: d.type, ...(d.short ? { short: d.short } : {}) };
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: o.positionals ?? false, strict: true });
  return { values: values as OptionValues<T>, positionals };
}

/** The options part of a command's --help, from its table. */
export function optionTableHelp(t: OptionTable): string {
  return table(Object.entries(t).map(([k, d]): [string, string] => [`${d.short ? `-${d.short}, ` : ''}--${k}${d.arg ? ` ${d.arg}` : ''}`, d.help]));
}

const COMMON = {
  budget: { type: 'string', arg: 'quick|full', help: 'the parameter preset (default quick)' },
  seed: { type: 'string', arg: 'N', help: 'the root of the seed tree: same seed, same numbers (default 1)' },
  dir: { type: 'string', arg: 'DIR', help: 'models in DIR/models, the store in DIR/<budget> (default ./<experiment>)' },
  jobs: { type: 'string', arg: 'N', help: "members trained at once, each in its own process (default: the budget's, at most the cores)" },
  out: { type: 'string', arg: 'FILE', help: 'write the whole result as one JSON document (atomically)' },
  html: { type: 'string', arg: 'FILE', help: 'write the HTML report: charts, the audit, every curve' },
  json: { type: 'boolean', arg: '', help: 'print the JSON document to stdout instead of the tables' },
  quiet: { type: 'boolean', arg: '', help: 'no progress or log lines on stderr' },
  help: { type: 'boolean', arg: '', help: 'this help' },
} as const satisfies OptionTable;

export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

// A default computed as 0.014 × 0.4 prints as 0.0056, not 0.005600000000000001: 12 significant digits.
const showOne = (v: number | string): string => (typeof v === 'number' ? String(Number(v.toPrecision(12))) : v);
const show = (v: ParamValueAny): string => (typeof v === 'number' || typeof v === 'string' ? showOne(v) : v.map(showOne).join(','));

function argOf(d: ParamDef): string {
  return d.kind === 'int' ? 'N' : d.kind === 'number' ? 'X' : d.kind === 'choice' ? 'NAME' : 'LIST';
}

function rangeOf(d: ParamDef): string {
  switch (d.kind) {
    case 'int': case 'number': return `${d.min}..${d.max}`;
    case 'names': return `comma-separated, of ${d.choices.join(', ')}`;
    case 'numbers': return `comma-separated, each ${d.min}..${d.max}`;
    case 'choice': return `one of ${d.choices.join(', ')}`;
  }
}

/** Parses one parameter's text, or throws a ConfigError naming the option and what it expected. */
export function parseParam(key: string, d: ParamDef, text: string): ParamValueAny {
  const field = `--${kebab(key)}`;
  const bad = (what: string): ConfigError => new ConfigError(`expected ${what}, got ${JSON.stringify(text)}`, { code: 'USAGE', field });
  const num = (t: string, int: boolean, min: number, max: number): number => {
    const ok = int ? /^-?\d+$/.test(t.trim()) : t.trim() !== '' && Number.isFinite(Number(t));
    const v = Number(t);
    if (!ok || v < min || v > max) throw bad(`${int ? 'a whole number' : 'a number'} in ${min}..${max}`);
    return v;
  };
  switch (d.kind) {
    case 'int': return num(text, true, d.min, d.max);
    case 'number': return num(text, false, d.min, d.max);
    case 'names': {
      const names = text.split(',').map((s) => s.trim());
      if (names.some((n) => !d.choices.includes(n)) || new Set(names).size !== names.length) throw bad(`distinct names of ${d.choices.join(', ')}, comma-separated`);
      return names;
    }
    case 'numbers': {
      const vs = text.split(',').map((s) => num(s, false, d.min, d.max));
      if (new Set(vs).size !== vs.length) throw bad('distinct numbers');
      return vs;
    }
    case 'choice': {
      const name = text.trim();
      if (!d.choices.includes(name)) throw bad(`one of ${d.choices.join(', ')}`);
      return name;
    }
  }
}

export function parseExperimentArgs(info: ExperimentInfo, argv: readonly string[]): ExperimentOptions {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [k, o] of Object.entries(COMMON)) options[k] = { type: o.type, ...(k === 'help' ? { short: 'h' } : {}) };
  for (const k of Object.keys(info.parameters)) options[kebab(k)] = { type: 'string' };
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])}`, { code: 'USAGE', hint: `see 'emergence experiment ${info.id} --help'` });
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const budget = str('budget') ?? 'quick';
  if (!BUDGET_NAMES.includes(budget as BudgetName)) throw new ConfigError(`expected quick or full, got ${JSON.stringify(budget)}`, { code: 'USAGE', field: '--budget' });
  const whole = (k: string, min: number): number | null => {
    const t = str(k);
    if (t === undefined) return null;
    if (!/^\d+$/.test(t) || Number(t) < min) throw new ConfigError(`expected a whole number >= ${min}, got ${JSON.stringify(t)}`, { code: 'USAGE', field: `--${k}` });
    return Number(t);
  };
  const overrides: Record<string, ParamValueAny> = {};
  for (const [k, d] of Object.entries(info.parameters)) {
    const t = str(kebab(k));
    if (t !== undefined) overrides[k] = parseParam(k, d, t);
  }
  return {
    budget: budget as BudgetName, overrides, seed: whole('seed', 0) ?? 1, dir: str('dir') ?? null, jobs: whole('jobs', 1),
    out: str('out') ?? null, html: str('html') ?? null, json: values.json === true, help: values.help === true,
  };
}

const wrap = (text: string, indent: string, width = 100): string => {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + w.length > width) {
      out.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out.join('\n');
};

function table(rows: readonly [string, string][]): string {
  const w = Math.max(...rows.map(([a]) => a.length)) + 2;
  return rows.map(([a, b]) => `  ${a.padEnd(w)}${wrap(b, ' '.repeat(w + 2)).trimStart()}`).join('\n');
}

/** `emergence experiment NAME --help`, from the declared parameters and budgets. */
export function experimentHelp(info: ExperimentInfo): string {
  const params = Object.entries(info.parameters).map(([k, d]): [string, string] => [
    `--${kebab(k)} ${argOf(d)}`,
    `${d.help} (${rangeOf(d)}; quick ${show(info.budgets.quick.params[k]!)}, full ${show(info.budgets.full.params[k]!)})`,
  ]);
  const common = Object.entries(COMMON).map(([k, o]): [string, string] => [`--${k}${o.arg ? ` ${o.arg}` : ''}`, o.help]);
  return [
    `emergence experiment ${info.id} [options]`,
    '',
    info.question,
    '',
    wrap(info.about, ''),
    `Source: ${info.citation}`,
    '',
    'Budgets:',
    table(BUDGET_NAMES.map((b): [string, string] => [b, `${info.budgets[b].expected}; ${info.budgets[b].jobs} at a time`])),
    '',
    'Parameters (default: the budget\'s; giving any makes a custom plan with a store of its own):',
    table(params),
    '',
    'Options:',
    table(common),
    '',
    'Trained members are reused when their identity (a hash of model, training, data and seed) matches; an',
    'interrupted run resumes from its checkpoints and its store with the same command.',
  ].join('\n') + '\n';
}

/** `emergence experiment list`: every experiment with its question and budgets. */
export function experimentList(list: readonly ExperimentInfo[]): string {
  const w = Math.max(...list.map((e) => e.id.length)) + 2;
  return list.map((e) => [
    `${e.id.padEnd(w)}${e.question}`,
    ...BUDGET_NAMES.map((b) => `${' '.repeat(w)}--budget ${b}: ${e.budgets[b].expected}`),
  ].join('\n')).join('\n') + '\n';
}
