import { signChanges, type CrossDirection } from './roots.js';

/**
 * Which crossings the data support, judged at the models both variants share: the observed
 * difference at a model is a lead (+1 B ahead, −1 A ahead) when it is outside ±band (z times its
 * standard error), else a tie. Two curves at their floor (3 of 258 items against 1 of 258) tie, and
 * no fitted curve's wiggle between them can make a crossing; a crossing needs the data on both sides.
 *
 * - A sign change: two leads of opposite sign with only ties between them. It is placed where the
 *   fitted difference passes zero between those two models (the fitted forms), or, when the fits do
 *   not change sign there, where the observed difference interpolated in log params does.
 * - An onset: no sign change, and a tie below the side's final run of leads: where that lead
 *   starts. It is placed in the last step from a tie to a lead (so floor noise that pokes out of the
 *   band and falls back is skipped), where the fitted lead meets the band, else where the
 *   interpolated lead does. A lead from the smallest model on has no onset in range.
 */
export type CrossingKind = 'sign_change' | 'onset';

export interface JudgedPoint {
  /** log10(params) of a shared model, ascending. */
  readonly x: number;
  /** Observed difference, oriented: positive = B better. */
  readonly d: number;
  /** Half-width of the tie band at this model (≥ 0). */
  readonly band: number;
}

export interface JudgedCrossing {
  readonly x: number;
  /** The two shared models (log10 params) the crossing lies between: what the ladder itself resolves. */
  readonly between: readonly [number, number];
  readonly direction: CrossDirection;
  readonly kind: CrossingKind;
}

export interface Judgement {
  readonly crossings: readonly JudgedCrossing[];
  /** Without crossings: +1 B leads wherever the two differ, −1 A does, 0 tied at every shared model. */
  readonly sign: -1 | 0 | 1;
}

const classOf = (p: JudgedPoint): -1 | 0 | 1 => (Math.abs(p.d) <= p.band ? 0 : p.d > 0 ? 1 : -1);

/** Where f(x) = 0 between p and q: the fitted curve's root nearest the linear estimate, else the linear estimate. */
function place(fitted: (x: number) => number, p: { x: number; v: number }, q: { x: number; v: number }, direction: CrossDirection): number {
  const linear = p.v === q.v ? 0.5 * (p.x + q.x) : p.x + ((0 - p.v) / (q.v - p.v)) * (q.x - p.x);
  let best = NaN;
  for (const r of signChanges(fitted, p.x, q.x, 0, 100).roots) {
    if (r.direction === direction && !(Math.abs(r.x - linear) >= Math.abs(best - linear))) best = r.x;
  }
  return Number.isNaN(best) ? linear : best;
}

/**
 * `fittedD` is the fitted difference (oriented); `bandAt` the tie band between models (interpolated
 * in x), used to place an onset on the fitted curve.
 */
export function judgeCrossings(points: readonly JudgedPoint[], fittedD: (x: number) => number, bandAt: (x: number) => number): Judgement {
  const cls = points.map(classOf);
  const crossings: JudgedCrossing[] = [];
  let last = -1;
  for (let k = 0; k < points.length; k++) {
    if (cls[k] === 0) continue;
    if (last >= 0 && cls[k] !== cls[last]) {
      const direction: CrossDirection = cls[k]! > 0 ? 'b_overtakes_a' : 'a_overtakes_b';
      const p = points[last]!;
      const q = points[k]!;
      crossings.push({ x: place(fittedD, { x: p.x, v: p.d }, { x: q.x, v: q.d }, direction), between: [p.x, q.x], direction, kind: 'sign_change' });
    }
    last = k;
  }
  const leads = cls.filter((c) => c !== 0);
  const sign: -1 | 0 | 1 = crossings.length > 0 || leads.length === 0 ? 0 : (leads[0]! as -1 | 1);
  let k = cls.length - 2;
  while (k >= 0 && !(cls[k] === 0 && cls[k + 1] !== 0)) k--;
  if (crossings.length === 0 && sign !== 0 && k >= 0) {
    const p = points[k]!;
    const q = points[k + 1]!;
    const direction: CrossDirection = sign > 0 ? 'b_overtakes_a' : 'a_overtakes_b';
    // The lead above the band: below zero at the tie, above at the lead.
    const excess = (x: number): number => sign * fittedD(x) - bandAt(x);
    const x = place(excess, { x: p.x, v: sign * p.d - p.band }, { x: q.x, v: sign * q.d - q.band }, 'b_overtakes_a');
    crossings.push({ x, between: [p.x, q.x], direction, kind: 'onset' });
  }
  return { crossings, sign };
}

/**
 * Without a measured band (values with no stderr, seeds or n), leads and ties cannot be told apart
 * at the models, and the observed differences' every sign flip would count: there, as before the
 * band, the crossings are the sign changes of the fitted difference (ties within `tol`).
 */
export function judgeByFit(fittedD: (x: number) => number, lo: number, hi: number, tol: number, modelXs: readonly number[]): Judgement {
  const scan = signChanges(fittedD, lo, hi, tol);
  const rungs = (x: number): readonly [number, number] => {
    let k = 0;
    while (k < modelXs.length - 2 && modelXs[k + 1]! < x) k++;
    return [modelXs[k] ?? lo, modelXs[k + 1] ?? hi];
  };
  return { crossings: scan.roots.map((r) => ({ x: r.x, between: rungs(r.x), direction: r.direction, kind: 'sign_change' as const })), sign: scan.sign };
}
