import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../importers/bundled.js';
import type { AuditDocument } from './audit-document.js';
import { reportData, type ChartSection } from './report-data.js';
import type { CrossoverDocument } from './crossover-document.js';

/**
 * One self-contained HTML file: the report's data (a projection of the audit document) and the
 * bundled browser code (Observable Plot included) inlined, so it opens with no network.
 * The data sits in a JSON script block with <, >, & and the JS line separators escaped, so no
 * value (a model named "</script><script>…") can end the block; the page sets text with textContent.
 */
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const escapeJsonForScript = (json: string): string =>
  json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

let clientCache: string | null = null;
export function clientBundle(): string {
  if (clientCache === null) clientCache = readFileSync(join(packageRoot(), 'dist', 'report-client.js'), 'utf8');
  return clientCache;
}

const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
body { margin: 0 auto; max-width: 1800px; padding: 0 16px 40px; }
header h1 { font-size: 19px; margin: 12px 0 2px; }
header p { margin: 0 0 6px; color: #555; font-size: 12px; }
#controls { position: sticky; top: 0; background: #fff; padding: 6px 0; display: flex; gap: 10px; flex-wrap: wrap; align-items: center; border-bottom: 1px solid #ddd; z-index: 2; }
#controls label { font-size: 13px; } #controls select, #controls input { font-size: 13px; padding: 2px; max-width: 190px; }
#f-pts { width: 4em; } #f-q { width: 230px; }
#count { font-size: 13px; color: #555; margin: 6px 0; }
#hidden-count { color: #a61e4d; }
#summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 12px; margin-bottom: 10px; }
#summary .card { border: 1px solid #e9ecef; border-radius: 6px; padding: 6px 10px; max-height: 210px; overflow: auto; }
#summary h2 { font-size: 13px; margin: 2px 0 4px; } #summary .note { font-size: 11px; color: #666; margin: 0 0 4px; }
#swaps { font-size: 11px; margin: 0; padding-left: 16px; }
#scoreboard { border-collapse: collapse; font-size: 11px; } #scoreboard td, #scoreboard th { padding: 1px 4px; text-align: right; border-bottom: 1px solid #f1f3f5; }
#scoreboard td:first-child, #scoreboard th:first-child { text-align: left; } #scoreboard td:first-child { max-width: 105px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } #scoreboard th { font-weight: 600; } #scoreboard .unit { color: #888; font-size: 10px; }
/* The small multiples: as many columns of at least 230 px as fit (five at 1280 px). */
#panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px 12px; }
figure.curve { margin: 0; min-width: 0; border: 1px solid #eee; border-radius: 6px; padding: 4px 6px; }
figure.curve h3 { font-size: 12px; font-weight: 600; margin: 0; line-height: 15px; }
figure.curve h3 .fam, figure.curve h3 .what { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
figure.curve h3 .sep { display: none; } figure.curve h3 .fam { color: #555; }
figure.curve .head { display: flex; justify-content: space-between; align-items: center; margin: 2px 0; }
figure.curve .pts { font-size: 11px; color: #777; }
figure.curve svg { width: 100%; height: auto; display: block; }
.why { font-size: 11px; } .why summary { cursor: pointer; color: #555; }
.facts { font-size: 11px; color: #555; margin-top: 2px; }
.reasons { font-size: 11px; color: #333; margin: 4px 0 0; padding-left: 16px; }
.badge { padding: 1px 6px; border-radius: 8px; font-size: 11px; background: #eee; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 80%; }
.badge.verdict-emergent { background: #ffd8a8; } .badge.verdict-smooth { background: #d3f9d8; }
.badge.verdict-flat { background: #e9ecef; } .badge.verdict-non_monotonic { background: #d0ebff; }
.badge.verdict-too_noisy { background: #fff3bf; } .badge.verdict-too_few_points { background: #f1f3f5; }
.badge.verdict-at_chance { background: #e9ecef; } .badge.verdict-fragile { background: #ffe3e3; }
#more { margin: 16px 0; } #panels .empty { font-size: 13px; color: #555; }
.chart-section h2 { font-size: 15px; margin: 14px 0 4px; } .chart-section p { font-size: 12px; color: #555; margin: 0 0 8px; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
.panel.crossover h3 { font-size: 14px; margin: 6px 0; } .metrics { display: flex; flex-wrap: wrap; gap: 14px; }
figure.line-chart { margin: 0; width: 450px; } figure.line-chart figcaption { font-weight: 600; font-size: 12px; }
`;

export function auditHtml(doc: AuditDocument, title = 'Emergence audit', links?: Readonly<Record<string, string>>, sections?: readonly ChartSection[], crossovers?: CrossoverDocument): string {
  const data = reportData(doc, title, links, sections, crossovers);
  // The page shows 3 significant figures; 7 keep every fit exact to the eye at half the bytes.
  const json = escapeJsonForScript(
    JSON.stringify(data, (_k, v: unknown) =>
      typeof v === 'number' ? (!Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : Number.isInteger(v) ? v : Number(v.toPrecision(7))) : v,
    ),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>Is this ability emergent, or is it the metric? Would the small models have predicted the big ones? Each plot: values against ${data.axis ? `${escapeHtml(data.axis.label)} (${data.axis.kind === 'metric' ? 'linear, the better end to the right' : 'log scale'})` : 'parameters (log scale)'}, 95% intervals where known, the best-fitting scaling form (blue), and the back-test fitted on all but the ${data.holdout} ${data.axis ? 'furthest points' : 'largest models'} (dashed orange, held-out ${data.axis ? 'points' : 'models'} in orange). Inputs: ${escapeHtml(data.inputs.join(', '))}.</p>
</header>
<div id="app"></div>
<script type="application/json" id="audit-data">${json}</script>
<script>${clientBundle().replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
