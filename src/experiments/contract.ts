import type { AuditReport } from '../core/analysis/audit.js';
import type { ProgressUpdate } from '../core/progress/progress.js';
import type { Curve, Tokenizer } from '../core/types.js';
import type { ChartSection } from '../report/report-data.js';
import type { CorpusRef } from '../tasks/arithmetic-corpus.js';
import type { DuckStore } from '../store/duckdb-store.js';
import type { Gemm } from '../zoo/engine/gemm.js';
import type { Arch, JobSpecs, TrainerTypes } from '../zoo/trainer.js';

/**
 * The one shape of a named experiment (docs/adding-an-experiment.md). An experiment declares what it
 * asks and how its family is made; the runner (runner.ts) does the rest the same way for all: plan →
 * train the members in the training pool → samples into the store → audit → findings → output.
 */
export type BudgetName = 'quick' | 'full';
export const BUDGET_NAMES: readonly BudgetName[] = ['quick', 'full'];

/** A typed parameter: it generates the experiment's --help and validates its command-line option. */
export type ParamDef =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly help: string }
  | { readonly kind: 'number'; readonly min: number; readonly max: number; readonly help: string }
  /** A list of names, each one of `choices` (sizes of a ladder). */
  | { readonly kind: 'names'; readonly choices: readonly string[]; readonly help: string }
  /** A list of numbers, each within [min, max] (widths, bottlenecks). */
  | { readonly kind: 'numbers'; readonly min: number; readonly max: number; readonly help: string }
  /** One name of `choices` (a variant of the design). */
  | { readonly kind: 'choice'; readonly choices: readonly string[]; readonly help: string };
export type ParamSchema = Readonly<Record<string, ParamDef>>;
export type ParamValue<D extends ParamDef> = D['kind'] extends 'int' | 'number' ? number : D['kind'] extends 'names' ? readonly string[] : D['kind'] extends 'choice' ? string : readonly number[];
export type ParamsOf<S extends ParamSchema> = { readonly [K in keyof S]: ParamValue<S[K]> };

export interface BudgetDef<S extends ParamSchema> {
  readonly params: ParamsOf<S>;
  /** The measured wall time on the lab's 2-core machine, in words (`--help` and `experiment list` print it). */
  readonly expected: string;
  /** The same in seconds, measured or estimated as `expected` says: the progress line's overall ETA (unset: the stage ETAs alone). */
  readonly expectedSeconds?: number;
  /** Members trained at once, each lane a process (capped at the cores and the members). */
  readonly jobs: number;
}

/** One member of the family to train: its name, its curve family, and its trainer's spec. */
export type MemberSpec = {
  readonly [A in Arch]: { readonly name: string; readonly family: string; readonly arch: A; readonly spec: JobSpecs[A] };
}[Arch];

/** A member after training: where its checkpoint is, its identity and what training cost. */
export type TrainedMember = MemberSpec & {
  readonly identity: string;
  readonly file: string;
  readonly params: number;
  readonly seconds: number;
  readonly stepsRun: number;
  readonly loss: number | null;
};

/** Package version, git commit, Node and engine kind: every run records them. */
export type Versions = Readonly<Record<string, string>>;

/** What `samples` is given: the store, the training in flight, and how to reach a trained member. */
export interface SampleContext {
  readonly store: DuckStore;
  /** The root of the seed tree; child seeds come from deriveSeed(seed, ...labels). */
  readonly seed: number;
  readonly versions: Versions;
  readonly gemm: Gemm;
  readonly tokenizer: Tokenizer;
  /** Every member trained (resolves when the pool is done; work that needs no model can run before). */
  trained(): Promise<readonly TrainedMember[]>;
  /**
   * Trains further members in the pool, with the same identity, reuse and resume: for a family made in
   * rounds, such as members fine-tuned on their own filtered samples (a spec naming a corpus file).
   */
  train(members: readonly MemberSpec[]): Promise<readonly TrainedMember[]>;
  /**
   * Writes training rows ({input, target} lines) as a corpus beside the models, named by its content,
   * and returns the reference a member's spec holds (its SHA-256 enters the member's identity).
   */
  corpus(name: string, rows: readonly { readonly input: string; readonly target: string }[]): CorpusRef;
  /** A trained member's checkpoint as its trainer, for experiments that evaluate directly. */
  load<A extends Arch>(m: TrainedMember & { readonly arch: A }): TrainerTypes[A];
  /** Marks a run as this plan's: once samples are in, the runner drops the store's other runs. */
  keep(runId: string): void;
  log(message: string): void;
  /** The progress line: a phase in words, or counts (members evaluated, samples) for a rate and an ETA. */
  progress(update: ProgressUpdate | string): void;
}

/** What an experiment shows: text around the audit table, charts above it in the HTML, and its data. */
export interface Findings {
  readonly title: string;
  /** Printed before the audit table: the experiment's own tables. */
  readonly before: string;
  /** Sentences printed after the audit table: what the models did, in numbers. */
  readonly lines: readonly string[];
  readonly charts: readonly ChartSection[];
  /** Experiment-specific results for --json and --out (error curves, members, …). */
  readonly data: unknown;
}

export interface Experiment<S extends ParamSchema, P extends { readonly members: readonly MemberSpec[] }, O> {
  readonly id: string;
  /** One line: the question the experiment answers. */
  readonly question: string;
  readonly citation: string;
  /** What it does, a few lines for --help. */
  readonly about: string;
  readonly parameters: S;
  readonly budgets: Readonly<Record<BudgetName, BudgetDef<S>>>;
  /** How the audit re-scores the stored samples. */
  readonly audit: { readonly resamples: number };
  /** The family and everything samples need, from the parameters and the seed. Pure: same inputs, same plan. */
  plan(params: ParamsOf<S>, seed: number): P;
  /** Produces every sample of the plan into ctx.store (skipping what is stored: a rerun resumes). */
  samples(plan: P, ctx: SampleContext): Promise<O>;
  findings(r: { readonly plan: P; readonly out: O; readonly curves: readonly Curve[]; readonly report: AuditReport; readonly members: readonly TrainedMember[] }): Findings;
}

/** Declares an experiment; the identity function that lets the compiler check it against the contract. */
export function defineExperiment<S extends ParamSchema, P extends { readonly members: readonly MemberSpec[] }, O>(e: Experiment<S, P, O>): Experiment<S, P, O> {
  return e;
}
