import type { AuditDocument } from './audit-document.js';
import { familyLabel } from '../core/curves/key.js';
import { fmtAxis, fmtNum, forecastBasis } from './format.js';

import { renderTable as render } from './render-table.js';
import { scoreboardTable } from './scoreboard-table.js';

/** [0.15–0.29]: a forecast's interval (its level is the scoreboard's and the docs'). */
const intervalText = (iv: { low: number; high: number }): string => `[${fmtNum(iv.low)}–${fmtNum(iv.high)}]`;
const shotsText = (s: number | null): string => (s === null ? '-' : String(s));
const verdictText = (v: string, q: string | null): string => (q ? `${v} (${q})` : v);

/** The terminal table of `emergence audit`, then the metric-swap summary and the meta-analysis. */
export function auditTable(doc: AuditDocument, opts: { showAll?: boolean; detail?: boolean; scoreboard?: boolean } = {}): string {
  const shown = doc.curves.filter((c) => opts.showAll || c.verdict !== 'too_few_points');
  const hidden = doc.curves.length - shown.length;
  const header = ['family', 'task', 'metric', 'shots', 'pts', 'range', 'B', 'L', 'verdict', `back-test: fit all but the ${doc.holdout} largest, predict the largest`];
  const rows = shown.map((c) => {
    const vals = c.points.map((p) => p.value);
    const h = c.headline;
    const last = c.points[c.points.length - 1];
    const bt =
      h && last
        ? `pred ${fmtNum(h.largestPredicted)} ${intervalText(h.largestInterval)}, real ${fmtNum(h.largestActual)} at ${fmtAxis(doc.axis, last.params)} (err ${fmtNum(h.largestAbsError)}; ${forecastBasis(h, fmtAxis(doc.axis, h.trainedUpTo))})`
        : '-';
    return [
      familyLabel(c.key),
      c.key.task,
      c.key.metric,
      shotsText(c.key.shots),
      String(c.points.length),
      `${fmtNum(Math.min(...vals))}–${fmtNum(Math.max(...vals))}`,
      fmtNum(c.measures.breakthroughness),
      fmtNum(c.measures.linearity),
      verdictText(c.verdict, c.qualifier),
      bt,
    ];
  });
  const parts: string[] = [render(header, rows, new Set([3, 4, 6, 7]))];
  if (doc.axis.kind !== 'params') parts.unshift(`scale axis: ${doc.axis.label}${doc.axis.kind === 'metric' ? ' (linear; the better end counts as the larger)' : ''}`);
  if (hidden > 0) parts.push(`(${hidden} curve${hidden > 1 ? 's' : ''} with fewer than ${doc.thresholds.minPoints} points not shown; --all shows them)`);

  if (opts.detail) {
    for (const c of shown) {
      const lines = [`\n${familyLabel(c.key)} · ${c.key.task} · ${c.key.metric}${c.key.shots === null ? '' : ` · ${c.key.shots}-shot`}: ${verdictText(c.verdict, c.qualifier)}`];
      for (const r of c.reasons) lines.push(`  - ${r}`);
      lines.push(`  points: ${c.points.map((p) => `${p.model} (${fmtAxis(doc.axis, p.params)}) ${fmtNum(p.value, 4)}${p.stderr !== null ? ` ±${fmtNum(p.stderr, 2)}` : ''}`).join(', ')}`);
      lines.push(`  fits: ${c.fits.map((f) => `${f.form} R²=${fmtNum(f.r2)} AICc=${fmtNum(f.aicc)}`).join('; ') || '-'}`);
      const pq = (p: number | null, q: number | null): string => (p === null ? '-' : `p = ${fmtNum(p)}${q === null ? '' : `, q = ${fmtNum(q)}`}`);
      lines.push(`  tests: trend ${pq(c.trendP, c.trendQ)}; emergence ${pq(c.emergenceP, c.emergenceQ)} (forecast miss p = ${fmtNum(c.surpriseP)})${c.chance ? `; chance ${fmtNum(c.chance.level)} (${c.chance.source}), farthest model p = ${fmtNum(c.chance.p)}` : ''}${c.stability ? `; stability: ${c.stability.flips.length} of ${c.stability.checked.length} perturbations flip it` : ''}`);
      lines.push(`  measures: sharpness ${fmtNum(c.measures.sharpness)}, surprise ${fmtNum(c.surprise)}, noise ${fmtNum(c.measures.noise)} (${c.measures.noiseSource}), Spearman ${fmtNum(c.measures.spearman)}`);
      for (const s of c.backtest) {
        lines.push(
          `  back-test k=${s.k} (≤${fmtAxis(doc.axis, s.trainedUpTo)}, ${s.rule === 'no_change' ? 'no change' : s.form}${s.floor !== null ? `, floor ${fmtNum(s.floor)}` : ''}${s.trendP === null ? '' : `; flatness p = ${fmtNum(s.trendP)}`}; σ ${fmtNum(s.sigma)} ${s.sigmaFrom}): next ${fmtNum(s.nextPredicted)} ${intervalText(s.nextInterval)}${s.form === 'linear' ? '' : ` (log-linear ${fmtNum(s.trendNextPredicted)})`} vs ${fmtNum(s.nextActual)}; largest ${fmtNum(s.largestPredicted)} ${intervalText(s.largestInterval)} vs ${fmtNum(s.largestActual)} (err ${fmtNum(s.largestAbsError)})`,
        );
      }
      parts.push(lines.join('\n'));
    }
  }

  const multi = doc.swaps;
  const changing = multi.filter((s) => s.changes);
  const swapLines = [`\nMetric swap: ${multi.length} (family, task) pair${multi.length === 1 ? '' : 's'} scored under several metrics; the verdict changes with the metric in ${changing.length}.`];
  for (const s of changing) {
    const fam = familyLabel({ family: s.family, task: s.task, metric: '', shots: s.shots, labels: s.labels });
    const entries = s.entries.map((e) => `${e.metric}: ${verdictText(e.verdict, e.qualifier)}`).join('  ↔  ');
    swapLines.push(`  ${fam} · ${s.task}${s.shots === null ? '' : ` (${s.shots}-shot)`}: ${entries}`);
  }
  parts.push(swapLines.join('\n'));

  if (doc.fdr !== null) {
    const f = doc.fdr;
    parts.push(
      `\nFalse-discovery control (${f.method === 'bh' ? 'Benjamini–Hochberg' : 'Benjamini–Yekutieli'}, q = ${f.q}) across ${f.tests} tested curves: ${f.emergentAfter} of ${f.emergentBefore} emergent calls survive (${f.emergenceCutoff === null ? 'no emergence p-value passes' : `p ≤ ${fmtNum(Math.min(doc.thresholds.emergenceAlpha, f.emergenceCutoff))}`}), ${f.smoothAfter} of ${f.smoothBefore} smooth calls keep their trend (${f.trendCutoff === null ? 'no trend p-value passes' : `p ≤ ${fmtNum(Math.min(doc.thresholds.trendAlpha, f.trendCutoff))}`}).`,
    );
  } else parts.push('\nNo false-discovery control (--no-fdr): each curve judged at its own level.');
  const fragile = doc.curves.filter((c) => c.verdict === 'fragile');
  const atChance = doc.curves.filter((c) => c.verdict === 'at_chance').length;
  if (fragile.length > 0 || atChance > 0) {
    const leanEm = fragile.filter((c) => c.stability?.leaning === 'emergent').length;
    parts.push(`${atChance} curve${atChance === 1 ? '' : 's'} at chance; ${fragile.length} fragile (the call flips when one model is left out or values move within their errors), ${leanEm} of them emergent on the full data.`);
  }
  const metaRows = doc.meta.map((m) => [m.metric, String(m.curves), String(m.emergent), `${(100 * m.share).toFixed(1)}%`, `${(100 * m.shareOfEmergent).toFixed(1)}%`]);
  const totalEmergent = doc.meta.reduce((s, m) => s + m.emergent, 0);
  const totalCurves = doc.meta.reduce((s, m) => s + m.curves, 0);
  parts.push(`\nMeta-analysis: ${totalEmergent} of ${totalCurves} curves read emergent; by metric:`);
  parts.push(render(['metric', 'curves', 'emergent', 'share', 'of all emergent'], metaRows, new Set([1, 2, 3, 4])));
  if (opts.scoreboard) parts.push(scoreboardTable(doc.scoreboard, doc.holdout).trimEnd());
  return parts.join('\n') + '\n';
}
