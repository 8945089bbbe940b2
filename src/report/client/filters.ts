/**
 * The page's one filter state: family, task, metric, verdict, search, and the minimum number of
 * points a curve needs to be shown (the audit's own minimum by default, so the page opens on the
 * curves the table shows). Every section is drawn from the curves this state keeps. The state
 * lives in the URL (#family=…&q=…&pts=2) so a view can be shared; defaults are left out of it.
 */
import { familyLabel } from '../../core/curves/key.js';
import type { CrossoverEntry } from '../crossover-document.js';
import type { ReportCurve } from '../report-data.js';
import { el } from './dom.js';

export const SELECTS = ['family', 'task', 'metric', 'verdict'] as const;
type Select = (typeof SELECTS)[number];
export type FilterState = Record<Select | 'q', string> & { minPoints: number; page: number };

export function readState(defaultMinPoints: number): FilterState {
  const h = new URLSearchParams(location.hash.replace(/^#/, ''));
  const pts = Number(h.get('pts'));
  return {
    family: h.get('family') ?? '', task: h.get('task') ?? '', metric: h.get('metric') ?? '', verdict: h.get('verdict') ?? '', q: h.get('q') ?? '',
    minPoints: h.has('pts') && Number.isInteger(pts) && pts >= 1 ? pts : defaultMinPoints,
    page: Math.max(1, Number(h.get('page') ?? 1) || 1),
  };
}

export function writeState(s: FilterState, defaultMinPoints: number): void {
  const h = new URLSearchParams();
  for (const k of [...SELECTS, 'q'] as const) if (s[k]) h.set(k, s[k]);
  if (s.minPoints !== defaultMinPoints) h.set('pts', String(s.minPoints));
  if (s.page > 1) h.set('page', String(s.page));
  const str = h.toString();
  history.replaceState(null, '', str ? `#${str}` : location.pathname + location.search);
}

/** Every filter but the minimum number of points: the page says how many curves that one hides. */
export function matchesFields(c: ReportCurve, s: FilterState): boolean {
  if (s.family && c.key.family !== s.family) return false;
  if (s.task && c.key.task !== s.task) return false;
  if (s.metric && c.key.metric !== s.metric) return false;
  if (s.verdict && c.verdict !== s.verdict) return false;
  if (s.q) {
    const hay = [familyLabel(c.key), c.key.task, c.key.metric, ...c.points.map((p) => p.model)].join(' ').toLowerCase();
    if (!hay.includes(s.q.toLowerCase())) return false;
  }
  return true;
}

/** A crossover pair is shown when both of its curves pass the filters (a verdict filter reads neither: pairs have none). */
export function pairMatches(e: CrossoverEntry, s: FilterState): boolean {
  const side = (k: CrossoverEntry['a']): boolean => {
    if (k.points.length < s.minPoints) return false;
    if (s.family && k.key.family !== s.family) return false;
    if (s.task && k.key.task !== s.task) return false;
    if (s.metric && k.key.metric !== s.metric) return false;
    return true;
  };
  if (!side(e.a) || !side(e.b)) return false;
  if (s.q) {
    const hay = [e.label, e.task, e.metric, ...e.a.points.map((p) => p.model), ...e.b.points.map((p) => p.model)].join(' ').toLowerCase();
    if (!hay.includes(s.q.toLowerCase())) return false;
  }
  return true;
}

export function controls(curves: readonly ReportCurve[], state: FilterState, onChange: () => void): HTMLElement {
  const bar = el('div', { id: 'controls' });
  const uniq = (f: (c: ReportCurve) => string): string[] => [...new Set(curves.map(f))].sort();
  const options: Record<Select, string[]> = {
    family: uniq((c) => c.key.family),
    task: uniq((c) => c.key.task),
    metric: uniq((c) => c.key.metric),
    verdict: uniq((c) => c.verdict),
  };
  for (const f of SELECTS) {
    const label = el('label', {}, `${f} `);
    const sel = el('select', { id: `f-${f}`, name: f });
    sel.append(el('option', { value: '' }, 'all'));
    for (const v of options[f]) sel.append(el('option', { value: v }, v));
    sel.value = state[f];
    sel.addEventListener('change', onChange);
    label.append(sel);
    bar.append(label);
  }
  const maxPoints = Math.max(1, ...curves.map((c) => c.points.length));
  const pts = el('label', { title: 'curves with fewer points are hidden from every section' }, 'min points ');
  const num = el('input', { id: 'f-pts', type: 'number', min: '1', max: String(maxPoints), step: '1' });
  num.value = String(state.minPoints);
  num.addEventListener('input', onChange);
  pts.append(num);
  bar.append(pts);
  const search = el('input', { id: 'f-q', type: 'search', placeholder: 'search family, task, metric, model…' });
  search.value = state.q;
  search.addEventListener('input', onChange);
  bar.append(search);
  return bar;
}

/** The controls' values into the state (a blank or invalid minimum keeps the last one). */
export function readControls(state: FilterState): void {
  for (const f of SELECTS) state[f] = (document.getElementById(`f-${f}`) as HTMLSelectElement).value;
  state.q = (document.getElementById('f-q') as HTMLInputElement).value;
  const pts = Number((document.getElementById('f-pts') as HTMLInputElement).value);
  if (Number.isInteger(pts) && pts >= 1) state.minPoints = pts;
  state.page = 1;
}
