import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { metricDef } from '../core/metrics/registry.js';
import type { Operation } from '../tasks/arithmetic.js';

/**
 * `emergence eval --config eval.yaml`: a family of models behind OpenAI-compatible servers, the
 * tasks, and the settings of the run. Parsed once from `unknown`; an unknown field or a wrong type is
 * an error naming the field path and the file. The API key is never in the file: only the *name* of
 * the environment variable that holds it.
 */
export interface ProviderConfig {
  readonly baseUrls: readonly string[];
  readonly model: string;
  readonly api: 'completions' | 'chat';
  readonly apiKeyEnv: string | null;
  readonly concurrency: number;
  readonly rps: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
}
export interface ModelConfig {
  readonly name: string;
  readonly params: number;
  readonly provider: ProviderConfig;
}
export type TaskSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'arithmetic'; readonly digits: number; readonly operation: Operation; readonly count: number; readonly seed: number; readonly padAnswer: boolean };
export interface TaskConfig {
  readonly name: string;
  readonly source: TaskSource;
  readonly limit: number | null;
}
export interface EvalConfig {
  readonly file: string;
  readonly family: string;
  readonly store: string | null;
  readonly models: readonly ModelConfig[];
  readonly tasks: readonly TaskConfig[];
  readonly shots: number;
  readonly seed: number;
  readonly samplesPerExample: number;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly stop: readonly string[];
  readonly chainOfThought: boolean;
  readonly answer: 'first_line' | 'regex' | 'last_number' | 'marker';
  /** With answer: marker, the number right after the first occurrence of this string (GSM8K's '####'). */
  readonly answerMarker: string;
  readonly metrics: readonly string[] | null;
  readonly scoreTargets: boolean;
  /** null: the server's own (emergence serve reports `char`), else r50k_base. */
  readonly tokenizer: string | null;
  readonly cache: boolean;
}

export const EXAMPLE_CONFIG = `# A family of models, each behind an OpenAI-compatible server (vLLM, llama.cpp, Ollama, a hosted API,
# or emergence serve). Paths are relative to this file.
family: pythia
store: ./emergence.duckdb          # optional; --store overrides
models:
  - name: pythia-160m
    params: 162322944
    provider:
      base_url: http://127.0.0.1:8000   # or base_urls: [http://host-a:8000, http://host-b:8000] (replicas)
      model: EleutherAI/pythia-160m     # the server's model name (default: name)
      api: completions                  # completions (log-probabilities, echo) or chat
      api_key_env: OPENAI_API_KEY       # the NAME of the variable holding the key (optional)
      concurrency: 16                   # requests in flight to this model
      rps: 0                            # requests per second, 0 = unlimited
      timeout_ms: 60000
      max_retries: 6
      retry_base_ms: 500
  - name: pythia-410m
    params: 405334016
    provider: { base_url: http://127.0.0.1:8001, model: EleutherAI/pythia-410m }
tasks:
  - name: arithmetic-3d-add
    arithmetic: { digits: 3, operation: add, count: 200, seed: 1 }   # pad_answer: true for the lab's own models (0324, not 324)
  - name: boolean_expressions
    file: data/tasks/bbh_boolean_expressions.json   # BIG-bench JSON, or JSONL {input, target|targets, choices, gold}
    limit: 100
shots: 3                  # few-shot examples, drawn with the seed
seed: 0
samples_per_example: 1    # > 1: self-consistency (majority vote at temperature), every path kept
temperature: 0
max_tokens: 32
stop: ["\\n"]
chain_of_thought: false   # append "Let's think step by step." and take the last number
answer: first_line        # first_line | regex (the task's output_regex) | last_number | marker (the number after answer_marker)
answer_marker: '####'     # with answer: marker (GSM8K's convention)
score_targets: true       # also score the target's log-likelihood (needs api: completions)
metrics: [exact_match, token_edit_distance, target_loglik, per_token_accuracy]   # default: all that apply
tokenizer: r50k_base      # token metrics; default: what the server reports (emergence serve: char), else r50k_base
cache: true               # reuse identical requests (keyed by server, model and body; never headers)
`;

type Obj = Record<string, unknown>;

function padAnswer(a: Record<string, unknown>, field: string): boolean {
  const v = a.pad_answer;
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ConfigError(`expected true or false, got ${JSON.stringify(v)}`, { code: 'CONFIG_FIELD', field });
  return v;
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A YAML file's document, or a ConfigError naming the file and line of the syntax error. */
export function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) throw new ConfigError(e.message.split('\n')[0]!, { code: 'CONFIG_SYNTAX', file, ...(e.linePos ? { line: e.linePos[0].line } : {}) });
    throw e;
  }
}

export function parseEvalConfig(text: string, file: string): EvalConfig {
  return parseEvalDoc(parseYamlFile(text, file), file);
}

/** An eval config from its parsed document (a sweep builds one per family, setting and seed). */
export function parseEvalDoc(doc: unknown, file: string): EvalConfig {
  const fail = (field: string, message: string, hint?: string): ConfigError => new ConfigError(message, { code: 'CONFIG_FIELD', file, field, ...(hint ? { hint } : {}) });
  const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);
  const only = (o: Obj, at: string, allowed: readonly string[]): void => {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      // The config's fields are snake_case; a camelCase spelling of one (padAnswer) says which it meant.
      const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      throw fail(at ? `${at}.${k}` : k, 'unknown field', allowed.includes(snake) ? `did you mean ${snake}?` : `known: ${allowed.join(', ')}`);
    }
  };
  const str = (o: Obj, k: string, at: string, dflt?: string): string => {
    const v = o[k];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'string' || v === '') throw fail(`${at}${k}`, `expected a non-empty string, got ${v === undefined ? 'nothing' : kind(v)}`);
    return v;
  };
  const num = (o: Obj, k: string, at: string, dflt: number | undefined, check: (n: number) => boolean, what: string): number => {
    const v = o[k];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number' || !check(v)) throw fail(`${at}${k}`, `expected ${what}, got ${v === undefined ? 'nothing' : typeof v === 'number' ? v : kind(v)}`);
    return v;
  };
  const int = (n: number): boolean => Number.isInteger(n);
  if (!isObj(doc)) throw fail('(root)', `expected a mapping, got ${kind(doc)}`);
  only(doc, '', ['family', 'store', 'models', 'tasks', 'shots', 'seed', 'samples_per_example', 'temperature', 'max_tokens', 'stop', 'chain_of_thought', 'answer', 'answer_marker', 'metrics', 'score_targets', 'tokenizer', 'cache']);
  if (!Array.isArray(doc.models) || doc.models.length === 0) throw fail('models', 'expected a non-empty list of models');
  const names = new Set<string>();
  const models: ModelConfig[] = doc.models.map((m, i) => {
    const at = `models[${i}].`;
    if (!isObj(m)) throw fail(`models[${i}]`, `expected a mapping, got ${kind(m)}`);
    only(m, `models[${i}]`, ['name', 'params', 'provider']);
    const name = str(m, 'name', at);
    if (names.has(name)) throw fail(`${at}name`, `model "${name}" appears twice`);
    names.add(name);
    const params = num(m, 'params', at, undefined, (n) => n > 0, 'a parameter count > 0');
    const p = m.provider;
    if (!isObj(p)) throw fail(`${at}provider`, `expected a mapping, got ${kind(p)}`);
    const pat = `${at}provider.`;
    only(p, `${at}provider`, ['base_url', 'base_urls', 'model', 'api', 'api_key_env', 'concurrency', 'rps', 'timeout_ms', 'max_retries', 'retry_base_ms']);
    let baseUrls: string[];
    if (p.base_urls !== undefined) {
      if (!Array.isArray(p.base_urls) || p.base_urls.length === 0 || !p.base_urls.every((u) => typeof u === 'string')) throw fail(`${pat}base_urls`, 'expected a non-empty list of URLs');
      baseUrls = p.base_urls as string[];
    } else baseUrls = [str(p, 'base_url', pat)];
    for (const u of baseUrls) {
      try {
        const url = new URL(u);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      } catch {
        throw fail(`${pat}${p.base_urls !== undefined ? 'base_urls' : 'base_url'}`, `not an http(s) URL: ${JSON.stringify(u)}`);
      }
    }
    const api = str(p, 'api', pat, 'completions');
    if (api !== 'completions' && api !== 'chat') throw fail(`${pat}api`, `expected completions or chat, got ${JSON.stringify(api)}`);
    const apiKeyEnv = p.api_key_env === undefined ? null : str(p, 'api_key_env', pat);
    if (apiKeyEnv !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) throw fail(`${pat}api_key_env`, 'expected the name of an environment variable, not its value');
    return {
      name,
      params,
      provider: {
        baseUrls,
        model: str(p, 'model', pat, name),
        api,
        apiKeyEnv,
        concurrency: num(p, 'concurrency', pat, 16, (n) => int(n) && n >= 1, 'a whole number >= 1'),
        rps: num(p, 'rps', pat, 0, (n) => n >= 0, 'a number >= 0'),
        timeoutMs: num(p, 'timeout_ms', pat, 60_000, (n) => n > 0, 'a number > 0'),
        maxRetries: num(p, 'max_retries', pat, 6, (n) => int(n) && n >= 0, 'a whole number >= 0'),
        retryBaseMs: num(p, 'retry_base_ms', pat, 500, (n) => n >= 0, 'a number >= 0'),
      },
    };
  });
  if (!Array.isArray(doc.tasks) || doc.tasks.length === 0) throw fail('tasks', 'expected a non-empty list of tasks');
  const taskNames = new Set<string>();
  const tasks: TaskConfig[] = doc.tasks.map((t, i) => {
    const at = `tasks[${i}].`;
    if (!isObj(t)) throw fail(`tasks[${i}]`, `expected a mapping, got ${kind(t)}`);
    only(t, `tasks[${i}]`, ['name', 'file', 'arithmetic', 'limit']);
    const name = str(t, 'name', at);
    if (taskNames.has(name)) throw fail(`${at}name`, `task "${name}" appears twice`);
    taskNames.add(name);
    const limit = t.limit === undefined ? null : num(t, 'limit', at, undefined, (n) => int(n) && n >= 1, 'a whole number >= 1');
    if ((t.file === undefined) === (t.arithmetic === undefined)) throw fail(`tasks[${i}]`, 'give exactly one of file or arithmetic');
    if (t.file !== undefined) return { name, limit, source: { kind: 'file', path: str(t, 'file', at) } };
    const a = t.arithmetic;
    if (!isObj(a)) throw fail(`${at}arithmetic`, `expected a mapping, got ${kind(a)}`);
    only(a, `${at}arithmetic`, ['digits', 'operation', 'count', 'seed', 'pad_answer']);
    const op = str(a, 'operation', `${at}arithmetic.`, 'add');
    if (op !== 'add' && op !== 'sub' && op !== 'mul') throw fail(`${at}arithmetic.operation`, `expected add, sub or mul, got ${JSON.stringify(op)}`);
    return {
      name,
      limit,
      source: {
        kind: 'arithmetic',
        digits: num(a, 'digits', `${at}arithmetic.`, undefined, (n) => int(n) && n >= 1 && n <= 7, 'a whole number 1..7'),
        operation: op,
        count: num(a, 'count', `${at}arithmetic.`, 200, (n) => int(n) && n >= 1, 'a whole number >= 1'),
        seed: num(a, 'seed', `${at}arithmetic.`, 0, (n) => int(n) && n >= 0, 'a whole number >= 0'),
        padAnswer: padAnswer(a, `${at}arithmetic.pad_answer`),
      },
    };
  });
  const stop = doc.stop === undefined ? ['\n'] : doc.stop;
  if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string')) throw fail('stop', 'expected a list of strings');
  let metrics: string[] | null = null;
  if (doc.metrics !== undefined) {
    if (!Array.isArray(doc.metrics) || !doc.metrics.every((m) => typeof m === 'string')) throw fail('metrics', 'expected a list of metric ids');
    for (const m of doc.metrics as string[]) if (!metricDef(m)) throw fail('metrics', `unknown metric "${m}"`);
    metrics = doc.metrics as string[];
  }
  const bool = (k: string, dflt: boolean): boolean => {
    const v = doc[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw fail(k, `expected true or false, got ${kind(v)}`);
    return v;
  };
  const answer = str(doc, 'answer', '', 'first_line');
  if (answer !== 'first_line' && answer !== 'regex' && answer !== 'last_number' && answer !== 'marker') throw fail('answer', `expected first_line, regex, last_number or marker, got ${JSON.stringify(answer)}`);
  const answerMarker = str(doc, 'answer_marker', '', '####');
  if (answerMarker === '') throw fail('answer_marker', 'expected a non-empty string');
  return {
    file,
    family: str(doc, 'family', '', 'family'),
    store: doc.store === undefined ? null : str(doc, 'store', ''),
    models,
    tasks,
    shots: num(doc, 'shots', '', 0, (n) => int(n) && n >= 0, 'a whole number >= 0'),
    seed: num(doc, 'seed', '', 0, (n) => int(n) && n >= 0, 'a whole number >= 0'),
    samplesPerExample: num(doc, 'samples_per_example', '', 1, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    temperature: num(doc, 'temperature', '', 0, (n) => n >= 0, 'a number >= 0'),
    maxTokens: num(doc, 'max_tokens', '', 32, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    stop: stop as string[],
    chainOfThought: bool('chain_of_thought', false),
    answer,
    answerMarker,
    metrics,
    scoreTargets: bool('score_targets', true),
    tokenizer: doc.tokenizer === undefined ? null : str(doc, 'tokenizer', ''),
    cache: bool('cache', true),
  };
}
