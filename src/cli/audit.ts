import { parseArgs } from 'node:util';
import { extname, relative, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Observation } from '../core/types.js';
import { observationsFromStore } from '../store/store-curves.js';
import { openExistingStore } from './open-store.js';
import { audit } from '../core/analysis/audit.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { loadCurves, loadModelMap, needsTokenizer } from '../importers/load.js';
import { bundledResultFiles } from '../importers/bundled.js';
import { auditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import { auditCsv } from '../report/audit-csv.js';
import { jsonReplacer } from '../report/format.js';
import { makeMatcher } from './filters.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';
import { DEFAULT_TOKENIZER, checkTokenizerId, tokenizerById } from '../tokenizers/index.js';

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
  --holdout N       the headline back-test fits all but the N largest models (default 2)
  --models FILE     model → family, params mapping for lm-eval results (CSV model,family,params or JSON)
  --bigbench-params total|non_embedding   BIG-bench scale axis (default total)
  --tokenizer T     token-level metrics for lm-eval run directories (default r50k_base)
  --seed N          bootstrap seed for run directories (default 0)
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
      models: { type: 'string' },
      'bigbench-params': { type: 'string' },
      tokenizer: { type: 'string' },
      seed: { type: 'string' },
      all: { type: 'boolean' },
      detail: { type: 'boolean' },
      scoreboard: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
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
  const axis = values['bigbench-params'] ?? 'total';
  if (axis !== 'total' && axis !== 'non_embedding') {
    throw new ConfigError(`expected total or non_embedding, got ${JSON.stringify(axis)}`, { code: 'USAGE', field: '--bigbench-params' });
  }
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
    const store = await openExistingStore(resolve(ctx.cwd, f));
    try {
      fromStores.push(...(await observationsFromStore(store, { tokenizer: tokenizer!, seed })).observations);
    } finally {
      store.close();
    }
  }
  const loaded = loadCurves(plain, { ...(models ? { models } : {}), bigbenchParams: axis, seed, ...(tokenizer ? { tokenizer } : {}) }, (f, i) => log.progress(`reading ${i + 1}/${plain.length} ${f}`), fromStores);
  log.done();
  for (const w of loaded.warnings) log.warn(w);
  const fam = makeMatcher(values.family);
  const task = makeMatcher(values.task);
  const metric = makeMatcher(values.metric);
  const curves = loaded.curves.filter((c) => fam(c.key.family) && task(c.key.task) && metric(c.key.metric));
  if (curves.length === 0) log.warn('no curves match the filters');
  const t0 = performance.now();
  const report = audit(curves, { holdout });
  log.info(`${loaded.observations} observations → ${curves.length} curves, analysed in ${Math.round(performance.now() - t0)} ms`);
  const doc = auditDocument(curves, report, files.map((f) => relative(ctx.cwd, f) || f), holdout, DEFAULT_THRESHOLDS);
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
