/**
 * The time a sweep has left, from the jobs done so far: each kind's remaining jobs at that kind's
 * mean duration, divided by the parallelism the workers reached (busy time over wall time, so a
 * fleet of N busy workers counts N, and idle gaps count against it). Null until every kind with work
 * left has finished at least one job.
 */
export interface KindProgress {
  readonly remaining: number;
  /** Durations of the finished jobs, in ms. */
  readonly durationsMs: readonly number[];
}

export function sweepEtaSeconds(kinds: readonly KindProgress[], wallMs: number): number | null {
  let busy = 0;
  let left = 0;
  for (const k of kinds) {
    let sum = 0;
    for (const d of k.durationsMs) sum += d;
    busy += sum;
    if (k.remaining === 0) continue;
    if (k.durationsMs.length === 0) return null;
    left += (k.remaining * sum) / k.durationsMs.length;
  }
  if (left === 0) return 0;
  if (busy === 0 || wallMs <= 0) return null;
  const parallelism = busy / wallMs;
  return left / parallelism / 1000;
}
