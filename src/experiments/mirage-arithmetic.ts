import { deriveSeed } from '../core/random/derive-seed.js';
import type { AuditReport } from '../core/analysis/audit.js';
import { fmtNum } from '../report/format.js';
import { arithmeticTask } from '../tasks/arithmetic.js';
import { NAMED_SIZES } from '../zoo/gpt.js';
import { answerWidth, type ArithTrainConfig } from '../zoo/train-arith.js';
import { defineExperiment, type MemberSpec, type ParamSchema } from './contract.js';
import { evaluateOverHttp } from './serve-eval.js';

/**
 * Schaeffer, Miranda & Koyejo 2023's central experiment on the lab's own models: a ladder of
 * transformer sizes trained on n-digit addition, served over the OpenAI API, evaluated through the
 * harness over HTTP, every sample stored, and the family audited under exact match (discontinuous)
 * and token edit distance, per-token accuracy and target log-likelihood (continuous), all computed
 * from the same outputs.
 */
const parameters = {
  sizes: { kind: 'names', choices: Object.keys(NAMED_SIZES), help: 'the ladder of named transformer sizes' },
  digits: { kind: 'int', min: 1, max: 5, help: 'digits of each operand' },
  steps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every member' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'problems per training step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay)' },
  evalCount: { kind: 'int', min: 1, max: 100_000, help: 'held-out test problems every member answers' },
} as const satisfies ParamSchema;

export const MIRAGE_METRICS = ['exact_match', 'token_edit_distance', 'normalized_token_edit_distance', 'per_token_accuracy', 'target_loglik'] as const;

interface MiragePlan {
  readonly members: readonly MemberSpec[];
  readonly digits: number;
  readonly evalCount: number;
}

const ALL = Object.keys(NAMED_SIZES);

/** Breakthroughness of one metric's curve, or null. */
const breakthrough = (report: AuditReport, metric: string): number | null => report.verdicts.find((v) => v.key.metric === metric)?.measures.breakthroughness ?? null;

export const mirageArithmetic = defineExperiment({
  id: 'mirage-arithmetic',
  question: 'Does addition look emergent under exact match but smooth under per-token metrics of the same outputs?',
  citation: 'Schaeffer, Miranda & Koyejo 2023, "Are Emergent Abilities of Large Language Models a Mirage?" (NeurIPS), §3',
  about: `A ladder of ${ALL.length} transformer sizes trained on n-digit addition, served over the OpenAI API on 127.0.0.1, evaluated through the harness over HTTP, and audited under exact match beside token edit distance, per-token accuracy and the target's log-likelihood, all scored from the same stored outputs.`,
  parameters,
  budgets: {
    quick: { params: { sizes: ALL, digits: 3, steps: 700, batch: 64, lr: 3e-3, evalCount: 300 }, expected: 'about 1 minute on 2 cores (43 s measured)', expectedSeconds: 43, jobs: 2 },
    full: { params: { sizes: ALL, digits: 3, steps: 3000, batch: 64, lr: 3e-3, evalCount: 1000 }, expected: 'about 4 minutes on 2 cores (212 s measured)', expectedSeconds: 212, jobs: 2 },
  },
  audit: { resamples: 500 },
  plan(p, seed): MiragePlan {
    // Every size sees the same problems in the same order: only the model differs along the ladder.
    const train = deriveSeed(seed, 'train');
    const members = p.sizes.map((name): MemberSpec => {
      const cfg: ArithTrainConfig = {
        digits: p.digits, operation: 'add', model: NAMED_SIZES[name]!, steps: p.steps, batch: p.batch, lr: p.lr, warmup: 50, weightDecay: 0.1, seed: train, evalEvery: 0, evalSize: 200,
      };
      return { name, family: 'lab-arith', arch: 'arith', spec: { cfg } };
    });
    return { members, digits: p.digits, evalCount: p.evalCount };
  },
  async samples(plan, ctx) {
    // Targets in the models' own format: answers zero-padded to digits + 1.
    const task = arithmeticTask(`add${plan.digits}`, { digits: plan.digits, operation: 'add', count: plan.evalCount, seed: deriveSeed(ctx.seed, 'test-problems'), padAnswer: true });
    const members = await ctx.trained();
    await evaluateOverHttp(ctx, members, { family: 'lab-arith', tasks: [task], shots: 0, maxTokens: answerWidth(plan.digits, 'add') + 1, stop: ['\n'], metrics: MIRAGE_METRICS });
    return null;
  },
  findings({ members, report }) {
    const em = breakthrough(report, 'exact_match');
    const ted = breakthrough(report, 'token_edit_distance');
    const ladder = members.map((m) => ({ name: m.name, params: m.params, trainSeconds: m.seconds }));
    return {
      title: 'Mirage: arithmetic on the lab’s own transformer ladder',
      before: '',
      lines: [
        `Ladder: ${ladder.map((l) => `${l.name} ${l.params.toLocaleString('en')}`).join(', ')} parameters (${(ladder.at(-1)!.params / ladder[0]!.params).toFixed(0)}x).`,
        `Breakthroughness on the same outputs: exact match ${fmtNum(em)}, token edit distance ${fmtNum(ted)}${em !== null && ted !== null && ted !== 0 ? ` (ratio ${fmtNum(em / ted)})` : ''}.`,
      ],
      charts: [],
      data: { ladder, breakthroughness: { exact_match: em, token_edit_distance: ted } },
    };
  },
});
