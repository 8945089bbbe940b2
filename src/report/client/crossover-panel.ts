/**
 * The crossover panels of the report (`audit --compare … --html`): per pair, both variants' points
 * and fitted curves, then their difference against scale with its fit, the zero line, and each
 * crossing's interval shaded. The page evaluates only the fits it is given.
 */
import * as Plot from '@observablehq/plot';
import { predict } from '../../core/fit/index.js';
import { outcomePhrase } from '../../core/crossover/describe.js';
import type { ReportData } from '../report-data.js';
import { el, fmt, fmtParams } from './dom.js';
import { clipTo, yDomain } from './y-domain.js';
import { metricScale } from '../../core/analysis/metric-info.js';

type Doc = NonNullable<ReportData['crossovers']>;
type Entry = Doc['pairs'][number];

const A_COLOUR = '#7f7f7f';
const B_COLOUR = '#d6336c';

const outcomeText = (e: Entry, doc: Doc): string => outcomePhrase(e.result, doc.compare, fmtParams, true);

function grid(lo: number, hi: number): number[] {
  return Array.from({ length: 60 }, (_, i) => lo + ((hi - lo) * i) / 59);
}

function panel(e: Entry, doc: Doc): HTMLElement {
  const { a, b } = doc.compare;
  const r = e.result;
  const sec = el('section', { class: 'panel crossover', 'data-pair': e.id });
  sec.append(el('h3', {}, `${e.label} · ${e.task} · ${e.metric}: ${outcomeText(e, doc)}`));
  const row = el('div', { class: 'metrics' });
  const lines: { params: number; value: number; variant: string }[] = [];
  // The axis keeps to the metric's scale when both sides share one (compared metrics may not).
  const sa = metricScale(e.a.key.metric);
  const sb = metricScale(e.b.key.metric);
  const limits = sa !== null && sb !== null && sa[0] === sb[0] && sa[1] === sb[1] ? sa : null;
  for (const [name, fit, pts] of [[a, r.fitA, e.a.points], [b, r.fitB, e.b.points]] as const) {
    if (fit === null || pts.length === 0) continue;
    const xs = pts.map((p) => Math.log10(p.params));
    for (const x of grid(Math.min(...xs), Math.max(...xs))) lines.push({ params: 10 ** x, value: clipTo(limits, predict(fit, x)), variant: name });
  }
  const dots = [...e.a.points.map((p) => ({ ...p, variant: a })), ...e.b.points.map((p) => ({ ...p, variant: b }))];
  const colour = { legend: true, domain: [a, b], range: [A_COLOUR, B_COLOUR] };
  const bands = r.crossings.map((c) => ({ x1: c.interval.low ?? r.range[0], x2: c.interval.high ?? r.range[1], params: c.params }));
  row.append(
    figure(Plot.plot({
      width: 420, height: 250, marginLeft: 48, style: { fontSize: '10px' }, color: colour,
      x: { type: 'log', label: 'parameters', tickFormat: (d: number) => fmtParams(d), ticks: 5 },
      y: { label: `${e.metric}${e.higherIsBetter ? ' ↑' : ' ↓'}`, grid: true, domain: yDomain(dots.map((d) => d.value), lines.map((l) => l.value), limits) },
      marks: [
        Plot.rectX(bands, { x1: 'x1', x2: 'x2', fill: B_COLOUR, fillOpacity: 0.08 }),
        Plot.ruleX(bands, { x: 'params', stroke: B_COLOUR, strokeDasharray: '3,3' }),
        Plot.line(lines, { x: 'params', y: 'value', z: 'variant', stroke: 'variant', strokeOpacity: 0.8 }),
        Plot.dot(dots, { x: 'params', y: 'value', fill: 'variant', r: 3.5 }),
        Plot.tip(dots, Plot.pointer({ x: 'params', y: 'value', title: (d: (typeof dots)[number]) => `${d.model} (${d.variant})\nparams ${fmtParams(d.params)}\nvalue ${fmt(d.value)}` })),
      ],
    }), `${a} and ${b} with their fitted forms (${r.fitA?.form ?? '-'}, ${r.fitB?.form ?? '-'})`),
    figure(Plot.plot({
      width: 420, height: 250, marginLeft: 48, style: { fontSize: '10px' },
      x: { type: 'log', label: 'parameters', tickFormat: (d: number) => fmtParams(d), ticks: 5 },
      y: { label: `${b} − ${a}${e.higherIsBetter ? '' : ' (oriented: positive = better)'}`, grid: true },
      marks: [
        Plot.rectX(bands, { x1: 'x1', x2: 'x2', fill: B_COLOUR, fillOpacity: 0.12 }),
        Plot.areaY(r.tie.band, { x: 'params', y1: (t: Entry['result']['tie']['band'][number]) => -t.halfWidth, y2: 'halfWidth', fill: '#222', fillOpacity: 0.1 }),
        Plot.ruleY([0], { stroke: '#222' }),
        Plot.line(r.fitted, { x: 'params', y: 'diff', stroke: B_COLOUR }),
        Plot.dot(r.observed, { x: 'params', y: 'diff', fill: '#222', r: 3.5 }),
        Plot.ruleX(bands, { x: 'params', stroke: B_COLOUR, strokeDasharray: '3,3' }),
        Plot.tip(r.observed, Plot.pointer({ x: 'params', y: 'diff', title: (o: Entry['result']['observed'][number]) => `${o.model}\nparams ${fmtParams(o.params)}\n${a} ${fmt(o.a)}, ${b} ${fmt(o.b)}\ndifference ${fmt(o.diff)}` })),
      ],
    }), `the difference: observed (dots), fitted (line), the tie band of ±z·se around zero (grey), ${Math.round(doc.level * 100)}% interval of each crossing (shaded)`),
  );
  sec.append(row);
  return sec;
}

function figure(plot: Element, caption: string): HTMLElement {
  const fig = el('figure', { class: 'line-chart' });
  fig.append(plot, el('figcaption', {}, caption));
  return fig;
}

/** The pairs the page's filters keep (both curves must pass), of all the document's pairs. */
export function crossoverSection(doc: Doc, pairs: readonly Entry[]): HTMLElement {
  const box = el('section', { class: 'chart-section', id: 'crossovers' });
  const { field, a, b } = doc.compare;
  box.append(
    el('h2', {}, `Where ${b} overtakes ${a} (${field})`),
    el('p', {}, `${pairs.length} of ${doc.pairs.length} pairs shown. Crossovers are where the difference of the two fitted curves changes sign; intervals are ${Math.round(doc.level * 100)}% bootstrap percentile intervals (${doc.resamples} resamples, seed ${doc.seed}). The audit of every compared curve follows.`),
  );
  for (const e of pairs) box.append(panel(e, doc));
  return box;
}
