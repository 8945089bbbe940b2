import { resolve } from 'node:path';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import type { AuditReport } from '../core/analysis/audit.js';
import { RECON_METRICS, runVisionMirage, type VisionBudget } from '../experiments/vision-mirage.js';
import { auditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import { fmtNum } from '../report/format.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';

/** Breakthroughness of one metric's curve in a report, or null. */
function breakthrough(report: AuditReport, family: string, metric: string): number | null {
  return report.verdicts.find((v) => v.key.family === family && v.key.metric === metric)?.measures.breakthroughness ?? null;
}

export async function visionExperiment(budget: VisionBudget, seed: number, values: { dir?: string; html?: string }, ctx: CliContext): Promise<number> {
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
  const below = RECON_METRICS.filter((m) => m !== 'mse').map((m) => `${m} ${fmtNum(breakthrough(r.report, 'lab-autoencoder', m))}`);
  ctx.stdout.write(`Breakthroughness of the reconstructions: mean squared error ${fmtNum(mse)}; ${below.join(', ')}.\n`);
  ctx.stdout.write(`Done in ${((performance.now() - t0) / 1000).toFixed(0)} s; every test image's result in ${r.store}.\n`);
  if (values.html) {
    const { auditHtml } = await import('../report/html.js');
    writeAtomic(values.html, auditHtml(doc, 'Induced emergence: LeNet and autoencoders on MNIST'));
  }
  return 0;
}
