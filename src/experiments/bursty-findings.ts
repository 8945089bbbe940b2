import { fmtNum } from '../report/format.js';
import type { ChartSection, LineChart, LineSeries } from '../report/report-data.js';
import { renderTable } from '../report/render-table.js';
import { cellLabel, judgeTrends, TRANSIENT_DROP, tradeOff, type Baselines, type CellSummary } from './bursty-cells.js';

/** What bursty-icl shows: its tables, sentences and charts, from the cells' summaries. */

const f3 = (v: number): string => fmtNum(v, 3);
const range = (s: { mean: number; min: number; max: number }, seeds: number): string => (seeds > 1 ? `${s.mean.toFixed(3)} [${s.min.toFixed(3)}, ${s.max.toFixed(3)}]` : s.mean.toFixed(3));
const steps = (xs: readonly (number | null)[]): string => xs.map((x) => (x === null ? 'never' : String(x))).join(', ');

export function summaryTable(cells: readonly CellSummary[]): string {
  const rows = cells.map((c) => [
    cellLabel(c.cell), c.factors.join('+'), String(c.seeds), range(c.finalIcl, c.seeds), `${c.peakIcl.value.toFixed(3)} @ ${c.peakIcl.step}`, steps(c.iclFirstPass),
    range(c.finalIwl, c.seeds), steps(c.iwlFirstPass), c.transient ? 'yes' : 'no',
  ]);
  return renderTable(['cell', 'sweep', 'seeds', 'final ICL [min, max]', 'peak ICL @ step', 'ICL passes at', 'final IWL [min, max]', 'IWL passes at', 'transient'], rows, new Set([2]));
}

/** Accuracy against step, one column per cell (the seeds' mean). */
export function stepTable(cells: readonly CellSummary[], kind: 'icl' | 'iwl'): string {
  const all = [...new Set(cells.flatMap((c) => c.steps))].sort((a, b) => a - b);
  const rows = all.map((s) => [String(s), ...cells.map((c) => {
    const i = c.steps.indexOf(s);
    return i < 0 ? '-' : c[kind][i]!.toFixed(3);
  })]);
  return renderTable(['step', ...cells.map((c) => c.id)], rows, new Set(cells.map((_, i) => i + 1)));
}

export function burstyLines(cells: readonly CellSummary[], b: Baselines): string[] {
  const out = [
    `chance 1/L = ${f3(b.chance)}; on the ICL set copying a random context label scores B/N = ${f3(b.iclCopy)}. ICL counts as present from ${f3(b.iclThreshold)}, IWL from ${f3(b.iwlThreshold)} (the same share of the way from each trivial baseline to 1).`,
  ];
  for (const t of judgeTrends(cells, b)) out.push(`trend "${t.claim}": ${t.reproduced === null ? 'not testable on this grid' : t.reproduced ? 'REPRODUCED' : 'NOT reproduced'} (final accuracies, seeds' mean: ${t.evidence})`);
  const r = tradeOff(cells);
  if (r !== null) out.push(`trade-off across the ${cells.length} cells: Pearson r between final ICL and final IWL = ${fmtNum(r, 3)}${r < 0 ? ' (where one strategy is strong the other tends to be weak)' : ''}`);
  const transient = cells.filter((c) => c.transient);
  out.push(transient.length === 0
    ? `no cell's mean ICL fell ${TRANSIENT_DROP} or more below its peak by the last checkpoint (no transient ICL within these steps)`
    : `transient ICL (a fall of ≥ ${TRANSIENT_DROP} from the peak): ${transient.map((c) => `${cellLabel(c.cell)} peak ${c.peakIcl.value.toFixed(3)} at step ${c.peakIcl.step}, last ${c.icl.at(-1)!.toFixed(3)}`).join('; ')}`);
  return out;
}

const ref = (name: string, v: number, n: number): LineSeries => ({ name, kind: 'reference', values: new Array<number>(n).fill(v) });

/** Per cell: ICL and IWL against step; and per sweep of p_B: every p_B's ICL on one chart, and IWL on another. */
export function burstyCharts(cells: readonly CellSummary[], b: Baselines): ChartSection[] {
  const perCell = cells.map((c): LineChart => ({
    title: cellLabel(c.cell), x: c.steps, xLabel: 'training step', yLabel: 'accuracy', yScale: 'linear', palette: 'distinct',
    series: [{ name: 'ICL (fresh classes)', kind: 'model', values: c.icl }, { name: 'IWL (query class absent)', kind: 'model', values: c.iwl }, ref('chance 1/L', b.chance, c.steps.length), ref('copy a context label', b.iclCopy, c.steps.length)],
  }));
  const pb = cells.filter((c) => c.factors.includes('burstiness')).sort((x, y) => x.cell.pBursty - y.cell.pBursty);
  const sweepChart = (kind: 'icl' | 'iwl'): LineChart => {
    const x = [...new Set(pb.flatMap((c) => c.steps))].sort((a, b2) => a - b2);
    return {
      title: `${kind === 'icl' ? 'ICL' : 'IWL'} against step by p_B (K ${pb[0]!.cell.classes}, α ${pb[0]!.cell.alpha})`, x, xLabel: 'training step', yLabel: `${kind.toUpperCase()} accuracy`, yScale: 'linear',
      series: [...pb.map((c): LineSeries => ({ name: `p_B ${c.cell.pBursty}`, kind: 'model', values: x.map((s) => { const i = c.steps.indexOf(s); return i < 0 ? null : c[kind][i]!; }) })), ref('chance 1/L', b.chance, x.length)],
    };
  };
  return [
    ...(pb.length > 0 ? [{ title: 'Burstiness: ICL and IWL against training step', note: `The seeds' mean accuracy on held-out sequences at each checkpoint, one line per p_B. ICL: fresh classes with arbitrary labels; IWL: trained classes, the query's class absent from the context.`, charts: [sweepChart('icl'), sweepChart('iwl')] }] : []),
    { title: 'Every cell: ICL and IWL against training step', note: 'Solid: the seeds\' mean ICL and IWL accuracy; dashed: chance (1/L) and what copying a random context label scores on the ICL set (B/N).', charts: perCell },
  ];
}
