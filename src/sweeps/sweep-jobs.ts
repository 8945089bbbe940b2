import { deriveSeed } from '../core/random/derive-seed.js';
import type { Task } from '../core/types.js';
import type { EvalConfig, ModelConfig, TaskConfig } from '../harness/config.js';
import { runIdFor } from '../harness/run-eval.js';
import { memberIdentity, saveEvery } from '../experiments/runner.js';
import type { MemberSpec } from '../experiments/contract.js';
import { NAMED_SIZES } from '../zoo/gpt.js';
import type { TrainJob } from '../zoo/train-jobs.js';
import type { SweepConfig } from './sweep-config.js';

/**
 * A sweep as jobs, each a piece of data that can cross machines. A job's id is its content identity,
 * the one the lab already uses: an eval job is one harness run (`eval-<runIdFor>`: model, task,
 * settings, seed), a train job one member (`train-<memberIdentity>`: architecture, schedule, data,
 * seed). Re-submitting a sweep therefore finds the jobs it already has, and changing one seed makes
 * new ids only for that seed's jobs. An eval job of a trained member names the train job it waits for.
 */
export interface EvalSweepJob {
  readonly kind: 'eval';
  readonly id: string;
  readonly runId: string;
  readonly seed: number;
  /** The run's settings, with its one model and one task. */
  readonly cfg: EvalConfig;
  readonly task: TaskConfig;
  /** The member this job evaluates once trained (served by the worker itself), else null. */
  readonly member: { readonly trainId: string; readonly name: string; readonly identity: string } | null;
}

export interface TrainSweepJob {
  readonly kind: 'train';
  readonly id: string;
  readonly seed: number;
  readonly family: string;
  /** The trainer's job, less the checkpoint's path: each worker puts it in its models directory. */
  readonly train: Omit<TrainJob, 'file'>;
  /** The eval jobs that wait for this member: enqueued when it is trained. */
  readonly then: readonly EvalSweepJob[];
}

export type SweepJob = EvalSweepJob | TrainSweepJob;
export type JobKind = SweepJob['kind'];
export const JOB_KINDS: readonly JobKind[] = ['train', 'eval'];

/** Where a trained member's checkpoint lives in a models directory (as the experiment runner names it). */
export const checkpointName = (name: string, identity: string): string => `${name}-${identity}.safetensors`;

/** A trained member as the harness sees it: served by the worker under `<name>-<identity>` (its URL is set when served). */
function trainedModel(name: string, identity: string): ModelConfig {
  return {
    name, params: 0,
    provider: { baseUrls: [], model: `${name}-${identity}`, api: 'completions', apiKeyEnv: null, concurrency: 8, rps: 0, timeoutMs: 60_000, maxRetries: 3, retryBaseMs: 10 },
  };
}

/** Every job of a sweep, train jobs first; `loadTask` reads a task (its examples enter the run's id). */
export function expandSweep(cfg: SweepConfig, loadTask: (t: TaskConfig, file: string) => Task): SweepJob[] {
  const tasks = new Map<string, Task>();
  const taskOf = (t: TaskConfig): Task => {
    const key = JSON.stringify(t);
    let task = tasks.get(key);
    if (!task) tasks.set(key, (task = loadTask(t, cfg.file)));
    return task;
  };
  const evalJob = (c: EvalConfig, model: ModelConfig, t: TaskConfig, member: EvalSweepJob['member']): EvalSweepJob => {
    const one: EvalConfig = { ...c, models: [model], tasks: [t] };
    const runId = runIdFor(one, model, taskOf(t));
    return { kind: 'eval', id: `eval-${runId}`, runId, seed: c.seed, cfg: one, task: t, member };
  };
  const trains: TrainSweepJob[] = [];
  const evals: EvalSweepJob[] = [];
  for (const f of cfg.families) {
    cfg.seeds.forEach((seed, si) => {
      const configs = f.configs.slice(si * cfg.settings, (si + 1) * cfg.settings);
      if (f.train === null) {
        for (const c of configs) for (const model of c.models) for (const t of c.tasks) evals.push(evalJob(c, model, t, null));
        return;
      }
      const tr = f.train;
      for (const size of tr.sizes) {
        const spec: MemberSpec = {
          name: size, family: f.family, arch: 'arith',
          spec: {
            cfg: {
              digits: tr.digits, operation: tr.operation, model: NAMED_SIZES[size]!, steps: tr.steps, batch: tr.batch, lr: tr.lr, warmup: tr.warmup,
              weightDecay: tr.weightDecay, seed: deriveSeed(seed, 'train'), evalEvery: 0, evalSize: 200,
            },
          },
        };
        const identity = memberIdentity(spec);
        const id = `train-${identity}`;
        const then = configs.flatMap((c) => c.tasks.map((t) => evalJob(c, trainedModel(size, identity), t, { trainId: id, name: size, identity })));
        trains.push({
          kind: 'train', id, seed, family: f.family,
          train: { name: size, arch: 'arith', spec: spec.spec, identity, saveEvery: saveEvery(tr.steps) } as Omit<TrainJob, 'file'>,
          then,
        });
      }
    });
  }
  // Two families may share a member (the same spec and seed) or a run: one job each.
  const unique = <J extends SweepJob>(list: J[]): J[] => [...new Map(list.map((j) => [j.id, j])).values()];
  const byId = new Map<string, TrainSweepJob>();
  for (const t of trains) {
    const seen = byId.get(t.id);
    byId.set(t.id, seen ? { ...seen, then: unique([...seen.then, ...t.then]) } : t);
  }
  const merged = [...byId.values()];
  return [...merged, ...unique([...evals, ...merged.flatMap((t) => t.then)])];
}

/** One line naming a job for logs: what it trains or evaluates. */
export function describeJob(j: SweepJob): string {
  if (j.kind === 'train') return `train ${j.family}/${j.train.name} (seed ${j.seed})`;
  return `eval ${j.cfg.family}/${j.cfg.models[0]!.name} · ${j.task.name} (seed ${j.seed}, ${j.cfg.shots} shots)`;
}
