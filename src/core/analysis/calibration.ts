import type { Curve, VerdictClass } from '../types.js';
import { simulateCurve, isNullForEmergence, type SimScenario, type SimTruth } from '../curves/simulate.js';
import { deriveSeed } from '../random/derive-seed.js';
import { makeRng } from '../random/rng.js';
import { fdrCutoff, type FdrMethod } from '../stats/fdr.js';
import { audit } from './audit.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import { classify, curveEvidence, curveGates } from './verdict.js';

/**
 * The null-calibration suite (issue #28): how often each verdict fires on curves of known truth,
 * and how often a 1,000-curve audit of null curves reports any emergent call after FDR control.
 * Pure and seeded; bench/null-calibration.ts prints it, test/null-calibration.test.ts checks it.
 */

const TRUTHS: readonly { readonly name: string; readonly truth: SimTruth }[] = [
  { name: 'constant 0.25', truth: { kind: 'constant', p: 0.25 } },
  { name: 'constant 0.6', truth: { kind: 'constant', p: 0.6 } },
  { name: 'log-linear 0.3→0.6', truth: { kind: 'loglinear', from: 0.3, to: 0.6 } },
  { name: 'saturating 0.3→0.8', truth: { kind: 'saturating', from: 0.3, ceiling: 0.8, alpha: 0.5 } },
  // Mirage arithmetic (docs/experiments/mirage-arithmetic.md): exact match 0.003 … 0.03, then 0.98.
  { name: 'step 0.01→0.98 (mirage)', truth: { kind: 'step', from: 0.01, to: 0.98 } },
  { name: 'step 0.05→0.45', truth: { kind: 'step', from: 0.05, to: 0.45 } },
  { name: 'step 0.05→0.25', truth: { kind: 'step', from: 0.05, to: 0.25 } },
  { name: 'step 0.05→0.15', truth: { kind: 'step', from: 0.05, to: 0.15 } },
  { name: 'sigmoid 0.05→0.8, 1/decade', truth: { kind: 'sigmoid', from: 0.05, to: 0.8, sharpness: 1 } },
  { name: 'sigmoid 0.05→0.8, 3/decade', truth: { kind: 'sigmoid', from: 0.05, to: 0.8, sharpness: 3 } },
  { name: 'sigmoid 0.05→0.8, 10/decade', truth: { kind: 'sigmoid', from: 0.05, to: 0.8, sharpness: 10 } },
];

/** Every truth at 5 and 8 models, 300 and 1,000 examples, with and without reported errors; plus perplexity power laws. */
export const CALIBRATION_GRID: readonly SimScenario[] = [
  ...TRUTHS.flatMap(({ name, truth }) =>
    [5, 8].flatMap((points) =>
      [300, 1000].flatMap((n) =>
        [true, false].map((reportErrors) => ({ id: `${name} · ${points} pts · n=${n} · ${reportErrors ? 'errors' : 'no errors'}`, truth, points, n, reportErrors })),
      ),
    ),
  ),
  // Multiple choice with 4 choices (an MMLU subject): at chance, and a step up from chance.
  ...[
    { name: 'MMLU at chance 0.25', truth: { kind: 'constant', p: 0.25 } as const },
    { name: 'MMLU step 0.25→0.6', truth: { kind: 'step', from: 0.25, to: 0.6 } as const },
  ].flatMap(({ name, truth }) =>
    [5, 8].flatMap((points) =>
      [true, false].map((reportErrors) => ({ id: `${name} · ${points} pts · n=300 · ${reportErrors ? 'errors' : 'no errors'}`, truth, points, n: 300, reportErrors, task: 'hendrycksTest-simulated' })),
    ),
  ),
  ...[4, 8].flatMap((points) =>
    [true, false].map((reportErrors) => ({
      id: `ppl power law, 2% noise · ${points} pts · ${reportErrors ? 'errors' : 'no errors'}`,
      truth: { kind: 'ppl_power', at0: 30, alpha: 0.25, relNoise: 0.02 } as const,
      points,
      n: 0,
      reportErrors,
    })),
  ),
];

export type VerdictShares = Record<Exclude<VerdictClass, 'too_few_points'>, number>;

export function drawCurves(s: SimScenario, count: number, seed: number): Curve[] {
  const rng = makeRng(deriveSeed(seed, 'calibration', s.id));
  return Array.from({ length: count }, (_, i) => simulateCurve(s, rng, i));
}

/**
 * Share of each verdict when each curve is judged alone (no FDR: one curve, one test), without the
 * stability check so the p-value calls are measured on their own; `fragile` is the share of the
 * first `stabilityCount` curves that the stability check then marks fragile.
 */
export function verdictShares(s: SimScenario, count: number, seed: number, stabilityCount = Math.min(count, 200)): { shares: VerdictShares; emergentFragile: number } {
  const curves = drawCurves(s, count, seed);
  const shares: VerdictShares = { emergent: 0, smooth: 0, flat: 0, non_monotonic: 0, too_noisy: 0, at_chance: 0, fragile: 0 };
  for (const v of audit(curves, { fdr: null, stability: false }).verdicts) if (v.verdict !== 'too_few_points') shares[v.verdict] += 1 / count;
  let emergentFragile = 0;
  if (stabilityCount > 0) {
    const checked = audit(curves.slice(0, stabilityCount), { fdr: null, stability: true, seed }).verdicts;
    const fragile = checked.filter((v) => v.verdict === 'fragile');
    shares.fragile = fragile.length / stabilityCount;
    emergentFragile = fragile.filter((v) => v.stability?.leaning === 'emergent').length / stabilityCount;
  }
  return { shares, emergentFragile };
}

export interface AuditCalibration {
  readonly q: number;
  readonly method: FdrMethod;
  readonly audits: number;
  readonly size: number;
  readonly pool: number;
  /** Null audits: share of audits with at least one emergent call, before and after FDR control. */
  readonly withoutFdr: number;
  readonly withFdr: number;
  /** Mixed audits (a share `trueShare` of true steps and sigmoids): mean false-discovery proportion among emergent calls, and power. */
  readonly trueShare: number;
  readonly mixedFdrWithout: number;
  readonly mixedFdrWith: number;
  readonly mixedPowerWithout: number;
  readonly mixedPowerWith: number;
}

interface Judged { readonly p: number; readonly emergentAlone: boolean }

function judgePool(scenarios: readonly SimScenario[], per: number, seed: number): Judged[] {
  const t = DEFAULT_THRESHOLDS;
  const gates = curveGates(t);
  return scenarios.flatMap((s) =>
    drawCurves(s, per, deriveSeed(seed, 'pool')).map((c) => {
      const ev = curveEvidence(c);
      return { p: ev.emergenceP ?? 1, emergentAlone: classify(ev, gates, t).verdict === 'emergent' };
    }),
  );
}

/**
 * 1,000-curve audits resampled from pools of judged curves. An emergent call survives FDR control
 * exactly when it is emergent alone and its emergence p-value is within the audit's step-up cutoff
 * (the trend gate is then met too: see audit.ts), so audits can be formed from p-values without
 * judging the curves again; test/null-calibration.test.ts checks this against audit() itself.
 */
export function auditCalibration(perScenario: number, audits: number, size: number, seed: number, q = 0.05, method: FdrMethod = 'bh', trueShare = 0.1): AuditCalibration {
  const nulls = judgePool(CALIBRATION_GRID.filter((s) => isNullForEmergence(s.truth)), perScenario, seed);
  const trues = judgePool(CALIBRATION_GRID.filter((s) => !isNullForEmergence(s.truth)), perScenario, seed);
  const rng = makeRng(deriveSeed(seed, 'audits'));
  const pick = <T>(pool: readonly T[]): T => pool[Math.floor(rng.next() * pool.length)]!;
  let anyWithout = 0;
  let anyWith = 0;
  let fdpWithout = 0;
  let fdpWith = 0;
  let powWithout = 0;
  let powWith = 0;
  const nTrue = Math.round(trueShare * size);
  for (let a = 0; a < audits; a++) {
    const audit0 = Array.from({ length: size }, () => pick(nulls));
    const cut0 = Math.min(DEFAULT_THRESHOLDS.emergenceAlpha, fdrCutoff(audit0.map((j) => j.p), q, method));
    if (audit0.some((j) => j.emergentAlone)) anyWithout++;
    if (audit0.some((j) => j.emergentAlone && j.p <= cut0)) anyWith++;
    const mixed = [...Array.from({ length: nTrue }, () => ({ ...pick(trues), real: true })), ...Array.from({ length: size - nTrue }, () => ({ ...pick(nulls), real: false }))];
    const cut = Math.min(DEFAULT_THRESHOLDS.emergenceAlpha, fdrCutoff(mixed.map((j) => j.p), q, method));
    const tally = (keep: (j: (typeof mixed)[number]) => boolean): [number, number] => {
      const calls = mixed.filter((j) => j.emergentAlone && keep(j));
      const tp = calls.filter((j) => j.real).length;
      return [calls.length === 0 ? 0 : (calls.length - tp) / calls.length, nTrue === 0 ? 0 : tp / nTrue];
    };
    const [f0, p0] = tally(() => true);
    const [f1, p1] = tally((j) => j.p <= cut);
    fdpWithout += f0 / audits;
    fdpWith += f1 / audits;
    powWithout += p0 / audits;
    powWith += p1 / audits;
  }
  return {
    q, method, audits, size, pool: nulls.length, withoutFdr: anyWithout / audits, withFdr: anyWith / audits,
    trueShare, mixedFdrWithout: fdpWithout, mixedFdrWith: fdpWith, mixedPowerWithout: powWithout, mixedPowerWith: powWith,
  };
}
