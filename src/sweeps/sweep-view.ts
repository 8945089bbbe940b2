import type { Redis } from 'ioredis';
import { formatEta } from '../core/progress/progress.js';
import type { SweepView } from '../report/viewer-pages.js';
import type { DuckStore } from '../store/duckdb-store.js';
import { sweepStatus, type SweepStatus } from './queue.js';
import { JOB_KINDS, type SweepJob } from './sweep-jobs.js';

/**
 * The viewer's /sweep page, from the queue (a sweep on Redis: every state, workers and ETA) or from the
 * store a local sweep writes (each job is recorded there when done: done of total per kind).
 */
export async function queueView(name: string, where: string, redis: Redis, jobs: readonly SweepJob[], queue: string): Promise<SweepView> {
  return statusView(name, where, await sweepStatus(redis, jobs, queue));
}

export function statusView(name: string, where: string, s: SweepStatus): SweepView {
  return {
    name, source: where, workers: s.workers, eta: s.etaSeconds === null ? 'unknown' : formatEta(s.etaSeconds),
    rows: s.kinds.map((k) => ({ kind: k.kind, total: k.total, done: k.done, running: k.running, queued: k.queued, waiting: k.waiting, failed: k.failed })),
    failure: s.failure ? `${s.failure.id}: ${s.failure.reason}` : null,
  };
}

export async function storeView(name: string, store: DuckStore, jobs: readonly SweepJob[]): Promise<SweepView> {
  const done = await store.doneJobIds();
  return {
    name, source: store.path, workers: null, eta: "on the sweep command's progress line", failure: null,
    rows: JOB_KINDS.map((kind) => {
      const mine = jobs.filter((j) => j.kind === kind);
      return { kind, total: mine.length, done: mine.filter((j) => done.has(j.id)).length, running: null, queued: null, waiting: null, failed: null };
    }),
  };
}
