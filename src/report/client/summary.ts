/**
 * The summaries above the grid, rebuilt from the curves the filters keep: the meta-analysis
 * (share of curves that read emergent, by metric), the metric swaps (pairs whose verdict changes
 * with the metric) and the back-test scoreboard (the forecast's error beside naive ones). They use
 * the audit's own functions (core/analysis), so with no filter they read as the CLI's table does.
 * The verdicts themselves are the audit's: FDR control ran across every tested curve, not the subset.
 */
import * as Plot from '@observablehq/plot';
import { metaAnalysis, metricSwaps } from '../../core/analysis/meta-analysis.js';
import { scoreboard } from '../../core/analysis/scoreboard.js';
import { familyLabel } from '../../core/curves/key.js';
import type { ReportCurve, ReportData } from '../report-data.js';
import { el, fmt } from './dom.js';

const SWAPS_LISTED = 200;
const pct = (v: number): string => `${(100 * v).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`;

function metaCard(curves: readonly ReportCurve[], data: ReportData): HTMLElement {
  const meta = metaAnalysis(curves);
  const total = meta.reduce((s, m) => s + m.curves, 0);
  const emergent = meta.reduce((s, m) => s + m.emergent, 0);
  const card = el('div', { class: 'card', id: 'meta', 'data-curves': String(total), 'data-emergent': String(emergent) });
  card.append(el('h2', {}, `Meta-analysis: ${emergent} of ${total} curves read emergent`));
  card.append(el('p', { class: 'note' }, `By metric, over the curves shown with a verdict. ${data.fdrTests === null ? 'No FDR control (--no-fdr).' : `Verdicts are the audit's, FDR-controlled across all ${data.fdrTests} tested curves.`}`));
  if (meta.length > 0) {
    card.append(Plot.plot({
      // Room for the longest metric id at 10 px (about 5.6 px a character), so none is cut.
      width: 400, height: 44 + 15 * meta.length, marginLeft: Math.min(230, 12 + 5.6 * Math.max(...meta.map((m) => m.metric.length))), marginRight: 56, marginTop: 24, marginBottom: 4, style: { fontSize: '10px' },
      x: { label: null, domain: [0, 1], tickFormat: '.0%', grid: true, ticks: 4, axis: 'top' }, y: { label: null },
      marks: [
        Plot.barX(meta, { x: 'share', y: 'metric', sort: { y: '-x' }, fill: '#ef8a00' }),
        Plot.text(meta, { x: 'share', y: 'metric', text: (m: (typeof meta)[number]) => `${m.emergent}/${m.curves}`, dx: 4, textAnchor: 'start' }),
      ],
    }));
  }
  return card;
}

function swapsCard(curves: readonly ReportCurve[]): HTMLElement {
  const swaps = metricSwaps(curves);
  const changing = swaps.filter((s) => s.changes);
  const card = el('div', { class: 'card', id: 'swap', 'data-pairs': String(swaps.length), 'data-changing': String(changing.length) });
  card.append(el('h2', {}, `Metric swap: the verdict changes with the metric in ${changing.length} of ${swaps.length} (family, task) pairs`));
  const ul = el('ul', { id: 'swaps' });
  for (const s of changing.slice(0, SWAPS_LISTED)) {
    const fam = familyLabel({ family: s.family, task: s.task, metric: '', shots: s.shots, labels: s.labels });
    ul.append(el('li', {}, `${fam} · ${s.task}${s.shots === null ? '' : ` (${s.shots}-shot)`}: ${s.entries.map((e) => `${e.metric}: ${e.verdict}${e.qualifier ? ` (${e.qualifier})` : ''}`).join('  ↔  ')}`));
  }
  if (changing.length > SWAPS_LISTED) ul.append(el('li', {}, `… ${changing.length - SWAPS_LISTED} more (filter to see them)`));
  if (swaps.length === 0) ul.append(el('li', {}, 'no (family, task) shown under more than one metric'));
  card.append(ul);
  return card;
}

function backtestCard(curves: readonly ReportCurve[], holdout: number): HTMLElement {
  const sb = scoreboard(curves, curves);
  const rows = sb.rows;
  const all = rows.filter((r) => r.taskFamily === '(all)');
  const tested = all.reduce((s, r) => s + r.curves, 0);
  const beats = all.reduce((s, r) => s + r.beatsNoChange, 0);
  const card = el('div', { class: 'card', id: 'backtests', 'data-curves': String(tested), 'data-beats': String(beats) });
  card.append(el('h2', {}, `Back-tests: the forecast beats "no change" in ${beats} of ${tested} curves`));
  card.append(el('p', { class: 'note' }, `Fit all but the ${holdout} largest, predict the largest: median |error| in points of the metric's scale (or in its own units, named in grey) beside no change and a log-linear law, and the share of real values inside the ${sb.level === null ? '' : `${Math.round(100 * sb.level)}% `}interval.`));
  if (rows.length === 0) card.append(el('p', { class: 'note' }, 'No curve shown has a headline back-test (too few models to hold some out).'));
  else {
    const table = el('table', { id: 'scoreboard' });
    const tr = el('tr');
    for (const h of ['task family', 'curves', 'forecast', 'no change', 'log-linear', 'inside']) tr.append(el('th', {}, h));
    table.append(tr);
    for (const r of rows) {
      const row = el('tr');
      const name = el('td', { title: r.unit === 'points' ? r.taskFamily : `${r.taskFamily}, in ${r.unit}` }, r.taskFamily);
      if (r.unit !== 'points') name.append(el('span', { class: 'unit' }, ` (${r.unit})`));
      row.append(name);
      for (const v of [String(r.curves), fmt(r.errors.forecast.median), fmt(r.errors.no_change.median), fmt(r.errors.log_linear.median), pct(r.coverage)]) row.append(el('td', {}, v));
      table.append(row);
    }
    card.append(table);
  }
  return card;
}

/** The three summaries of `curves`, in one row of cards. */
export function summary(curves: readonly ReportCurve[], data: ReportData): HTMLElement[] {
  return [metaCard(curves, data), swapsCard(curves), backtestCard(curves, data.holdout)];
}
