import type { AuditDocument } from './audit-document.js';

const HEADER = [
  'family', 'labels', 'task', 'metric', 'shots', 'points', 'min_params', 'max_params', 'min_value', 'max_value',
  'higher_is_better', 'breakthroughness', 'linearity', 'sharpness', 'spearman', 'noise', 'noise_source', 'best_form', 'trend_p',
  'verdict', 'qualifier', 'backtest_k', 'backtest_form', 'backtest_predicted', 'backtest_actual', 'backtest_abs_error', 'surprise', 'reasons',
  'surprise_p', 'emergence_p', 'trend_q', 'emergence_q', 'chance', 'chance_p', 'fragile_leaning', 'fragile_flips',
  'axis', 'min_x', 'max_x', 'backtest_low', 'backtest_high',
];

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per curve: the verdict and the numbers behind it, for spreadsheets and other tools. */
export function auditCsv(doc: AuditDocument): string {
  const lines = [HEADER.join(',')];
  for (const c of doc.curves) {
    const vals = c.points.map((p) => p.value);
    const sizes = c.points.map((p) => p.modelParams ?? p.params);
    const xs = c.points.map((p) => p.x ?? p.params);
    const h = c.headline;
    const labels = Object.entries(c.key.labels).map(([k, v]) => `${k}=${v}`).join(';');
    lines.push(
      [
        c.key.family, labels, c.key.task, c.key.metric, c.key.shots, c.points.length,
        Math.min(...sizes), Math.max(...sizes), Math.min(...vals), Math.max(...vals),
        c.higherIsBetter, c.measures.breakthroughness, c.measures.linearity, c.measures.sharpness, c.measures.spearman,
        c.measures.noise, c.measures.noiseSource, c.bestForm, c.trendP, c.verdict, c.qualifier,
        h?.k, h?.rule === 'no_change' ? 'no_change' : h?.form, h?.largestPredicted, h?.largestActual, h?.largestAbsError, c.surprise, c.reasons.join('; '),
        c.surpriseP, c.emergenceP, c.trendQ, c.emergenceQ, c.chance?.level, c.chance?.p,
        c.verdict === 'fragile' ? c.stability?.leaning : null, c.stability?.flips.map((f) => `${f.by}: ${f.verdict}`).join('; '),
        doc.axis.name, Math.min(...xs), Math.max(...xs), h?.largestInterval.low, h?.largestInterval.high,
      ].map(cell).join(','),
    );
  }
  return lines.join('\n') + '\n';
}
