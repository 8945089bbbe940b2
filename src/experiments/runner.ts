import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { audit, type AuditReport } from '../core/analysis/audit.js';
import { assembleCurves } from '../core/curves/assemble.js';
import { ConfigError } from '../core/errors.js';
import { charTokenizer } from '../core/metrics/tokenizers.js';
import type { Curve } from '../core/types.js';
import { contentId } from '../store/content-id.js';
import { writeArithCorpus } from '../tasks/arithmetic-corpus.js';
import { openForWriting } from '../store/store-lock.js';
import { observationsFromStore } from '../store/store-curves.js';
import type { Gemm } from '../zoo/engine/gemm.js';
import { jobKind, type JobResult, type TrainJob } from '../zoo/train-jobs.js';
import { trainPool, type PoolStatus } from '../zoo/train-pool.js';
import { loadTrainer, type Arch, type JobSpecs } from '../zoo/trainer.js';
import type { BudgetName, Experiment, Findings, MemberSpec, ParamSchema, ParamsOf, SampleContext, TrainedMember, Versions } from './contract.js';
import type { ParamValueAny } from './options.js';
import { ProgressMeter, type ProgressUpdate } from '../core/progress/progress.js';
import { overallEta } from './overall-eta.js';
import { provenance } from './provenance.js';

/**
 * The one runner: every experiment goes plan → train (the pool, in parallel where cores allow) →
 * samples into the store (only this plan's runs kept) → audit → findings, the same way. Rerunning the
 * same command resumes: members whose checkpoint has their identity are reused or continued, and
 * samples already stored are skipped, so a kill at any moment loses at most a checkpoint interval.
 */
export interface RunOptions {
  readonly budget: BudgetName;
  readonly overrides?: Readonly<Record<string, ParamValueAny>>;
  readonly seed: number;
  /** Models go to dir/models (shared by budgets: identities keep them apart), the store to dir/<label>. */
  readonly dir: string;
  /** Members trained at once (default: the budget's); capped at the cores and the members. */
  readonly jobs?: number | null;
  readonly gemm: Gemm;
  readonly log: (message: string) => void;
  /** The progress line (the runner adds the whole experiment's ETA to each update). */
  readonly progress: (update: ProgressUpdate) => void;
}

export interface ExperimentRun {
  readonly id: string;
  readonly budget: BudgetName;
  /** The budget, or budget-custom-<hash> when parameters were given. */
  readonly label: string;
  readonly params: Readonly<Record<string, ParamValueAny>>;
  readonly seed: number;
  readonly versions: Versions;
  readonly store: string;
  readonly members: readonly TrainedMember[];
  readonly curves: readonly Curve[];
  readonly report: AuditReport;
  readonly findings: Findings;
  readonly seconds: number;
}

/** Checkpoints are written about this often (in steps) so that a kill loses little. */
export const saveEvery = (steps: number): number => Math.min(1000, Math.max(10, Math.ceil(steps / 20)));

/** The identity of a member: everything that determines its trained weights, hashed. */
export const memberIdentity = (m: MemberSpec): string => contentId({ arch: m.arch, spec: m.spec });

export async function runExperiment<S extends ParamSchema, P extends { readonly members: readonly MemberSpec[] }, O>(
  e: Experiment<S, P, O>, opts: RunOptions,
): Promise<ExperimentRun> {
  const t0 = performance.now();
  const overrides = opts.overrides ?? {};
  for (const k of Object.keys(overrides)) if (!(k in e.parameters)) throw new ConfigError(`${e.id} has no parameter ${k}`, { code: 'USAGE', field: k });
  const budget = e.budgets[opts.budget];
  const params = { ...budget.params, ...overrides } as ParamsOf<S>;
  const label = Object.keys(overrides).length === 0 ? opts.budget : `${opts.budget}-custom-${contentId(params).slice(0, 8)}`;
  const plan = e.plan(params, opts.seed);
  const root = join(opts.dir, label);
  mkdirSync(root, { recursive: true });
  const lanesFor = (n: number): number => Math.max(1, Math.min(opts.jobs ?? budget.jobs, availableParallelism(), n));
  // A family made in rounds has no members before its samples stage trains them (ctx.train).
  const family = plan.members.length === 0 ? `members trained in the samples stage, up to ${lanesFor(budget.jobs)}` : `${plan.members.length} members, ${lanesFor(plan.members.length)}`;
  opts.log(`${e.id} (${label}, seed ${opts.seed}): ${family} trained at a time; expected ${budget.expected}`);
  // One line for the run, with the whole run's ETA beside the stage's own. Training runs in the pool
  // while the samples stage may start work that needs no model: that work rides on the training line,
  // so the training rate and ETA are not restarted by every message of the other.
  const meter = new ProgressMeter();
  const expectedSeconds = label === opts.budget ? (budget.expectedSeconds ?? null) : null;
  let trainingLine: ProgressUpdate | null = null;
  let stageLine: ProgressUpdate | null = null;
  const emit = (): void => {
    const s = stageLine;
    const u = trainingLine !== null && s !== null
      ? { ...trainingLine, detail: `${trainingLine.detail ?? ''} · meanwhile ${s.phase}${s.done !== undefined ? ` ${s.done}/${s.total ?? '?'}` : ''}` }
      : trainingLine ?? s;
    if (u === null) return;
    const now = performance.now();
    const overall = overallEta((now - t0) / 1000, meter.read(u, now).etaSeconds, expectedSeconds);
    opts.progress(overall === null ? u : { ...u, detail: u.detail ? `${u.detail} · ${overall}` : overall });
  };
  const progress = (m: ProgressUpdate | string): void => {
    stageLine = typeof m === 'string' ? { phase: m } : m;
    emit();
  };
  const trainMembers = (specs: readonly MemberSpec[]): Promise<TrainedMember[]> => {
    const names = specs.map((m) => m.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) return Promise.reject(new RangeError(`${e.id}: two members are named ${dup}`));
    const jobs: TrainJob[] = specs.map((m) => {
      const identity = memberIdentity(m);
      return { ...m, identity, file: join(opts.dir, 'models', `${m.name}-${identity}.safetensors`), saveEvery: saveEvery(m.spec.cfg.steps) } as TrainJob;
    });
    const t0 = performance.now();
    const describe = (r: JobResult): string => `${r.name}: ${r.params.toLocaleString('en')} params, ${r.stepsRun === 0 ? 'reused' : `${r.stepsRun < jobKind(jobs.find((j) => j.name === r.name)!).steps ? 'resumed, ' : ''}trained ${r.stepsRun} steps in ${r.seconds.toFixed(1)} s${r.loss === null ? '' : `, final batch loss ${r.loss.toFixed(4)}`}`}`;
    const status = (s: PoolStatus): void => {
      trainingLine = { phase: 'training', unit: 'steps', done: s.stepsDone, total: s.stepsTotal, skipped: s.stepsSkipped, etaSeconds: s.etaSeconds, detail: s.line };
      emit();
    };
    const stopped = (): void => {
      trainingLine = null;
    };
    // The training clock starts with the pool (worker start-up is part of the run's time).
    status({ line: `0/${jobs.length} trained; starting the workers`, etaSeconds: null, trained: 0, members: jobs.length, stepsDone: 0, stepsSkipped: 0, stepsTotal: jobs.reduce((n, j) => n + jobKind(j).steps, 0) });
    return trainPool(jobs, lanesFor(jobs.length), status, (r) => opts.log(describe(r))).finally(stopped).then((results) => {
      opts.log(`training done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      return specs.map((m, i): TrainedMember => {
        const r = results[i]!;
        const j = jobs[i]!;
        return { ...m, identity: j.identity, file: j.file, params: r.params, seconds: r.seconds, stepsRun: r.stepsRun, loss: r.loss } as TrainedMember;
      });
    });
  };
  const training = trainMembers(plan.members);
  training.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled meanwhile
  const versions = provenance(opts.gemm);
  const storePath = join(root, 'samples.duckdb');
  const store = await openForWriting(storePath);
  try {
    const kept = new Set<string>();
    // Members the samples stage trains (rounds of a family) join the plan's in the run's record.
    const later: TrainedMember[] = [];
    const ctx: SampleContext = {
      store, seed: opts.seed, versions, gemm: opts.gemm, tokenizer: charTokenizer,
      trained: () => training,
      train: (specs) => trainMembers(specs).then((ms) => {
        later.push(...ms);
        return ms;
      }),
      corpus: (name, rows) => {
        const dir = join(opts.dir, 'corpora');
        mkdirSync(dir, { recursive: true });
        return writeArithCorpus(join(dir, `${name}-${contentId(rows).slice(0, 16)}.jsonl`), rows);
      },
      load: <A extends Arch>(m: TrainedMember & { readonly arch: A }) => loadTrainer(m.arch, m.spec as JobSpecs[A], m.file, opts.gemm),
      keep: (id) => void kept.add(id),
      log: opts.log, progress,
    };
    const out = await e.samples(plan, ctx);
    const members = [...(await training), ...later];
    // Runs of another plan (an earlier budget, seed or setting) would mix into the curves.
    await store.keepOnlyRuns([...kept]);
    progress('auditing the family from the store');
    const { observations } = await observationsFromStore(store, { tokenizer: charTokenizer, seed: opts.seed, resamples: e.audit.resamples });
    const curves = assembleCurves(observations).curves;
    const report = audit(curves);
    const findings = e.findings({ plan, out, curves, report, members });
    return { id: e.id, budget: opts.budget, label, params, seed: opts.seed, versions, store: storePath, members, curves, report, findings, seconds: (performance.now() - t0) / 1000 };
  } finally {
    store.close();
    await training.catch(() => {}); // a failed samples stage still lets the pool stop its workers
  }
}
