import type { AuditReport } from '../core/analysis/audit.js';
import type { Curve } from '../core/types.js';
import { fmtNum } from '../report/format.js';
import type { ChartSection, LineChart } from '../report/report-data.js';
import { renderTable } from '../report/text-table.js';
import type { RagSetting } from '../zoo/train-rag.js';
import type { Findings } from './contract.js';

/** What the retrieval experiment shows: answers by size and popularity, citations, the index swap, the audit. */

/** Popularity bands of the audit's curves: deciles of the entities by rank, 1 the most popular. */
export const BANDS = [
  { id: 'head', deciles: [1, 2] },
  { id: 'torso', deciles: [3, 4, 5] },
  { id: 'tail', deciles: [6, 7, 8, 9, 10] },
] as const;
export type BandId = (typeof BANDS)[number]['id'];
export const bandOf = (decile: number): BandId => BANDS.find((b) => (b.deciles as readonly number[]).includes(decile))!.id;

/** Closed-book recall "appears" at a decile once its exact match reaches this. */
export const APPEARS_AT = 0.5;

export interface CitationSummary {
  /** ALCE, averaged over answers (one statement each). */
  readonly recall: number | null;
  readonly precision: number | null;
  readonly answers: number;
  readonly citations: number;
  readonly uncited: number;
  readonly multiCited: number;
  readonly irrelevant: number;
}

export interface MemberResult {
  readonly member: string;
  readonly size: string;
  readonly setting: RagSetting;
  readonly params: number;
  /** Exact match and mean target log-likelihood (nats) per decile 1..10 (null where nothing was asked). */
  readonly em: readonly (number | null)[];
  readonly ll: readonly (number | null)[];
  readonly answered: number;
  /** With retrieval: ALCE on the retrieved passages and on the swapped ones. */
  readonly citations: { readonly retrieved: CitationSummary; readonly swapped: CitationSummary } | null;
  /** With retrieval: shares of swapped questions answered with the passages' value, the weights' value, or neither. */
  readonly swap: { readonly asked: number; readonly grounded: number | null; readonly memorised: number | null; readonly other: number | null } | null;
}

export interface RagOut {
  readonly k: number;
  readonly docs: number;
  readonly facts: number;
  readonly recall: readonly { readonly k: number; readonly overall: number | null; readonly byDecile: readonly (number | null)[] }[];
  readonly deciles: readonly { readonly decile: number; readonly facts: number; readonly mentionsMin: number; readonly mentionsMax: number; readonly asked: number }[];
  readonly members: readonly MemberResult[];
  readonly swapAsked: number;
}

const taskOf = (setting: RagSetting, band: BandId): string => `${setting === 'closed' ? 'closed-book' : 'open-book'}-${band}`;

function bandValue(curves: readonly Curve[], setting: RagSetting, band: BandId, member: string, metric = 'exact_match'): number | null {
  const c = curves.find((x) => x.key.family === `lab-rag-${setting}` && x.key.task === taskOf(setting, band) && x.key.metric === metric);
  return c?.points.find((p) => p.model === member)?.value ?? null;
}

const mentions = (d: RagOut['deciles'][number]): string => (d.mentionsMin === d.mentionsMax ? `${d.mentionsMin}` : `${d.mentionsMin}-${d.mentionsMax}`);

/** The rarest decile at which exact match reaches APPEARS_AT, or null when none does. */
export function appearsAt(em: readonly (number | null)[]): number | null {
  let last: number | null = null;
  em.forEach((v, i) => { if (v !== null && v >= APPEARS_AT) last = i + 1; });
  return last;
}

function worldTable(out: RagOut): string {
  const head = ['decile', 'facts', 'mentions', 'asked', ...out.recall.map((r) => `recall@${r.k}`)];
  const rows = out.deciles.map((d, i) => [String(d.decile), String(d.facts), mentions(d), String(d.asked), ...out.recall.map((r) => fmtNum(r.byDecile[i] ?? null, 3))]);
  rows.push(['all', String(out.facts), '', String(out.deciles.reduce((n, d) => n + d.asked, 0)), ...out.recall.map((r) => fmtNum(r.overall, 3))]);
  return `The world: ${out.facts} facts in ${out.docs} documents; BM25 retrieval recall@k (a supporting document among the top k), by popularity decile (1 = most popular):\n${renderTable(head, rows, new Set(head.map((_, i) => i)))}`;
}

function decileTable(title: string, members: readonly MemberResult[], pick: (m: MemberResult) => readonly (number | null)[], digits: number): string {
  const head = ['size', 'params', ...Array.from({ length: 10 }, (_, i) => `d${i + 1}`)];
  const rows = members.map((m) => [m.size, m.params.toLocaleString('en'), ...pick(m).map((v) => fmtNum(v, digits))]);
  return `${title}\n${renderTable(head, rows, new Set(head.map((_, i) => i)))}`;
}

function citationTable(open: readonly MemberResult[]): string {
  const head = ['size', 'cite recall', 'cite precision', 'uncited', 'irrelevant', 'swap asked', 'grounded', 'memorised', 'other', 'swap cite recall'];
  const rows = open.map((m) => {
    const c = m.citations!.retrieved, s = m.swap!;
    return [m.size, fmtNum(c.recall, 3), fmtNum(c.precision, 3), `${c.uncited}/${c.answers}`, String(c.irrelevant), String(s.asked), fmtNum(s.grounded, 3), fmtNum(s.memorised, 3), fmtNum(s.other, 3), fmtNum(m.citations!.swapped.recall, 3)];
  });
  return `With retrieval: ALCE citation recall and precision (entailment exact: the cited passages state the answered fact), and the index swap (counterfactual passages: answers that follow the passages are grounded, the original value memorised):\n${renderTable(head, rows, new Set(head.map((_, i) => i)))}`;
}

function bandTable(curves: readonly Curve[], closed: readonly MemberResult[], open: readonly MemberResult[], out: RagOut): string {
  const head = ['size', ...BANDS.flatMap((b) => [`closed ${b.id}`, `open ${b.id}`]), 'closed appears at', 'open appears at'];
  const at = (m: MemberResult | undefined): string => {
    const d = m ? appearsAt(m.em) : null;
    return d === null ? 'never' : `d${d} (${mentions(out.deciles[d - 1]!)} mentions)`;
  };
  const rows = closed.map((c) => {
    const o = open.find((x) => x.size === c.size);
    return [c.size, ...BANDS.flatMap((b) => [fmtNum(bandValue(curves, 'closed', b.id, c.member), 3), fmtNum(o ? bandValue(curves, 'open', b.id, o.member) : null, 3)]), at(c), at(o)];
  });
  return `Exact match by popularity band (head d1-2, torso d3-5, tail d6-10), and the rarest decile where exact match reaches ${APPEARS_AT}:\n${renderTable(head, rows, new Set(head.map((_, i) => i)))}`;
}

function charts(curves: readonly Curve[], closed: readonly MemberResult[], open: readonly MemberResult[]): ChartSection[] {
  const x = closed.map((m) => m.params);
  const bySetting = (setting: RagSetting, ms: readonly MemberResult[], metric: string, yLabel: string): LineChart => ({
    title: `${setting === 'closed' ? 'Closed book' : 'With retrieval'}: ${metric === 'exact_match' ? 'exact match' : 'target log-likelihood'} by popularity band`, x, xLabel: 'parameters', yLabel,
    series: BANDS.map((b) => ({ name: b.id, kind: 'model' as const, values: ms.map((m) => bandValue(curves, setting, b.id, m.member, metric)) })),
  });
  const swap: LineChart = {
    title: 'Index swap: grounded vs memorised', x: open.map((m) => m.params), xLabel: 'parameters', yLabel: 'share of swapped questions',
    series: [
      { name: 'grounded (follows the passages)', kind: 'model', values: open.map((m) => m.swap?.grounded ?? null) },
      { name: 'memorised (the original value)', kind: 'reference', values: open.map((m) => m.swap?.memorised ?? null) },
    ],
  };
  const cite: LineChart = {
    title: 'ALCE citations with retrieval', x: open.map((m) => m.params), xLabel: 'parameters', yLabel: 'citation recall / precision',
    series: [
      { name: 'citation recall', kind: 'model', values: open.map((m) => m.citations?.retrieved.recall ?? null) },
      { name: 'citation precision', kind: 'reference', values: open.map((m) => m.citations?.retrieved.precision ?? null) },
    ],
  };
  return [{
    title: 'Accuracy against size per popularity band, closed book and with retrieval',
    note: 'Each size trained twice on one synthetic world: closed book on its documents, and answering from the top-k BM25 passages with [n] citations. Bands are deciles of entity popularity (head 1-2, torso 3-5, tail 6-10).',
    charts: [bySetting('closed', closed, 'exact_match', 'exact match'), bySetting('open', open, 'exact_match', 'exact match'), bySetting('closed', closed, 'target_loglik', 'nats'), bySetting('open', open, 'target_loglik', 'nats'), cite, swap],
  }];
}

/** Exact match of the head band minus the tail band: how much an answer depends on popularity. */
const gapOf = (curves: readonly Curve[], setting: RagSetting, m: MemberResult | undefined): number | null => {
  if (!m) return null;
  const h = bandValue(curves, setting, 'head', m.member), t = bandValue(curves, setting, 'tail', m.member);
  return h === null || t === null ? null : h - t;
};

export function ragFindings(r: { readonly out: RagOut; readonly curves: readonly Curve[]; readonly report: AuditReport }): Findings {
  const { out, curves, report } = r;
  const bySize = (s: RagSetting) => out.members.filter((m) => m.setting === s).sort((a, b) => a.params - b.params);
  const closed = bySize('closed'), open = bySize('open');
  const lines: string[] = [];
  for (const c of closed) {
    const o = open.find((x) => x.size === c.size);
    const gc = gapOf(curves, 'closed', c), go = gapOf(curves, 'open', o);
    lines.push(`${c.size} (${c.params.toLocaleString('en')} parameters): head − tail exact match ${fmtNum(gc, 3)} closed book, ${fmtNum(go, 3)} with retrieval${gc !== null && go !== null ? ` (popularity dependence ${go < gc ? 'shrinks' : go > gc ? 'grows' : 'unchanged'} by ${fmtNum(Math.abs(gc - go), 3)})` : ''}; closed-book recall appears at ${appearsAt(c.em) === null ? 'no decile' : `decile ${appearsAt(c.em)}`}.`);
  }
  for (const o of open) {
    if (o.swap?.grounded !== null && o.swap !== null) lines.push(`${o.size} with retrieval: ${fmtNum(o.swap.grounded, 3)} of ${o.swap.asked} swapped questions answered from the passages, ${fmtNum(o.swap.memorised, 3)} from memory; citation recall ${fmtNum(o.citations!.retrieved.recall, 3)}, precision ${fmtNum(o.citations!.retrieved.precision, 3)}.`);
  }
  const verdicts = report.verdicts.filter((v) => v.key.family.startsWith('lab-rag-')).map((v) => `${v.key.family.replace('lab-rag-', '')} ${v.key.task} ${v.key.metric}: ${v.verdict}${v.qualifier ? ` (${v.qualifier})` : ''}`);
  if (verdicts.length) lines.push(`Audit against size: ${verdicts.join('; ')}.`);
  const before = [
    worldTable(out),
    decileTable('Closed book, exact match by popularity decile:', closed, (m) => m.em, 3),
    decileTable('With retrieval, exact match by popularity decile:', open, (m) => m.em, 3),
    decileTable('Closed book, mean target log-likelihood (nats) by decile:', closed, (m) => m.ll, 2),
    decileTable('With retrieval, mean target log-likelihood (nats) by decile:', open, (m) => m.ll, 2),
    bandTable(curves, closed, open, out),
    citationTable(open),
  ].join('\n');
  return {
    title: 'Retrieval with citations: knowledge that emerges with scale, and what retrieval does to the curve',
    before,
    lines,
    charts: charts(curves, closed, open),
    data: { world: { docs: out.docs, facts: out.facts, deciles: out.deciles }, retrievalRecall: out.recall, members: out.members, gaps: closed.map((c) => ({ size: c.size, closed: gapOf(curves, 'closed', c), open: gapOf(curves, 'open', open.find((x) => x.size === c.size)) })) },
  };
}
