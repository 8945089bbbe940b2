import type { Curve } from '../core/types.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { clopperPearson, type ProportionInterval } from '../core/stats/clopper-pearson.js';
import { detectionFloor } from '../core/stats/resolution.js';
import { exactPassRate, untilPassRate, type PassRateEstimate, type UntilRate, type UntilRecord, type UntilRule } from '../core/resolution/pass-probability.js';
import { forecastCrossing, observedCrossing, smallerHalf, type CrossingForecast, type RouteSpec, type SizedValue } from '../core/resolution/jump-forecast.js';
import { predict } from '../core/fit/index.js';
import type { ChartSection } from '../report/report-data.js';
import { fmtNum, fmtParams } from '../report/format.js';

/**
 * The mirage experiment's resolution and forecasts (issue 17, parts 2–3), from what the store holds
 * per member: each test problem's greedy exact match and the teacher-forced probability of its
 * target, and the draws of the problems sampled until k successes. Works on any ladder.
 */
export interface MemberProblems {
  readonly member: string;
  readonly params: number;
  /** Per test problem, in the task's order: was the greedy answer exactly right, and the target's log-probability Σ log p (nats). */
  readonly problems: readonly { readonly exampleId: string; readonly greedy: boolean; readonly logProbability: number }[];
  /**
   * The problems sampled until k (a prefix of `problems`), or null when the run sampled none; with
   * the log-probability of the first right draw as generated (answer and terminator), null without one.
   */
  readonly until: readonly { readonly exampleId: string; readonly record: UntilRecord; readonly hitLogprob?: number | null }[] | null;
}

export interface ResolutionRow {
  readonly member: string;
  readonly params: number;
  readonly problems: number;
  readonly greedy: ProportionInterval & { readonly correct: number };
  /** Smallest rate the greedy test set tells from 0 at 95%: 1 − 0.05^(1/n). */
  readonly greedyFloor: number;
  /** Mean over all problems of the probability of sampling the target at temperature 1. */
  readonly exact: PassRateEstimate;
  /** Median over problems of log10 of that probability (the forecasts' continuous route). */
  readonly medianLog10Probability: number;
  readonly sampled: UntilRate | null;
  /** The exact estimate on the problems that were sampled, for the comparison. */
  readonly exactOnSampled: PassRateEstimate | null;
  /** Detection floor of the sampled problems × the cap. */
  readonly sampledFloor: number | null;
  /**
   * What the exact estimate leaves out: P(terminator | prompt + answer) = exp(log P(right draw) −
   * log P(answer)), over the sampled problems with a right draw whose log-probability was returned.
   */
  readonly stopFactor: { readonly mean: number; readonly min: number; readonly max: number; readonly problems: number } | null;
  /** agree: both estimates above the sampled floor and their intervals overlap; disagree: above the floor, disjoint; below_floor otherwise. */
  readonly agreement: 'agree' | 'disagree' | 'below_floor' | null;
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function resolutionRows(members: readonly MemberProblems[], rule: UntilRule, seed: number, resamples: number): ResolutionRow[] {
  return [...members].sort((a, b) => a.params - b.params).map((m): ResolutionRow => {
    const n = m.problems.length;
    if (n === 0) throw new RangeError(`${m.member}: no stored test problems`);
    const correct = m.problems.filter((p) => p.greedy).length;
    const probs = m.problems.map((p) => Math.exp(p.logProbability));
    const rng = (what: string) => makeRng(deriveSeed(seed, 'resolution', m.member, what));
    const exact = exactPassRate(probs, { rng: rng('exact'), resamples });
    const base = {
      member: m.member, params: m.params, problems: n, greedy: { ...clopperPearson(correct, n), correct }, greedyFloor: detectionFloor(n), exact,
      medianLog10Probability: median(m.problems.map((p) => p.logProbability / Math.LN10)),
    };
    if (m.until === null || m.until.length === 0) return { ...base, sampled: null, exactOnSampled: null, sampledFloor: null, stopFactor: null, agreement: null };
    const byId = new Map(m.problems.map((p) => [p.exampleId, p.logProbability]));
    const logOf = (id: string): number => {
      const lp = byId.get(id);
      if (lp === undefined) throw new RangeError(`${m.member}: sampled problem ${id} has no greedy sample`);
      return lp;
    };
    const subset = m.until.map((u) => Math.exp(logOf(u.exampleId)));
    const factors = m.until.flatMap((u) => (u.hitLogprob === null || u.hitLogprob === undefined ? [] : [Math.exp(u.hitLogprob - logOf(u.exampleId))]));
    const stopFactor = factors.length === 0 ? null : { mean: factors.reduce((a, b) => a + b, 0) / factors.length, min: Math.min(...factors), max: Math.max(...factors), problems: factors.length };
    const sampled = untilPassRate(m.until.map((u) => u.record), rule, { rng: rng('sampled'), resamples });
    const exactOnSampled = exactPassRate(subset, { rng: rng('exact-subset'), resamples });
    const sampledFloor = detectionFloor(m.until.length, rule.cap);
    const above = sampled.estimate > sampledFloor && exactOnSampled.estimate > sampledFloor;
    const overlap = sampled.low <= exactOnSampled.high && exactOnSampled.low <= sampled.high;
    return { ...base, sampled, exactOnSampled, sampledFloor, stopFactor, agreement: above ? (overlap ? 'agree' : 'disagree') : 'below_floor' };
  });
}

export interface JumpForecasts {
  readonly observed: { readonly log10: number | null; readonly where: 'between' | 'below_smallest' | 'not_reached' };
  readonly fittedOn: readonly string[];
  readonly routes: readonly CrossingForecast[];
}

/**
 * From the smaller half only, where greedy exact match crosses 50%: through exact match itself,
 * through per-token accuracy a mapped by a^L = 0.5 (the paper's model of an L-token answer), and
 * through the median problem's log10 probability of the target reaching log10 0.5 (a problem whose
 * target has probability above 1/2 is answered right greedily, so greedy exact match reaches 50% no
 * later than the median problem does).
 */
export function jumpForecasts(rows: readonly ResolutionRow[], curves: readonly Curve[], answerTokens: number): JumpForecasts {
  const curveOf = (metric: string): Curve | undefined => curves.find((c) => c.key.metric === metric);
  const fromCurve = (metric: string): SizedValue[] | null => {
    const c = curveOf(metric);
    if (!c) return null;
    return rows.map((r) => {
      const p = c.points.find((q) => q.model === r.member);
      return p ? { params: r.params, value: p.value, stderr: p.stderr } : null;
    }).filter((v): v is SizedValue => v !== null);
  };
  const em: SizedValue[] = rows.map((r) => ({ params: r.params, value: r.greedy.estimate, stderr: null }));
  const observed = observedCrossing(em, 0.5);
  const half = smallerHalf(rows);
  const routes: CrossingForecast[] = [];
  const take = (values: SizedValue[] | null, route: RouteSpec): void => {
    if (values === null || values.length < rows.length) return;
    routes.push(forecastCrossing(smallerHalf(values), route, observed.log10));
  };
  take(fromCurve('exact_match') ?? em, { name: 'exact_match', threshold: 0.5, bounds: [0, 1], mapping: 'exact match itself' });
  take(fromCurve('per_token_accuracy'), { name: 'per_token_accuracy', threshold: 0.5 ** (1 / answerTokens), bounds: [0, 1], mapping: `per-token accuracy a, exact match ≈ a^${answerTokens}` });
  take(rows.map((r) => ({ params: r.params, value: r.medianLog10Probability, stderr: null })), { name: 'median_log10_probability', threshold: Math.log10(0.5), bounds: [-Infinity, 0], mapping: 'median problem’s log10 P(target) reaches log10 ½' });
  return { observed, fittedOn: half.map((r) => r.member), routes };
}

const pct = (v: number): string => fmtNum(v, 3);

export function resolutionTable(rows: readonly ResolutionRow[], rule: UntilRule): string {
  const head = ['size', 'params', 'greedy EM [95% CI]', 'floor', 'exact P(target) [95%]', `sampled until ${rule.k}/${rule.cap} [95%]`, 'draws', 'sampled floor', 'exact, same problems', 'P(stop|answer)', 'agreement'];
  const body = rows.map((r) => [
    r.member, fmtParams(r.params), `${pct(r.greedy.estimate)} [${pct(r.greedy.low)}–${pct(r.greedy.high)}]`, pct(r.greedyFloor),
    `${pct(r.exact.estimate)} [${pct(r.exact.low)}–${pct(r.exact.high)}]`,
    r.sampled ? `${pct(r.sampled.estimate)} [${pct(r.sampled.low)}–${pct(r.sampled.high)}]${r.sampled.method === 'zero-successes' ? ' (0 hits)' : ''}` : '-',
    r.sampled ? r.sampled.draws.toLocaleString('en') : '-', r.sampledFloor === null ? '-' : pct(r.sampledFloor),
    r.exactOnSampled ? `${pct(r.exactOnSampled.estimate)} [${pct(r.exactOnSampled.low)}–${pct(r.exactOnSampled.high)}]` : '-',
    r.stopFactor ? `${fmtNum(r.stopFactor.mean, 4)} (${r.stopFactor.problems})` : '-', r.agreement ?? '-',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i < 1 ? v.padEnd(w[i]!) : v.padStart(w[i]!))).join('  ');
  return ['Resolution: the probability of an exactly right answer, three ways (greedy on every test problem; exact at temperature 1 from the stored log-likelihoods; sampled at temperature 1 until k successes or the cap, on the first problems):', line(head), ...body.map(line)].join('\n') + '\n';
}

export function resolutionLines(rows: readonly ResolutionRow[], f: JumpForecasts | null): string[] {
  const lines: string[] = [];
  const zeros = rows.filter((r) => r.greedy.correct === 0);
  if (zeros.length > 0) {
    lines.push(`Greedy exact match reads 0 at ${zeros.map((r) => r.member).join(', ')} (95% upper bound ${pct(zeros[0]!.greedy.high)} on ${zeros[0]!.problems} problems); the exact probability of the target there is ${zeros.map((r) => pct(r.exact.estimate)).join(', ')}.`);
  }
  const compared = rows.filter((r) => r.agreement !== null);
  if (compared.length > 0) {
    const above = compared.filter((r) => r.agreement !== 'below_floor');
    const dis = above.filter((r) => r.agreement === 'disagree');
    lines.push(`Sampled against exact on the same problems: ${above.length} of ${compared.length} sizes have both above the sampled floor; they agree within their 95% intervals at ${above.length - dis.length}${dis.length > 0 ? `, and disagree at ${dis.map((r) => `${r.member} (sampled ${pct(r.sampled!.estimate)} vs exact ${pct(r.exactOnSampled!.estimate)})`).join(', ')}` : ''}.`);
  }
  if (f === null) return lines;
  const obs = f.observed.log10 === null ? (f.observed.where === 'below_smallest' ? 'already above 50% at the smallest size' : 'never reached on this ladder') : `observed at 10^${f.observed.log10.toFixed(2)} (${fmtParams(10 ** f.observed.log10)})`;
  const routeText = (r: CrossingForecast): string => `${r.mapping}: ${r.crossingLog10 === null ? 'no crossing within 4 decades' : `10^${r.crossingLog10.toFixed(2)}`}${r.errorDecades === null ? '' : ` (error ${r.errorDecades >= 0 ? '+' : ''}${r.errorDecades.toFixed(2)} decades)`}, ${r.fit.form} law`;
  lines.push(`Where greedy exact match crosses 50%, forecast from ${f.fittedOn.join(', ')} only; ${obs}. ${f.routes.map(routeText).join('; ')}.`);
  return lines;
}

export function resolutionChart(rows: readonly ResolutionRow[], rule: UntilRule): ChartSection {
  const x = rows.map((r) => Math.log10(r.params));
  const pos = (v: number | null | undefined): number | null => (v !== null && v !== undefined && v > 0 ? v : null);
  const sampledOn = rows.some((r) => r.sampled !== null);
  return {
    title: 'Resolution: what a small model’s “0” really is',
    note: `Probability of an exactly right answer on a log axis (zeros are not drawn). Greedy exact match on the test set; the exact probability of sampling the target at temperature 1 (the product of its token probabilities); and the pass rate sampled until ${rule.k} successes or ${rule.cap} draws per problem. Dashed: the detection floors, the smallest rates each design tells from 0 at 95%, and the sampled estimate's upper bound where no draw succeeded.`,
    charts: [{
      title: 'P(exact answer) against size', x, xLabel: 'log10 parameters', yLabel: 'P(exact answer)',
      series: [
        { name: 'greedy exact match', kind: 'model', values: rows.map((r) => pos(r.greedy.estimate)) },
        { name: 'exact P(target), T = 1', kind: 'model', values: rows.map((r) => pos(r.exact.estimate)) },
        ...(sampledOn ? [{ name: `sampled until ${rule.k}`, kind: 'model' as const, values: rows.map((r) => pos(r.sampled?.estimate)) }] : []),
        { name: `floor: greedy (${rows[0]?.problems ?? 0} problems)`, kind: 'reference', values: rows.map((r) => r.greedyFloor) },
        ...(sampledOn ? [
          { name: 'floor: sampled', kind: 'reference' as const, values: rows.map((r) => r.sampledFloor) },
          { name: 'sampled: 95% upper bound at 0 hits', kind: 'reference' as const, values: rows.map((r) => (r.sampled?.method === 'zero-successes' ? r.sampled.high : null)) },
        ] : []),
      ],
    }],
  };
}

/** Greedy exact match against size beside what each route, fitted on the smaller half, said it would be (mapped to exact match). */
export function forecastChart(rows: readonly ResolutionRow[], f: JumpForecasts, answerTokens: number, forecastText: string): ChartSection {
  const x = rows.map((r) => Math.log10(r.params));
  const unit = (v: number): number => Math.min(1, Math.max(0, v));
  const route = (name: string): CrossingForecast | undefined => f.routes.find((r) => r.route === name);
  const em = route('exact_match'), acc = route('per_token_accuracy');
  return {
    title: 'Prediction before the jump',
    note: `${forecastText} Each route uses the back-test's forecasting law (flat, log-linear or saturating power law); dashed, its forecast mapped to exact match at the ladder's sizes.`,
    charts: [{
      title: 'Greedy exact match and its forecasts from the smaller half', x, xLabel: 'log10 parameters', yLabel: 'exact match',
      series: [
        { name: 'greedy exact match', kind: 'model', values: rows.map((r) => r.greedy.estimate) },
        ...(em ? [{ name: 'forecast via exact match', kind: 'reference' as const, values: x.map((v) => unit(predict(em.fit, v))) }] : []),
        ...(acc ? [{ name: `forecast via per-token accuracy^${answerTokens}`, kind: 'reference' as const, values: x.map((v) => unit(predict(acc.fit, v)) ** answerTokens) }] : []),
        { name: '50%', kind: 'reference', values: x.map(() => 0.5) },
      ],
    }],
  };
}
