import type { AuditReport } from '../core/analysis/audit.js';
import type { Curve } from '../core/types.js';
import type { CorpusMix } from '../tasks/needles-corpus.js';
import { taskIdOf } from '../tasks/needles-tasks.js';
import { fmtNum } from '../report/format.js';
import type { ChartSection, LineChart } from '../report/report-data.js';
import { renderTable } from '../report/text-table.js';
import type { Findings, TrainedMember } from './contract.js';

/** What the needles experiment shows: translation by condition and size, the ablation gap, the dose curve. */
export interface Condition {
  readonly id: string;
  readonly kind: 'full' | 'no-pairs' | 'none' | 'dose';
  readonly mix: CorpusMix;
}

/** Share of a run's answers that are a sentence of the target language (null when nothing was stored). */
export interface TargetShare { readonly member: string; readonly task: string; readonly share: number | null }

export interface NeedlesOut {
  readonly conditions: readonly Condition[];
  readonly shots: number;
  readonly evalCount: number;
  readonly cipher: string;
  readonly targetShares: readonly TargetShare[];
}

type Metric = 'chrf' | 'exact_match';
const sizeOf = (member: string, condition: string): string => member.slice(0, member.length - condition.length - 1);

/** One member's value on a task's curve (corpus chrF, mean exact match), or null. */
function value(curves: readonly Curve[], member: string, condition: string, task: string, metric: Metric): number | null {
  const c = curves.find((x) => x.key.family === `lab-needles-${condition}` && x.key.task === task && x.key.metric === metric);
  return c?.points.find((p) => p.model === member)?.value ?? null;
}

const mean = (xs: readonly (number | null)[]): number | null => (xs.some((x) => x === null) ? null : xs.reduce<number>((s, x) => s + x!, 0) / xs.length);

/** A member's value averaged over both directions at a shot count. */
function both(curves: readonly Curve[], member: string, condition: string, shots: number, metric: Metric): number | null {
  return mean((['a', 'b'] as const).map((from) => value(curves, member, condition, taskIdOf(from, shots), metric)));
}

export interface SizeGap {
  readonly size: string;
  readonly params: number;
  readonly full: { readonly zero: number | null; readonly few: number | null };
  readonly noPairs: { readonly zero: number | null; readonly few: number | null };
  readonly none: { readonly zero: number | null; readonly few: number | null };
  /** full − no-pairs chrF (both directions' mean), zero-shot and few-shot. */
  readonly gapZero: number | null;
  readonly gapFew: number | null;
  /** 1 − gapFew / gapZero: the part of the zero-shot gap that few-shot prompting closes (null when there is no gap). */
  readonly recovered: number | null;
}

const sub = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

export function needlesFindings(r: { readonly out: NeedlesOut; readonly curves: readonly Curve[]; readonly report: AuditReport; readonly members: readonly TrainedMember[] }): Findings {
  const { out, curves, report, members } = r;
  const k = out.shots;
  const conditionOf = (m: TrainedMember): Condition => out.conditions.find((c) => m.family === `lab-needles-${c.id}`)!;
  const sizes = [...new Map(members.filter((m) => m.family === 'lab-needles-full').map((m) => [sizeOf(m.name, 'full'), m.params])).entries()].sort((a, b) => a[1] - b[1]);
  const memberOf = (size: string, condition: string): string => `${size}-${condition}`;
  const share = (member: string, task: string): number | null => out.targetShares.find((t) => t.member === member && t.task === task)?.share ?? null;

  // Every member on every task.
  const head = ['condition', 'size', 'pairs', 'jux', ...[0, k].flatMap((s) => (['a', 'b'] as const).flatMap((f) => [`${f}→${f === 'a' ? 'b' : 'a'} ${s}-shot chrF`, 'EM', 'in target']))];
  const rows = out.conditions.flatMap((c) => sizes.map(([size]) => {
    const m = memberOf(size, c.id);
    return [c.id, size, `${fmtNum(c.mix.pairs * 100, 3)}%`, `${fmtNum(c.mix.juxtapositions * 100, 3)}%`, ...[0, k].flatMap((s) => (['a', 'b'] as const).flatMap((f) => {
      const t = taskIdOf(f, s);
      return [fmtNum(value(curves, m, c.id, t, 'chrf'), 3), fmtNum(value(curves, m, c.id, t, 'exact_match'), 3), fmtNum(share(m, t), 2)];
    }))];
  }));
  const memberTable = `Translation of ${out.evalCount} held-out sentences each way: corpus chrF (0–100), exact match, and the share of answers that are a sentence of the target language at all ("in target"); pairs and jux are the shares of documents that are translation pairs and A/B juxtapositions:\n${renderTable(head, rows, new Set([2, 3, ...head.slice(4).map((_, i) => i + 4)]))}`;

  const gaps: SizeGap[] = sizes.map(([size, params]) => {
    const at = (cond: string) => ({ zero: both(curves, memberOf(size, cond), cond, 0, 'chrf'), few: both(curves, memberOf(size, cond), cond, k, 'chrf') });
    const full = at('full'), noPairs = at('no-pairs'), none = at('none');
    const gapZero = sub(full.zero, noPairs.zero), gapFew = sub(full.few, noPairs.few);
    return { size, params, full, noPairs, none, gapZero, gapFew, recovered: gapZero !== null && gapFew !== null && gapZero > 0 ? 1 - gapFew / gapZero : null };
  });
  const gapHead = ['size', 'params', 'full 0-shot', 'no-pairs 0-shot', 'none 0-shot', 'gap 0-shot', `full ${k}-shot`, `no-pairs ${k}-shot`, `none ${k}-shot`, `gap ${k}-shot`, 'recovered'];
  const gapRows = gaps.map((g) => [g.size, g.params.toLocaleString('en'), fmtNum(g.full.zero, 3), fmtNum(g.noPairs.zero, 3), fmtNum(g.none.zero, 3), fmtNum(g.gapZero, 3), fmtNum(g.full.few, 3), fmtNum(g.noPairs.few, 3), fmtNum(g.none.few, 3), fmtNum(g.gapFew, 3), fmtNum(g.recovered, 2)]);
  const gapTable = `The ablation gap against size: chrF averaged over both directions; gap = full − no-pairs; recovered = 1 − gap ${k}-shot / gap 0-shot:\n${renderTable(gapHead, gapRows, new Set(gapHead.map((_, i) => i).slice(1)))}`;

  // The dose curve: conditions ordered by their translation share (no-pairs and none have none).
  const dosed = out.conditions.filter((c) => c.kind === 'full' || c.kind === 'dose' || c.kind === 'no-pairs').sort((a, b) => a.mix.pairs - b.mix.pairs);
  const dose = sizes.map(([size]) => ({ size, points: dosed.map((c) => ({ condition: c.id, pairs: c.mix.pairs, zero: both(curves, memberOf(size, c.id), c.id, 0, 'chrf'), zeroEm: both(curves, memberOf(size, c.id), c.id, 0, 'exact_match'), few: both(curves, memberOf(size, c.id), c.id, k, 'chrf') })) }));
  const doseHead = ['size', ...dosed.map((c) => `${fmtNum(c.mix.pairs * 100, 3)}% (${c.id})`)];
  const doseTable = `The dose curve: zero-shot chrF (both directions' mean) / exact match against the share of documents that are translation pairs (no-pairs at 0, with all its bilingual documents juxtapositions):\n${renderTable(doseHead, dose.map((d) => [d.size, ...d.points.map((p) => `${fmtNum(p.zero, 3)} / ${fmtNum(p.zeroEm, 2)}`)]), new Set(doseHead.map((_, i) => i).slice(1)))}`;

  const lines: string[] = [];
  for (const g of gaps) {
    lines.push(`${g.size} (${g.params.toLocaleString('en')} parameters): zero-shot chrF full ${fmtNum(g.full.zero, 3)}, no-pairs ${fmtNum(g.noPairs.zero, 3)}, none ${fmtNum(g.none.zero, 3)} (gap ${fmtNum(g.gapZero, 3)}); ${k}-shot full ${fmtNum(g.full.few, 3)}, no-pairs ${fmtNum(g.noPairs.few, 3)} (gap ${fmtNum(g.gapFew, 3)}${g.recovered === null ? '' : `, ${fmtNum(g.recovered * 100, 2)}% of the zero-shot gap recovered`}).`);
  }
  const zeroGaps = gaps.map((g) => g.gapZero);
  if (zeroGaps.length >= 2 && zeroGaps.every((x) => x !== null)) {
    const first = zeroGaps[0]!, last = zeroGaps.at(-1)!;
    lines.push(`The zero-shot gap (full − no-pairs) ${last < first ? 'shrinks' : last > first ? 'grows' : 'is unchanged'} from ${fmtNum(first, 3)} at ${gaps[0]!.size} to ${fmtNum(last, 3)} at ${gaps.at(-1)!.size}.`);
  }
  for (const d of dose) {
    const ys = d.points.map((p) => p.zero);
    if (ys.every((y) => y !== null) && ys.length >= 2) {
      const rises = ys.slice(1).every((y, i) => y! >= ys[i]!);
      lines.push(`${d.size} dose curve (zero-shot chrF from ${fmtNum(d.points[0]!.pairs * 100, 3)}% to ${fmtNum(d.points.at(-1)!.pairs * 100, 3)}% pairs): ${ys.map((y) => fmtNum(y, 3)).join(' → ')}, ${rises ? 'rising throughout' : ys.at(-1)! > ys[0]! ? 'higher at the top than the bottom, not monotone' : 'not rising'}.`);
    }
  }
  const verdicts = report.verdicts.filter((v) => v.key.family.startsWith('lab-needles-')).map((v) => `${v.key.family.replace('lab-needles-', '')} ${v.key.task} ${v.key.metric}: ${v.verdict}${v.qualifier ? ` (${v.qualifier})` : ''}`);
  if (verdicts.length) lines.push(`Audit against size: ${verdicts.join('; ')}.`);

  const x = sizes.map(([, p]) => p);
  const byCondition = (shots: number, metric: Metric, yLabel: string): LineChart => ({
    title: `${shots}-shot ${metric === 'chrf' ? 'chrF' : 'exact match'} (both directions) by condition`, x, xLabel: 'parameters', yLabel,
    series: out.conditions.map((c) => ({ name: c.id, kind: c.kind === 'dose' ? 'reference' as const : 'model' as const, values: sizes.map(([size]) => both(curves, memberOf(size, c.id), c.id, shots, metric)) })),
  });
  const doseChart: LineChart = {
    title: 'Dose curve: zero-shot chrF against the translation-pair share', x: dosed.map((c) => c.mix.pairs * 100), xLabel: 'translation pairs, % of documents', yLabel: 'chrF',
    series: dose.map((d) => ({ name: d.size, kind: 'model' as const, values: d.points.map((p) => p.zero) })),
  };
  const gapChart: LineChart = {
    title: 'Ablation gap (full − no-pairs chrF) against size', x, xLabel: 'parameters', yLabel: 'chrF gap',
    series: [{ name: 'zero-shot', kind: 'model', values: gaps.map((g) => g.gapZero) }, { name: `${k}-shot`, kind: 'reference', values: gaps.map((g) => g.gapFew) }],
  };
  const charts: ChartSection[] = [{
    title: 'Translation from incidental bilingual text',
    note: 'Each size trained once per corpus: full (the seed\'s bilingual share and translation-pair share), no-pairs (pairs replaced by unrelated A/B juxtapositions), none (no bilingual text), and doses of the translation-pair share. chrF averaged over A→B and B→A.',
    charts: [byCondition(0, 'chrf', 'chrF'), byCondition(k, 'chrf', 'chrF'), byCondition(0, 'exact_match', 'exact match'), gapChart, doseChart],
  }];
  return {
    title: 'Needles: translation from the share of parallel text in the corpus',
    before: [memberTable, gapTable, doseTable].join('\n'),
    lines, charts,
    data: { conditions: out.conditions, cipher: out.cipher, gaps, dose, targetShares: out.targetShares, members: members.map((m) => ({ name: m.name, condition: conditionOf(m).id, params: m.params, loss: m.loss })) },
  };
}
