/**
 * The time a sweep has left: each kind's remaining jobs at that kind's mean duration so far, shared
 * among the jobs running at once now (the lanes of a local run; the jobs the workers hold). Null
 * while a kind with work left has no finished job to time, or while nothing runs (no worker is up).
 * The lanes are counted now rather than inferred from history: a sweep re-submitted days later with
 * one seed changed would otherwise spread its few new jobs over all that idle time.
 */
export interface KindProgress {
  readonly remaining: number;
  /** Durations of the finished jobs, in ms. */
  readonly durationsMs: readonly number[];
}

export function sweepEtaSeconds(kinds: readonly KindProgress[], lanes: number): number | null {
  let left = 0;
  for (const k of kinds) {
    if (k.remaining === 0) continue;
    if (k.durationsMs.length === 0) return null;
    let sum = 0;
    for (const d of k.durationsMs) sum += d;
    left += (k.remaining * sum) / k.durationsMs.length;
  }
  if (left === 0) return 0;
  if (lanes < 1) return null;
  return left / lanes / 1000;
}
