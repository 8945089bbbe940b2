/**
 * The audit report in the browser: small multiples per (family, task), one plot per metric against
 * parameters on a log axis, with intervals, the best fit, and the headline back-test drawn dashed
 * beside the held-out models. Filters and search live in the URL (#family=…&q=…) so a view can be
 * shared. Text from the data is only ever set as textContent: names cannot inject markup.
 */
import * as Plot from '@observablehq/plot';
import { predict } from '../../core/fit/index.js';
import type { ChartSection, LineChart, ReportCurve, ReportData } from '../report-data.js';
import { crossoverSection } from './crossover-panel.js';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const fmt = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
};
const fmtParams = (p: number): string => {
  for (const [u, s] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) if (p >= u) return `${Number((p / u).toPrecision(3))}${s}`;
  return String(p);
};
const familyLabel = (c: ReportCurve): string => {
  const names = Object.keys(c.key.labels).sort();
  return names.length === 0 ? c.key.family : `${c.key.family} [${names.map((n) => `${n}=${c.key.labels[n]}`).join(',')}]`;
};

const data = JSON.parse(document.getElementById('audit-data')!.textContent!, (_k, v: unknown) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v,
) as ReportData;

type Filter = 'family' | 'task' | 'metric' | 'verdict' | 'q';
const FILTERS: Filter[] = ['family', 'task', 'metric', 'verdict', 'q'];
const PAGE = 30;

function readState(): Record<Filter, string> & { page: number } {
  const h = new URLSearchParams(location.hash.replace(/^#/, ''));
  return { family: h.get('family') ?? '', task: h.get('task') ?? '', metric: h.get('metric') ?? '', verdict: h.get('verdict') ?? '', q: h.get('q') ?? '', page: Math.max(1, Number(h.get('page') ?? 1) || 1) };
}
function writeState(s: Record<Filter, string> & { page: number }): void {
  const h = new URLSearchParams();
  for (const k of FILTERS) if (s[k]) h.set(k, s[k]);
  if (s.page > 1) h.set('page', String(s.page));
  const str = h.toString();
  history.replaceState(null, '', str ? `#${str}` : location.pathname + location.search);
}

function controls(state: Record<Filter, string>, onChange: () => void): HTMLElement {
  const bar = el('div', { id: 'controls' });
  const uniq = (f: (c: ReportCurve) => string): string[] => [...new Set(data.curves.map(f))].sort();
  const options: Record<Exclude<Filter, 'q'>, string[]> = {
    family: uniq((c) => c.key.family),
    task: uniq((c) => c.key.task),
    metric: uniq((c) => c.key.metric),
    verdict: uniq((c) => c.verdict),
  };
  for (const f of ['family', 'task', 'metric', 'verdict'] as const) {
    const label = el('label', {}, `${f} `);
    const sel = el('select', { id: `f-${f}`, name: f });
    sel.append(el('option', { value: '' }, 'all'));
    for (const v of options[f]) sel.append(el('option', { value: v }, v));
    sel.value = state[f];
    sel.addEventListener('change', onChange);
    label.append(sel);
    bar.append(label);
  }
  const search = el('input', { id: 'f-q', type: 'search', placeholder: 'search family, task, metric, model…' });
  search.value = state.q;
  search.addEventListener('input', onChange);
  bar.append(search);
  return bar;
}

function matches(c: ReportCurve, s: Record<Filter, string>): boolean {
  if (s.family && c.key.family !== s.family) return false;
  if (s.task && c.key.task !== s.task) return false;
  if (s.metric && c.key.metric !== s.metric) return false;
  if (s.verdict && c.verdict !== s.verdict) return false;
  if (s.q) {
    const q = s.q.toLowerCase();
    const hay = [familyLabel(c), c.key.task, c.key.metric, ...c.points.map((p) => p.model)].join(' ').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/**
 * Where a position (the `params` the analysis read on log10) is drawn: itself on a log axis, or
 * the metric's own value on a linear one (core/curves/axis.ts), the better end to the right.
 */
const axisOf = (): { toX: (pos: number) => number; scale: Record<string, unknown>; name: string; label: string; tick: (v: number) => string } => {
  const a = data.axis;
  const m = a?.metric;
  if (a && m) return { toX: (pos) => m.sign * (Math.log10(pos) + m.offset), scale: { type: 'linear', reverse: m.sign < 0 }, name: a.name, label: a.name, tick: (v) => fmt(v) };
  const step = a?.kind === 'step';
  return { toX: (pos) => pos, scale: { type: 'log' }, name: a?.name ?? 'params', label: a?.label ?? 'parameters', tick: (v) => (step ? String(Math.round(v)) : a?.kind === 'flops' ? v.toExponential(0) : fmtParams(v)) };
};

interface PlotPoint { model: string; params: number; value: number; lo: number | null; hi: number | null; n: number | null; heldOut: boolean; href: string | null }

function curvePlot(c: ReportCurve): HTMLElement {
  const fig = el('figure', { class: `curve verdict-${c.verdict}`, 'data-curve': c.id });
  const h = c.headline;
  const cut = h ? h.k : c.points.length;
  const ax = axisOf();
  const pts: PlotPoint[] = c.points.map((p, i) => {
    const half = p.stderr !== null ? 1.96 * p.stderr : null;
    const href = data.links?.[`${c.key.family}|${p.model}|${c.key.task}`] ?? null;
    return { model: p.model, params: ax.toX(p.params), value: p.value, lo: p.low ?? (half !== null ? p.value - half : null), hi: p.high ?? (half !== null ? p.value + half : null), n: p.n, heldOut: i >= cut, href };
  });
  const xs = c.points.map((p) => Math.log10(p.params));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const grid = (from: number, to: number): number[] => Array.from({ length: 40 }, (_, i) => from + ((to - from) * i) / 39);
  const fitLine = c.bestFit ? grid(x0, x1).map((x) => ({ params: ax.toX(10 ** x), value: predict(c.bestFit!, x) })) : [];
  const clip = (v: number): number => (c.limits ? Math.min(c.limits[1], Math.max(c.limits[0], v)) : v);
  const btLine = h ? grid(Math.log10(h.trainedUpTo), x1).map((x) => ({ params: ax.toX(10 ** x), value: clip(predict(h.fit, x)) })) : [];
  const marks: Plot.Markish[] = [
    Plot.ruleX(pts.filter((p) => p.lo !== null), { x: 'params', y1: 'lo', y2: 'hi', stroke: '#999' }),
    fitLine.length ? Plot.line(fitLine, { x: 'params', y: 'value', stroke: '#4269d0', strokeOpacity: 0.7 }) : null,
    btLine.length ? Plot.line(btLine, { x: 'params', y: 'value', stroke: '#ef8a00', strokeDasharray: '5,4' }) : null,
    Plot.dot(pts, { x: 'params', y: 'value', r: 3.5, fill: (p: PlotPoint) => (p.heldOut ? '#ef8a00' : '#222'), ...(data.links ? { href: (p: PlotPoint) => p.href ?? '' } : {}) }),
    Plot.tip(pts, Plot.pointer({
      x: 'params', y: 'value',
      title: (p: PlotPoint) => `${p.model}\n${ax.name} ${ax.tick(p.params)}\nvalue ${fmt(p.value)}${p.lo !== null ? `\ninterval [${fmt(p.lo)}, ${fmt(p.hi)}]` : ''}${p.n !== null ? `\nn ${p.n}` : ''}${p.heldOut ? '\n(held out of the back-test fit)' : ''}${p.href ? '\nclick: its samples' : ''}`,
    })),
  ];
  // A constant curve (exact match at 0 everywhere) still needs a readable axis around its value.
  const ys = [...pts.map((p) => p.value), ...pts.flatMap((p) => (p.lo !== null && p.hi !== null ? [p.lo, p.hi] : [])), ...fitLine.map((p) => p.value)];
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  const pad = Math.max(Math.abs(yMax) * 0.1, 0.05);
  const yDomain = yMax - yMin < 1e-12 ? [yMin - (yMin === 0 ? 0 : pad), yMax + pad] : undefined;
  const plot = Plot.plot({
    width: 330, height: 210, marginLeft: 48, style: { fontSize: '10px' },
    x: { ...ax.scale, label: ax.label, tickFormat: (d: number) => ax.tick(d), ticks: 4 },
    y: { label: `${c.key.metric}${c.higherIsBetter ? ' ↑' : ' ↓'}`, grid: true, ...(yDomain ? { domain: yDomain } : {}) },
    marks,
  });
  const cap = el('figcaption');
  const badge = el('span', { class: `badge verdict-${c.verdict}` }, c.qualifier ? `${c.verdict} (${c.qualifier})` : c.verdict);
  cap.append(el('strong', {}, c.key.metric), ' ', badge);
  const facts = el('div', { class: 'facts' }, `B ${fmt(c.measures.breakthroughness)} · L ${fmt(c.measures.linearity)} · sharpness ${fmt(c.measures.sharpness)} · trend p ${fmt(c.trendP)}${c.trendQ === null ? '' : ` (q ${fmt(c.trendQ)})`} · emergence p ${fmt(c.emergenceP)}${c.emergenceQ === null ? '' : ` (q ${fmt(c.emergenceQ)})`}${h ? ` · back-test: pred ${fmt(h.largestPredicted)}, real ${fmt(h.largestActual)} (err ${fmt(h.largestAbsError)}, ${h.form} fit ≤${ax.tick(ax.toX(h.trainedUpTo))})` : ''}`);
  const ul = el('ul', { class: 'reasons' });
  for (const r of c.reasons) ul.append(el('li', {}, r));
  fig.append(plot, cap, facts, ul);
  return fig;
}

const MODEL_SHADES = ['#9ecae1', '#6baed6', '#3182bd', '#08519c', '#08306b'];
const REFERENCE_COLOURS = ['#e6550d', '#31a354', '#756bb1', '#d6616b', '#8c6d31', '#636363', '#e7ba52', '#7b4173'];

interface LineRow { x: number; y: number; name: string; kind: 'model' | 'reference' }

/** One chart: models solid, from light (smallest) to dark (largest); references dashed, each its own colour. */
function lineChart(ch: LineChart): HTMLElement {
  const fig = el('figure', { class: 'line-chart' });
  const rows: LineRow[] = ch.series.flatMap((s) => s.values.flatMap((y, i) => (y === null || !Number.isFinite(y) ? [] : [{ x: ch.x[i]!, y, name: s.name, kind: s.kind }])));
  const models = ch.series.filter((s) => s.kind === 'model').map((s) => s.name);
  const refs = ch.series.filter((s) => s.kind === 'reference').map((s) => s.name);
  const shades = MODEL_SHADES.slice(-Math.max(models.length, 1));
  const range = [...models.map((_, i) => shades[Math.min(i, shades.length - 1)]!), ...refs.map((_, i) => REFERENCE_COLOURS[i % REFERENCE_COLOURS.length]!)];
  const positive = rows.every((r) => r.y > 0);
  fig.append(
    Plot.plot({
      width: 450, height: 280, marginLeft: 52, style: { fontSize: '10px' },
      x: { label: ch.xLabel }, y: { label: ch.yLabel, type: positive ? 'log' : 'linear', grid: true, tickFormat: '~g' },
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

function chartSection(sec: ChartSection): HTMLElement {
  const box = el('section', { class: 'chart-section' });
  const charts = el('div', { class: 'charts' });
  for (const ch of sec.charts) charts.append(lineChart(ch));
  box.append(el('h2', {}, sec.title), el('p', {}, sec.note), charts);
  return box;
}

function summary(): HTMLElement {
  const box = el('section', { id: 'summary' });
  box.append(el('h2', {}, 'Meta-analysis: share of curves that read emergent, by metric'));
  const meta = data.meta.filter((m) => m.curves > 0);
  if (meta.length > 0) {
    box.append(Plot.plot({
      width: 640, height: 40 + 22 * meta.length, marginLeft: 190, marginRight: 60, x: { label: 'share of curves that read emergent', domain: [0, 1], tickFormat: '.0%', grid: true }, y: { label: null },
      marks: [
        Plot.barX(meta, { x: 'share', y: 'metric', sort: { y: '-x' }, fill: '#ef8a00' }),
        Plot.text(meta, { x: 'share', y: 'metric', text: (m: (typeof meta)[number]) => `${m.emergent}/${m.curves}`, dx: 4, textAnchor: 'start' }),
      ],
    }));
  }
  const changing = data.swaps.filter((s) => s.changes);
  box.append(el('h2', {}, `Metric swap: the verdict changes with the metric in ${changing.length} of ${data.swaps.length} (family, task) pairs`));
  const ul = el('ul', { id: 'swaps' });
  for (const s of changing.slice(0, 200)) {
    ul.append(el('li', {}, `${s.family} · ${s.task}${s.shots === null ? '' : ` (${s.shots}-shot)`}: ${s.entries.map((e) => `${e.metric}: ${e.verdict}${e.qualifier ? ` (${e.qualifier})` : ''}`).join('  ↔  ')}`));
  }
  if (changing.length > 200) ul.append(el('li', {}, `… ${changing.length - 200} more (filter to see them)`));
  box.append(ul);
  return box;
}

function main(): void {
  const root = document.getElementById('app')!;
  const state = readState();
  const panels = el('main', { id: 'panels' });
  const count = el('p', { id: 'count' });
  const more = el('button', { id: 'more', type: 'button' }, 'show more');
  const render = (): void => {
    writeState(state);
    panels.replaceChildren();
    const shown = data.curves.filter((c) => matches(c, state));
    const groups = new Map<string, ReportCurve[]>();
    for (const c of shown) {
      const g = `${familyLabel(c)}\u0000${c.key.task}\u0000${c.key.shots ?? ''}`;
      const list = groups.get(g);
      if (list) list.push(c);
      else groups.set(g, [c]);
    }
    const keys = [...groups.keys()];
    const visible = keys.slice(0, state.page * PAGE);
    for (const g of visible) {
      const curves = groups.get(g)!;
      const c0 = curves[0]!;
      const sec = el('section', { class: 'panel' });
      sec.append(el('h3', {}, `${familyLabel(c0)} · ${c0.key.task}${c0.key.shots === null ? '' : ` · ${c0.key.shots}-shot`}`));
      const row = el('div', { class: 'metrics' });
      for (const c of curves) row.append(curvePlot(c));
      sec.append(row);
      panels.append(sec);
    }
    count.textContent = `${shown.length} of ${data.curves.length} curves in ${keys.length} panels${visible.length < keys.length ? `, showing ${visible.length}` : ''}`;
    more.hidden = visible.length >= keys.length;
  };
  const bar = controls(state, () => {
    for (const f of ['family', 'task', 'metric', 'verdict'] as const) state[f] = (document.getElementById(`f-${f}`) as HTMLSelectElement).value;
    state.q = (document.getElementById('f-q') as HTMLInputElement).value;
    state.page = 1;
    render();
  });
  more.addEventListener('click', () => {
    state.page++;
    render();
  });
  root.append(...(data.sections ?? []).map(chartSection), ...(data.crossovers ? [crossoverSection(data.crossovers)] : []), bar, count, summary(), panels, more);
  render();
  document.body.dataset.ready = 'true';
}

main();
