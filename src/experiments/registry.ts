import { burstyIcl } from './bursty-icl.js';
import { cotCrossover } from './cot-crossover.js';
import { icl } from './icl.js';
import { mirageArithmetic } from './mirage-arithmetic.js';
import { moeVsDense } from './moe-vs-dense.js';
import type { ExperimentInfo } from './options.js';
import { runExperiment, type ExperimentRun, type RunOptions } from './runner.js';
import { ragCitations } from './rag-citations.js';
import { needles } from './needles.js';
import { selfImprove } from './self-improve.js';
import { visionMirage } from './vision-mirage.js';

/** A registered experiment: its declaration for help and parsing, and its run bound to its own types. */
export interface RegisteredExperiment {
  readonly info: ExperimentInfo;
  run(opts: RunOptions): Promise<ExperimentRun>;
}

const register = <E extends ExperimentInfo & Parameters<typeof runExperiment>[0]>(e: E): RegisteredExperiment => ({ info: e, run: (opts) => runExperiment(e, opts) });

/** Every named experiment; adding one is one line here. */
export const EXPERIMENTS: readonly RegisteredExperiment[] = [
  register(mirageArithmetic),
  register(visionMirage),
  register(icl),
  register(cotCrossover),
  register(moeVsDense),
  register(ragCitations),
  register(burstyIcl),
  register(needles),
  register(selfImprove),
];

export const experimentById = (id: string): RegisteredExperiment | undefined => EXPERIMENTS.find((e) => e.info.id === id);
