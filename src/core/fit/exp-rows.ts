/**
 * exp(rate_j · d) for every rate of a fixed grid, remembered by d. The grids of the power law's
 * exponent search and of its prediction-interval profile take one exponential per grid rate and
 * per point, with d a point's distance in log10 params from the curve's smallest model. The curves
 * of one audit share their models (every task and metric of a family is measured on the same
 * checkpoints), so the same d comes back curve after curve, and the exponentials (~25 ns each,
 * most of a profile's cost) are taken once. A row is the very expression `Math.exp(rate * d)` the
 * grid would evaluate, so a remembered row is bit for bit the computed one.
 * The rows live in one preallocated slab, the oldest replaced first: an audit whose curves share no
 * models allocates nothing per row and keeps nothing alive (a Map of fresh arrays did both, and cost
 * such an audit 15% in the collector), and pays only the lookup.
 */
export interface ExpRows {
  readonly rates: Float64Array;
  /** The row of d: row[j] = Math.exp(rates[j] * d). Read-only; valid until a slot is reused (see `reuses`). */
  row(d: number): Float64Array;
  /** How many times a slot has been given to a new d: rows held across calls are valid while this has not moved. */
  readonly reuses: number;
}

/** Rows kept: a few families' worth of distinct model sizes. */
export const EXP_ROWS_KEPT = 64;

export function expRows(rates: Float64Array, kept = EXP_ROWS_KEPT): ExpRows {
  const m = rates.length;
  const slab = new Float64Array(kept * m);
  const views = Array.from({ length: kept }, (_, s) => slab.subarray(s * m, (s + 1) * m));
  const keys = new Float64Array(kept);
  const slotOf = new Map<number, number>();
  let next = 0;
  let used = 0;
  let reuses = 0;
  return {
    rates,
    get reuses(): number {
      return reuses;
    },
    row(d: number): Float64Array {
      let s = slotOf.get(d);
      if (s === undefined) {
        s = next;
        next = (next + 1) % kept;
        if (used < kept) used++;
        else {
          slotOf.delete(keys[s]!);
          reuses++;
        }
        keys[s] = d;
        slotOf.set(d, s);
        const r = views[s]!;
        for (let j = 0; j < m; j++) r[j] = Math.exp(rates[j]! * d);
        return r;
      }
      return views[s]!;
    },
  };
}
