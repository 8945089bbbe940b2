import { ConfigError } from '../core/errors.js';
import { parseEvalDoc, parseYamlFile, type EvalConfig } from '../harness/config.js';
import type { Operation } from '../tasks/arithmetic.js';
import { NAMED_SIZES } from '../zoo/gpt.js';

/**
 * `emergence sweep --config sweep.yaml`: families × models × tasks × seeds × settings. The models,
 * tasks and harness settings are eval.yaml's own fields, checked by the eval config's parser (one
 * contract for a run's settings); a family is either models behind servers (eval.yaml's `models`) or
 * a ladder the lab trains (`train`). An error names the field as the sweep file spells it.
 */
export interface TrainFamily {
  readonly sizes: readonly string[];
  readonly digits: number;
  readonly operation: Operation;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly weightDecay: number;
}

export interface SweepFamily {
  readonly family: string;
  /** null: the models of the eval configs are served by others; else the ladder the sweep trains. */
  readonly train: TrainFamily | null;
  /** One eval config per (setting, seed), index settings.length * seedIndex + settingIndex. */
  readonly configs: readonly EvalConfig[];
}

export interface SweepConfig {
  readonly file: string;
  readonly name: string;
  readonly store: string | null;
  readonly seeds: readonly number[];
  /** How many settings each family has (at least one: the `eval` block alone). */
  readonly settings: number;
  readonly families: readonly SweepFamily[];
}

export const EXAMPLE_SWEEP = `sweep: mirage-sweep                 # the sweep's name (status and collect report it)
store: ./sweep.duckdb               # where a local run writes, and what collect writes by default
seeds: [1, 2, 3]                    # every job once per seed (the harness's seed; a trained member's training seed derives from it)
eval:                               # eval.yaml's settings, shared by every job
  max_tokens: 8
  metrics: [exact_match, token_edit_distance, per_token_accuracy, target_loglik]
settings:                           # variants of them, each job once per variant (default: the eval block alone)
  - { shots: 0 }
  - { shots: 2 }
tasks:                              # eval.yaml's tasks
  - name: add2
    arithmetic: { digits: 2, operation: add, count: 100, seed: 1, pad_answer: true }
families:
  - family: pythia                  # models behind OpenAI-compatible servers: eval.yaml's models
    models:
      - { name: pythia-160m, params: 162322944, provider: { base_url: http://127.0.0.1:8000, model: EleutherAI/pythia-160m } }
  - family: lab-arith               # a ladder the workers train (arithmetic transformers), then evaluate
    train: { sizes: [xxs, xs, s], digits: 2, operation: add, steps: 300, batch: 32, lr: 0.003, warmup: 20, weight_decay: 0.1 }
`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);

/** Fields of eval.yaml that a sweep sets elsewhere (per family, per seed, or for the whole sweep). */
const NOT_SETTINGS: Readonly<Record<string, string>> = {
  family: 'families[].family', models: 'families[].models', tasks: 'tasks', seed: 'seeds', store: 'store',
};

/** A trained family's members stand in for eval.yaml's models while its settings are checked. */
const PLACEHOLDER_MODELS = [{ name: 'trained', params: 1, provider: { base_url: 'http://127.0.0.1:1' } }];

export function parseSweepConfig(text: string, file: string): SweepConfig {
  const doc = parseYamlFile(text, file);
  const fail = (field: string, message: string, hint?: string): ConfigError => new ConfigError(message, { code: 'CONFIG_FIELD', file, field, ...(hint ? { hint } : {}) });
  const only = (o: Obj, at: string, allowed: readonly string[]): void => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) throw fail(at ? `${at}.${k}` : k, 'unknown field', `known: ${allowed.join(', ')}`);
  };
  if (!isObj(doc)) throw fail('(root)', `expected a mapping, got ${kind(doc)}`);
  only(doc, '', ['sweep', 'store', 'seeds', 'eval', 'settings', 'tasks', 'families']);
  if (typeof doc.sweep !== 'string' || !/^[\w.-]+$/.test(doc.sweep)) throw fail('sweep', `expected a name of letters, digits, . _ -, got ${doc.sweep === undefined ? 'nothing' : JSON.stringify(doc.sweep)}`);
  if (doc.store !== undefined && (typeof doc.store !== 'string' || doc.store === '')) throw fail('store', `expected a path, got ${kind(doc.store)}`);
  const seedList = doc.seeds ?? [0];
  if (!Array.isArray(seedList) || seedList.length === 0) throw fail('seeds', `expected a non-empty list of whole numbers, got ${kind(seedList)}`);
  seedList.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw fail(`seeds[${i}]`, `expected a whole number >= 0, got ${JSON.stringify(s)}`);
    if (seedList.indexOf(s) !== i) throw fail(`seeds[${i}]`, `seed ${s} appears twice`);
  });
  const seeds = seedList as number[];
  const base = doc.eval ?? {};
  if (!isObj(base)) throw fail('eval', `expected a mapping of eval.yaml's settings, got ${kind(base)}`);
  const settingList = doc.settings ?? [{}];
  if (!Array.isArray(settingList) || settingList.length === 0) throw fail('settings', `expected a non-empty list of mappings, got ${kind(settingList)}`);
  const check = (o: Obj, at: string): void => {
    for (const k of Object.keys(o)) if (k in NOT_SETTINGS) throw fail(`${at}.${k}`, `a sweep sets this in ${NOT_SETTINGS[k]}`);
  };
  check(base, 'eval');
  settingList.forEach((s, i) => {
    if (!isObj(s)) throw fail(`settings[${i}]`, `expected a mapping, got ${kind(s)}`);
    check(s, `settings[${i}]`);
  });
  if (!Array.isArray(doc.families) || doc.families.length === 0) throw fail('families', 'expected a non-empty list of families');
  const names = new Set<string>();
  const families = doc.families.map((f, i): SweepFamily => {
    const at = `families[${i}]`;
    if (!isObj(f)) throw fail(at, `expected a mapping, got ${kind(f)}`);
    only(f, at, ['family', 'models', 'train']);
    if (typeof f.family !== 'string' || f.family === '') throw fail(`${at}.family`, `expected a non-empty string, got ${f.family === undefined ? 'nothing' : kind(f.family)}`);
    if (names.has(f.family)) throw fail(`${at}.family`, `family "${f.family}" appears twice`);
    names.add(f.family);
    if ((f.models === undefined) === (f.train === undefined)) throw fail(at, 'give exactly one of models (served by others) or train (a ladder the sweep trains)');
    const train = f.train === undefined ? null : parseTrain(f.train, `${at}.train`, fail);
    const configs: EvalConfig[] = [];
    seeds.forEach((seed, si) => {
      settingList.forEach((setting: Obj, k) => {
        const evalDoc = { ...base, ...setting, family: f.family, models: train ? PLACEHOLDER_MODELS : f.models, tasks: doc.tasks, seed };
        try {
          configs.push(parseEvalDoc(evalDoc, file));
        } catch (e) {
          if (!(e instanceof ConfigError) || e.field === undefined) throw e;
          // The eval parser names a field of the document built here: say where the sweep file has it.
          const head = /^[^.[]+/.exec(e.field)?.[0] ?? e.field;
          const where = head === 'models' ? `${at}.${e.field}` : head === 'tasks' || head === '(root)' ? e.field
            : head in setting ? `settings[${k}].${e.field}` : head === 'seed' ? `seeds[${si}]` : `eval.${e.field}`;
          throw new ConfigError(e.message, { code: e.code, file, field: where, ...(e.hint ? { hint: e.hint } : {}) });
        }
      });
    });
    return { family: f.family, train, configs };
  });
  return { file, name: doc.sweep, store: doc.store === undefined ? null : (doc.store as string), seeds, settings: settingList.length, families };
}

function parseTrain(t: unknown, at: string, fail: (field: string, message: string, hint?: string) => ConfigError): TrainFamily {
  if (!isObj(t)) throw fail(at, `expected a mapping, got ${kind(t)}`);
  const allowed = ['sizes', 'digits', 'operation', 'steps', 'batch', 'lr', 'warmup', 'weight_decay'];
  for (const k of Object.keys(t)) if (!allowed.includes(k)) throw fail(`${at}.${k}`, 'unknown field', `known: ${allowed.join(', ')}`);
  const num = (k: string, dflt: number | undefined, ok: (n: number) => boolean, what: string): number => {
    const v = t[k];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number' || !ok(v)) throw fail(`${at}.${k}`, `expected ${what}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return v;
  };
  const int = (n: number): boolean => Number.isInteger(n);
  const sizes = t.sizes;
  if (!Array.isArray(sizes) || sizes.length === 0) throw fail(`${at}.sizes`, 'expected a non-empty list of named sizes', `of ${Object.keys(NAMED_SIZES).join(', ')}`);
  sizes.forEach((s, i) => {
    if (typeof s !== 'string' || !(s in NAMED_SIZES)) throw fail(`${at}.sizes[${i}]`, `unknown size ${JSON.stringify(s)}`, `one of ${Object.keys(NAMED_SIZES).join(', ')}`);
    if (sizes.indexOf(s) !== i) throw fail(`${at}.sizes[${i}]`, `size ${s} appears twice`);
  });
  const op = t.operation ?? 'add';
  if (op !== 'add' && op !== 'sub' && op !== 'mul') throw fail(`${at}.operation`, `expected add, sub or mul, got ${JSON.stringify(op)}`);
  return {
    sizes: sizes as string[],
    digits: num('digits', undefined, (n) => int(n) && n >= 1 && n <= 5, 'a whole number 1..5'),
    operation: op,
    steps: num('steps', undefined, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    batch: num('batch', 64, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    lr: num('lr', 1e-3, (n) => n > 0, 'a number > 0'),
    warmup: num('warmup', 50, (n) => int(n) && n >= 0, 'a whole number >= 0'),
    weightDecay: num('weight_decay', 0.1, (n) => n >= 0, 'a number >= 0'),
  };
}
