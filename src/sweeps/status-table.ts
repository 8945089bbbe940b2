import { formatEta } from '../experiments/eta.js';
import type { SweepStatus } from './queue.js';

/** `sweep status` as a table: one row per job kind, then the time left and the first failure. */
export function statusTable(sweep: string, where: string, s: SweepStatus): string {
  const rows = [
    ['kind', 'total', 'done', 'running', 'queued', 'not queued', 'failed', 'mean s'],
    ...s.kinds.map((k) => [k.kind, k.total, k.done, k.running, k.queued, k.waiting, k.failed, k.meanSeconds === null ? '-' : k.meanSeconds.toFixed(2)].map(String)),
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const done = s.kinds.reduce((a, k) => a + k.done, 0);
  const total = s.kinds.reduce((a, k) => a + k.total, 0);
  return [
    `sweep ${sweep} on ${where}: ${done}/${total} jobs done, ${s.workers} workers connected, ETA ${s.etaSeconds === null ? 'unknown' : formatEta(s.etaSeconds)}`,
    ...rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')),
    '(not queued: evals waiting for their member to be trained, or jobs not submitted)',
    ...(s.failure ? [`first failure: ${s.failure.id}: ${s.failure.reason}`] : []),
  ].join('\n') + '\n';
}
