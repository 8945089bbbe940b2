import type { Curve, Verdict, VerdictClass } from '../types.js';
import { curveId } from '../curves/key.js';
import { metaAnalysis, metricSwaps, type MetricShare, type MetricSwap } from './meta-analysis.js';
import { fdrCutoff, fdrQValues, type FdrMethod } from '../stats/fdr.js';
import { deriveSeed } from '../random/derive-seed.js';
import { makeRng, type Rng } from '../random/rng.js';
import { DEFAULT_THRESHOLDS, type VerdictThresholds } from './thresholds.js';
import { BACKTEST_MIN_TRAIN } from './backtest.js';
import { classify, curveEvidence, curveGates, type CurveEvidence, type VerdictGates, type VerdictOptions } from './verdict.js';
import { scoreboard, type Scoreboard } from './scoreboard.js';

export { metaAnalysis, metricSwaps, type MetricShare, type MetricSwap };

export interface AuditReport {
  readonly verdicts: Verdict[];
  readonly swaps: MetricSwap[];
  readonly meta: MetricShare[];
  /** The headline back-tests' errors beside naive forecasts, per task family. */
  readonly scoreboard: Scoreboard;
  /** What FDR control did, or null when it was off. */
  readonly fdr: FdrSummary | null;
}

export interface AuditOptions extends VerdictOptions {
  /** FDR control across the audit's curves: the level q and the procedure; null turns it off (--no-fdr). */
  readonly fdr?: { readonly q: number; readonly method: FdrMethod } | null;
  /** Re-judge each emergent call under leave-one-model-out and within-error perturbations (default true). */
  readonly stability?: boolean;
  /** Seed of the within-error perturbations. */
  readonly seed?: number;
}

export const DEFAULT_FDR = { q: 0.05, method: 'bh' as FdrMethod };
/** Within-error redraws per emergent call: each value moved uniformly within ±1 of its standard error. */
export const STABILITY_DRAWS = 2;

/** What FDR control did to the audit's calls. */
export interface FdrSummary {
  readonly q: number;
  readonly method: FdrMethod;
  /** Curves tested (those with enough points for a verdict). */
  readonly tests: number;
  /** The p-value cutoffs the calls were held to, or null when no test passed. */
  readonly trendCutoff: number | null;
  readonly emergenceCutoff: number | null;
  /** Emergent and smooth calls at the per-curve levels, and after FDR control (before the stability check). */
  readonly emergentBefore: number;
  readonly emergentAfter: number;
  readonly smoothBefore: number;
  readonly smoothAfter: number;
}

/** Same curve without point i, or with every value moved within its error: the perturbations of the stability check. */
function withoutPoint(c: Curve, i: number): Curve {
  return { ...c, points: c.points.filter((_, j) => j !== i) };
}
function jittered(c: Curve, ev: CurveEvidence, rng: Rng): Curve {
  const b = ev.bounds;
  return {
    ...c,
    points: c.points.map((p, i) => {
      let v = p.value + (2 * rng.next() - 1) * ev.pointNoise[i]!;
      if (b !== null) v = Math.min(b[1], Math.max(b[0], v));
      return { ...p, value: v };
    }),
  };
}

/**
 * Would a small change in the data change an emergent call? Leave out, one at a time, the models the
 * call rests on (the last before the jump, the first after it, the one that beat its forecast),
 * when interior: dropping the smallest or the largest changes the range of scale judged, not the
 * evidence inside it. And, when errors are known, redraw every value within ±1 of its standard
 * error. Only emergent calls are checked: they are the strong claim, and re-judging a curve costs a
 * whole verdict (fits and back-test) each time, too much to spend on every curve of a large audit.
 */
function stabilityOf(v: Verdict, ev: CurveEvidence, options: AuditOptions, t: VerdictThresholds): Verdict {
  // Perturbed curves are judged at the per-curve levels: under the audit's FDR cutoff, the largest
  // p-value that passes is the cutoff itself, so any nudge would "flip" it. Stability asks about
  // the data; FDR control has already asked about the multiplicity.
  const gates = curveGates(t);
  const checked: string[] = [];
  const flips: { by: string; verdict: VerdictClass }[] = [];
  const judge = (c: Curve, by: string): void => {
    checked.push(by);
    const w = classify(curveEvidence(c, options), gates, t).verdict;
    if (w !== v.verdict && w !== 'too_few_points') flips.push({ by, verdict: w });
  };
  const n = ev.n;
  if (n - 1 >= t.minPoints) {
    const rests = new Set<number>();
    const s = ev.shape;
    if (s.jumpTo >= 0) rests.add(s.jumpTo).add(s.jumpTo - 1);
    const step = ev.surpriseStepP ?? ev.surpriseStep;
    if (step !== null) rests.add(step.k);
    // A model is kept when dropping it would leave the surprising forecast fewer than the back-test's
    // minimum of smaller models: its absence would remove the test, not weaken the evidence.
    const testable = (i: number): boolean => step === null || i >= step.k || step.k - 1 >= BACKTEST_MIN_TRAIN;
    for (const i of [...rests].sort((a, b) => a - b)) if (i > 0 && i < n - 1 && testable(i)) judge(withoutPoint(ev.curve, i), `without ${ev.curve.points[i]!.model}`);
  }
  if (ev.noiseKnown) {
    const rng = makeRng(deriveSeed(options.seed ?? 0, curveId(v.key), 'stability'));
    for (let k = 0; k < STABILITY_DRAWS; k++) judge(jittered(ev.curve, ev, rng), `values within errors (draw ${k + 1})`);
  }
  if (checked.length === 0) return v;
  if (flips.length === 0) return { ...v, stability: { checked, flips, leaning: v.verdict } };
  const alts = [...new Set(flips.map((f) => f.verdict))];
  const shown = flips.slice(0, 3).map((f) => `${f.by} reads ${f.verdict}`).join('; ');
  return {
    ...v,
    verdict: 'fragile',
    qualifier: `${v.verdict} ↔ ${alts.join('/')}`,
    reasons: [...v.reasons, `fragile: ${flips.length} of ${checked.length} perturbations flip the call (${shown}${flips.length > 3 ? '; …' : ''})`],
    stability: { checked, flips, leaning: v.verdict },
  };
}

/**
 * The whole analysis of `emergence audit`: a verdict per curve, the metric swaps, the meta-analysis,
 * the forecast scoreboard.
 * Every curve's p-values come first; the trend (smooth) and emergent calls are then held to the
 * Benjamini–Hochberg (or –Yekutieli) cutoffs across the audit's tested curves, each no looser
 * than the per-curve level; then each emergent call is re-judged under small perturbations.
 */
export function audit(curves: readonly Curve[], options: AuditOptions = {}): AuditReport {
  const t = options.thresholds ?? DEFAULT_THRESHOLDS;
  const evidence = curves.map((c) => curveEvidence(c, options));
  const tested = evidence.map((e, i) => (e.n >= t.minPoints ? i : -1)).filter((i) => i >= 0);
  const fdrOpt = options.fdr === undefined ? DEFAULT_FDR : options.fdr;
  let gates: VerdictGates = curveGates(t);
  let trendQ: Float64Array | null = null;
  let emQ: Float64Array | null = null;
  let fdr: FdrSummary | null = null;
  const aloneGates = gates;
  if (fdrOpt !== null && tested.length > 0) {
    const tp = tested.map((i) => evidence[i]!.trendP ?? 1);
    const ep = tested.map((i) => evidence[i]!.emergenceP ?? 1);
    const tc = fdrCutoff(tp, fdrOpt.q, fdrOpt.method);
    const ec = fdrCutoff(ep, fdrOpt.q, fdrOpt.method);
    gates = { trendAlpha: Math.min(t.trendAlpha, tc), emergenceAlpha: Math.min(t.emergenceAlpha, ec), fdr: fdrOpt };
    trendQ = fdrQValues(tp, fdrOpt.method);
    emQ = fdrQValues(ep, fdrOpt.method);
    fdr = {
      q: fdrOpt.q,
      method: fdrOpt.method,
      tests: tested.length,
      trendCutoff: Number.isFinite(tc) ? tc : null,
      emergenceCutoff: Number.isFinite(ec) ? ec : null,
      emergentBefore: 0,
      emergentAfter: 0,
      smoothBefore: 0,
      smoothAfter: 0,
    };
  }
  const qIndex = new Map(tested.map((i, j) => [i, j]));
  let verdicts = evidence.map((e) => classify(e, gates, t));
  // The call alone differs from the call under FDR only when a p-value falls between the audit's
  // cutoff and the per-curve level; only those curves are classified twice.
  const between = (p: number | null, cut: number, alpha: number): boolean => p !== null && p > cut && p <= alpha;
  const alone = fdrOpt === null
    ? verdicts
    : evidence.map((e, i) =>
        between(e.trendP, gates.trendAlpha, aloneGates.trendAlpha) || between(e.emergenceP, gates.emergenceAlpha, aloneGates.emergenceAlpha) ? classify(e, aloneGates, t) : verdicts[i]!,
      );
  verdicts = verdicts.map((v, i) => {
    const j = qIndex.get(i);
    return j === undefined || trendQ === null ? v : { ...v, trendQ: trendQ[j]!, emergenceQ: evidence[i]!.emergenceP === null ? null : emQ![j]! };
  });
  // A call that was emergent alone says so wherever FDR control sent it (smooth, or no trend at all).
  verdicts = verdicts.map((v, i) =>
    alone[i]!.verdict === 'emergent' && v.verdict !== 'emergent' ? { ...v, qualifier: v.qualifier === null ? 'emergent before FDR' : `${v.qualifier}; emergent before FDR` } : v,
  );
  if (fdr !== null) {
    const count = (vs: readonly Verdict[], c: VerdictClass): number => vs.filter((v) => v.verdict === c).length;
    fdr = { ...fdr, emergentBefore: count(alone, 'emergent'), emergentAfter: count(verdicts, 'emergent'), smoothBefore: count(alone, 'smooth'), smoothAfter: count(verdicts, 'smooth') };
  }
  if (options.stability ?? true) {
    verdicts = verdicts.map((v, i) => (v.verdict === 'emergent' ? stabilityOf(v, evidence[i]!, options, t) : v));
  }
  return { verdicts, swaps: metricSwaps(verdicts), meta: metaAnalysis(verdicts), fdr, scoreboard: scoreboard(curves, verdicts) };
}
