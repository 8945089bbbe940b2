import type { SweepView } from '../report/viewer-pages.js';

/** `sweep status` as a table: one row per job kind, then the time left and the first failure. */
export function statusTable(v: SweepView): string {
  const show = (x: number | null): string => (x === null ? '-' : String(x));
  const rows = [
    ['kind', 'total', 'done', 'running', 'queued', 'not queued', 'failed'],
    ...v.rows.map((k) => [k.kind, String(k.total), String(k.done), show(k.running), show(k.queued), show(k.waiting), show(k.failed)]),
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const done = v.rows.reduce((a, k) => a + k.done, 0);
  const total = v.rows.reduce((a, k) => a + k.total, 0);
  return [
    `sweep ${v.name} (${v.source}): ${done}/${total} jobs done${v.workers === null ? '' : `, ${v.workers} workers connected`}, ETA ${v.eta}`,
    ...rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')),
    ...(v.workers === null ? [] : ['(not queued: evals waiting for their member to be trained, or jobs not submitted)']),
    ...(v.failure ? [`first failure: ${v.failure}`] : []),
  ].join('\n') + '\n';
}
