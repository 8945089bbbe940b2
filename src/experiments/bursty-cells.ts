import { mean, pearson } from '../core/stats/describe.js';
import type { BurstyCheckpoint } from '../zoo/train-bursty.js';

/**
 * The grid of bursty-icl and what its curves say, as pure functions. A cell is (p_B, K, α); the grid
 * is three one-factor sweeps through a base cell, one per trend of Chan et al. 2022 (arXiv
 * 2205.05055): p_B at the base K and α (burstiness → ICL), K at the base p_B and α (many rare classes
 * → ICL, few → IWL), α at the base p_B and K (a Zipfian law gives both; the ICL–IWL trade-off).
 */
export interface Cell {
  readonly pBursty: number;
  readonly classes: number;
  readonly alpha: number;
}
export type Factor = 'burstiness' | 'classes' | 'zipf';
export const FACTORS: readonly Factor[] = ['burstiness', 'classes', 'zipf'];

export const cellId = (c: Cell): string => `pb${c.pBursty}-k${c.classes}-a${c.alpha}`;
export const cellLabel = (c: Cell): string => `p_B ${c.pBursty}, K ${c.classes}, α ${c.alpha}`;

/** The distinct cells of the three sweeps, each with the sweeps it belongs to, in sweep order. */
export function gridCells(base: Cell, sweeps: { readonly pBursty: readonly number[]; readonly classes: readonly number[]; readonly alpha: readonly number[] }): { cell: Cell; factors: Factor[] }[] {
  const out = new Map<string, { cell: Cell; factors: Factor[] }>();
  const add = (cell: Cell, f: Factor): void => {
    const id = cellId(cell);
    const had = out.get(id);
    if (had) had.factors.push(f);
    else out.set(id, { cell, factors: [f] });
  };
  for (const pBursty of sweeps.pBursty) add({ ...base, pBursty }, 'burstiness');
  for (const classes of sweeps.classes) add({ ...base, classes }, 'classes');
  for (const alpha of sweeps.alpha) add({ ...base, alpha }, 'zipf');
  return [...out.values()];
}

/** What a trivial strategy scores: chance 1/L; on the ICL set, copying a random context label scores B/N (the context holds N/B classes). */
export interface Baselines {
  readonly chance: number;
  readonly iclCopy: number;
  /** ICL (IWL) counts as present from this accuracy: `present` of the way from its trivial baseline (copying, chance) to 1. */
  readonly iclThreshold: number;
  readonly iwlThreshold: number;
}

export function baselines(labels: number, context: number, burst: number, present: number): Baselines {
  const chance = 1 / labels;
  const iclCopy = burst / context;
  return { chance, iclCopy, iclThreshold: iclCopy + present * (1 - iclCopy), iwlThreshold: chance + present * (1 - chance) };
}

export interface MemberCurve {
  readonly name: string;
  readonly cell: Cell;
  readonly replicate: number;
  readonly history: readonly BurstyCheckpoint[];
}

export interface Spread { readonly mean: number; readonly min: number; readonly max: number }
const spread = (xs: readonly number[]): Spread => ({ mean: mean(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** The first checkpoint step whose accuracy reaches `at`, or null if none does. */
export function firstPass(history: readonly BurstyCheckpoint[], kind: 'icl' | 'iwl', at: number): number | null {
  return history.find((h) => h[kind] >= at)?.step ?? null;
}

export interface CellSummary {
  readonly id: string;
  readonly cell: Cell;
  readonly factors: readonly Factor[];
  readonly seeds: number;
  /** Checkpoint steps (shared by the cell's seeds) and the seeds' mean accuracies there. */
  readonly steps: readonly number[];
  readonly icl: readonly number[];
  readonly iwl: readonly number[];
  readonly finalIcl: Spread;
  readonly finalIwl: Spread;
  /** The mean curve's highest ICL and the first step it is reached. */
  readonly peakIcl: { readonly value: number; readonly step: number };
  /** Per seed: the first step ICL passes the threshold (null: never). */
  readonly iclFirstPass: readonly (number | null)[];
  readonly iwlFirstPass: readonly (number | null)[];
  /** The mean ICL fell from its peak by at least `TRANSIENT_DROP` by the last checkpoint (Singh et al. 2023). */
  readonly transient: boolean;
}

/** A fall from the peak this large (in accuracy) counts as transient ICL; smaller falls are within a seed's noise at 512 sequences (sd ≤ 0.022). */
export const TRANSIENT_DROP = 0.1;

export function summarizeCell(cell: Cell, factors: readonly Factor[], members: readonly MemberCurve[], b: Baselines): CellSummary {
  const id = cellId(cell);
  const mine = members.filter((m) => cellId(m.cell) === id);
  if (mine.length === 0) throw new RangeError(`no member trained cell ${id}`);
  const steps = mine[0]!.history.map((h) => h.step);
  for (const m of mine) if (m.history.map((h) => h.step).join() !== steps.join()) throw new RangeError(`${m.name}: checkpoints at other steps than ${mine[0]!.name}'s`);
  const curve = (kind: 'icl' | 'iwl'): number[] => steps.map((_, i) => mean(mine.map((m) => m.history[i]![kind])));
  const icl = curve('icl');
  const iwl = curve('iwl');
  const peak = icl.reduce((best, v, i) => (v > icl[best]! ? i : best), 0);
  return {
    id, cell, factors, seeds: mine.length, steps, icl, iwl,
    finalIcl: spread(mine.map((m) => m.history.at(-1)!.icl)), finalIwl: spread(mine.map((m) => m.history.at(-1)!.iwl)),
    peakIcl: { value: icl[peak]!, step: steps[peak]! },
    iclFirstPass: mine.map((m) => firstPass(m.history, 'icl', b.iclThreshold)), iwlFirstPass: mine.map((m) => firstPass(m.history, 'iwl', b.iwlThreshold)),
    transient: icl[peak]! - icl.at(-1)! >= TRANSIENT_DROP,
  };
}

/** One of Chan et al.'s trends, judged on the sweep that tests it: reproduced, not, or not testable on this grid. */
export interface TrendResult {
  readonly trend: Factor;
  readonly claim: string;
  readonly reproduced: boolean | null;
  readonly evidence: string;
}

const f2 = (v: number): string => v.toFixed(2);
const fin = (s: CellSummary): string => `ICL ${f2(s.finalIcl.mean)}, IWL ${f2(s.finalIwl.mean)}`;

/** Judges each trend on its sweep's cells (final accuracies, seeds' means) against the presence thresholds. */
export function judgeTrends(cells: readonly CellSummary[], b: Baselines): TrendResult[] {
  const sweep = (f: Factor, key: keyof Cell): CellSummary[] => cells.filter((c) => c.factors.includes(f)).sort((x, y) => x.cell[key] - y.cell[key]);
  const icl = (s: CellSummary): boolean => s.finalIcl.mean >= b.iclThreshold;
  const iwl = (s: CellSummary): boolean => s.finalIwl.mean >= b.iwlThreshold;
  const out: TrendResult[] = [];

  const pb = sweep('burstiness', 'pBursty');
  const c1 = 'burstiness drives ICL: near chance at p_B = 0, present at high p_B';
  if (pb.length < 2) out.push({ trend: 'burstiness', claim: c1, reproduced: null, evidence: 'needs two values of p_B' });
  else {
    const lo = pb[0]!, hi = pb.at(-1)!;
    out.push({ trend: 'burstiness', claim: c1, reproduced: !icl(lo) && icl(hi), evidence: pb.map((s) => `p_B ${s.cell.pBursty}: ${fin(s)}`).join('; ') });
  }

  const ks = sweep('classes', 'classes');
  const c2 = 'many rare classes drive ICL; with few classes IWL wins';
  if (ks.length < 2) out.push({ trend: 'classes', claim: c2, reproduced: null, evidence: 'needs two values of K' });
  else {
    const few = ks[0]!, many = ks.at(-1)!;
    out.push({ trend: 'classes', claim: c2, reproduced: icl(many) && !icl(few) && few.finalIwl.mean > few.finalIcl.mean, evidence: ks.map((s) => `K ${s.cell.classes}: ${fin(s)}`).join('; ') });
  }

  const as = sweep('zipf', 'alpha');
  const c3 = 'a Zipfian class law gives both ICL and IWL, where a uniform one gives only ICL';
  const uniform = as.find((s) => s.cell.alpha === 0);
  const zipfs = as.filter((s) => s.cell.alpha > 0);
  if (!uniform || zipfs.length === 0) out.push({ trend: 'zipf', claim: c3, reproduced: null, evidence: 'needs α = 0 and an α > 0' });
  else {
    const both = zipfs.filter((s) => icl(s) && iwl(s));
    out.push({ trend: 'zipf', claim: c3, reproduced: both.length > 0 && !iwl(uniform), evidence: as.map((s) => `α ${s.cell.alpha}: ${fin(s)}`).join('; ') });
  }
  return out;
}

/** The trade-off across cells: Pearson's r between final ICL and final IWL (seeds' means), null under 3 cells. */
export function tradeOff(cells: readonly CellSummary[]): number | null {
  return cells.length < 3 ? null : pearson(cells.map((c) => c.finalIcl.mean), cells.map((c) => c.finalIwl.mean));
}
