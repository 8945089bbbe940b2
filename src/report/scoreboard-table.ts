import type { Scoreboard } from '../core/analysis/scoreboard.js';
import { renderTable } from './render-table.js';

const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : v > 0 ? '∞' : '-∞');
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** The forecast scoreboard as a terminal table: `emergence audit --scoreboard`. */
export function scoreboardTable(sb: Scoreboard, holdout: number): string {
  if (sb.rows.length === 0) return `\nForecast scoreboard: no curve has a headline back-test (fit all but the ${holdout} largest of at least 4 models).\n`;
  const level = sb.level === null ? '' : `${Math.round(100 * sb.level)}% `;
  const head =
    `\nForecast scoreboard: the headline back-test of every curve (fit all but the ${holdout} largest models, predict the largest), ` +
    `|error| as median / p90 / max, in points of the metric's scale (100·error/width) or in the metric's own units; ` +
    `"no change" forecasts the largest fitted model's value, "log-linear" always extrapolates a straight line in log-params.`;
  const rows = sb.rows.map((r) => [
    r.taskFamily,
    r.unit,
    String(r.curves),
    ...(['forecast', 'no_change', 'log_linear'] as const).map((m) => `${f2(r.errors[m].median)} / ${f2(r.errors[m].p90)} / ${f2(r.errors[m].max)}`),
    pct(r.beatsNoChange / r.curves),
    pct(r.coverage),
    f2(r.medianWidth),
  ]);
  const table = renderTable(
    ['task family', 'unit', 'curves', 'forecast', 'no change', 'log-linear', 'beats no change', `inside ${level}interval`, 'median width'],
    rows,
    new Set([2, 3, 4, 5, 6, 7, 8]),
  );
  return `${head}\n${table}\n`;
}
