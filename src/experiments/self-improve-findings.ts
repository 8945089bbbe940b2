import type { CrossoverResult } from '../core/crossover/index.js';
import { fmtNum } from '../report/format.js';
import type { ChartSection, LineChart } from '../report/report-data.js';
import type { Findings } from './contract.js';

/** What the self-improvement experiment shows: per size, each arm's accuracy round by round, and what its filter kept. */

/** The method (majority filter) and its three controls. */
export type Arm = 'majority' | 'all' | 'oracle' | 'labelled';
export const ARMS: readonly Arm[] = ['majority', 'all', 'oracle', 'labelled'];
const ARM_NAME: Record<Arm, string> = { majority: 'method (majority filter)', all: 'no filter', oracle: 'oracle filter', labelled: 'extra steps, labels only' };

/** One member's accuracies: greedy and self-consistency (majority of m paths), in and beyond the pool's lengths. */
export interface MemberRow {
  readonly member: string;
  readonly size: string;
  /** The base model's parameters (every member of a size has the same model). */
  readonly params: number;
  readonly arm: Arm | 'base';
  /** 0 for the base model. */
  readonly round: number;
  readonly greedyId: number | null;
  readonly greedyOod: number | null;
  readonly scId: number | null;
  readonly scOod: number | null;
}

/** What one filter kept from one model's pool samples, the data of the next round. */
export interface SelectionRow {
  readonly size: string;
  readonly arm: Exclude<Arm, 'labelled'>;
  readonly round: number;
  readonly sampledBy: string;
  readonly keptPaths: number;
  readonly keptFraction: number;
  readonly precision: number | null;
}

export interface SiOut {
  readonly rows: readonly MemberRow[];
  readonly selection: readonly SelectionRow[];
  /** Where the method's final round overtakes (or falls behind) the extra-steps control (b = method, a = control). */
  readonly crossover: CrossoverResult;
  readonly rounds: number;
  readonly paths: number;
  readonly poolQuestions: number;
  readonly digits: { readonly labelled: number; readonly pool: number; readonly ood: number };
}

const fmtParams = (p: number): string => (p >= 1e6 ? `${(p / 1e6).toFixed(2)}M` : `${(p / 1e3).toFixed(1)}K`);
type Measure = 'greedyId' | 'greedyOod' | 'scId' | 'scOod';

/** The arm's accuracy at each round, the base model's at round 0. */
function trajectory(rows: readonly MemberRow[], size: string, arm: Arm, rounds: number, m: Measure): (number | null)[] {
  return Array.from({ length: rounds + 1 }, (_, r) => rows.find((x) => x.size === size && (r === 0 ? x.arm === 'base' : x.arm === arm && x.round === r))?.[m] ?? null);
}

function sizesOf(rows: readonly MemberRow[]): { size: string; params: number }[] {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.size, r.params);
  return [...seen].map(([size, params]) => ({ size, params })).sort((a, b) => a.params - b.params);
}

function grid(head: string[], body: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i < 3 ? v.padEnd(w[i]!) : v.padStart(w[i]!))).join('  ');
  return [line(head), ...body.map(line)];
}

function accuracyTable(out: SiOut): string {
  const measures: [Measure, string][] = [['greedyId', `greedy ≤${out.digits.pool}d`], ['greedyOod', `greedy ${out.digits.ood}d`], ['scId', `SC@${out.paths} ≤${out.digits.pool}d`], ['scOod', `SC@${out.paths} ${out.digits.ood}d`]];
  const body: string[][] = [];
  for (const { size, params } of sizesOf(out.rows)) {
    for (const arm of ARMS) body.push([size, fmtParams(params), arm, ...measures.map(([m]) => trajectory(out.rows, size, arm, out.rounds, m).map((v) => fmtNum(v, 3)).join(' → '))]);
  }
  const head = ['size', 'params', 'arm', ...measures.map(([, h]) => `${h} (base → ${Array.from({ length: out.rounds }, (_, i) => `r${i + 1}`).join(' → ')})`)];
  return [`Exact match of the final answer, base → each round (labelled set: 1-${out.digits.labelled} digits; pool and in-distribution test: 2-${out.digits.pool}; beyond: ${out.digits.ood}):`, ...grid(head, body)].join('\n') + '\n';
}

function selectionTable(out: SiOut): string {
  const body = [...out.selection].sort((a, b) => (out.rows.find((r) => r.size === a.size)?.params ?? 0) - (out.rows.find((r) => r.size === b.size)?.params ?? 0) || a.round - b.round).map((s) => [s.size, `r${s.round}`, s.arm, s.sampledBy, String(s.keptPaths), fmtNum(s.keptFraction, 3), fmtNum(s.precision, 3)]);
  return [`What each filter kept from ${out.poolQuestions} unlabelled questions × ${out.paths} paths (the data of the round named; precision: kept paths whose answer is right):`, ...grid(['size', 'round', 'filter', 'sampled by', 'kept paths', 'kept fraction', 'precision'], body)].join('\n') + '\n';
}

/** The gain of an arm over the extra-steps control at the final round (greedy, in the pool's lengths). */
export function gainOf(out: SiOut, size: string, arm: Arm, m: Measure = 'greedyId'): number | null {
  const a = trajectory(out.rows, size, arm, out.rounds, m).at(-1);
  const c = trajectory(out.rows, size, 'labelled', out.rounds, m).at(-1);
  return a === null || a === undefined || c === null || c === undefined ? null : a - c;
}

export function describeGainCrossover(r: CrossoverResult): string {
  const what = 'Gain of the method over the extra-steps control (final round, greedy, pool lengths)';
  if (r.outcome === 'too_few_points') return `${what}: too few sizes for a crossover.`;
  if (r.outcome === 'never_crosses') return `${what}: never crosses zero between ${fmtParams(r.range[0])} and ${fmtParams(r.range[1])} parameters; ${r.ahead === 'b' ? 'the method is ahead throughout' : r.ahead === 'a' ? 'the control is ahead throughout' : 'they tie'}${r.trend ? ` (trend ${fmtNum(r.trend.slopePerDecade, 3)} ± ${fmtNum(r.trend.slopeSe, 3)} per decade)` : ''}.`;
  const side = (v: number | null, s: string): string => (v === null ? s : fmtParams(v));
  const parts = r.crossings.map((c) => `${c.direction === 'b_overtakes_a' ? 'turns positive' : 'turns negative'} at ${fmtParams(c.params)} parameters (90% interval ${side(c.interval.low, 'below the range')} to ${side(c.interval.high, 'beyond the range')}; ${Math.round(100 * c.support)}% of resamples cross this way)`);
  return `${what}: ${r.outcome === 'crosses_multiple' ? 'crosses zero more than once: ' : ''}${parts.join('; ')}${r.trend ? `; trend ${fmtNum(r.trend.slopePerDecade, 3)} ± ${fmtNum(r.trend.slopeSe, 3)} per decade` : ''}.`;
}

function lines(out: SiOut): string[] {
  const ls = [describeGainCrossover(out.crossover)];
  const f = (v: number | null): string => (v === null ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);
  for (const { size, params } of sizesOf(out.rows)) {
    const p1 = out.selection.find((s) => s.size === size && s.arm === 'majority' && s.round === 1)?.precision ?? null;
    ls.push(`${size} (${params.toLocaleString('en')} parameters): gain over the extra-steps control at round ${out.rounds}: method ${f(gainOf(out, size, 'majority'))}, no filter ${f(gainOf(out, size, 'all'))}, oracle ${f(gainOf(out, size, 'oracle'))} (greedy); method ${f(gainOf(out, size, 'majority', 'scId'))} with self-consistency; round-1 pseudo-label precision ${fmtNum(p1, 3)}.`);
  }
  // The oracle is the upper bound: say, per size and round, where the method beat it.
  const above: string[] = [];
  for (const { size } of sizesOf(out.rows)) {
    const m = trajectory(out.rows, size, 'majority', out.rounds, 'greedyId'), o = trajectory(out.rows, size, 'oracle', out.rounds, 'greedyId');
    for (let r = 1; r <= out.rounds; r++) if (m[r] !== null && o[r] !== null && m[r]! > o[r]!) above.push(`${size} round ${r} (method ${fmtNum(m[r]!, 3)} > oracle ${fmtNum(o[r]!, 3)})`);
  }
  ls.push(above.length === 0 ? 'The oracle filter bounds the method from above (greedy, pool lengths) at every size and round.' : `The method is above the oracle filter at ${above.join(', ')}.`);
  return ls;
}

function charts(out: SiOut): ChartSection[] {
  const sizes = sizesOf(out.rows);
  const x = Array.from({ length: out.rounds + 1 }, (_, r) => r);
  const rounds = (m: Measure, label: string): LineChart[] => ARMS.map((arm) => ({
    title: `${ARM_NAME[arm]}: ${label}`, x, xLabel: 'round (0 = base)', yLabel: 'exact match',
    series: sizes.map(({ size }) => ({ name: size, kind: arm === 'labelled' ? 'reference' as const : 'model' as const, values: trajectory(out.rows, size, arm, out.rounds, m) })),
  }));
  const px = sizes.map((s) => s.params);
  const sel = (field: 'precision' | 'keptFraction'): LineChart['series'] => out.selection.length === 0 ? [] : [...new Set(out.selection.map((s) => `${s.arm}/${s.round}`))].map((key) => {
    const [arm, round] = key.split('/') as [Arm, string];
    return { name: `${arm} r${round}`, kind: arm === 'majority' ? 'model' as const : 'reference' as const, values: sizes.map(({ size }) => out.selection.find((s) => s.size === size && s.arm === arm && s.round === Number(round))?.[field] ?? null) };
  });
  const gain = (m: Measure): LineChart['series'] => [
    ...(['majority', 'all', 'oracle'] as const).map((arm) => ({ name: ARM_NAME[arm], kind: arm === 'majority' ? 'model' as const : 'reference' as const, values: sizes.map(({ size }) => gainOf(out, size, arm, m)) })),
    { name: 'zero', kind: 'reference' as const, values: sizes.map(() => 0) },
  ];
  return [
    { title: 'Base → round by round, per arm', note: `Greedy and self-consistency (majority of ${out.paths} paths) exact match on 2-${out.digits.pool}-digit test problems; one line per size. The extra-steps control is the dashed reference.`, charts: [...rounds('greedyId', 'greedy'), ...rounds('scId', `SC@${out.paths}`)] },
    { title: 'What the filters kept', note: 'Pseudo-label precision (kept paths whose answer is right) and the kept fraction of pool questions, against the sampling model\'s size; r1 data were sampled by the base model, r2 by the arm\'s round-1 model.', charts: [
      { title: 'Pseudo-label precision', x: px, xLabel: 'parameters', yLabel: 'precision', series: sel('precision') },
      { title: 'Kept fraction of the pool', x: px, xLabel: 'parameters', yLabel: 'kept fraction', series: sel('keptFraction') },
    ] },
    { title: 'Gain against size', note: `Final-round exact match minus the extra-steps control's; the crossover analysis fits both curves and finds where the method's gain crosses zero. ${describeGainCrossover(out.crossover)}`, charts: [
      { title: 'Gain over the extra-steps control, greedy', x: px, xLabel: 'parameters', yLabel: 'Δ exact match', series: gain('greedyId') },
      { title: `Gain over the extra-steps control, SC@${out.paths}`, x: px, xLabel: 'parameters', yLabel: 'Δ exact match', series: gain('scId') },
    ] },
  ];
}

export function selfImproveFindings(r: { readonly out: SiOut }): Findings {
  return {
    title: 'Self-improvement on the lab\'s own scratchpad adders',
    before: `${accuracyTable(r.out)}\n${selectionTable(r.out)}`,
    lines: lines(r.out),
    charts: charts(r.out),
    data: r.out,
  };
}
