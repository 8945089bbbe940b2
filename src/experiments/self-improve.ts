import { crossoverOfSamples, type ItemPoint } from '../core/crossover/index.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import type { Example, Task } from '../core/types.js';
import type { CorpusRef } from '../tasks/arithmetic-corpus.js';
import { ANSWER_MARKER, additionTestExamples, completionFor, drawProblem, extractAdditionAnswer } from '../tasks/scratchpad.js';
import { selectPaths, type PathFilter, type PoolSample } from '../tasks/self-training.js';
import { sequenceLength, type CotTrainConfig } from '../zoo/train-cot.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type SampleContext, type TrainedMember } from './contract.js';
import { COT_SIZES, selfConsistency } from './cot-crossover.js';
import { evaluateOverHttp, itemScores, type EvaluatedRun, type HttpEvalSettings } from './serve-eval.js';
import { ARMS, selfImproveFindings, type Arm, type MemberRow, type SelectionRow, type SiOut } from './self-improve-findings.js';

/**
 * Seed 002 (Huang et al. 2022, "Large Language Models Can Self-Improve") on the lab's own models: is
 * self-improvement an ability that needs scale? The scratchpad adders of the chain-of-thought
 * experiment, each trained on a small labelled set of short problems so it starts weak, sample m
 * paths at a temperature for every question of an unlabelled pool of longer ones (over HTTP, through
 * the harness); the majority filter keeps the questions with a clear majority and the distinct paths
 * that reach it (tasks/self-training.ts), and the model is fine-tuned on them mixed 1:1 with the
 * labelled set, then samples again for a second round. Three controls run the same rounds: no filter
 * (every path), an oracle filter (the right paths: the upper bound) and the same extra steps on the
 * labelled set alone. The gain is the method's final-round accuracy minus that last control's: what
 * the pseudo-labels bring beyond more training on the labels.
 */
const FILTER_ARMS: readonly (Arm & PathFilter)[] = ['majority', 'all', 'oracle'];

const parameters = {
  sizes: { kind: 'names', choices: Object.keys(COT_SIZES), help: 'the ladder of scratchpad transformer sizes (the chain-of-thought experiment\'s)' },
  labelled: { kind: 'int', min: 1, max: 1_000_000, help: 'labelled problems the base models are trained on (drawn with replacement, operand lengths uniform)' },
  labelDigits: { kind: 'int', min: 1, max: 7, help: 'labelled problems have operands of 1 to this many digits' },
  poolDigits: { kind: 'int', min: 1, max: 8, help: 'unlabelled questions and the in-distribution test have operands of 2 to this many digits (1 digit: too few problems beyond the labelled set)' },
  oodDigits: { kind: 'int', min: 2, max: 9, help: 'operand length of the out-of-distribution test (beyond the pool)' },
  poolCount: { kind: 'int', min: 1, max: 100_000, help: 'unlabelled questions per operand length (none of them in the labelled set)' },
  paths: { kind: 'int', min: 1, max: 64, help: 'paths sampled per question, for the filter and for self-consistency (m)' },
  temperature: { kind: 'number', min: 0.01, max: 2, help: 'sampling temperature of the paths' },
  minShare: { kind: 'number', min: 0, max: 1, help: 'the majority filter keeps a question when its top answer has at least this share of the m votes' },
  rounds: { kind: 'int', min: 1, max: 4, help: 'rounds of sampling and fine-tuning' },
  baseSteps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every base model on the labelled set' },
  roundSteps: { kind: 'int', min: 1, max: 1_000_000, help: 'fine-tuning steps of every round, for the method and every control' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'rows per training step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate of the base models (linear warm-up, cosine decay)' },
  roundLr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate of each round of fine-tuning' },
  evalCount: { kind: 'int', min: 1, max: 100_000, help: 'greedy test problems per operand length' },
  scCount: { kind: 'int', min: 1, max: 100_000, help: 'self-consistency test problems per operand length (m paths each)' },
} as const satisfies ParamSchema;

/** Everything a round's members need that is fixed by the parameters. */
interface RoundSettings {
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly warmup: number;
  readonly seed: number;
}

interface SiPlan {
  /** The base models are trained in the samples stage: their spec names the labelled corpus, written there. */
  readonly members: readonly MemberSpec[];
  readonly sizes: readonly string[];
  readonly labelled: readonly { readonly input: string; readonly target: string }[];
  readonly labelDigits: number;
  readonly poolDigits: number;
  readonly oodDigits: number;
  readonly base: RoundSettings;
  readonly round: (r: number) => RoundSettings;
  readonly rounds: number;
  readonly paths: number;
  readonly temperature: number;
  readonly minShare: number;
  readonly pool: Task;
  /** The pool's answers: read by the oracle filter and the precision measure only. */
  readonly labels: ReadonlyMap<string, string>;
  readonly tasks: { readonly id: Task; readonly ood: Task; readonly scId: Task; readonly scOod: Task };
}

const digitsFrom = (lo: number, hi: number): number[] => Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => lo + i);

function additionTask(id: string, examples: Example[], source: string): Task {
  return {
    id, kind: 'generate', examples, shotPool: null,
    format: { taskPrefix: '', inputPrefix: '', outputPrefix: '', separator: '\n' },
    outputRegex: '^\\s*(\\d+)', metrics: ['exact_match'], preferredMetric: 'exact_match', source,
  };
}

const problemExample = (a: string, b: string): Example => ({ id: `${a}+${b}`, input: `${a}+${b}=`, targets: [String(BigInt(a) + BigInt(b))], choices: null, targetScores: null });

/** `count` labelled problems of the train split, lengths uniform in 1..digits, drawn with replacement. */
function labelledProblems(count: number, digits: number, seed: number): { a: string; b: string }[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, () => drawProblem(1 + Math.floor(rng.next() * digits), 'train', () => rng.next()));
}

/**
 * Up to `count` distinct train-split questions per length that the labelled set does not hold (a
 * length whose problems the labelled set nearly exhausts gives fewer: the draw stops after 50 × count tries).
 */
function poolProblems(digits: readonly number[], count: number, exclude: ReadonlySet<string>, seed: number): Example[] {
  const out: Example[] = [];
  for (const n of digits) {
    const rng = makeRng(deriveSeed(seed, 'digits', n));
    const seen = new Set<string>();
    for (let tries = 0; seen.size < count && tries < 50 * count; tries++) {
      const { a, b } = drawProblem(n, 'train', () => rng.next());
      const id = `${a}+${b}`;
      if (seen.has(id) || exclude.has(id)) continue;
      seen.add(id);
      out.push(problemExample(a, b));
    }
  }
  return out;
}

const memberName = (size: string, arm: Arm | 'base', round: number): string => (round === 0 ? `${size}-base` : `${size}-${arm}-r${round}`);
const familyOf = (arm: Arm | 'base', round: number): string => (round === 0 ? 'lab-si-base' : `lab-si-${arm}-r${round}`);
const extract = (path: string): string => extractAdditionAnswer('scratchpad', path);

function cotConfig(plan: SiPlan, size: string, maxDigits: number, s: RoundSettings, corpora: CotTrainConfig['corpora']): CotTrainConfig {
  // Every member holds oodDigits-digit problems in its context, so a fine-tune keeps its parent's shape;
  // maxDigits sizes the training rows (a round's rows hold pool-length paths).
  return { style: 'scratchpad', minDigits: 1, maxDigits, evalDigits: plan.oodDigits, model: COT_SIZES[size]!, steps: s.steps, batch: s.batch, lr: s.lr, warmup: s.warmup, weightDecay: 0.1, seed: s.seed, corpora };
}

/** Evaluates members family by family (evaluateOverHttp asks one family at a time). */
async function evaluateByFamily(ctx: SampleContext, members: readonly TrainedMember[], settings: Omit<HttpEvalSettings, 'family'>): Promise<EvaluatedRun[]> {
  const runs: EvaluatedRun[] = [];
  for (const family of [...new Set(members.map((m) => m.family))]) runs.push(...(await evaluateOverHttp(ctx, members.filter((m) => m.family === family), { ...settings, family })));
  return runs;
}

/** A member's stored pool paths, by question (the labels are not read). */
async function poolSamples(ctx: SampleContext, run: EvaluatedRun): Promise<PoolSample[]> {
  const rows = await ctx.store.query('SELECT example_id, paths FROM samples WHERE run_id = ? AND error IS NULL ORDER BY example_id', [run.runId]);
  return rows.map((r) => ({ id: String(r.example_id), prompt: `${String(r.example_id)}=`, paths: (JSON.parse(String(r.paths)) as string[]).map((p) => p.replace(/\n+$/, '')) }));
}

const mean = (xs: ArrayLike<number>): number | null => (xs.length === 0 ? null : Array.from(xs).reduce((s, x) => s + x, 0) / xs.length);

export const selfImprove = defineExperiment({
  id: 'self-improve',
  question: 'Does training a model on its own majority-voted answers help only above some size, where its majorities are right often enough?',
  citation: 'Huang et al. 2022, "Large Language Models Can Self-Improve" (seed 002, arXiv 2210.11610); Wang et al. 2022 (self-consistency)',
  about: 'Scratchpad adders of several sizes trained on a small labelled set of short additions sample m paths at T = 0.7 for each question of an unlabelled pool of longer ones (over HTTP); a question is kept when its majority answer has a vote share of at least 0.5, with its distinct paths to that answer, and each model is fine-tuned on them mixed 1:1 with the labelled set, for 2 rounds. Controls: no filter (every path), an oracle filter (only right paths) and the same extra steps on the labelled set alone. Per size and round: greedy and self-consistency exact match in and beyond the pool\'s lengths, pseudo-label precision and kept fraction, and the size where the gain over the extra-steps control crosses zero.',
  parameters,
  budgets: {
    quick: {
      params: { sizes: ['c10k', 'c20k', 'c50k', 'c100k'], labelled: 3000, labelDigits: 4, poolDigits: 5, oodDigits: 6, poolCount: 10, paths: 16, temperature: 0.7, minShare: 0.5, rounds: 2, baseSteps: 600, roundSteps: 100, batch: 32, lr: 3e-3, roundLr: 1e-3, evalCount: 20, scCount: 3 },
      // 1,181 s measured beside other work (load ≈ 19 on 2 cores, the run got 28% of one core: 332 CPU-seconds).
      expected: 'about 2.5 minutes on 2 cores (149 s measured alone)', expectedSeconds: 149, jobs: 2,
    },
    full: {
      params: { sizes: ['c10k', 'c20k', 'c30k', 'c50k', 'c100k', 'c250k'], labelled: 3000, labelDigits: 4, poolDigits: 5, oodDigits: 6, poolCount: 40, paths: 16, temperature: 0.7, minShare: 0.5, rounds: 2, baseSteps: 1500, roundSteps: 300, batch: 32, lr: 3e-3, roundLr: 1e-3, evalCount: 100, scCount: 10 },
      // About 7× the quick run's work (6 sizes to c250k, 2.5× the base steps, 3× the round steps, 4× the
      // pool, 5-6× the test problems); measured in session 8 (docs/experiments/self-improve.md).
      expected: 'about 20 minutes on 2 cores (1,183 s measured, beside two lower-priority jobs)', expectedSeconds: 1183, jobs: 2,
    },
  },
  audit: { resamples: 300 },
  plan(p, seed): SiPlan {
    if (p.poolDigits < 2 || p.oodDigits <= p.poolDigits) throw new RangeError(`need 2 <= poolDigits < oodDigits, got ${p.poolDigits} and ${p.oodDigits}`);
    const labelledSet = labelledProblems(p.labelled, p.labelDigits, deriveSeed(seed, 'labelled'));
    const labelled = labelledSet.map(({ a, b }) => ({ input: `${a}+${b}=`, target: completionFor('scratchpad', a, b) }));
    const poolExamples = poolProblems(digitsFrom(2, p.poolDigits), p.poolCount, new Set(labelledSet.map(({ a, b }) => `${a}+${b}`)), deriveSeed(seed, 'pool'));
    const id = digitsFrom(2, p.poolDigits);
    const test = (name: string, digits: number[], count: number): Task => additionTask(name, additionTestExamples(digits, count, deriveSeed(seed, 'test', name)), `addition test split: ${digits.join(', ')} digits, ${count} per length`);
    return {
      members: [], sizes: p.sizes, labelled, labelDigits: p.labelDigits, poolDigits: p.poolDigits, oodDigits: p.oodDigits,
      base: { steps: p.baseSteps, batch: p.batch, lr: p.lr, warmup: Math.min(100, Math.ceil(p.baseSteps / 10)), seed: deriveSeed(seed, 'train', 'base') },
      round: (r) => ({ steps: p.roundSteps, batch: p.batch, lr: p.roundLr, warmup: Math.min(20, Math.ceil(p.roundSteps / 10)), seed: deriveSeed(seed, 'train', 'round', r) }),
      rounds: p.rounds, paths: p.paths, temperature: p.temperature, minShare: p.minShare,
      pool: additionTask('add-unlabelled-pool', poolExamples, `unlabelled pool: train split, ${id.join(', ')} digits, up to ${p.poolCount} per length outside the labelled set`),
      labels: new Map(poolExamples.map((e) => [e.id, e.targets[0]!])),
      tasks: {
        id: test('add-in-pool-lengths', id, p.evalCount), ood: test('add-beyond-pool', [p.oodDigits], p.evalCount),
        scId: test('add-sc-in-pool-lengths', id, p.scCount), scOod: test('add-sc-beyond-pool', [p.oodDigits], p.scCount),
      },
    };
  },
  async samples(plan, ctx): Promise<SiOut> {
    const longest = plan.oodDigits;
    const common = { shots: 0, maxTokens: sequenceLength('scratchpad', longest) - (2 * longest + 2), stop: ['\n'], metrics: ['exact_match'], scoreTargets: false, answer: 'marker' as const, answerMarker: ANSWER_MARKER };
    const sampling = { ...common, temperature: plan.temperature, samplesPerExample: plan.paths };
    const labelledRef = ctx.corpus('labelled', plan.labelled);
    ctx.progress('training the base models on the labelled set');
    const trained = new Map<string, TrainedMember>();
    const spec = (size: string, arm: Arm | 'base', round: number, corpora: CotTrainConfig['corpora'], parent: TrainedMember | null): MemberSpec => ({
      name: memberName(size, arm, round), family: familyOf(arm, round), arch: 'cot',
      spec: { cfg: cotConfig(plan, size, round === 0 ? plan.labelDigits : plan.poolDigits, round === 0 ? plan.base : plan.round(round), corpora), ...(parent ? { parent: { file: parent.file, identity: parent.identity } } : {}) },
    });
    for (const m of await ctx.train(plan.sizes.map((size) => spec(size, 'base', 0, [{ corpus: labelledRef, share: 1 }], null)))) trained.set(m.name, m);
    const parentOf = (size: string, arm: Arm, round: number): TrainedMember => trained.get(round === 1 ? memberName(size, 'base', 0) : memberName(size, arm, round - 1))!;

    const selection: SelectionRow[] = [];
    for (let round = 1; round <= plan.rounds; round++) {
      // The models that sample this round's paths: round 1 shares the base model among the filters.
      const samplers = [...new Set(plan.sizes.flatMap((size) => FILTER_ARMS.map((arm) => parentOf(size, arm, round))))];
      ctx.progress(`round ${round}: sampling ${plan.paths} paths per pool question`);
      const runs = await evaluateByFamily(ctx, samplers, { ...sampling, tasks: [plan.pool] });
      const kept = new Map<string, CorpusRef | null>();
      for (const size of plan.sizes) {
        for (const arm of FILTER_ARMS) {
          const parent = parentOf(size, arm, round);
          const run = runs.find((r) => r.member === parent.name)!;
          const s = selectPaths(await poolSamples(ctx, run), extract, plan.labels, plan.minShare)[arm];
          selection.push({ size, arm, round, sampledBy: parent.name, keptPaths: s.kept.length, keptFraction: s.keptFraction, precision: s.precision });
          // Nothing kept: the round trains on the labelled set alone (as the extra-steps control does).
          kept.set(`${size}/${arm}`, s.kept.length === 0 ? null : ctx.corpus(`${size}-${arm}-r${round}`, s.kept.map((k) => ({ input: k.prompt, target: `${k.path}\n` }))));
          ctx.log(`${size} ${arm} round ${round}: ${s.kept.length} paths kept from ${(100 * s.keptFraction).toFixed(0)}% of the pool, precision ${s.precision === null ? '–' : s.precision.toFixed(3)}`);
        }
      }
      const specs = plan.sizes.flatMap((size) => ARMS.map((arm) => {
        const ref = arm === 'labelled' ? null : kept.get(`${size}/${arm}`)!;
        const corpora = ref === null ? [{ corpus: labelledRef, share: 1 }] : [{ corpus: ref, share: 0.5 }, { corpus: labelledRef, share: 0.5 }];
        return spec(size, arm, round, corpora, parentOf(size, arm, round));
      }));
      ctx.progress(`round ${round}: fine-tuning`);
      for (const m of await ctx.train(specs)) trained.set(m.name, m);
    }

    const all = [...trained.values()];
    const greedy = await evaluateByFamily(ctx, all, { ...common, tasks: [plan.tasks.id, plan.tasks.ood] });
    const voted = await evaluateByFamily(ctx, all, { ...sampling, tasks: [plan.tasks.scId, plan.tasks.scOod] });
    const params = (size: string): number => trained.get(memberName(size, 'base', 0))!.params;
    const size = (m: TrainedMember): { name: string; params: number } => {
      const name = m.name.split('-')[0]!;
      return { name, params: params(name) };
    };
    const idItems = await itemScores(ctx, greedy, all, plan.tasks.id.id, size);
    const oodItems = await itemScores(ctx, greedy, all, plan.tasks.ood.id, size);
    const scId = await selfConsistency(ctx, voted, all, 'scratchpad', plan.tasks.scId.id, [plan.paths]);
    const scOod = await selfConsistency(ctx, voted, all, 'scratchpad', plan.tasks.scOod.id, [plan.paths]);
    const at = <T>(xs: readonly T[], m: TrainedMember): T | undefined => xs[all.indexOf(m)];
    const rows: MemberRow[] = all.map((m) => {
      const [sizeName, armName, r] = m.name.split('-') as [string, string, string | undefined];
      return {
        member: m.name, size: sizeName, params: params(sizeName), arm: armName as Arm | 'base', round: r === undefined ? 0 : Number(r.slice(1)),
        greedyId: mean(at(idItems, m)?.scores ?? []), greedyOod: mean(at(oodItems, m)?.scores ?? []),
        scId: scId.find((p) => p.member === m.name)?.byK[0]?.accuracy ?? null, scOod: scOod.find((p) => p.member === m.name)?.byK[0]?.accuracy ?? null,
      };
    });
    // The gain is over the extra-steps control, not over the base: both had the same extra steps,
    // so the difference is what the kept paths brought (b = method, a = control; positive: method ahead).
    const last = plan.rounds;
    const variant = (arm: Arm): { higherIsBetter: true; points: ItemPoint[] } => ({ higherIsBetter: true, points: plan.sizes.map((s) => ({ ...idItems[all.indexOf(trained.get(memberName(s, arm, last))!)]!, model: s })) });
    const crossover = crossoverOfSamples(variant('labelled'), variant('majority'), { seed: deriveSeed(ctx.seed, 'crossover'), streamLabel: 'gain', level: 0.9, resamples: 1000 });
    return { rows, selection, crossover, rounds: plan.rounds, paths: plan.paths, poolQuestions: plan.pool.examples.length, digits: { labelled: plan.labelDigits, pool: plan.poolDigits, ood: plan.oodDigits } };
  },
  findings: selfImproveFindings,
});
