import { formatEta } from '../core/progress/progress.js';

/**
 * The whole experiment's time left, for the progress line: the current phase's own ETA (training:
 * the pool's, from steps weighed by cost) says nothing of the stages after it, and the budget's
 * measured wall time says nothing of this machine's speed, so the longer of the two is shown, with
 * the measured time beside it. Null when the budget has no measured time (the phase ETA is then all there is).
 */
export function overallEta(elapsedSeconds: number, phaseEtaSeconds: number | null, expectedSeconds: number | null): string | null {
  if (expectedSeconds === null) return null;
  const byBudget = expectedSeconds - elapsedSeconds;
  const left = Math.max(phaseEtaSeconds ?? 0, byBudget);
  if (left <= 0) return `overall: past the ${formatEta(expectedSeconds)} measured for this budget (${formatEta(elapsedSeconds)} so far)`;
  return `overall ETA ~${formatEta(left)} (${formatEta(expectedSeconds)} measured for this budget)`;
}
