import { parseArgs } from 'node:util';
import { extname, relative, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Observation } from '../core/types.js';
import { observationsFromStore } from '../store/store-curves.js';
import { openExistingStore } from './open-store.js';
import { audit, DEFAULT_FDR } from '../core/analysis/audit.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { loadCurves, loadModelMap, needsTokenizer } from '../importers/load.js';
import { bundledResultFiles } from '../importers/bundled.js';
import { parseAxis } from '../core/curves/axis.js';
import { auditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import { auditCsv } from '../report/audit-csv.js';
import { jsonReplacer } from '../report/format.js';
import { makeMatcher } from './filters.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';
import { DEFAULT_TOKENIZER, checkTokenizerId, tokenizerById } from '../tokenizers/index.js';
import { COMPARE_HELP, COMPARE_OPTIONS, checkCompareArgs, runCompare } from './compare.js';

export const AUDIT_HELP = `emergence audit [files…] [options]

Reads scaling results, builds one curve per (family, task, metric, shots), and gives each a
verdict (emergent, smooth, flat, non_monotonic, too_noisy, too_few_points) with its reasons,
the metric swaps that change a verdict, a meta-analysis by metric, and back-tests of
small→large prediction, each forecast with a 90% interval. With no files it audits the bundled data in data/.

Inputs: tidy CSV (.csv), BIG-bench results JSON, lm-evaluation-harness results_*.json, and
directories of a family's lm-eval runs (one folder per model with results_*.json and
samples_*.jsonl): every sample is re-scored under continuous and discontinuous metrics.

Options:
  --family P        only these families (comma list, * globs, case-insensitive; repeatable)
  --task P          only these tasks
  --metric P        only these metrics
  --json            one JSON document on stdout (or --out)
  --csv             one CSV row per curve on stdout (or --out)
  --out FILE        write the output to FILE atomically instead of stdout
  --html FILE       also write the interactive report: one self-contained HTML file
  --x AXIS          the scale axis: params (default), tokens, flops (6·N·D when only params and
                    tokens are given), step, or a continuous metric of the same models
                    (ce_loss, or task:metric): checkpoints on step/tokens make one curve per model
  --holdout N       the headline back-test fits all but the N largest models (default 2)
  --fdr Q           hold the smooth and emergent calls to a false-discovery rate of Q across the
                    audit's curves (default 0.05; Benjamini–Hochberg): docs/verdicts.md
  --fdr-method M    bh (default; positive dependence) or by (Benjamini–Yekutieli, any dependence)
  --no-fdr          judge every curve on its own (per-curve levels 0.05 and 0.01)
  --chance T=P      the chance level of tasks matching T (globs as in --task), e.g.
                    --chance 'my_mc_task*=0.2'; repeatable. Known tasks (MMLU, ARC, HellaSwag, …)
                    and a chance or choices column in the data need none
  --no-stability    skip the leave-one-model-out and within-error checks that mark calls fragile
  --models FILE     model → family, params mapping for lm-eval results (CSV model,family,params or JSON)
  --bigbench-params total|non_embedding   BIG-bench scale axis (default total)
  --split-by COLS   tidy CSV: exactly these extra columns split curves (comma list); the others ride along
  --ignore COLS     tidy CSV: read past these columns (free text, ids)
  --tokenizer T     token-level metrics for lm-eval run directories (default r50k_base) and stores
                    (default: the tokenizer each stored run recorded)
  --seed N          bootstrap seed for run directories and the within-error checks (default 0)
${COMPARE_HELP}
  --all             also list curves with too few points
  --detail          print every shown curve's reasons, points, fits and back-test steps
  --scoreboard      also print the forecast scoreboard: headline back-test errors (median, p90,
                    max) of the forecast, no change and log-linear, per task family, and how often
                    the real value fell inside the forecast's 90% interval (always in --json)
  --quiet           no progress or info on stderr (warnings still shown)
  -h, --help        this help

Exit codes: 0 ok; 1 internal error; 2 bad usage or bad input (the message names the file,
line or field; nothing is written).`;

export async function runAudit(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      family: { type: 'string', multiple: true },
      task: { type: 'string', multiple: true },
      metric: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      out: { type: 'string' },
      html: { type: 'string' },
      holdout: { type: 'string' },
      x: { type: 'string' },
      fdr: { type: 'string' },
      'fdr-method': { type: 'string' },
      'no-fdr': { type: 'boolean' },
      chance: { type: 'string', multiple: true },
      'no-stability': { type: 'boolean' },
      models: { type: 'string' },
      'bigbench-params': { type: 'string' },
      'split-by': { type: 'string', multiple: true },
      ignore: { type: 'string', multiple: true },
      tokenizer: { type: 'string' },
      seed: { type: 'string' },
      all: { type: 'boolean' },
      detail: { type: 'boolean' },
      scoreboard: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...COMPARE_OPTIONS,
    },
  });
  if (values.help) {
    ctx.stdout.write(AUDIT_HELP + '\n');
    return 0;
  }
  if (values.json && values.csv) throw new ConfigError('choose one of --json and --csv', { code: 'USAGE', field: '--json' });
  const holdout = values.holdout === undefined ? 2 : Number(values.holdout);
  if (!Number.isInteger(holdout) || holdout < 1) {
    throw new ConfigError(`expected a whole number >= 1, got ${JSON.stringify(values.holdout)}`, { code: 'USAGE', field: '--holdout' });
  }
  if (values['no-fdr'] && (values.fdr !== undefined || values['fdr-method'] !== undefined)) {
    throw new ConfigError('--no-fdr cannot be combined with --fdr or --fdr-method', { code: 'USAGE', field: '--no-fdr' });
  }
  const fdrQ = values.fdr === undefined ? DEFAULT_FDR.q : Number(values.fdr);
  if (!(fdrQ > 0 && fdrQ < 1)) throw new ConfigError(`expected a level between 0 and 1 (exclusive), got ${JSON.stringify(values.fdr)}`, { code: 'USAGE', field: '--fdr' });
  const fdrMethod = values['fdr-method'] ?? DEFAULT_FDR.method;
  if (fdrMethod !== 'bh' && fdrMethod !== 'by') throw new ConfigError(`expected bh or by, got ${JSON.stringify(fdrMethod)}`, { code: 'USAGE', field: '--fdr-method' });
  const chance = (values.chance ?? []).map((rule) => {
    const eq = rule.lastIndexOf('=');
    const level = eq > 0 ? Number(rule.slice(eq + 1)) : NaN;
    if (eq <= 0 || !(level > 0 && level < 1)) {
      throw new ConfigError(`expected TASK=LEVEL with LEVEL between 0 and 1, got ${JSON.stringify(rule)}`, { code: 'USAGE', field: '--chance', hint: "e.g. --chance 'hendrycksTest-*=0.25'" });
    }
    return { task: makeMatcher([rule.slice(0, eq)]), level };
  });
  const axis = values['bigbench-params'] ?? 'total';
  if (axis !== 'total' && axis !== 'non_embedding') {
    throw new ConfigError(`expected total or non_embedding, got ${JSON.stringify(axis)}`, { code: 'USAGE', field: '--bigbench-params' });
  }
  checkCompareArgs(values); // bad options fail before any file is read
  const t0 = performance.now();
  const log = ctx.logger;
  let files = positionals;
  if (files.length === 0) {
    // Shown relative to where the user stands, when that is shorter.
    files = bundledResultFiles().map((f) => (relative(ctx.cwd, f).length < f.length ? relative(ctx.cwd, f) : f));
    log.info(`no files given: auditing the bundled data (${files.map((f) => relative(ctx.cwd, f)).join(', ')})`);
  }
  const models = values.models === undefined ? undefined : loadModelMap(values.models);
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new ConfigError(`expected a whole number >= 0, got ${JSON.stringify(values.seed)}`, { code: 'USAGE', field: '--seed' });
  const tokenizerId = values.tokenizer ?? DEFAULT_TOKENIZER;
  checkTokenizerId(tokenizerId);
  // The lab's own runs: a DuckDB store is read like a results file, every stored sample re-scored.
  const stores = files.filter((f) => extname(f).toLowerCase() === '.duckdb');
  const plain = files.filter((f) => !stores.includes(f));
  const tokenizer = needsTokenizer(plain) || stores.length > 0 ? await tokenizerById(tokenizerId) : undefined;
  const fromStores: Observation[] = [];
  for (const f of stores) {
    log.progress(`reading the store ${f}`);
    const store = await openExistingStore(resolve(ctx.cwd, f), {}, (m) => log.info(m));
    try {
      // Without --tokenizer, each stored run is re-scored with the tokenizer it recorded.
      fromStores.push(...(await observationsFromStore(store, { ...(values.tokenizer !== undefined ? { tokenizer: tokenizer! } : {}), seed })).observations);
    } finally {
      store.close();
    }
  }
  const list = (v: string[] | undefined): string[] | undefined => v?.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '');
  const columns = { ...(values['split-by'] ? { splitBy: list(values['split-by'])! } : {}), ...(values.ignore ? { ignore: list(values.ignore)! } : {}) };
  const scaleAxis = values.x === undefined ? undefined : parseAxis(values.x);
  const loaded = loadCurves(plain, { ...(models ? { models } : {}), ...(scaleAxis ? { axis: scaleAxis } : {}), bigbenchParams: axis, seed, columns, ...(tokenizer ? { tokenizer } : {}) }, (f, i) => log.progress({ phase: 'reading', done: i, total: plain.length, unit: 'files', skipped: 0, detail: f }), fromStores);
  log.done();
  for (const w of loaded.warnings) log.warn(w);
  const fam = makeMatcher(values.family);
  const task = makeMatcher(values.task);
  const metric = makeMatcher(values.metric);
  const curves = loaded.curves.filter((c) => fam(c.key.family) && task(c.key.task) && metric(c.key.metric));
  if (curves.length === 0) log.warn('no curves match the filters');
  if (values.compare !== undefined) {
    const inputs = files.map((f) => relative(ctx.cwd, f) || f);
    return runCompare(curves, { compare: values.compare, level: values.level, resamples: values.resamples, items: values.items }, { inputs, seed, holdout, json: values.json ?? false, csv: values.csv ?? false, html: values.html, outFile: values.out, showAll: values.all ?? false, detail: values.detail ?? false }, ctx);
  }
  const t1 = performance.now();
  const report = audit(curves, {
    holdout,
    chance,
    fdr: values['no-fdr'] ? null : { q: fdrQ, method: fdrMethod },
    stability: !values['no-stability'],
    seed,
  });
  const t2 = performance.now();
  log.info(`${loaded.observations} observations → ${curves.length} curves in ${Math.round(t2 - t0)} ms (reading ${Math.round(t1 - t0)} ms, analysis ${Math.round(t2 - t1)} ms)`);
  const doc = auditDocument(curves, report, files.map((f) => relative(ctx.cwd, f) || f), holdout, DEFAULT_THRESHOLDS, loaded.axis);
  const out = values.json
    ? JSON.stringify(doc, jsonReplacer, 2) + '\n'
    : values.csv
      ? auditCsv(doc)
      : auditTable(doc, { showAll: values.all ?? false, detail: values.detail ?? false, scoreboard: values.scoreboard ?? false });
  if (values.html !== undefined) {
    const { auditHtml } = await import('../report/html.js');
    writeAtomic(values.html, auditHtml(doc));
    log.info(`wrote ${values.html}`);
  }
  if (values.out !== undefined) {
    writeAtomic(values.out, out);
    log.info(`wrote ${values.out}`);
  } else ctx.stdout.write(out);
  return 0;
}
