import { availableParallelism } from 'node:os';
import { formatEta } from '../core/progress/progress.js';
import type { DuckStore } from '../store/duckdb-store.js';
import { runSweepJob, type JobEnv } from './run-job.js';
import { describeJob, JOB_KINDS, type JobKind, type SweepJob } from './sweep-jobs.js';
import { sweepEtaSeconds } from './sweep-eta.js';

/**
 * A sweep without a queue: every job in this process (training in the pool's child processes), the
 * same jobs, ids and runner a worker uses, into one store. Train jobs run first, then the evals, `jobs`
 * at a time. Jobs the store records as done are skipped, so rerunning the command resumes it.
 */
export interface LocalResult {
  readonly ran: Readonly<Record<JobKind, number>>;
  readonly skipped: number;
  readonly samples: number;
  readonly failed: readonly { readonly job: string; readonly message: string }[];
}

export async function runSweepLocally(jobs: readonly SweepJob[], env: Omit<JobEnv, 'store'> & { readonly store: DuckStore }, o: { readonly jobs: number | null; readonly log: (m: string) => void }): Promise<LocalResult> {
  const done = await env.store.doneJobIds();
  const todo = jobs.filter((j) => !done.has(j.id));
  const ran: Record<JobKind, number> = { train: 0, eval: 0 };
  const durations = new Map<JobKind, number[]>(JOB_KINDS.map((k) => [k, []]));
  const failed: { job: string; message: string }[] = [];
  const failedTrains = new Set<string>();
  let samples = 0;
  let running = 0;
  const show = (): void => {
    const left = JOB_KINDS.map((k) => ({ remaining: todo.filter((j) => j.kind === k).length - ran[k], durationsMs: durations.get(k)! }));
    const eta = sweepEtaSeconds(left, Math.max(1, running));
    env.progress(`sweep: ${ran.train + ran.eval}/${todo.length} jobs (train ${ran.train}, eval ${ran.eval})${eta === null ? '' : `, ETA ${formatEta(eta)}`}`);
  };
  const lanes = (n: number, dflt: number): number => Math.max(1, Math.min(o.jobs ?? dflt, n));
  const runAll = async (list: readonly SweepJob[], width: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < list.length) {
        const job = list[next++]!;
        if (job.kind === 'eval' && job.member && failedTrains.has(job.member.trainId)) continue;
        const started = performance.now();
        running++;
        try {
          const r = await runSweepJob(job, env);
          samples += r.samples;
          ran[job.kind]++;
          durations.get(job.kind)!.push(performance.now() - started);
          show();
        } catch (e) {
          if (job.kind === 'train') failedTrains.add(job.id);
          failed.push({ job: job.id, message: `${describeJob(job)}: ${(e as Error).message}` });
          o.log(`${describeJob(job)} failed: ${(e as Error).message}`);
        } finally {
          running--;
        }
      }
    }));
  };
  const trains = todo.filter((j) => j.kind === 'train');
  const evals = todo.filter((j) => j.kind === 'eval');
  show();
  await runAll(trains, lanes(trains.length, availableParallelism()));
  await runAll(evals, lanes(evals.length, 4));
  return { ran, skipped: jobs.length - todo.length, samples, failed };
}
