import type { Sample } from '../core/types.js';
import { DataError } from '../core/errors.js';
import { isObject, type Json } from './json-fields.js';
import { forEachJsonlObject } from './jsonl.js';

/**
 * lm-evaluation-harness `--log_samples` output (v0.4 `samples_<task>_<date>.jsonl`): one JSON
 * document per line with doc_id, doc, target, arguments, resps, filtered_resps, filter, metrics,
 * doc_hash, prompt_hash, target_hash, and one key per metric holding lm-eval's own per-sample value.
 *
 * - generate_until (one argument with generation kwargs): output = filtered_resps[0], targets = target.
 * - multiple_choice (one argument per choice, each `[context, delimiter + choice]`):
 *   filtered_resps holds `[loglik, is_greedy]` per choice (as strings or values); choices are the
 *   continuations without the task's target_delimiter (lm-eval's doc_to_choice, which acc_norm's
 *   lengths use); gold from target (an index, a choice's text, or a list of indices).
 * - loglikelihood (one argument, continuation without generation kwargs, one `[loglik, is_greedy]`).
 * - loglikelihood_rolling (one argument holding only the document, arg_0; one log-likelihood per
 *   document): a loglikelihood sample whose target is the document, for word/byte perplexity and
 *   bits per byte.
 * - multiple_choice logged for acc_mutual_info: lm-eval appends one unconditional request
 *   ("", choice) per choice (api/task.py construct_requests), so the second half of the arguments
 *   has an empty context and the bare choices; those log-likelihoods become
 *   choiceLogliksUnconditional instead of extra choices.
 */
export interface ImportedSamples {
  readonly samples: Sample[];
  /** lm-eval's own per-sample metric values, by sample id then metric. */
  readonly logged: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly warnings: string[];
}

export interface SampleLogOptions {
  readonly model: string;
  readonly task?: string;
  /** lm-eval's target_delimiter for the task (default " "), stripped from multiple-choice continuations. */
  readonly targetDelimiter?: string;
}

/** samples_<task>_<ISO date>.jsonl[.gz] → task */
export function taskFromSampleFile(file: string): string | null {
  const m = /samples_(.+?)_\d{4}-\d{2}-\d{2}T[\d.:-]+\.jsonl(\.gz)?$/.exec(file);
  return m ? m[1]! : null;
}

/** samples_<task>_<ISO date>.jsonl or results_<ISO date>.json → the date as lm-eval wrote it (sorts in time order). */
export function timestampOfRunFile(file: string): string | null {
  const m = /_(\d{4}-\d{2}-\d{2}T[\d.:-]+)\.jsonl?(\.gz)?$/.exec(file);
  return m ? m[1]! : null;
}

/** Python float() spellings: '-inf', 'inf', 'nan' as well as numbers. */
function parseFloatPy(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan') return NaN;
  return Number(t);
}

function parseLoglikPair(v: Json, at: () => DataError): [number, boolean] {
  if (!Array.isArray(v) || v.length < 2) throw at();
  const [llRaw, gRaw] = v;
  const ll = typeof llRaw === 'number' ? llRaw : typeof llRaw === 'string' ? parseFloatPy(llRaw) : NaN;
  if (typeof llRaw === 'string' && !/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^-?inf(inity)?$|^nan$/i.test(llRaw.trim())) throw at();
  const g = gRaw === true || gRaw === 'True' || gRaw === 'true' || gRaw === 1 ? true : gRaw === false || gRaw === 'False' || gRaw === 'false' || gRaw === 0 ? false : null;
  if (g === null) throw at();
  return [ll, g];
}

const stripDelimiter = (c: string, delimiter: string): string => (delimiter !== '' && c.startsWith(delimiter) ? c.slice(delimiter.length) : c);

export function importLmEvalSamples(text: string, file: string, opts: SampleLogOptions): ImportedSamples {
  const task = opts.task ?? taskFromSampleFile(file) ?? 'task';
  const delimiter = opts.targetDelimiter ?? ' ';
  const samples: Sample[] = [];
  const logged = new Map<string, Record<string, number>>();
  const seen = new Set<string>();
  forEachJsonlObject(text, file, 'LM_EVAL_SAMPLE', (doc, line, err) => {
    if (doc.doc_id === undefined) throw err('doc_id', 'missing');
    const filter = typeof doc.filter === 'string' ? doc.filter : 'none';
    const exampleId = String(doc.doc_id);
    const id = `${task}/${exampleId}${filter === 'none' ? '' : `/${filter}`}`;
    if (seen.has(id)) throw err('doc_id', `doc_id ${exampleId} appears twice for filter "${filter}"`);
    seen.add(id);
    if (!isObject(doc.arguments)) throw err('arguments', 'expected an object of gen_args_*');
    const args = Object.keys(doc.arguments)
      .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')))
      .map((k) => (doc as { arguments: Record<string, Json> }).arguments[k]);
    const argPairs = args.map((a, j) => {
      if (!isObject(a) || typeof a.arg_0 !== 'string') throw err(`arguments.gen_args_${j}.arg_0`, 'expected the prompt string');
      return a;
    });
    const prompt = argPairs[0]!.arg_0 as string;
    const isGeneration = argPairs.length === 1 && isObject(argPairs[0]!.arg_1);
    const fr = doc.filtered_resps;
    if (!Array.isArray(fr)) throw err('filtered_resps', 'expected an array');
    const base = {
      id, model: opts.model, task, exampleId, prompt, output: null, choices: null, choiceLogliks: null, gold: null,
      targetScores: null, targetTokenLogprobs: null, targetTokenGreedy: null, targetLoglik: null, attempts: null, greedy: null,
      source: { file, line },
    };
    let sample: Sample;
    const isRolling = argPairs.length === 1 && argPairs[0]!.arg_1 === undefined;
    if (isRolling) {
      const raw = Array.isArray(fr[0]) ? (fr[0] as Json[])[0] : fr[0];
      const ll = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(ll) || ll > 1e-9) throw err('filtered_resps', `expected the document's log-likelihood (a finite number <= 0), got ${JSON.stringify(fr[0])?.slice(0, 40)}`);
      sample = { ...base, kind: 'loglikelihood', targets: [prompt], targetLoglik: ll };
    } else if (isGeneration) {
      const out = fr[0];
      if (typeof out !== 'string') throw err('filtered_resps', `expected the generated text, got ${JSON.stringify(out)?.slice(0, 40)}`);
      const t = doc.target;
      const targets = typeof t === 'string' ? [t] : Array.isArray(t) && t.every((x) => typeof x === 'string') ? (t as string[]) : typeof t === 'number' ? [String(t)] : null;
      if (targets === null) throw err('target', 'expected a string or a list of strings');
      sample = { ...base, kind: 'generate', output: out, targets };
    } else {
      const conts = argPairs.map((a, j) => {
        if (typeof a.arg_1 !== 'string') throw err(`arguments.gen_args_${j}.arg_1`, 'expected the continuation string');
        return a.arg_1;
      });
      if (fr.length !== conts.length) throw err('filtered_resps', `${fr.length} responses for ${conts.length} continuations`);
      const pairs = fr.map((v, j) => parseLoglikPair(v, () => err(`filtered_resps[${j}]`, `expected [loglik, is_greedy], got ${JSON.stringify(v)?.slice(0, 60)}`)));
      pairs.forEach(([ll], j) => {
        if (!Number.isFinite(ll)) throw err(`filtered_resps[${j}]`, `log-likelihood is ${ll}: must be a finite number`);
        if (ll > 1e-9) throw err(`filtered_resps[${j}]`, `log-likelihood is ${ll}: must be <= 0`);
      });
      // The acc_mutual_info layout: [ctx, delim + c_1..k] then ["", c_1..k].
      const half = conts.length / 2;
      const mutualInfo = conts.length >= 4 && Number.isInteger(half) && argPairs.slice(half).every((a, j) => a.arg_0 === '' && a.arg_1 === stripDelimiter(conts[j]!, delimiter))
        && argPairs.slice(0, half).some((a) => a.arg_0 !== '');
      if (conts.length === 1) {
        const target = typeof doc.target === 'string' ? doc.target : conts[0]!;
        sample = { ...base, kind: 'loglikelihood', targets: [target], targetLoglik: pairs[0]![0], greedy: pairs[0]![1] };
      } else {
        const nChoices = mutualInfo ? half : conts.length;
        const choices = conts.slice(0, nChoices).map((c) => stripDelimiter(c, delimiter));
        const t = doc.target;
        let gold: number[];
        if (typeof t === 'number' && Number.isInteger(t)) gold = [t];
        else if (typeof t === 'string' && /^\d+$/.test(t)) gold = [Number(t)];
        else if (typeof t === 'string' && choices.includes(t)) gold = [choices.indexOf(t)];
        else if (Array.isArray(t) && t.every((x) => typeof x === 'number' && Number.isInteger(x))) gold = t as number[];
        else throw err('target', `cannot read the gold choice from ${JSON.stringify(t)?.slice(0, 60)}`);
        for (const gi of gold) if (gi < 0 || gi >= choices.length) throw err('target', `gold index ${gi} outside 0..${choices.length - 1}`);
        sample = {
          ...base, kind: 'multiple_choice', targets: gold.map((gi) => choices[gi]!), choices, choiceLogliks: pairs.slice(0, nChoices).map(([ll]) => ll), gold,
          ...(mutualInfo ? { choiceLogliksUnconditional: pairs.slice(nChoices).map(([ll]) => ll) } : {}),
        };
      }
    }
    samples.push(sample);
    const names = Array.isArray(doc.metrics) ? doc.metrics.filter((m): m is string => typeof m === 'string') : [];
    const vals: Record<string, number> = {};
    for (const m of names) {
      const v = doc[m];
      if (typeof v === 'number') vals[m] = v;
      else if (typeof v === 'boolean') vals[m] = v ? 1 : 0;
    }
    logged.set(id, vals);
  });
  if (samples.length === 0) throw new DataError('no samples', { code: 'EMPTY_FILE', file });
  return { samples, logged, warnings: [] };
}
