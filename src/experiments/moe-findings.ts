import type { AuditReport } from '../core/analysis/audit.js';
import { fmtNum } from '../report/format.js';
import type { ChartSection, LineChart, LineSeries } from '../report/report-data.js';
import type { MoeConfig } from '../zoo/moe.js';
import type { CurvePointMoe, MoeLmEvaluation } from '../zoo/train-moe.js';
import type { Findings } from './contract.js';

/** What moe-vs-dense measured of one member (its `samples` output). */
export interface MoeMemberOut {
  readonly name: string;
  readonly size: string;
  readonly group: string;
  readonly moe: MoeConfig | null;
  readonly totalParams: number;
  readonly activeParams: number;
  readonly flopsPerStep: number;
  readonly history: readonly CurvePointMoe[];
  readonly trainSeconds: number;
  readonly evaluation: MoeLmEvaluation;
  readonly exact: number;
  /** Share of the 3 answer digits right, position by position: the continuous score beside exact match. */
  readonly digits: number;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const sci = (v: number): string => v.toExponential(2);
const route = (m: MoeMemberOut): MoeLmEvaluation['routing'][number] | null => m.evaluation.routing[0] ?? null;

function table(out: readonly MoeMemberOut[]): string {
  const head = ['member', 'E', 'k', 'cf', 'alpha', 'params', 'active', 'train FLOPs', 'val loss', 'train s', 'load CV', 'dropped', 'entropy', 'MI/H(dom)', 'add2 EM', 'digits'];
  const rows = out.map((m) => {
    const r = route(m);
    return [
      m.name, m.moe ? String(m.moe.experts) : '–', m.moe ? String(m.moe.topK) : '–', m.moe ? String(m.moe.capacityFactor) : '–', m.moe ? String(m.moe.alpha) : '–',
      m.totalParams.toLocaleString('en'), m.activeParams.toLocaleString('en'), sci(m.flopsPerStep * (m.history.at(-1)?.step ?? 0)),
      m.evaluation.valLoss.toFixed(4), m.trainSeconds.toFixed(1), r ? r.loadCv.toFixed(2) : '–', r ? pct(r.droppedShare) : '–', r ? r.entropy.toFixed(2) : '–', r ? r.miShare.toFixed(2) : '–', pct(m.exact), pct(m.digits),
    ];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** A member's curve on a shared log-spaced grid, linear in log x between its measured points, null outside them. */
function onGrid(points: readonly { x: number; y: number }[], grid: readonly number[]): (number | null)[] {
  return grid.map((g) => {
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i]!, b = points[i + 1]!;
      if (g >= a.x && g <= b.x) {
        const t = b.x === a.x ? 0 : (Math.log(g) - Math.log(a.x)) / (Math.log(b.x) - Math.log(a.x));
        return a.y + t * (b.y - a.y);
      }
    }
    return points.length === 1 && Math.abs(points[0]!.x - g) <= 1e-9 * g ? points[0]!.y : null;
  });
}

function logGrid(lo: number, hi: number, n = 40): number[] {
  return Array.from({ length: n }, (_, i) => Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (n - 1)));
}

function charts(ladder: readonly MoeMemberOut[]): ChartSection[] {
  if (ladder.length === 0 || ladder.every((m) => m.history.length === 0)) return [];
  const steps = [...new Set(ladder.flatMap((m) => m.history.map((h) => h.step)))].sort((a, b) => a - b);
  const series = (m: MoeMemberOut, values: (number | null)[]): LineSeries => ({ name: m.name, kind: m.moe ? 'model' : 'reference', values });
  const byX = (title: string, xLabel: string, x: (m: MoeMemberOut, h: CurvePointMoe) => number): LineChart => {
    const pts = ladder.map((m) => m.history.map((h) => ({ x: x(m, h), y: h.valLoss })).filter((p) => p.x > 0));
    const all = pts.flat().map((p) => p.x);
    const grid = logGrid(Math.min(...all), Math.max(...all));
    return { title, x: grid, xLabel, yLabel: 'validation loss (nats/char)', series: ladder.map((m, i) => series(m, onGrid(pts[i]!, grid))) };
  };
  return [{
    title: 'Validation loss, dense (dashed) and Switch (solid)',
    note: 'Cross-entropy per character on the same held-out rows of the four domains, every member on the same training rows. Against FLOPs and wall-clock each curve is drawn between its measured evaluations (linear in log x); wall-clock is this machine\'s training time with the members sharing its 2 cores, evaluations excluded.',
    charts: [
      { title: 'against steps', x: steps, xLabel: 'step', yLabel: 'validation loss (nats/char)', series: ladder.map((m) => series(m, steps.map((s) => m.history.find((h) => h.step === s)?.valLoss ?? null))) },
      byX('against counted training FLOPs', 'training FLOPs (router and dispatch included)', (m, h) => m.flopsPerStep * h.step),
      byX('against wall-clock', 'training seconds', (_m, h) => h.seconds),
    ],
  }];
}

const verdictOf = (report: AuditReport, family: string, metric: string): string => {
  const v = report.verdicts.find((x) => x.key.family === family && x.key.metric === metric);
  return v ? `${v.verdict}${v.qualifier ? ` (${v.qualifier})` : ''}, breakthroughness ${fmtNum(v.measures.breakthroughness)}` : 'no curve';
};

/** What moe-vs-dense shows: its member table, the comparisons at equal compute, the ablations and the audit on both axes. */
export function moeFindings(plan: { readonly ablationSize: string; readonly ablationExperts: number }, out: readonly MoeMemberOut[], report: AuditReport): Findings {
  const ladders = [...new Set(out.filter((m) => m.group.startsWith('switch-')).map((m) => m.group))];
  const dense = new Map(out.filter((m) => m.group === 'dense').map((m) => [m.size, m]));
  const lines: string[] = [];
  const comparisons: Record<string, unknown>[] = [];
  for (const g of ladders) {
    const pairs = out.filter((m) => m.group === g && dense.has(m.size)).map((m) => ({ s: m, d: dense.get(m.size)! }));
    if (pairs.length === 0) continue;
    const wins = pairs.filter((p) => p.s.evaluation.valLoss < p.d.evaluation.valLoss).length;
    const ratio = pairs.map((p) => p.s.flopsPerStep / p.d.flopsPerStep);
    lines.push(`${g} vs dense at the same trunk (counted FLOPs ${Math.min(...ratio).toFixed(3)}–${Math.max(...ratio).toFixed(3)}× dense's, router and combine included): lower validation loss at ${wins} of ${pairs.length} sizes — ${pairs.map((p) => `${p.s.size} ${p.s.evaluation.valLoss.toFixed(4)} vs ${p.d.evaluation.valLoss.toFixed(4)}`).join(', ')}; training time ${pairs.map((p) => `${(p.s.trainSeconds / Math.max(1e-9, p.d.trainSeconds)).toFixed(2)}×`).join(', ')} dense's.`);
    comparisons.push({ ladder: g, wins, sizes: pairs.length, pairs: pairs.map((p) => ({ size: p.s.size, switchLoss: p.s.evaluation.valLoss, denseLoss: p.d.evaluation.valLoss, flopsRatio: p.s.flopsPerStep / p.d.flopsPerStep, timeRatio: p.s.trainSeconds / p.d.trainSeconds })) });
  }
  const s = plan.ablationSize, E = plan.ablationExperts;
  const base = out.find((m) => m.name === `switch-e${E}-${s}`);
  const alphaRows = out.filter((m) => m.size === s && m.moe?.experts === E && m.moe.topK === 1 && m.moe.capacityFactor === base?.moe?.capacityFactor && (m.group === 'alpha' || m === base)).sort((a, b) => a.moe!.alpha - b.moe!.alpha);
  if (alphaRows.length > 1) lines.push(`α ablation (${s}, E = ${E}): ${alphaRows.map((m) => `α ${m.moe!.alpha}: load CV ${route(m)!.loadCv.toFixed(2)}, dropped ${pct(route(m)!.droppedShare)}, val loss ${m.evaluation.valLoss.toFixed(4)}`).join('; ')} (CV √(E−1) = ${Math.sqrt(E - 1).toFixed(2)} is one expert taking every token).`);
  const capRows = out.filter((m) => m.size === s && m.moe?.experts === E && m.moe.topK === 1 && m.moe.alpha === base?.moe?.alpha && (m.group === 'capacity' || m === base)).sort((a, b) => a.moe!.capacityFactor - b.moe!.capacityFactor);
  if (capRows.length > 1) lines.push(`Capacity ablation (${s}, E = ${E}): ${capRows.map((m) => `factor ${m.moe!.capacityFactor}: dropped ${pct(route(m)!.droppedShare)} of assignments (${pct(route(m)!.tokensPassedShare)} of tokens on the residual alone), val loss ${m.evaluation.valLoss.toFixed(4)}`).join('; ')}.`);
  const top2 = out.find((m) => m.group === 'top2');
  if (top2 && base) lines.push(`Top-2 with half-width experts at ${s} (${sci(top2.flopsPerStep)} FLOPs/step vs top-1's ${sci(base.flopsPerStep)}): val loss ${top2.evaluation.valLoss.toFixed(4)} vs ${base.evaluation.valLoss.toFixed(4)}; dropped ${pct(route(top2)!.droppedShare)} vs ${pct(route(base)!.droppedShare)}.`);
  const spec = out.filter((m) => m.group.startsWith('switch-') && route(m));
  if (spec.length > 0) lines.push(`Specialisation: I(expert; domain) / H(domain) over the Switch ladders ${Math.min(...spec.map((m) => route(m)!.miShare)).toFixed(2)}–${Math.max(...spec.map((m) => route(m)!.miShare)).toFixed(2)} (0: the expert says nothing of the domain; 1: it names it); router entropy ${Math.min(...spec.map((m) => route(m)!.entropy)).toFixed(2)}–${Math.max(...spec.map((m) => route(m)!.entropy)).toFixed(2)} nats.`);
  // The axis question: a ladder's own verdict cannot depend on it (its points keep their order and
  // values), but where Switch sits against dense does: the same trunk is equal active parameters;
  // equal total parameters is the dense curve read (linear in log params) at the Switch member's total.
  const denseCurve = [...dense.values()].sort((a, b) => a.totalParams - b.totalParams);
  const denseAt = (params: number, f: (m: MoeMemberOut) => number): number | null => {
    const pts = denseCurve.map((m) => ({ x: m.totalParams, y: f(m) }));
    return onGrid(pts, [params])[0] ?? null;
  };
  const axisRows: Record<string, unknown>[] = [];
  for (const g of ladders) {
    const ms = out.filter((m) => m.group === g && dense.has(m.size));
    if (ms.length === 0) continue;
    const atActive = ms.map((m) => `${m.size} ${pct(m.exact)} / ${pct(m.digits)} vs ${pct(dense.get(m.size)!.exact)} / ${pct(dense.get(m.size)!.digits)}`);
    const atTotal = ms.map((m) => {
      const e = denseAt(m.totalParams, (d) => d.exact), d = denseAt(m.totalParams, (x) => x.digits);
      return `${m.size} ${pct(m.exact)} / ${pct(m.digits)} vs ${e === null || d === null ? 'beyond the dense ladder' : `${pct(e)} / ${pct(d)}`}`;
    });
    lines.push(`Held-out addition, ${g} (exact match / digits right) against dense at equal active parameters: ${atActive.join(', ')}; at equal total parameters: ${atTotal.join(', ')}.`);
    axisRows.push(...ms.map((m) => ({ ladder: g, size: m.size, exact: m.exact, digits: m.digits, denseSameActive: { exact: dense.get(m.size)!.exact, digits: dense.get(m.size)!.digits }, denseSameTotal: { exact: denseAt(m.totalParams, (d) => d.exact), digits: denseAt(m.totalParams, (d) => d.digits) } })));
  }
  const audit: Record<string, Record<string, string>> = {};
  for (const family of ['moe-dense', ...ladders.flatMap((g) => [`moe-${g}`, `moe-${g}-active`])]) {
    audit[family] = Object.fromEntries(['exact_match', 'token_edit_distance'].map((metric) => [metric, verdictOf(report, family, metric)]));
    lines.push(`Held-out addition, ${family}${family.endsWith('-active') ? ' (on active parameters)' : family === 'moe-dense' ? '' : ' (on total parameters)'}: exact match ${audit[family]!.exact_match}; token edit distance ${audit[family]!.token_edit_distance}.`);
  }
  const ladder = out.filter((m) => m.group === 'dense' || m.group === `switch-e${E}`);
  return {
    title: 'Sparse mixture of experts vs dense at equal compute',
    before: table(out),
    lines,
    charts: charts(ladder),
    data: { members: out, comparisons, audit, axes: axisRows },
  };
}
