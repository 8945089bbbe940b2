import { parseArgs } from 'node:util';
import { extname, relative, resolve } from 'node:path';
import type { Observation } from '../core/types.js';
import { observationsFromStore } from '../store/store-curves.js';
import { DEFAULT_TOKENIZER, checkTokenizerId, tokenizerById } from '../tokenizers/index.js';
import { loadModelMap, needsTokenizer } from '../importers/load.js';
import { openExistingStore } from './open-store.js';
import { ConfigError, DataError } from '../core/errors.js';
import { forecastLadder, type LadderOptions } from '../core/forecast/ladder.js';
import { PAPER_LADDER_ERRORS } from '../core/forecast/ladder-paper.js';
import { OBS_BASE_BENCHMARKS, OBS_DEFAULT_CUTOFF_FLOPS, obsScalingTasks } from '../core/forecast/obs-scaling-tasks.js';
import { bundledForecastFiles, loadObservations, splitCheckpoints } from '../importers/forecast-inputs.js';
import { ladderErrors, ladderTable, obsTable } from '../report/forecast-table.js';
import { jsonReplacer } from '../report/format.js';
import type { CliContext } from './context.js';
import { makeMatcher } from './filters.js';
import { writeAtomic } from './write-output.js';

export const FORECAST_HELP = `emergence forecast <method> [files…] [options]

Forecasts of large models from small ones, by the methods of the literature, each checked on the
held-out large models it forecasts (docs/forecasts.md).

Methods:
  ladder [files…]      two-step forecast (Bhagia et al. 2024, arXiv 2412.04403): fit params N and
                       tokens D → a continuous task loss, then that loss → accuracy by a sigmoid, on
                       the small models; forecast the large ones. Inputs: tidy CSVs, lm-eval
                       results, directories of lm-eval runs with sample logs, or the lab's .duckdb
                       stores, with params, tokens, the loss metric and the accuracy metric; a file
                       in which a model appears at several steps is read as intermediate checkpoints
                       (step 2 is fitted on them). No files: the bundled OLMo ladder, 7B and 13B
                       forecast from the 190M–1.3B runs, beside the paper's errors.
  obs-scaling [files…] observational scaling (Ruan, Maddison & Hashimoto 2024, arXiv 2405.10938):
                       principal components of standard benchmarks (missing scores imputed, PCA on
                       the training split) → a sigmoid with a floor, fitted below a FLOPs cutoff,
                       tested on the larger models, beside the same sigmoid of log FLOPs. Files: the
                       target tasks (default: the bundled emergent BIG-bench tasks); --base gives
                       the benchmark table (default: the bundled ObsScaling benchmarks).

Options (ladder):
  --loss M          continuous task metric (default rc_bpb); log-likelihoods (≤ 0) are negated
  --acc M           metric to forecast (default rc_acc)
  --targets A,B     models to forecast (default: ladder=target rows, else the --holdout largest by N·D)
  --fit A,B         models to fit on (default: in_paper_config=1 rows when present, else all others)
  --holdout N       how many of the largest models are targets when none is labelled (default 2)
  --skip S          share of each run's first checkpoints dropped before step 2 (default 0.1)
  --window W        moving average over checkpoints without a smoothed column (default 5)
Options (obs-scaling):
  --base FILE       the base benchmark table (tidy CSV, one task per benchmark)
  --benchmarks L    base benchmarks (default ${OBS_BASE_BENCHMARKS.join(',')})
  --cutoff F        training FLOPs at or below which models are fitted (default ${OBS_DEFAULT_CUTOFF_FLOPS.toExponential(1)})
  --components K    principal components the sigmoid reads (default 3)
  --keep-gsm8k      keep GSM8K in the base for arithmetic tasks (ObsScaling leaves it out)
Common:
  --task P          only these tasks (comma list, * globs)
  --family P        only these families
  --shots N         only rows with this many shots
  --where K=V       only rows whose label or column K is V (repeatable), e.g. --where deduped=false
  --models FILE     model → family, params mapping for lm-eval results (CSV model,family,params or JSON)
  --tokenizer T     token-level metrics for lm-eval run directories and stores (default r50k_base)
  --json            one JSON document on stdout (or --out)
  --out FILE        write the output to FILE atomically instead of stdout
  --detail          the fitted laws (ladder) or every held-out model's predictions (obs-scaling)
  --quiet           no progress on stderr
  -h, --help        this help

Exit codes: 0 ok; 1 internal error; 2 bad usage or bad input.`;

const list = (s: string | undefined): string[] | undefined => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

function positiveNumber(raw: string | undefined, field: string, dflt: number, opts: { max?: number; integer?: boolean; allowZero?: boolean } = {}): number {
  if (raw === undefined) return dflt;
  const v = Number(raw);
  const ok = Number.isFinite(v) && (opts.allowZero ? v >= 0 : v > 0) && (opts.max === undefined || v <= opts.max) && (!opts.integer || Number.isInteger(v));
  if (!ok) throw new ConfigError(`expected ${opts.integer ? 'a whole number' : 'a number'}${opts.allowZero ? ' >= 0' : ' > 0'}${opts.max === undefined ? '' : ` and <= ${opts.max}`}, got ${JSON.stringify(raw)}`, { code: 'USAGE', field });
  return v;
}

export async function runForecast(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      loss: { type: 'string' },
      acc: { type: 'string' },
      targets: { type: 'string' },
      fit: { type: 'string' },
      holdout: { type: 'string' },
      skip: { type: 'string' },
      window: { type: 'string' },
      base: { type: 'string' },
      benchmarks: { type: 'string' },
      cutoff: { type: 'string' },
      components: { type: 'string' },
      'keep-gsm8k': { type: 'boolean' },
      task: { type: 'string', multiple: true },
      family: { type: 'string', multiple: true },
      shots: { type: 'string' },
      where: { type: 'string', multiple: true },
      models: { type: 'string' },
      tokenizer: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      detail: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [method, ...files] = positionals;
  if (values.help || method === undefined) {
    (method === undefined && !values.help ? ctx.stderr : ctx.stdout).write(FORECAST_HELP + '\n');
    return method === undefined && !values.help ? 2 : 0;
  }
  const log = ctx.logger;
  const show = (f: string): string => (relative(ctx.cwd, f).length < f.length ? relative(ctx.cwd, f) : f);
  const taskMatch = makeMatcher(values.task);
  const familyMatch = makeMatcher(values.family);
  const shots = values.shots === undefined ? null : positiveNumber(values.shots, '--shots', 0, { integer: true, allowZero: true });
  const where = (values.where ?? []).map((w) => {
    const i = w.indexOf('=');
    if (i <= 0) throw new ConfigError(`expected K=V, got ${JSON.stringify(w)}`, { code: 'USAGE', field: '--where' });
    return [w.slice(0, i).trim(), w.slice(i + 1).trim()] as const;
  });
  const keep = (o: Observation): boolean =>
    taskMatch(o.task) && familyMatch(o.family) && (shots === null || o.shots === shots) && where.every(([k, v]) => (o.labels[k] ?? o.extra[k]) === v);
  const models = values.models === undefined ? undefined : loadModelMap(values.models);
  const tokenizerId = values.tokenizer ?? DEFAULT_TOKENIZER;
  checkTokenizerId(tokenizerId);
  // The lab's own runs: a DuckDB store is read like a results file, every stored sample re-scored;
  // a directory of lm-eval runs likewise from its sample logs.
  const readInputs = async (inputs: readonly string[], onFile?: (f: string, i: number) => void): Promise<{ observations: Observation[]; warnings: string[] }> => {
    const stores = inputs.filter((f) => extname(f).toLowerCase() === '.duckdb');
    const plainFiles = inputs.filter((f) => !stores.includes(f));
    const tokenizer = needsTokenizer(plainFiles) || stores.length > 0 ? await tokenizerById(tokenizerId) : undefined;
    const plain = loadObservations(plainFiles, onFile, { ...(models ? { models } : {}), ...(tokenizer ? { tokenizer } : {}) });
    for (const f of stores) {
      log.progress(`reading the store ${show(f)}`);
      const store = await openExistingStore(resolve(ctx.cwd, f));
      try {
        plain.observations.push(...(await observationsFromStore(store, { tokenizer: tokenizer!, seed: 0 })).observations);
      } finally {
        store.close();
      }
    }
    return plain;
  };
  const bundled = bundledForecastFiles();
  let doc: unknown;
  let text: string;
  if (method === 'ladder') {
    const inputs = files.length > 0 ? files : [bundled.ladder, bundled.ladderCheckpoints];
    if (files.length === 0) log.info(`no files given: the bundled OLMo ladder (${inputs.map(show).join(', ')})`);
    const loaded = await readInputs(inputs, (f, i) => log.progress({ phase: 'reading', done: i, total: inputs.length, unit: 'files', skipped: 0, detail: show(f) }));
    log.done();
    const obs = loaded.observations.filter(keep);
    const { finals, checkpoints } = splitCheckpoints(obs);
    const lossMetric = values.loss ?? 'rc_bpb';
    const accMetric = values.acc ?? 'rc_acc';
    for (const [m, field] of [[lossMetric, '--loss'], [accMetric, '--acc']] as const) {
      if (!finals.some((o) => o.metric === m)) {
        const have = [...new Set(finals.map((o) => o.metric))].slice(0, 12).join(', ');
        throw new DataError(`no final rows with metric "${m}"${values.task ? ' among the selected tasks' : ''}`, { code: 'FORECAST_METRIC', field, hint: `the inputs have ${have || 'no rows'}` });
      }
    }
    const known = new Set(finals.map((o) => o.model));
    const targets = list(values.targets);
    const fit = list(values.fit);
    for (const [names, field] of [[targets, '--targets'], [fit, '--fit']] as const) {
      for (const n of names ?? []) if (!known.has(n)) throw new ConfigError(`no model "${n}" in the inputs`, { code: 'USAGE', field, hint: `models: ${[...known].slice(0, 12).join(', ')}${known.size > 12 ? ', …' : ''}` });
    }
    const opts: LadderOptions = {
      lossMetric,
      accMetric,
      ...(targets ? { targets } : {}),
      ...(fit ? { fitModels: fit } : {}),
      holdout: positiveNumber(values.holdout, '--holdout', 2, { integer: true }),
      skip: positiveNumber(values.skip, '--skip', 0.1, { max: 0.9, allowZero: true }),
      window: positiveNumber(values.window, '--window', 5, { integer: true }),
    };
    const t0 = performance.now();
    const result = forecastLadder(finals, checkpoints, opts);
    if (result.fitModels.length === 0) throw new DataError('no models left to fit on once the targets are set aside', { code: 'FORECAST_EMPTY', hint: 'give --fit or --targets' });
    log.info(`${loaded.observations.length} observations (${checkpoints.length} from checkpoints) → ${result.tasks.length} tasks forecast in ${Math.round(performance.now() - t0)} ms`);
    for (const w of loaded.warnings) if (!/unknown columns/.test(w)) log.warn(w);
    const errors = ladderErrors(result);
    doc = { method: 'two-step', citation: 'Bhagia et al. 2024, arXiv 2412.04403', inputs: inputs.map(show), ...result, errors, paperErrors: PAPER_LADDER_ERRORS };
    text = ladderTable(result, { detail: values.detail ?? false });
  } else if (method === 'obs-scaling') {
    const targetFiles = files.length > 0 ? files : [bundled.obsTargets];
    const baseFile = values.base ?? bundled.obsBase;
    if (files.length === 0 || values.base === undefined) log.info(`inputs: base ${show(baseFile)}, targets ${targetFiles.map(show).join(', ')}`);
    const base = await readInputs([baseFile]);
    const tg = await readInputs(targetFiles, (f, i) => log.progress({ phase: 'reading', done: i, total: targetFiles.length, unit: 'files', skipped: 0, detail: show(f) }));
    log.done();
    const benchmarks = list(values.benchmarks) ?? [...OBS_BASE_BENCHMARKS];
    const present = new Set(base.observations.map((o) => o.task));
    for (const b of benchmarks) if (!present.has(b)) throw new DataError(`the base table has no benchmark "${b}"`, { code: 'FORECAST_BENCHMARK', file: show(baseFile), field: '--benchmarks', hint: `it has ${[...present].slice(0, 14).join(', ')}` });
    const components = positiveNumber(values.components, '--components', 3, { integer: true, max: benchmarks.length });
    const targetsObs = tg.observations.filter(keep);
    if (targetsObs.length === 0) throw new DataError('no target rows match the filters', { code: 'FORECAST_EMPTY', field: '--task' });
    const t0 = performance.now();
    const result = obsScalingTasks(base.observations, targetsObs, {
      base: benchmarks,
      cutoffFlops: positiveNumber(values.cutoff, '--cutoff', OBS_DEFAULT_CUTOFF_FLOPS),
      components,
      ...(values['keep-gsm8k'] ? { exclude: () => [] } : {}),
    });
    log.info(`${result.tasks.length} (task, metric) pairs in ${Math.round(performance.now() - t0)} ms`);
    doc = { method: 'observational-scaling', citation: 'Ruan, Maddison, Hashimoto 2024, arXiv 2405.10938', inputs: { base: show(baseFile), targets: targetFiles.map(show) }, ...result };
    text = obsTable(result, { detail: values.detail ?? false });
  } else {
    throw new ConfigError(`unknown method "${method}"`, { code: 'USAGE', field: 'method', hint: 'ladder or obs-scaling' });
  }
  const out = values.json ? JSON.stringify(doc, jsonReplacer, 2) + '\n' : text;
  if (values.out !== undefined) {
    writeAtomic(values.out, out);
    log.info(`wrote ${values.out}`);
  } else ctx.stdout.write(out);
  return 0;
}
