import { crossoverOfSamples, type ItemPoint } from '../core/crossover/index.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import type { Task } from '../core/types.js';
import { majorityVote } from '../tasks/prompt.js';
import { ANSWER_MARKER, additionTestExamples, extractAdditionAnswer, type AnswerStyle } from '../tasks/scratchpad.js';
import type { TrunkConfig } from '../zoo/trunk.js';
import { sequenceLength, type CotTrainConfig } from '../zoo/train-cot.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type SampleContext, type TrainedMember } from './contract.js';
import { cotFindings, type CotOut, type ScPoint } from './cot-findings.js';
import { evaluateOverHttp, itemScores, type EvaluatedRun } from './serve-eval.js';

/**
 * Seed 001 (Yao Fu et al., "A Closer Look at Large Language Models' Emergent Abilities") on the lab's
 * own models: is step-by-step reasoning an ability that arrives with scale? A ladder of sizes, each
 * trained twice on the same addition problems of 1–6 digits, once on direct answers and once on a
 * scratchpad of digit steps with carries (tasks/scratchpad.ts). Every member is served over HTTP and
 * asked through the harness: greedy answers in distribution and at 7–8 digits (out of distribution),
 * and K sampled answers at a temperature with a majority vote (self-consistency, Wang et al. 2022),
 * the same for direct models as a control.
 */
export const COT_SIZES: Readonly<Record<string, TrunkConfig>> = {
  c10k: { nLayer: 1, nHead: 2, nEmbd: 24 },
  c20k: { nLayer: 2, nHead: 2, nEmbd: 24 },
  c30k: { nLayer: 2, nHead: 2, nEmbd: 32 },
  c50k: { nLayer: 2, nHead: 4, nEmbd: 40 },
  c100k: { nLayer: 3, nHead: 4, nEmbd: 52 },
  c250k: { nLayer: 3, nHead: 4, nEmbd: 80 },
  c500k: { nLayer: 4, nHead: 4, nEmbd: 100 },
  c1m: { nLayer: 5, nHead: 4, nEmbd: 128 },
  c2m: { nLayer: 6, nHead: 6, nEmbd: 168 },
};
export const STYLES: readonly AnswerStyle[] = ['direct', 'scratchpad'];
export const SC_K = [1, 5, 10, 20] as const;

const parameters = {
  sizes: { kind: 'names', choices: Object.keys(COT_SIZES), help: 'the ladder of transformer sizes (each trained twice)' },
  maxDigits: { kind: 'int', min: 1, max: 7, help: 'operands of 1 to this many digits in training and in the in-distribution test' },
  oodDigits: { kind: 'numbers', min: 2, max: 9, help: 'operand lengths asked out of distribution (beyond training)' },
  steps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every member' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'problems per training step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay)' },
  evalCount: { kind: 'int', min: 1, max: 100_000, help: 'greedy test problems per operand length' },
  scCount: { kind: 'int', min: 1, max: 100_000, help: 'self-consistency problems per in-distribution operand length' },
  samples: { kind: 'int', min: 1, max: 64, help: 'sampled answers per self-consistency problem (votes over the first K of them, K in 1, 5, 10, 20)' },
  temperature: { kind: 'number', min: 0.01, max: 2, help: 'sampling temperature of self-consistency' },
  positions: { kind: 'choice', choices: ['fixed', 'shifted'], help: 'training rows start at position 0 (fixed), or at random places in the position table so every position embedding is trained (shifted, randomized positions)' },
} as const satisfies ParamSchema;

interface CotPlan {
  readonly members: readonly MemberSpec[];
  readonly maxDigits: number;
  readonly oodDigits: readonly number[];
  readonly tasks: { readonly id: Task; readonly ood: Task; readonly sc: Task };
  readonly samples: number;
  readonly temperature: number;
}

const familyOf = (style: AnswerStyle): string => `lab-cot-${style}`;

function additionTask(id: string, digits: readonly number[], count: number, seed: number): Task {
  return {
    id, kind: 'generate', examples: additionTestExamples(digits, count, seed), shotPool: null,
    format: { taskPrefix: '', inputPrefix: '', outputPrefix: '', separator: '\n' },
    outputRegex: '^\\s*(\\d+)', metrics: ['exact_match'], preferredMetric: 'exact_match',
    source: `addition: ${digits.join(', ')} digits, ${count} per length, seed ${seed}`,
  };
}

/** Self-consistency from the stored paths: the majority of the first K extracted answers, scored against the target. */
export async function selfConsistency(ctx: SampleContext, runs: readonly EvaluatedRun[], members: readonly TrainedMember[], style: AnswerStyle, taskId: string, ks: readonly number[] = SC_K): Promise<ScPoint[]> {
  const out: ScPoint[] = [];
  for (const m of members) {
    const run = runs.find((r) => r.member === m.name && r.task === taskId);
    if (!run) continue;
    const rows = await ctx.store.query('SELECT paths, targets FROM samples WHERE run_id = ? AND error IS NULL', [run.runId]);
    const byK = ks.map((k) => {
      let right = 0;
      let n = 0;
      for (const r of rows) {
        const paths = JSON.parse(String(r.paths)) as string[];
        if (paths.length < k) continue;
        const target = (JSON.parse(String(r.targets)) as string[])[0]!;
        if (majorityVote(paths.slice(0, k).map((p) => extractAdditionAnswer(style, p))) === target) right++;
        n++;
      }
      return { k, accuracy: n === 0 ? null : right / n, problems: n };
    });
    out.push({ member: m.name, style, params: m.params, byK });
  }
  return out;
}

export const cotCrossover = defineExperiment({
  id: 'cot-crossover',
  question: 'Does answering through a scratchpad overtake answering directly only above some model size, and where?',
  citation: 'Yao Fu et al. 2023, "A Closer Look at Large Language Models\' Emergent Abilities" (seed 001); Nye et al. 2021 (scratchpads); Wang et al. 2022 (self-consistency)',
  about: 'A ladder of transformer sizes, each trained twice on the same 1-6 digit additions: direct answers ("123+459=582") and a scratchpad of right-to-left digit steps with carries, then the answer after a marker. Served over the OpenAI API on 127.0.0.1 and asked through the harness: greedy exact match in distribution and at 7-8 digits, and self-consistency (majority of K sampled answers at T = 0.7, K in 1, 5, 10, 20) for both styles.',
  parameters,
  budgets: {
    quick: { params: { sizes: ['c10k', 'c20k', 'c30k', 'c50k', 'c100k', 'c250k', 'c1m'], maxDigits: 6, oodDigits: [7, 8], steps: 1500, batch: 32, lr: 3e-3, evalCount: 50, scCount: 10, samples: 20, temperature: 0.7, positions: 'fixed' }, expected: 'about 15 minutes on 2 cores (918 s measured beside other work)', expectedSeconds: 918, jobs: 2 },
    // Twice the quick budget's training per member, plus the 2M size: about 2 × 750 s for the quick
    // ladder and ~65 min for c2m's pair on one lane each (its scratchpad member ~2.5× c1m's cost).
    full: { params: { sizes: Object.keys(COT_SIZES), maxDigits: 6, oodDigits: [7, 8], steps: 3000, batch: 32, lr: 3e-3, evalCount: 200, scCount: 40, samples: 20, temperature: 0.7, positions: 'fixed' }, expected: 'about 75 minutes on 2 cores (estimated from the quick run; not yet run)', expectedSeconds: 4500, jobs: 2 },
  },
  audit: { resamples: 500 },
  plan(p, seed): CotPlan {
    // Both styles of one size share the problem stream (the same seed): only the targets differ.
    const train = deriveSeed(seed, 'train');
    const evalDigits = Math.max(p.maxDigits, ...p.oodDigits);
    const members = p.sizes.flatMap((size) => STYLES.map((style): MemberSpec => {
      // Shifted positions train every position embedding, so the out-of-distribution lengths test
      // the algorithm rather than untrained embeddings; at the quick budget they also slow learning
      // in distribution (docs/experiments/cot-crossover.md), so fixed is the budgets' design.
      const cfg: CotTrainConfig = { style, minDigits: 1, maxDigits: p.maxDigits, evalDigits, ...(p.positions === 'shifted' ? { shiftPositions: true } : {}), model: COT_SIZES[size]!, steps: p.steps, batch: p.batch, lr: p.lr, warmup: 100, weightDecay: 0.1, seed: train };
      return { name: `${size}-${style}`, family: familyOf(style), arch: 'cot', spec: { cfg } };
    }));
    const id = Array.from({ length: p.maxDigits }, (_, i) => i + 1);
    return {
      members, maxDigits: p.maxDigits, oodDigits: p.oodDigits, samples: p.samples, temperature: p.temperature,
      tasks: {
        id: additionTask('add-in-distribution', id, p.evalCount, deriveSeed(seed, 'test', 'id')),
        ood: additionTask('add-out-of-distribution', p.oodDigits, p.evalCount, deriveSeed(seed, 'test', 'ood')),
        sc: additionTask('add-self-consistency', id, p.scCount, deriveSeed(seed, 'test', 'sc')),
      },
    };
  },
  async samples(plan, ctx): Promise<CotOut> {
    const all = await ctx.trained();
    const sc: ScPoint[] = [];
    const items: Record<AnswerStyle, { id: ItemPoint[]; ood: ItemPoint[] }> = { direct: { id: [], ood: [] }, scratchpad: { id: [], ood: [] } };
    // Both styles of a size at one point on the scale axis: the direct member's parameters (the
    // scratchpad twin differs only by its longer position table), so the difference pairs by size.
    const size = (m: TrainedMember): { name: string; params: number } => {
      const name = m.name.replace(/-(direct|scratchpad)$/, '');
      return { name, params: all.find((x) => x.name === `${name}-direct`)?.params ?? m.params };
    };
    for (const style of STYLES) {
      const members = all.filter((m) => m.family === familyOf(style));
      const longest = Math.max(plan.maxDigits, ...plan.oodDigits);
      const answer = style === 'scratchpad' ? { answer: 'marker' as const, answerMarker: ANSWER_MARKER } : { answer: 'regex' as const };
      const common = { family: familyOf(style), shots: 0, maxTokens: sequenceLength(style, longest) - (2 * longest + 2), stop: ['\n'], metrics: ['exact_match'], scoreTargets: false, ...answer };
      const greedy = await evaluateOverHttp(ctx, members, { ...common, tasks: [plan.tasks.id, plan.tasks.ood] });
      items[style] = { id: await itemScores(ctx, greedy, members, plan.tasks.id.id, size), ood: await itemScores(ctx, greedy, members, plan.tasks.ood.id, size) };
      const sampled = await evaluateOverHttp(ctx, members, { ...common, tasks: [plan.tasks.sc], temperature: plan.temperature, samplesPerExample: plan.samples });
      sc.push(...(await selfConsistency(ctx, sampled, members, style, plan.tasks.sc.id)));
    }
    const cross = (k: 'id' | 'ood') => crossoverOfSamples({ higherIsBetter: true, points: items.direct[k] }, { higherIsBetter: true, points: items.scratchpad[k] }, { seed: deriveSeed(ctx.seed, 'crossover'), streamLabel: k, level: 0.9, resamples: 1000 });
    return { sc, crossover: { inDistribution: cross('id'), outOfDistribution: cross('ood') } };
  },
  findings: cotFindings,
});
