/**
 * One small multiple of the report's grid: a curve's values against scale (log axis for
 * parameters, tokens, FLOPs, steps), 95% intervals where known, the best fit (blue) and the
 * headline back-test (dashed orange, held-out models in orange). The y axis stays on the metric's
 * scale (y-domain.ts). Title, verdict badge and axes are always visible; measures and reasons
 * fold away under "why".
 */
import * as Plot from '@observablehq/plot';
import { predict } from '../../core/fit/index.js';
import { familyLabel } from '../../core/curves/key.js';
import type { ReportCurve, ReportData } from '../report-data.js';
import { el, fmt, fmtParams } from './dom.js';
import { clipTo, yDomain } from './y-domain.js';
import { forecastBasis } from '../format.js';

export interface Axis { toX: (pos: number) => number; scale: Record<string, unknown>; name: string; label: string; tick: (v: number) => string }

/**
 * Where a position (the `params` the analysis read on log10) is drawn: itself on a log axis, or
 * the metric's own value on a linear one (core/curves/axis.ts), the better end to the right.
 */
export function axisOf(data: ReportData): Axis {
  const a = data.axis;
  const m = a?.metric;
  if (a && m) return { toX: (pos) => m.sign * (Math.log10(pos) + m.offset), scale: { type: 'linear', reverse: m.sign < 0 }, name: a.name, label: a.name, tick: (v) => fmt(v) };
  const step = a?.kind === 'step';
  return { toX: (pos) => pos, scale: { type: 'log' }, name: a?.name ?? 'params', label: a?.label ?? 'parameters', tick: (v) => (step ? String(Math.round(v)) : a?.kind === 'flops' ? v.toExponential(0) : fmtParams(v)) };
}

/** What a panel is of, after its family: task · shots · metric. */
const subject = (c: ReportCurve): string => `${c.key.task}${c.key.shots === null ? '' : ` · ${c.key.shots}-shot`} · ${c.key.metric}`;

interface PlotPoint { model: string; params: number; value: number; lo: number | null; hi: number | null; n: number | null; heldOut: boolean; href: string | null }

const grid = (from: number, to: number): number[] => Array.from({ length: 40 }, (_, i) => from + ((to - from) * i) / 39);

export function curvePanel(c: ReportCurve, data: ReportData, ax: Axis): HTMLElement {
  const fig = el('figure', { class: `curve verdict-${c.verdict}`, 'data-curve': c.id, 'data-metric': c.key.metric, 'data-points': String(c.points.length) });
  const h = c.headline;
  const cut = h ? h.k : c.points.length;
  const clip = (v: number): number => clipTo(c.limits, v);
  const pts: PlotPoint[] = c.points.map((p, i) => {
    const half = p.stderr !== null ? 1.96 * p.stderr : null;
    const lo = p.low ?? (half !== null ? p.value - half : null);
    const hi = p.high ?? (half !== null ? p.value + half : null);
    const href = data.links?.[`${c.key.family}|${p.model}|${c.key.task}`] ?? null;
    return { model: p.model, params: ax.toX(p.params), value: p.value, lo: lo === null ? null : clip(lo), hi: hi === null ? null : clip(hi), n: p.n, heldOut: i >= cut, href };
  });
  const xs = c.points.map((p) => Math.log10(p.params));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const fitLine = c.bestFit ? grid(x0, x1).map((x) => ({ params: ax.toX(10 ** x), value: clip(predict(c.bestFit!, x)) })) : [];
  // The back-test's forecast as it was made: never below the chance floor it was held to.
  const btLine = h ? grid(Math.log10(h.trainedUpTo), x1).map((x) => ({ params: ax.toX(10 ** x), value: Math.max(h.floor ?? -Infinity, clip(predict(h.fit, x))) })) : [];
  const domain = yDomain(
    pts.map((p) => p.value),
    [...pts.flatMap((p) => (p.lo !== null && p.hi !== null ? [p.lo, p.hi] : [])), ...fitLine.map((p) => p.value), ...btLine.map((p) => p.value)],
    c.limits,
  );
  const marks: Plot.Markish[] = [
    Plot.ruleX(pts.filter((p) => p.lo !== null), { x: 'params', y1: 'lo', y2: 'hi', stroke: '#999' }),
    fitLine.length ? Plot.line(fitLine, { x: 'params', y: 'value', stroke: '#4269d0', strokeOpacity: 0.7 }) : null,
    btLine.length ? Plot.line(btLine, { x: 'params', y: 'value', stroke: '#ef8a00', strokeDasharray: '5,4' }) : null,
    Plot.dot(pts, { x: 'params', y: 'value', r: 3, fill: (p: PlotPoint) => (p.heldOut ? '#ef8a00' : '#222'), ...(data.links ? { href: (p: PlotPoint) => p.href ?? '' } : {}) }),
    Plot.tip(pts, Plot.pointer({
      x: 'params', y: 'value',
      title: (p: PlotPoint) => `${p.model}\n${ax.name} ${ax.tick(p.params)}\nvalue ${fmt(p.value)}${p.lo !== null ? `\ninterval [${fmt(p.lo)}, ${fmt(p.hi)}]` : ''}${p.n !== null ? `\nn ${p.n}` : ''}${p.heldOut ? '\n(held out of the back-test fit)' : ''}${p.href ? '\nclick: its samples' : ''}`,
    })),
  ];
  const plot = Plot.plot({
    width: 260, height: 165, marginLeft: 40, marginRight: 10, marginTop: 18, marginBottom: 30, style: { fontSize: '10px' },
    x: { ...ax.scale, label: ax.label, tickFormat: (d: number) => ax.tick(d), ticks: 3 },
    // The metric's scale bounds the axis: Plot's nice() would round 0.003 down to -0.01.
    y: { label: `${c.key.metric}${c.higherIsBetter ? ' ↑' : ' ↓'}`, grid: true, domain, ticks: 4 },
    marks,
  });
  const title = `${familyLabel(c.key)} · ${subject(c)}`;
  const badge = el('span', { class: `badge verdict-${c.verdict}` }, c.qualifier ? `${c.verdict} (${c.qualifier})` : c.verdict);
  const head = el('div', { class: 'head' });
  head.append(badge, el('span', { class: 'pts' }, `${c.points.length} pts`));
  const why = el('details', { class: 'why' });
  why.append(
    el('summary', {}, 'why'),
    el('div', { class: 'facts' }, `B ${fmt(c.measures.breakthroughness)} · L ${fmt(c.measures.linearity)} · sharpness ${fmt(c.measures.sharpness)} · trend p ${fmt(c.trendP)}${c.trendQ === null ? '' : ` (q ${fmt(c.trendQ)})`} · emergence p ${fmt(c.emergenceP)}${c.emergenceQ === null ? '' : ` (q ${fmt(c.emergenceQ)})`}${h ? ` · back-test: pred ${fmt(h.largestPredicted)}, real ${fmt(h.largestActual)} (err ${fmt(h.largestAbsError)}, ${forecastBasis(h, ax.tick(ax.toX(h.trainedUpTo)))})` : ''}`),
  );
  const ul = el('ul', { class: 'reasons' });
  for (const r of c.reasons) ul.append(el('li', {}, r));
  why.append(ul);
  // Two lines, each cut with an ellipsis on its own, so a long family label never hides the task and metric.
  const h3 = el('h3', { title });
  h3.append(el('span', { class: 'fam' }, familyLabel(c.key)), el('span', { class: 'sep' }, ' · '), el('span', { class: 'what' }, subject(c)));
  fig.append(h3, head, plot, why);
  return fig;
}
