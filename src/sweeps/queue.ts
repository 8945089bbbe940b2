import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_KINDS, type JobKind, type SweepJob, type TrainSweepJob } from './sweep-jobs.js';
import { sweepEtaSeconds } from './sweep-eta.js';

/**
 * The sweep's jobs on BullMQ. Job ids are the jobs' content ids, so adding a job that is already
 * queued, running or done adds nothing; completed jobs are kept (they are what makes a re-submission
 * enqueue only what is missing). A worker's lock is its heartbeat: when a worker dies (kill -9, a lost
 * machine) its lock lapses and another worker's stalled-job check puts the job back in the queue.
 */
export const DEFAULT_QUEUE = 'emergence-sweep';

const JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false };

const add = (j: SweepJob): { name: string; data: SweepJob; opts: JobsOptions } => ({ name: j.kind, data: j, opts: { ...JOB_OPTIONS, jobId: j.id } });

type State = Awaited<ReturnType<Queue['getJobState']>>;

async function statesOf(queue: Queue, ids: readonly string[]): Promise<Map<string, State>> {
  const out = new Map<string, State>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const states = await Promise.all(chunk.map((id) => queue.getJobState(id)));
    chunk.forEach((id, k) => out.set(id, states[k]!));
  }
  return out;
}

export interface SubmitResult {
  /** Jobs added now. */
  readonly enqueued: readonly { readonly id: string; readonly kind: JobKind; readonly seed: number }[];
  /** Failed jobs sent back to the queue. */
  readonly retried: number;
  /** Jobs already queued, running or done. */
  readonly present: number;
  /** Eval jobs that wait for a member not yet trained: its train job enqueues them. */
  readonly deferred: number;
}

/** Enqueues what the queue lacks of the sweep's jobs; an eval job of a member not yet trained waits for its train job. */
export async function submitSweep(redis: Redis, jobs: readonly SweepJob[], queueName = DEFAULT_QUEUE): Promise<SubmitResult> {
  const queue = new Queue(queueName, { connection: redis });
  try {
    const states = await statesOf(queue, jobs.map((j) => j.id));
    const trainState = new Map(jobs.filter((j): j is TrainSweepJob => j.kind === 'train').map((t) => [t.id, states.get(t.id)!]));
    const toAdd: SweepJob[] = [];
    const toRetry: string[] = [];
    let present = 0;
    let deferred = 0;
    for (const j of jobs) {
      const s = states.get(j.id)!;
      if (s === 'failed') toRetry.push(j.id);
      else if (s !== 'unknown') present++;
      else if (j.kind === 'eval' && j.member !== null && trainState.get(j.member.trainId) !== 'completed') deferred++;
      else toAdd.push(j);
    }
    for (let i = 0; i < toAdd.length; i += 500) await queue.addBulk(toAdd.slice(i, i + 500).map(add));
    for (const id of toRetry) await (await queue.getJob(id))?.retry('failed');
    return { enqueued: toAdd.map((j) => ({ id: j.id, kind: j.kind, seed: j.seed })), retried: toRetry.length, present, deferred };
  } finally {
    await queue.close();
  }
}

export interface WorkerOptions {
  readonly queue?: string;
  readonly concurrency: number;
  /** How long a job's lock lasts without a heartbeat (renewed every half of it); a dead worker's job is retried after about this. */
  readonly lockMs: number;
  readonly name: string;
  readonly run: (job: SweepJob) => Promise<void>;
  readonly onEvent: (e: { readonly type: 'start' | 'done' | 'failed'; readonly job: SweepJob; readonly error?: Error }) => void;
  /** The queue's own errors (Redis gone for a while): the worker reconnects and goes on. */
  readonly onError?: (e: Error) => void;
}

/** Pulls jobs until closed; a finished train job enqueues the eval jobs that waited for it. */
export function startWorker(redis: Redis, o: WorkerOptions): { close(): Promise<void>; readonly worker: Worker } {
  const queueName = o.queue ?? DEFAULT_QUEUE;
  const queue = new Queue(queueName, { connection: redis });
  const worker = new Worker(queueName, async (job: Job<SweepJob>) => {
    o.onEvent({ type: 'start', job: job.data });
    await o.run(job.data);
    // Before the train job counts as done: if this worker dies here, the retry finds the checkpoint and adds them again (a no-op for those added).
    if (job.data.kind === 'train' && job.data.then.length > 0) await queue.addBulk(job.data.then.map(add));
  }, {
    connection: redis, concurrency: o.concurrency, name: o.name,
    lockDuration: o.lockMs, stalledInterval: Math.max(1000, Math.round(o.lockMs / 2)), maxStalledCount: 3,
  });
  worker.on('completed', (job: Job<SweepJob>) => o.onEvent({ type: 'done', job: job.data }));
  worker.on('failed', (job: Job<SweepJob> | undefined, error: Error) => {
    if (job) o.onEvent({ type: 'failed', job: job.data, error });
  });
  // An 'error' event nobody hears would end the process; a lost connection is reported and retried.
  worker.on('error', (e: Error) => o.onError?.(e));
  return {
    worker,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

export interface KindStatus {
  readonly kind: JobKind;
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly queued: number;
  /** Eval jobs whose member is not trained yet (not in the queue). */
  readonly waiting: number;
  readonly failed: number;
  readonly meanSeconds: number | null;
}

export interface SweepStatus {
  readonly kinds: readonly KindStatus[];
  readonly workers: number;
  /** Null while nothing runs, or before a kind with work left has a finished job to time. */
  readonly etaSeconds: number | null;
  /** The first failure's reason, if any job failed. */
  readonly failure: { readonly id: string; readonly reason: string } | null;
}

/** Counts per job kind of this sweep's jobs, and the time left. */
export async function sweepStatus(redis: Redis, jobs: readonly SweepJob[], queueName = DEFAULT_QUEUE): Promise<SweepStatus> {
  const queue = new Queue(queueName, { connection: redis });
  try {
    const states = await statesOf(queue, jobs.map((j) => j.id));
    const finished = await Promise.all(jobs.filter((j) => states.get(j.id) === 'completed').map((j) => queue.getJob(j.id)));
    const failedIds = jobs.filter((j) => states.get(j.id) === 'failed').map((j) => j.id);
    const firstFailed = failedIds.length > 0 ? await queue.getJob(failedIds[0]!) : null;
    const durations = new Map<JobKind, number[]>(JOB_KINDS.map((k) => [k, []]));
    for (const j of finished) if (j?.processedOn && j.finishedOn) durations.get(j.name as JobKind)?.push(j.finishedOn - j.processedOn);
    const kinds = JOB_KINDS.map((kind): KindStatus => {
      const mine = jobs.filter((j) => j.kind === kind);
      const n = (pred: (s: State) => boolean): number => mine.filter((j) => pred(states.get(j.id)!)).length;
      const d = durations.get(kind)!;
      return {
        kind, total: mine.length, done: n((s) => s === 'completed'), running: n((s) => s === 'active'),
        queued: n((s) => s === 'waiting' || s === 'delayed' || s === 'prioritized' || s === 'waiting-children'),
        waiting: n((s) => s === 'unknown'), failed: n((s) => s === 'failed'),
        meanSeconds: d.length === 0 ? null : d.reduce((a, b) => a + b, 0) / d.length / 1000,
      };
    });
    const running = kinds.reduce((a, k) => a + k.running, 0);
    const etaSeconds = sweepEtaSeconds(kinds.map((k) => ({ remaining: k.total - k.done - k.failed, durationsMs: durations.get(k.kind)! })), running);
    const workers = await queue.getWorkersCount();
    return { kinds, workers, etaSeconds, failure: firstFailed ? { id: firstFailed.id ?? failedIds[0]!, reason: firstFailed.failedReason } : null };
  } finally {
    await queue.close();
  }
}
