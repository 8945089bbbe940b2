/**
 * Scratch Float64Arrays of an exact length, one set per call site, for the inner work every curve
 * of an audit repeats (fits, ranks, shape measures). A Float64Array over 64 bytes (8 values) gets
 * its own off-heap buffer, and making one cost more than a 10-point fit's arithmetic with it
 * (~1 µs of allocation and sweeping, against ~0.1 µs for one on the heap). The users are
 * synchronous and never re-entered, and none keeps or returns its arrays; they hold whatever the
 * last user left, so a user writes every entry before it reads it. Exact lengths, because the
 * users read `length` (a loop bound, an in-place sort).
 */
export function scratchArrays(count: number): (n: number) => Float64Array[] {
  const byLength: Float64Array[][] = [];
  return (n) => (byLength[n] ??= Array.from({ length: count }, () => new Float64Array(n)));
}
