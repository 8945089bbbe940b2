import { loadMnist, type MnistSet } from '../tasks/mnist.js';
import { autoencoderShapes } from './autoencoder.js';
import type { Gemm } from './engine/gemm.js';
import { exemplarShapes, exemplarTokens } from './exemplar-transformer.js';
import { activeParamCount } from './gpt.js';
import { iclShapes } from './icl-transformer.js';
import { lenetShapes } from './lenet.js';
import { ArithmeticTrainer, arithModelConfig, type ArithTrainConfig } from './train-arith.js';
import { BurstyTrainer, type BurstyTrainConfig } from './train-bursty.js';
import { CotTrainer, cotModelConfig, sequenceLength, type CotTrainConfig } from './train-cot.js';
import { IclTrainer, type IclTrainConfig } from './train-icl.js';
import { forwardFlopsPerToken } from './flops.js';
import { MoeLmTrainer, moeLmModelConfig, type MoeLmTrainConfig } from './train-moe.js';
import { NeedlesTrainer, needlesModelConfig, type NeedlesTrainConfig } from './train-needles.js';
import { parentParams, type ParentRef } from './resumable.js';
import { RagTrainer, ragModelConfig, ragRowLength, type RagTrainConfig } from './train-rag.js';
import { VisionTrainer, type VisionSpec, type VisionTrainConfig } from './train-vision.js';

/**
 * The one trainer protocol: every architecture the lab trains is a Trainer (a step, a step function,
 * a checkpoint writer) made fresh or resumed by its TrainerKind, which also says how many steps a
 * run takes and roughly what one costs. The training pool, the experiment runner and the worker
 * processes see only this, so a new architecture is one entry in TRAINERS.
 */
export interface Trainer {
  readonly step: number;
  readonly model: { readonly numParams: number };
  trainStep(): number;
  save(file: string, extraMeta?: Record<string, unknown>): void;
}

export interface TrainerKind<S, T extends Trainer = Trainer> {
  fresh(spec: S, gemm: Gemm): T;
  resume(file: string, spec: S, gemm: Gemm): T;
  steps(spec: S): number;
  /** Multiply-adds of one training step, roughly (6 × parameters × positions): orders the pool's queue and drives its ETA. */
  costPerStep(spec: S): number;
}

/** A language model on generated n-digit arithmetic. */
export interface ArithJobSpec { readonly cfg: ArithTrainConfig }
/**
 * A LeNet or autoencoder on MNIST's training images: `data` says which (a seeded draw of `count`,
 * or all 60,000), so the job is self-contained data that can cross a process boundary.
 */
export interface VisionJobSpec { readonly model: VisionSpec; readonly cfg: VisionTrainConfig; readonly data: { readonly count: number | null; readonly seed: number } }
/** The in-context regressor on prompts from a mixture of function classes. */
export interface IclJobSpec { readonly cfg: IclTrainConfig }
/**
 * A language model on addition of mixed lengths, answering directly or through a scratchpad; with
 * `parent`, started from that member's finished weights (a round of fine-tuning) instead of an init.
 */
export interface CotJobSpec { readonly cfg: CotTrainConfig; readonly parent?: ParentRef }
/** A language model on the synthetic fact world, closed book or answering from retrieved passages with citations. */
export interface RagJobSpec { readonly cfg: RagTrainConfig }

/** The exemplar classifier on bursty / Zipfian sequences of Gaussian class clusters, evaluated as it trains. */
export interface BurstyJobSpec { readonly cfg: BurstyTrainConfig }
/** A language model on the needles corpus: toy languages A and B with a share of bilingual documents. */
export interface NeedlesJobSpec { readonly cfg: NeedlesTrainConfig }

/** A dense or mixture-of-experts language model on the four-domain character corpus. */
export interface MoeLmJobSpec { readonly cfg: MoeLmTrainConfig }

export interface JobSpecs {
  readonly arith: ArithJobSpec;
  readonly vision: VisionJobSpec;
  readonly icl: IclJobSpec;
  readonly cot: CotJobSpec;
  readonly moelm: MoeLmJobSpec;
  readonly rag: RagJobSpec;
  readonly bursty: BurstyJobSpec;
  readonly needles: NeedlesJobSpec;
}
export type Arch = keyof JobSpecs;

/** The trainer each arch makes: what an experiment evaluates with once its members are trained. */
export interface TrainerTypes {
  readonly arith: ArithmeticTrainer;
  readonly vision: VisionTrainer;
  readonly icl: IclTrainer;
  readonly cot: CotTrainer;
  readonly moelm: MoeLmTrainer;
  readonly rag: RagTrainer;
  readonly bursty: BurstyTrainer;
  readonly needles: NeedlesTrainer;
}

const count = (shapes: [string, number[]][]): number => shapes.reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0);

/** MNIST draws, loaded once per process: a worker trains many vision jobs on the same images. */
const mnistCache = new Map<string, MnistSet>();
function mnistTrain(data: VisionJobSpec['data']): MnistSet {
  const key = `${data.count}/${data.seed}`;
  let set = mnistCache.get(key);
  if (!set) mnistCache.set(key, (set = loadMnist('train', data)));
  return set;
}

export const TRAINERS: { readonly [A in Arch]: TrainerKind<JobSpecs[A], TrainerTypes[A]> } = {
  arith: {
    fresh: (s, gemm) => new ArithmeticTrainer(s.cfg, gemm),
    resume: (file, s, gemm) => ArithmeticTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    costPerStep: (s) => {
      const c = arithModelConfig(s.cfg);
      return 6 * activeParamCount(c) * s.cfg.batch * c.blockSize;
    },
  },
  vision: {
    fresh: (s, gemm) => new VisionTrainer(s.model, s.cfg, mnistTrain(s.data), gemm),
    resume: (file, s, gemm) => VisionTrainer.resume(file, s.model, s.cfg, mnistTrain(s.data), gemm),
    steps: (s) => s.cfg.steps,
    // A convolution's weights are reused at every output position (LeNet's first layer at 784 of them).
    costPerStep: (s) => 6 * s.cfg.batch * (s.model.arch === 'lenet' ? count(lenetShapes(s.model.config)) * 100 : count(autoencoderShapes(s.model.config))),
  },
  icl: {
    fresh: (s, gemm) => new IclTrainer(s.cfg, gemm),
    resume: (file, s, gemm) => IclTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    costPerStep: (s) => 6 * count(iclShapes(s.cfg.model)) * s.cfg.batch * 2 * s.cfg.model.points,
  },
  cot: {
    fresh: (s, gemm) => new CotTrainer(s.cfg, gemm, s.parent === undefined ? undefined : parentParams(s.parent, 'gpt', cotModelConfig(s.cfg))),
    resume: (file, s, gemm) => CotTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    costPerStep: (s) => 6 * activeParamCount(cotModelConfig(s.cfg)) * s.cfg.batch * (sequenceLength(s.cfg.style, s.cfg.maxDigits) - 1),
  },
  moelm: {
    fresh: (s, gemm) => new MoeLmTrainer(s.cfg, gemm),
    resume: (file, s, gemm) => MoeLmTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    // Counted FLOPs of a step: 3× forward (the others' 6·N is the same count for a dense model).
    costPerStep: (s) => 3 * forwardFlopsPerToken(moeLmModelConfig(s.cfg), s.cfg.context) * s.cfg.batch * s.cfg.context,
  },
  rag: {
    fresh: (s, gemm) => new RagTrainer(s.cfg, gemm),
    resume: (file, s, gemm) => RagTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    costPerStep: (s) => 6 * activeParamCount(ragModelConfig(s.cfg)) * s.cfg.batch * (ragRowLength(s.cfg) - 1),
  },
  bursty: {
    fresh: (s, gemm) => new BurstyTrainer(s.cfg, gemm),
    resume: (file, s, gemm) => BurstyTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    // Evaluations (2 sets every `every` steps, forward only) add about 2·sequences / (3·batch·every) of a step's cost.
    costPerStep: (s) => 6 * count(exemplarShapes(s.cfg.model)) * exemplarTokens(s.cfg.model) * (s.cfg.batch + (2 * s.cfg.evaluation.sequences) / (3 * s.cfg.evaluation.every)),
  },
  needles: {
    fresh: (s, gemm) => new NeedlesTrainer(s.cfg, gemm),
    resume: (file, s, gemm) => NeedlesTrainer.resume(file, s.cfg, gemm),
    steps: (s) => s.cfg.steps,
    costPerStep: (s) => 6 * activeParamCount(needlesModelConfig(s.cfg)) * s.cfg.batch * s.cfg.context,
  },
};

/** A trained member's checkpoint as its trainer, ready to evaluate (the checkpoint must hold this spec's model). */
export function loadTrainer<A extends Arch>(arch: A, spec: JobSpecs[A], file: string, gemm: Gemm): TrainerTypes[A] {
  const kind: TrainerKind<JobSpecs[A], TrainerTypes[A]> = TRAINERS[arch];
  return kind.resume(file, spec, gemm);
}
