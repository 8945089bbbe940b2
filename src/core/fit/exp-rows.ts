/**
 * exp(rate_j · d) for every rate of a fixed grid, remembered by d. The grids of the power law's
 * exponent search and of its prediction-interval profile take one exponential per grid rate and
 * per point, with d a point's distance in log10 params from the curve's smallest model. The curves
 * of one audit share their models (every task and metric of a family is measured on the same
 * checkpoints), so the same d comes back curve after curve, and the exponentials (~25 ns each,
 * most of a profile's cost) are taken once. A row is the very expression `Math.exp(rate * d)` the
 * grid would evaluate, so a remembered row is bit for bit the computed one.
 * Rows are never written by their readers. The memo is dropped whole when full: an audit of curves
 * whose models all differ pays one Map lookup per point and row, and stays bounded in memory.
 */
export interface ExpRows {
  readonly rates: Float64Array;
  /** The row of d: row[j] = Math.exp(rates[j] * d). Read-only. */
  row(d: number): Float64Array;
}

const MAX_ROWS = 4096;

export function expRows(rates: Float64Array): ExpRows {
  const memo = new Map<number, Float64Array>();
  const m = rates.length;
  return {
    rates,
    row(d: number): Float64Array {
      let r = memo.get(d);
      if (r === undefined) {
        if (memo.size >= MAX_ROWS) memo.clear();
        r = new Float64Array(m);
        for (let j = 0; j < m; j++) r[j] = Math.exp(rates[j]! * d);
        memo.set(d, r);
      }
      return r;
    },
  };
}
