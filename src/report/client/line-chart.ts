/** An experiment's own charts (the report's sections above the audit): lines against a shared x axis. */
import * as Plot from '@observablehq/plot';
import type { ChartSection, LineChart } from '../report-data.js';
import { el, fmt } from './dom.js';

const MODEL_SHADES = ['#9ecae1', '#6baed6', '#3182bd', '#08519c', '#08306b'];
const DISTINCT_COLOURS = ['#08519c', '#a63603', '#54278f', '#006d2c'];
const REFERENCE_COLOURS = ['#e6550d', '#31a354', '#756bb1', '#d6616b', '#8c6d31', '#636363', '#e7ba52', '#7b4173'];

interface LineRow { x: number; y: number; name: string; kind: 'model' | 'reference' }

/** One chart: models solid, from light (smallest) to dark (largest) or each its own colour; references dashed, each its own colour. */
function lineChart(ch: LineChart): HTMLElement {
  const fig = el('figure', { class: 'line-chart' });
  const rows: LineRow[] = ch.series.flatMap((s) => s.values.flatMap((y, i) => (y === null || !Number.isFinite(y) ? [] : [{ x: ch.x[i]!, y, name: s.name, kind: s.kind }])));
  const models = ch.series.filter((s) => s.kind === 'model').map((s) => s.name);
  const refs = ch.series.filter((s) => s.kind === 'reference').map((s) => s.name);
  const shades = MODEL_SHADES.slice(-Math.max(models.length, 1));
  const modelColour = (i: number): string => (ch.palette === 'distinct' ? DISTINCT_COLOURS[i % DISTINCT_COLOURS.length]! : shades[Math.min(i, shades.length - 1)]!);
  const range = [...models.map((_, i) => modelColour(i)), ...refs.map((_, i) => REFERENCE_COLOURS[i % REFERENCE_COLOURS.length]!)];
  const positive = rows.every((r) => r.y > 0);
  fig.append(
    Plot.plot({
      width: 450, height: 280, marginLeft: 52, style: { fontSize: '10px' },
      x: { label: ch.xLabel }, y: { label: ch.yLabel, type: ch.yScale ?? (positive ? 'log' : 'linear'), grid: true, tickFormat: '~g' },
      color: { legend: true, domain: [...models, ...refs], range },
      marks: [
        Plot.line(rows.filter((r) => r.kind === 'reference'), { x: 'x', y: 'y', z: 'name', stroke: 'name', strokeDasharray: '5,3', strokeWidth: 1.3 }),
        Plot.line(rows.filter((r) => r.kind === 'model'), { x: 'x', y: 'y', z: 'name', stroke: 'name', strokeWidth: 2.2 }),
        Plot.tip(rows, Plot.pointer({ x: 'x', y: 'y', title: (r: LineRow) => `${r.name}${r.kind === 'reference' ? ' (reference)' : ''}\n${ch.xLabel} ${r.x}\n${ch.yLabel} ${fmt(r.y)}` })),
      ],
    }),
    el('figcaption', {}, ch.title),
  );
  return fig;
}

export function chartSection(sec: ChartSection): HTMLElement {
  const box = el('section', { class: 'chart-section' });
  const charts = el('div', { class: 'charts' });
  for (const ch of sec.charts) charts.append(lineChart(ch));
  box.append(el('h2', {}, sec.title), el('p', {}, sec.note), charts);
  return box;
}
