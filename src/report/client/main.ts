/**
 * The audit report in the browser: a grid of small multiples, one per curve (family · task ·
 * metric), with the summaries across curves above it. One filter state (filters.ts) decides which
 * curves every section reads: the panels, the meta-analysis, the metric swaps, the back-test
 * scoreboard and the crossover pairs. By default curves with fewer points than the audit needs
 * for a verdict are hidden, and the page says how many. Text from the data is only ever set as
 * textContent: names cannot inject markup.
 */
import type { ReportCurve, ReportData } from '../report-data.js';
import { crossoverSection } from './crossover-panel.js';
import { axisOf, curvePanel } from './curve-panel.js';
import { el } from './dom.js';
import { controls, matchesFields, pairMatches, readControls, readState, writeState } from './filters.js';
import { chartSection } from './line-chart.js';
import { summary } from './summary.js';

const data = JSON.parse(document.getElementById('audit-data')!.textContent!, (_k, v: unknown) =>
  v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v,
) as ReportData;

/** Panels drawn per page: twelve rows of five at 1280 px. */
const PAGE = 60;

function main(): void {
  const root = document.getElementById('app')!;
  const state = readState(data.minPoints);
  const ax = axisOf(data);
  const count = el('p', { id: 'count' });
  const sums = el('section', { id: 'summary' });
  const pairs = el('div', { id: 'crossover-box' });
  const panels = el('main', { id: 'panels' });
  const more = el('button', { id: 'more', type: 'button' }, 'show more');
  let shown: ReportCurve[] = [];
  let hidden = 0;
  const drawCount = (drawn: number): void => {
    count.replaceChildren(
      `${shown.length} of ${data.curves.length} curves shown`,
      ...(hidden > 0 ? [el('span', { id: 'hidden-count', 'data-hidden': String(hidden) }, `; ${hidden} with fewer than ${state.minPoints} point${state.minPoints === 1 ? '' : 's'} hidden (lower "min points" to see them)`)] : []),
      drawn < shown.length ? `; drawing the first ${drawn}` : '',
    );
    more.hidden = drawn >= shown.length;
  };
  /** A filter changed: every section is drawn again from the curves the state keeps. */
  const render = (): void => {
    writeState(state, data.minPoints);
    const fields = data.curves.filter((c) => matchesFields(c, state));
    shown = fields.filter((c) => c.points.length >= state.minPoints);
    hidden = fields.length - shown.length;
    const visible = shown.slice(0, state.page * PAGE);
    panels.replaceChildren(...(visible.length > 0 ? visible.map((c) => curvePanel(c, data, ax)) : [el('p', { class: 'empty' }, hidden > 0 ? `No curve with at least ${state.minPoints} points passes the filters.` : 'No curve passes the filters.')]));
    sums.replaceChildren(...summary(shown, data));
    if (data.crossovers) pairs.replaceChildren(crossoverSection(data.crossovers, data.crossovers.pairs.filter((e) => pairMatches(e, state))));
    drawCount(visible.length);
  };
  const bar = controls(data.curves, state, () => {
    readControls(state);
    render();
  });
  // The next page only adds panels: the curves, and so the summaries, are the same.
  more.addEventListener('click', () => {
    state.page++;
    writeState(state, data.minPoints);
    const next = shown.slice((state.page - 1) * PAGE, state.page * PAGE);
    panels.append(...next.map((c) => curvePanel(c, data, ax)));
    drawCount(Math.min(shown.length, state.page * PAGE));
  });
  root.append(...(data.sections ?? []).map(chartSection), bar, count, sums, pairs, panels, more);
  render();
  document.body.dataset.ready = 'true';
}

main();
