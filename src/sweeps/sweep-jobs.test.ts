import { describe, expect, it } from 'vitest';
import { parseEvalConfig } from '../harness/config.js';
import { loadTask } from '../harness/load-tasks.js';
import { runIdFor } from '../harness/run-eval.js';
import { memberIdentity } from '../experiments/runner.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { NAMED_SIZES } from '../zoo/gpt.js';
import { parseSweepConfig } from './sweep-config.js';
import { expandSweep, type EvalSweepJob, type TrainSweepJob } from './sweep-jobs.js';

const sweep = (seeds: string): string => `sweep: s
seeds: ${seeds}
eval: { max_tokens: 6 }
settings: [{ shots: 0 }, { shots: 2 }]
tasks:
  - { name: add2, arithmetic: { digits: 2, count: 5, seed: 1 } }
  - { name: add3, arithmetic: { digits: 3, count: 5, seed: 1 } }
families:
  - family: served
    models:
      - { name: a, params: 100, provider: { base_url: http://127.0.0.1:9 } }
      - { name: b, params: 200, provider: { base_url: http://127.0.0.1:9 } }
  - family: lab
    train: { sizes: [xxs, xs], digits: 2, steps: 20, batch: 4 }
`;
const jobsOf = (seeds: string) => expandSweep(parseSweepConfig(sweep(seeds), 'sweep.yaml'), loadTask);

describe('a sweep as jobs', () => {
  it('has one eval job per model × task × setting × seed and one train job per member × seed', () => {
    const jobs = jobsOf('[1, 2, 3]');
    expect(jobs.filter((j) => j.kind === 'train')).toHaveLength(2 * 3);
    // served: 2 models × 2 tasks × 2 settings × 3 seeds; trained: 2 members × the same.
    expect(jobs.filter((j) => j.kind === 'eval')).toHaveLength(24 + 24);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    // Every eval of a trained member is listed by its train job, which enqueues it once trained.
    const trains = jobs.filter((j): j is TrainSweepJob => j.kind === 'train');
    for (const e of jobs.filter((j): j is EvalSweepJob => j.kind === 'eval' && j.member !== null)) {
      expect(trains.find((t) => t.id === e.member!.trainId)!.then.map((x) => x.id)).toContain(e.id);
    }
  });

  it('names an eval job by the run id emergence eval gives the same run, and a train job by the member identity', () => {
    const jobs = jobsOf('[7]');
    const cfg = parseEvalConfig(`family: served
models:
  - { name: b, params: 200, provider: { base_url: http://127.0.0.1:9 } }
tasks:
  - { name: add3, arithmetic: { digits: 3, count: 5, seed: 1 } }
shots: 2
seed: 7
max_tokens: 6
`, 'eval.yaml');
    const task = loadTask(cfg.tasks[0]!, 'eval.yaml');
    expect(jobs.map((j) => j.id)).toContain(`eval-${runIdFor(cfg, cfg.models[0]!, task)}`);
    const identity = memberIdentity({
      name: 'xs', family: 'lab', arch: 'arith',
      spec: { cfg: { digits: 2, operation: 'add', model: NAMED_SIZES.xs!, steps: 20, batch: 4, lr: 1e-3, warmup: 50, weightDecay: 0.1, seed: deriveSeed(7, 'train'), evalEvery: 0, evalSize: 200 } },
    });
    expect(jobs.map((j) => j.id)).toContain(`train-${identity}`);
  });

  it('changing one seed changes the ids of that seed\'s jobs only', () => {
    const a = jobsOf('[1, 2, 3]');
    const b = jobsOf('[1, 2, 4]');
    const ids = new Set(a.map((j) => j.id));
    const fresh = b.filter((j) => !ids.has(j.id));
    expect(fresh.length).toBe(b.length / 3);
    expect(fresh.every((j) => j.seed === 4)).toBe(true);
  });

  it('one job for a member two families share (the same spec and seed), with the evals of both', () => {
    const text = sweep('[1]').replace('  - family: lab\n    train: { sizes: [xxs, xs], digits: 2, steps: 20, batch: 4 }\n',
      '  - family: lab\n    train: { sizes: [xxs], digits: 2, steps: 20, batch: 4 }\n  - family: lab-again\n    train: { sizes: [xxs], digits: 2, steps: 20, batch: 4 }\n');
    const jobs = expandSweep(parseSweepConfig(text, 'sweep.yaml'), loadTask);
    const trains = jobs.filter((j): j is TrainSweepJob => j.kind === 'train');
    expect(trains).toHaveLength(1);
    // 2 tasks × 2 settings for each family: the run id holds the family, so four each.
    expect(new Set(trains[0]!.then.map((e) => e.cfg.family))).toEqual(new Set(['lab', 'lab-again']));
    expect(trains[0]!.then).toHaveLength(8);
  });
});
