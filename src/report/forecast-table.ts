import type { LadderForecast } from '../core/forecast/ladder.js';
import { PAPER_HEADLINE_TASKS, paperError } from '../core/forecast/ladder-paper.js';
import type { ObsTasksResult } from '../core/forecast/obs-scaling-tasks.js';
import { fmtNum, fmtParams } from './format.js';
import { renderTable } from './text-table.js';

const pts = (v: number | null): string => (v === null ? '-' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** Signed error in accuracy points (pred − actual) of every target, or null without an actual. */
export function ladderErrors(f: LadderForecast): { task: string; model: string; points: number | null; paper: number | null; paperSignKnown: boolean; step2Points: number | null }[] {
  return f.tasks.flatMap((t) =>
    t.targets.map((r) => {
      const p = paperError(t.task, r.model);
      return {
        task: t.task,
        model: r.model,
        points: r.actualAcc === null ? null : 100 * (r.predAcc - r.actualAcc),
        paper: p ? p.points : null,
        paperSignKnown: p ? p.signKnown : false,
        step2Points: r.actualAcc === null || r.predAccFromActualLoss === null ? null : 100 * (r.predAccFromActualLoss - r.actualAcc),
      };
    }),
  );
}

/** `emergence forecast ladder`: the chained forecast per (task, target), beside the paper's error where it has one. */
export function ladderTable(f: LadderForecast, opts: { detail?: boolean } = {}): string {
  const errs = ladderErrors(f);
  const anyPaper = errs.some((e) => e.paper !== null);
  const lossName = f.lossTransform === 'negate' ? `−${f.lossMetric}` : f.lossTransform === 'log' ? `ln ${f.lossMetric}` : f.lossMetric;
  const header = ['task', 'target', 'N', 'D', `${lossName} pred`, 'real', `${f.accMetric} pred`, 'real', 'err pts', 'step 2 alone', ...(anyPaper ? ['paper pts', '|err| − |paper|'] : [])];
  const rows: string[][] = [];
  for (const t of f.tasks) {
    for (const r of t.targets) {
      const e = errs.find((x) => x.task === t.task && x.model === r.model)!;
      const gap = e.points !== null && e.paper !== null ? Math.abs(e.points) - Math.abs(e.paper) : null;
      rows.push([
        t.task, r.model, fmtParams(r.n), Number.isNaN(r.d) ? '-' : fmtParams(r.d),
        fmtNum(r.predLoss, 4), fmtNum(r.actualLoss, 4), fmtNum(r.predAcc, 4), fmtNum(r.actualAcc, 4),
        pts(e.points), pts(e.step2Points),
        ...(anyPaper ? [e.paper === null ? '-' : e.paperSignKnown ? pts(e.paper) : `±${Math.abs(e.paper).toFixed(2)}`, pts(gap)] : []),
      ]);
    }
  }
  const sources = [...new Set(f.tasks.map((t) => t.step2Source))].join('/') || 'finals';
  const lines = [
    `Two-step forecast (Bhagia et al. 2024): (N, D) → ${f.lossMetric}${f.lossTransform === 'negate' ? ' (negated: a log-likelihood)' : f.lossTransform === 'log' ? ' (its log: a perplexity, so nats per token)' : ''} → ${f.accMetric}`,
    `fitted on ${f.fitModels.length} models (${f.fitModels.join(', ')}); step 2 on their ${sources}; forecasting ${f.targets.join(', ')}`,
    '',
    rows.length > 0 ? renderTable(header, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11])) : 'no task could be forecast (reasons below)',
    '',
    'err pts = 100 × (pred − real) accuracy; step 2 alone = the accuracy the sigmoid gives at the real loss.',
  ];
  if (anyPaper) {
    const head = errs.filter((e) => (PAPER_HEADLINE_TASKS as readonly string[]).includes(e.task) && e.points !== null && e.paper !== null);
    if (head.length > 0) {
      const within = head.filter((e) => Math.abs(Math.abs(e.points!) - Math.abs(e.paper!)) <= 1);
      const worst = head.reduce((a, b) => (Math.abs(Math.abs(b.points!) - Math.abs(b.paper!)) > Math.abs(Math.abs(a.points!) - Math.abs(a.paper!)) ? b : a));
      lines.push(
        `paper pts: the paper's chained errors (data/olmo-ladder/olmo_ladder.md; 7B signs read from its figure, ± where unknown).`,
        `MMLU, HellaSwag, PIQA, SocialIQa: |err| within 1 point of the paper's for ${within.length} of ${head.length} (task, target) pairs; largest gap ${Math.abs(Math.abs(worst.points!) - Math.abs(worst.paper!)).toFixed(2)} points (${worst.task}, ${worst.model}); |err| ${head.map((e) => Math.abs(e.points!).toFixed(2)).join(', ')} vs the paper's ${head.map((e) => Math.abs(e.paper!).toFixed(2)).join(', ')}.`,
      );
    }
  }
  for (const s of f.skipped) lines.push(`skipped ${s.task}: ${s.reason}`);
  if (opts.detail) {
    lines.push('');
    for (const t of f.tasks) {
      const s1 = t.step1;
      const law = s1.form === 'n-d'
        ? `L = ${fmtNum(Math.exp(s1.logA))}/N^${fmtNum(s1.alpha)} + ${fmtNum(Math.exp(s1.logB))}/D^${fmtNum(s1.beta)} + ${fmtNum(s1.e)}`
        : `L = ${fmtNum(Math.exp(s1.logA))}/N^${fmtNum(s1.alpha)} + ${fmtNum(s1.e)}, no D term: D does not vary apart from N`;
      const s2 = t.step2;
      lines.push(`${t.task}: step 1 ${law} (${s1.points} points, Huber ${fmtNum(s1.huberLoss)}); step 2 Acc = ${fmtNum(s2.a, 4)}/(1 + e^(−${fmtNum(s2.k, 4)}(L − ${fmtNum(s2.x0, 4)}))) + ${fmtNum(s2.b, 4)} (${s2.points} points with the anchor, RSS ${fmtNum(s2.rss)})`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `emergence forecast obs-scaling`: test error per emergent task, PC sigmoid against log-FLOPs. */
export function obsTable(r: ObsTasksResult, opts: { detail?: boolean } = {}): string {
  const ev = r.allModels.explainedVarianceRatio;
  const cum = (k: number): number => ev.slice(0, k).reduce((a, b) => a + b, 0);
  const header = ['task', 'metric', 'base', 'train', 'test', `var ${r.components} PCs`, 'test MSE PC', 'test MSE log-FLOPs', 'MAE PC', 'MAE log-FLOPs', 'better'];
  const rows = r.tasks.map((t) => [
    t.task, t.metric, String(t.base.length), String(t.nTrain), String(t.nTest),
    pct(t.explainedVarianceRatio.slice(0, r.components).reduce((a, b) => a + b, 0)),
    fmtNum(t.pcMse), fmtNum(t.flopsMse), fmtNum(t.pcMae), fmtNum(t.flopsMae),
    t.pcMse < t.flopsMse ? 'PC' : t.pcMse > t.flopsMse ? 'log-FLOPs' : 'tie',
  ]);
  const wins = r.tasks.filter((t) => t.pcMse < t.flopsMse).length;
  const lines = [
    `Observational scaling (Ruan, Maddison, Hashimoto 2024): a sigmoid with a floor of ${r.components} PCs of the base benchmarks vs of ln FLOPs,`,
    `fitted on models ≤ ${fmtNum(r.cutoffFlops)} FLOPs, tested on the larger ones (scores in [0, 1]; BLEU divided by 100)`,
    `PCA of ${r.allModels.base.length} base benchmarks over all ${r.allModels.n} models (missing imputed): ${ev.slice(0, 4).map((v, i) => `PC${i + 1} ${pct(v)}`).join(', ')}; the first 3 explain ${pct(cum(3))}`,
    '',
    renderTable(header, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9])),
    '',
    `The PC sigmoid has the lower test MSE on ${wins} of ${r.tasks.length} (task, metric) pairs. base = benchmarks in the PCA (GSM8K left out for arithmetic, as ObsScaling does); var = their share on the training split.`,
  ];
  for (const s of r.skipped) lines.push(`skipped ${s.task} ${s.metric}: ${s.reason}`);
  if (opts.detail) {
    for (const t of r.tasks) {
      lines.push('', `${t.task} ${t.metric}: held-out models (actual / PC / log-FLOPs)`);
      for (const x of t.test) lines.push(`  ${x.model} (${fmtNum(x.flops)} FLOPs): ${fmtNum(x.actual)} / ${fmtNum(x.pc)} / ${fmtNum(x.logFlops)}`);
    }
  }
  return lines.join('\n') + '\n';
}
