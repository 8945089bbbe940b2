/**
 * False-discovery-rate control over m p-values (step-up procedures).
 * - `bh`: Benjamini & Hochberg 1995, "Controlling the false discovery rate", JRSS B 57(1):289–300.
 *   Controls FDR at q for independent p-values and under positive regression dependency on the
 *   subset of nulls (PRDS; Benjamini & Yekutieli 2001, Theorem 1.2).
 * - `by`: Benjamini & Yekutieli 2001, "The control of the false discovery rate in multiple testing
 *   under dependency", Ann. Stat. 29(4):1165–1188, Theorem 1.3: BH at q / Σᵢ 1/i, valid under any
 *   dependence.
 * q-values (adjusted p-values) follow scipy.stats.false_discovery_control: qᵢ = min over j with
 * p₍ⱼ₎ ≥ pᵢ of m·c(m)·p₍ⱼ₎ / j, capped at 1; hypothesis i is rejected at level q exactly when qᵢ ≤ q.
 */
export type FdrMethod = 'bh' | 'by';

function harmonic(m: number): number {
  let s = 0;
  for (let i = m; i >= 1; i--) s += 1 / i;
  return s;
}

/** Adjusted p-values (q-values), in the input order. NaN p-values are treated as 1. */
export function fdrQValues(p: ArrayLike<number>, method: FdrMethod = 'bh'): Float64Array {
  const m = p.length;
  const out = new Float64Array(m);
  if (m === 0) return out;
  const order = Array.from({ length: m }, (_, i) => i);
  const val = (i: number): number => {
    const v = p[i]!;
    if (Number.isNaN(v)) return 1;
    if (v < 0 || v > 1) throw new RangeError(`fdrQValues: p[${i}] = ${v} is not in [0, 1]`);
    return v;
  };
  order.sort((a, b) => val(a) - val(b) || a - b);
  const c = method === 'by' ? harmonic(m) : 1;
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    running = Math.min(running, (m * c * val(i)) / (r + 1));
    out[i] = running;
  }
  return out;
}

/**
 * The step-up cutoff: the largest p₍ₖ₎ with p₍ₖ₎ ≤ k·q/(m·c(m)), or −Infinity when none qualifies.
 * A hypothesis is rejected when its p ≤ cutoff, the same set as q-value ≤ q.
 */
export function fdrCutoff(p: ArrayLike<number>, q: number, method: FdrMethod = 'bh'): number {
  if (!(q > 0 && q <= 1)) throw new RangeError(`fdrCutoff: q must be in (0, 1], got ${q}`);
  const m = p.length;
  const sorted = Float64Array.from(p, (v) => (Number.isNaN(v) ? 1 : v)).sort();
  const c = method === 'by' ? harmonic(m) : 1;
  for (let k = m; k >= 1; k--) if (sorted[k - 1]! <= (k * q) / (m * c)) return sorted[k - 1]!;
  return -Infinity;
}
