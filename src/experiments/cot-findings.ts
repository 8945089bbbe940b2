import type { CrossoverResult } from '../core/crossover/index.js';
import type { Curve } from '../core/types.js';
import { fmtNum } from '../report/format.js';
import type { ChartSection, LineChart } from '../report/report-data.js';
import type { AnswerStyle } from '../tasks/scratchpad.js';
import type { Findings, TrainedMember } from './contract.js';

/** What the chain-of-thought experiment shows: per size, both styles' greedy and voted accuracy. */

/** Self-consistency of one member: accuracy of the majority of its first K sampled answers. */
export interface ScPoint {
  readonly member: string;
  readonly style: AnswerStyle;
  readonly params: number;
  readonly byK: readonly { readonly k: number; readonly accuracy: number | null; readonly problems: number }[];
}

export interface CotOut {
  readonly sc: readonly ScPoint[];
  /** Where the scratchpad overtakes direct answers (b = scratchpad, a = direct), with its item-bootstrap interval. */
  readonly crossover: { readonly inDistribution: CrossoverResult; readonly outOfDistribution: CrossoverResult };
}

const fmtParams = (p: number | null, side: string): string => (p === null ? side : p >= 1e6 ? `${(p / 1e6).toFixed(2)}M` : `${(p / 1e3).toFixed(0)}K`);

/** One sentence on a crossover result. */
export function describeCrossover(what: string, r: CrossoverResult): string {
  if (r.outcome === 'too_few_points') return `${what}: too few sizes for a crossover.`;
  if (r.outcome === 'never_crosses') return `${what}: the curves never cross between ${fmtParams(r.range[0], '')} and ${fmtParams(r.range[1], '')} parameters; ${r.ahead === 'b' ? 'the scratchpad is ahead wherever they differ' : r.ahead === 'a' ? 'direct answers are ahead wherever they differ' : 'they tie within the items\' noise throughout'}.`;
  const verb = (c: CrossoverResult['crossings'][number]): string =>
    c.kind === 'onset'
      ? (c.direction === 'b_overtakes_a' ? 'tied within the items\' noise just below, the scratchpad leads direct answers from' : 'tied within the items\' noise just below, direct answers lead the scratchpad from')
      : (c.direction === 'b_overtakes_a' ? 'the scratchpad overtakes direct answers' : 'direct answers overtake the scratchpad');
  const parts = r.crossings.map((c) => `${verb(c)}${c.kind === 'onset' ? '' : ' at'} ${fmtParams(c.params, '')} parameters (90% interval ${fmtParams(c.interval.low, 'below the range')} to ${fmtParams(c.interval.high, 'beyond the range')}; ${Math.round(100 * c.support)}% of resamples cross this way; between the sizes of ${fmtParams(c.between[0], '')} and ${fmtParams(c.between[1], '')})`);
  return `${what}: ${r.outcome === 'crosses_multiple' ? 'the curves cross more than once: ' : ''}${parts.join('; ')}.`;
}

export interface SizeRow {
  readonly size: string;
  /** Parameters of the direct member (the scratchpad one differs only by its longer position table). */
  readonly params: number;
  readonly direct: { readonly id: number | null; readonly ood: number | null };
  readonly scratchpad: { readonly id: number | null; readonly ood: number | null };
}

const sizeOf = (member: string): string => member.replace(/-(direct|scratchpad)$/, '');

function valueOf(curves: readonly Curve[], style: AnswerStyle, task: string, member: string): number | null {
  const c = curves.find((x) => x.key.family === `lab-cot-${style}` && x.key.task === task && x.key.metric === 'exact_match');
  return c?.points.find((p) => p.model === member)?.value ?? null;
}

export function sizeRows(curves: readonly Curve[], members: readonly TrainedMember[]): SizeRow[] {
  const sizes = [...new Set(members.map((m) => sizeOf(m.name)))];
  return sizes.map((size) => {
    const get = (style: AnswerStyle) => ({ id: valueOf(curves, style, 'add-in-distribution', `${size}-${style}`), ood: valueOf(curves, style, 'add-out-of-distribution', `${size}-${style}`) });
    return { size, params: members.find((m) => m.name === `${size}-direct`)?.params ?? 0, direct: get('direct'), scratchpad: get('scratchpad') };
  }).sort((a, b) => a.params - b.params);
}

function table(rows: readonly SizeRow[], sc: readonly ScPoint[]): string {
  const ks = sc[0]?.byK.map((b) => b.k) ?? [];
  const scOf = (size: string, style: AnswerStyle): string[] => {
    const p = sc.find((x) => x.member === `${size}-${style}`);
    return ks.map((k) => fmtNum(p?.byK.find((b) => b.k === k)?.accuracy ?? null, 3));
  };
  const head = ['size', 'params', 'direct', 'scratchpad', 'direct OOD', 'scratchpad OOD', ...ks.map((k) => `direct SC@${k}`), ...ks.map((k) => `scratch SC@${k}`)];
  const body = rows.map((r) => [r.size, r.params.toLocaleString('en'), fmtNum(r.direct.id, 3), fmtNum(r.scratchpad.id, 3), fmtNum(r.direct.ood, 3), fmtNum(r.scratchpad.ood, 3), ...scOf(r.size, 'direct'), ...scOf(r.size, 'scratchpad')]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => v.padStart(w[i]!)).join('  ');
  return ['Greedy exact match of the final answer (in distribution: 1-6 digits; OOD: beyond training), and self-consistency (majority of K samples):', line(head), ...body.map(line)].join('\n') + '\n';
}

function charts(rows: readonly SizeRow[], sc: readonly ScPoint[]): ChartSection[] {
  const x = rows.map((r) => r.params);
  const line = (title: string, series: LineChart['series']): LineChart => ({ title, x, xLabel: 'parameters', yLabel: 'exact match', series });
  const ks = sc[0]?.byK.map((b) => b.k) ?? [];
  const scSeries = (style: AnswerStyle): LineChart['series'] => ks.map((k) => ({
    name: `${style} SC@${k}`, kind: 'model' as const,
    values: rows.map((r) => sc.find((p) => p.member === `${r.size}-${style}`)?.byK.find((b) => b.k === k)?.accuracy ?? NaN),
  }));
  return [{
    title: 'Scratchpad against direct answers',
    note: 'Each size trained twice on the same problems. Greedy exact match of the final answer; self-consistency votes over K answers sampled at the run\'s temperature.',
    charts: [
      line('In distribution', [{ name: 'direct', kind: 'reference', values: rows.map((r) => r.direct.id ?? NaN) }, { name: 'scratchpad', kind: 'model', values: rows.map((r) => r.scratchpad.id ?? NaN) }]),
      line('Out of distribution (longer operands)', [{ name: 'direct', kind: 'reference', values: rows.map((r) => r.direct.ood ?? NaN) }, { name: 'scratchpad', kind: 'model', values: rows.map((r) => r.scratchpad.ood ?? NaN) }]),
      line('Self-consistency, scratchpad', scSeries('scratchpad')),
      line('Self-consistency, direct (control)', scSeries('direct')),
    ],
  }];
}

export function cotFindings(r: { readonly out: CotOut; readonly curves: readonly Curve[]; readonly members: readonly TrainedMember[] }): Findings {
  const rows = sizeRows(r.curves, r.members);
  const lines: string[] = [describeCrossover('In distribution', r.out.crossover.inDistribution), describeCrossover('Out of distribution', r.out.crossover.outOfDistribution)];
  for (const row of rows) {
    const d = row.direct.id, s = row.scratchpad.id;
    if (d !== null && s !== null) lines.push(`${row.size} (${row.params.toLocaleString('en')} parameters): scratchpad ${fmtNum(s, 3)} vs direct ${fmtNum(d, 3)} in distribution (${s > d ? 'scratchpad ahead' : s < d ? 'direct ahead' : 'tied'}); out of distribution ${fmtNum(row.scratchpad.ood, 3)} vs ${fmtNum(row.direct.ood, 3)}.`);
  }
  for (const p of r.out.sc) {
    const one = p.byK[0]?.accuracy, last = p.byK.at(-1);
    if (one !== null && one !== undefined && last?.accuracy !== null && last !== undefined) lines.push(`${p.member}: self-consistency gain SC@${last.k} − SC@${p.byK[0]!.k} = ${fmtNum(last.accuracy! - one, 3)} over ${last.problems} problems.`);
  }
  return {
    title: 'Chain of thought against direct answers on the lab’s own ladder',
    before: table(rows, r.out.sc),
    lines,
    charts: charts(rows, r.out.sc),
    data: { sizes: rows, selfConsistency: r.out.sc, crossover: r.out.crossover },
  };
}
