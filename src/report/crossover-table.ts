import type { CrossoverDocument, CrossoverEntry } from './crossover-document.js';
import { outcomePhrase } from '../core/crossover/describe.js';
import { fmtNum, fmtParams } from './format.js';

type Row = string[];

function render(header: Row, rows: Row[], rightAlign: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]!].length)));
  const line = (r: Row): string => r.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const shots = (s: number | null): string => (s === null ? '' : ` (${s}-shot)`);
const sizes = (e: CrossoverEntry): number => Math.min(e.a.points.length, e.b.points.length);

/** "cot overtakes direct at 62B [30B, 120B]", "direct ahead wherever they differ", … */
export function crossoverText(e: CrossoverEntry, doc: Pick<CrossoverDocument, 'compare'>): string {
  return outcomePhrase(e.result, doc.compare, fmtParams);
}

/** The terminal table of `emergence audit --compare`: one row per pair, then (with detail) the evidence. */
export function crossoverTable(doc: CrossoverDocument, opts: { showAll?: boolean; detail?: boolean } = {}): string {
  const shown = doc.pairs.filter((e) => opts.showAll || sizes(e) >= 4);
  const hidden = doc.pairs.length - shown.length;
  const { a, b } = doc.compare;
  const pct = Math.round(doc.level * 100);
  const header = ['family', 'task', 'metric', 'sizes', 'range', `${b} − ${a}: smallest → largest`, 'per decade ±se', `crossover [${pct}% interval]`, 'support'];
  const rows = shown.map((e) => {
    const r = e.result;
    const o = r.observed;
    const support = r.crossings.length > 0 ? r.crossings.map((c) => `${Math.round(100 * c.support)}%`).join(', ') : r.outcome === 'never_crosses' ? `${Math.round(100 * r.bootstrap.outcomes.none)}% none` : '-';
    return [
      e.label,
      e.task,
      e.metric,
      String(sizes(e)),
      `${fmtParams(r.range[0])}–${fmtParams(r.range[1])}`,
      o.length > 0 ? `${fmtNum(o[0]!.diff)} → ${fmtNum(o[o.length - 1]!.diff)}` : '-',
      r.trend ? `${r.trend.slopePerDecade >= 0 ? '+' : ''}${fmtNum(r.trend.slopePerDecade)}${Number.isFinite(r.trend.slopeSe) ? ` ±${fmtNum(r.trend.slopeSe, 2)}` : ''}` : '-',
      crossoverText(e, doc),
      support,
    ];
  });
  const parts = [
    `${doc.compare.field}: ${b} against ${a}; positive differences mean ${b} is better. Crossovers from each variant's AICc-best fit; ${pct}% percentile intervals from ${doc.resamples} seeded bootstrap resamples (seed ${doc.seed})${doc.items === null ? '' : `, values without errors taken as means of ${doc.items} items`}; support = share of resamples that cross the same way.`,
    '',
    shown.length > 0 ? render(header, rows, new Set([3, 6])) : '(no pairs to show)',
  ];
  if (hidden > 0) parts.push(`(${hidden} pair${hidden === 1 ? '' : 's'} with fewer than 4 sizes not shown; --all shows them)`);
  if (doc.unpaired.length > 0) parts.push(`${doc.unpaired.length} curve${doc.unpaired.length === 1 ? '' : 's'} with ${a} or ${b} had no partner${opts.detail ? `: ${doc.unpaired.join(', ')}` : ' (--detail lists them)'}`);
  if (opts.detail) for (const e of shown) parts.push('', detail(e, doc));
  return parts.join('\n') + '\n';
}

function detail(e: CrossoverEntry, doc: CrossoverDocument): string {
  const r = e.result;
  const { a, b } = doc.compare;
  const fit = (f: typeof r.fitA): string => (f === null ? 'none' : `${f.form} (R² ${fmtNum(f.r2)})`);
  const noise = (n: readonly string[]): string => n.join('+');
  const lines = [
    `${e.label} · ${e.task} · ${e.metric}: ${a}${shots(e.a.key.shots)} vs ${b}${shots(e.b.key.shots)}: ${crossoverText(e, doc)}`,
    `  fits: ${a} ${fit(r.fitA)}, ${b} ${fit(r.fitB)}`,
    `  bootstrap over ${r.bootstrap.over === 'items' ? 'test items' : `point errors (${a}: ${noise(r.bootstrap.noise.a)}, ${b}: ${noise(r.bootstrap.noise.b)})`}: no crossing ${fmtNum(100 * r.bootstrap.outcomes.none)}%, one ${fmtNum(100 * r.bootstrap.outcomes.once)}%, several ${fmtNum(100 * r.bootstrap.outcomes.multiple)}% of ${r.bootstrap.resamples} resamples`,
    `  ${b} − ${a}: ${r.observed.map((o) => `${o.model} (${fmtParams(o.params)}) ${fmtNum(o.a)} → ${fmtNum(o.b)}: ${o.diff >= 0 ? '+' : ''}${fmtNum(o.diff)}`).join(', ') || '(no shared models)'}`,
  ];
  if (r.trend) lines.push(`  trend: ${r.trend.slopePerDecade >= 0 ? '+' : ''}${fmtNum(r.trend.slopePerDecade)} per decade (se ${fmtNum(r.trend.slopeSe)})`);
  return lines.join('\n');
}
