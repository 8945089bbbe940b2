/**
 * Where a difference function changes sign on [lo, hi]: a dense grid finds every bracket, bisection
 * refines each. A crossing narrower than one grid cell (two roots closer than (hi − lo)/grid) is
 * missed; with 400 cells over a few decades of scale that is well below what any ladder resolves.
 */
export type CrossDirection = 'b_overtakes_a' | 'a_overtakes_b';

export interface Root {
  /** x = log10(params) where d changes sign. */
  readonly x: number;
  /** b_overtakes_a: d goes from negative to positive (d = B − A, oriented so that positive = B better). */
  readonly direction: CrossDirection;
}

export interface SignScan {
  readonly roots: readonly Root[];
  /** Sign of d over the range when it has no root: +1 B ahead throughout, −1 A ahead, 0 indistinguishable. */
  readonly sign: -1 | 0 | 1;
}

export const ROOT_GRID = 400;

/**
 * `tol` is the size of |d| counted as zero (a tie): a stretch where both fitted curves agree to
 * within it is not a crossing, so two identical curves never "cross" at rounding noise.
 */
export function signChanges(d: (x: number) => number, lo: number, hi: number, tol: number, grid = ROOT_GRID): SignScan {
  if (!(hi > lo)) {
    const v = d(lo);
    return { roots: [], sign: Math.abs(v) <= tol ? 0 : v > 0 ? 1 : -1 };
  }
  const roots: Root[] = [];
  // The last non-tie sign and where it was seen: a crossing through a stretch of ties is bisected
  // between the last grid points on either side of it.
  let lastSign: -1 | 1 | 0 = 0;
  let lastX = lo;
  let lastV = 0;
  let positive = 0;
  let negative = 0;
  for (let i = 0; i <= grid; i++) {
    const x = lo + ((hi - lo) * i) / grid;
    const v = d(x);
    if (!Number.isFinite(v)) continue;
    const s: -1 | 0 | 1 = Math.abs(v) <= tol ? 0 : v > 0 ? 1 : -1;
    if (s === 0) continue;
    if (s > 0) positive++;
    else negative++;
    if (lastSign !== 0 && s !== lastSign) roots.push({ x: bisect(d, lastX, x, lastV), direction: s > 0 ? 'b_overtakes_a' : 'a_overtakes_b' });
    lastSign = s;
    lastX = x;
    lastV = v;
  }
  const sign = roots.length > 0 ? 0 : positive > 0 && negative === 0 ? 1 : negative > 0 && positive === 0 ? -1 : 0;
  return { roots, sign };
}

function bisect(d: (x: number) => number, a: number, b: number, va: number): number {
  let lo = a;
  let hi = b;
  let vlo = va;
  for (let it = 0; it < 60 && hi - lo > 1e-12; it++) {
    const m = 0.5 * (lo + hi);
    const vm = d(m);
    if (vm === 0) return m;
    if (vm > 0 === vlo > 0) {
      lo = m;
      vlo = vm;
    } else hi = m;
  }
  return 0.5 * (lo + hi);
}
