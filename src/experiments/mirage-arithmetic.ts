import { deriveSeed } from '../core/random/derive-seed.js';
import type { AuditReport } from '../core/analysis/audit.js';
import { fmtNum } from '../report/format.js';
import { answerWidth, arithmeticTask, type Operation } from '../tasks/arithmetic.js';
import type { TrunkConfig } from '../zoo/trunk.js';
import { arithModelConfig, type ArithTrainConfig } from '../zoo/train-arith.js';
import { activeParamCount, NAMED_SIZES } from '../zoo/gpt.js';
import { ConfigError } from '../core/errors.js';
import { exactMatch } from '../core/metrics/exact-match.js';
import { loadStoredSamples } from '../store/duckdb-store.js';
import { loadUntilRecords } from '../harness/sample-until.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type TrainedMember } from './contract.js';
import { evaluateOverHttp } from './serve-eval.js';
import { forecastChart, jumpForecasts, resolutionChart, resolutionLines, resolutionRows, resolutionTable, type MemberProblems } from './mirage-resolution.js';

/**
 * A ladder of one depth, whose width alone varies (`w3` … `w256`, 252 to 0.8M parameters at 5-digit
 * addition, consecutive widths ×1.5 or ×1.33, ≤ 0.35 decades apart; the widths below 8 reach per-token
 * accuracy near chance, so the continuous metrics' rise can be seen over two decades): on the mixed ladder below, a
 * one-layer member learned where the two-layer members just above it did not (session 9's probes), so
 * size there is confounded with depth. Heads of 3 to 48 dimensions: one head up to width 8, two up to 32, four above.
 */
export const ONE_LAYER: Readonly<Record<string, TrunkConfig>> = Object.fromEntries([3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]
  .map((w) => [`w${w}`, { nLayer: 1, nHead: w <= 8 ? 1 : w <= 32 ? 2 : 4, nEmbd: w }]));

/**
 * The ladder: the engine's named sizes and one between each pair, so consecutive members are at
 * most ~0.4 decades apart (1.1K to 797K parameters, 11 sizes): where the jump sits, two or three
 * members resolve it rather than one step of half a decade.
 */
export const MIRAGE_SIZES: Readonly<Record<string, TrunkConfig>> = {
  xxs: NAMED_SIZES.xxs!,
  m2k: { nLayer: 1, nHead: 2, nEmbd: 12 },
  xs: NAMED_SIZES.xs!,
  m7k: { nLayer: 1, nHead: 2, nEmbd: 24 },
  s: NAMED_SIZES.s!,
  m25k: { nLayer: 2, nHead: 2, nEmbd: 32 },
  m: NAMED_SIZES.m!,
  m110k: { nLayer: 3, nHead: 4, nEmbd: 56 },
  l: NAMED_SIZES.l!,
  m440k: { nLayer: 4, nHead: 4, nEmbd: 96 },
  xl: NAMED_SIZES.xl!,
  ...ONE_LAYER,
};
/**
 * A member's peak learning rate: members wider than `from` take smaller steps (Adam's update per
 * weight is about lr whatever the width, and a wider layer sums more of them, so the stable rate
 * falls with width, as in μP's 1/width rule for hidden layers; Yang et al. 2022). Narrower members
 * keep lr rather than taking larger steps: in session 10's probes a larger rate made the 2.3K member
 * learn 5-digit addition in one seed of two and not the other, trading a stable small end for a
 * noisier one, while at lr the small end rose monotonically.
 */
export function memberLr(lr: number, width: number, exponent: number, from: number): number {
  return width <= from ? lr : lr * (from / width) ** exponent;
}

/**
 * Schaeffer, Miranda & Koyejo 2023's central experiment on the lab's own models: a ladder of
 * transformer sizes trained on n-digit addition (or multiplication), served over the OpenAI API, evaluated through the
 * harness over HTTP, every sample stored, and the family audited under exact match (discontinuous)
 * and token edit distance, per-token accuracy and target log-likelihood (continuous), all computed
 * from the same outputs.
 */
const parameters = {
  sizes: { kind: 'names', choices: Object.keys(MIRAGE_SIZES), help: 'the ladder of transformer sizes' },
  operation: { kind: 'choice', choices: ['add', 'mul'], help: 'the arithmetic every member learns: n-digit addition or multiplication' },
  digits: { kind: 'int', min: 1, max: 5, help: 'digits of each operand' },
  answerOrder: { kind: 'choice', choices: ['msd', 'lsd'], help: 'the answer as trained and scored: most significant digit first, or least (each digit then follows from its place and the carry just written; Lee et al. 2023)' },
  seeds: { kind: 'int', min: 1, max: 10, help: 'members per size, each its own initialisation and batch order; the audit averages them and reports their spread' },
  steps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of the smallest member (of every member at --steps-exponent 0)' },
  stepsExponent: { kind: 'number', min: 0, max: 1, help: 'a member of N parameters trains steps·(N/N₀)^e steps, N₀ the smallest size\'s: 0 the same tokens for all, 1 tokens in proportion to parameters (compute-optimal recipes scale so)' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'problems per training step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay) of a member at most --lr-width wide' },
  lrWidth: { kind: 'int', min: 1, max: 4096, help: 'the width above which the rate falls: a member of width C > W trains at lr·(W/C)^e' },
  lrWidthExponent: { kind: 'number', min: 0, max: 1, help: 'e in lr·(W/C)^e for members wider than W: 0 one rate for all, 0.5 the rate falling as 1/√width' },
  evalCount: { kind: 'int', min: 1, max: 100_000, help: 'held-out test problems every member answers' },
  passProblems: { kind: 'int', min: 0, max: 100_000, help: 'test problems also sampled at temperature 1 until k successes or the cap (0: none)' },
  passK: { kind: 'int', min: 2, max: 1000, help: 'successes to sample per problem before stopping (k >= 2: the unbiased estimate (k-1)/(m-1))' },
  passCap: { kind: 'int', min: 1, max: 1_000_000, help: 'most draws per problem when sampling until k' },
  passBatch: { kind: 'int', min: 1, max: 16, help: 'draws asked per request (the API\'s n)' },
} as const satisfies ParamSchema;

/**
 * The budgets' family (sessions 9–12's probes, docs/experiments/mirage-arithmetic.md): one layer,
 * width alone varying from 3 to 48 (252 to 30K parameters, 2.07 decades, ≤ 0.18 decades apart),
 * 5-digit addition written least significant digit first, steps growing as N^0.2 (1,200 at the
 * smallest, 3,124 at w48). The ladder stops at w48, where a member's chance of learning peaks
 * (about 0.95 at 30K, about 0.75 at every width from 52K to 203K whatever the steps or rate tried);
 * the μP rate rule (lr·48/width above width 48) applies only to sizes a user adds above it.
 */
const ONE_LAYER_PLAN = {
  sizes: ['w3', 'w4', 'w6', 'w8', 'w12', 'w16', 'w24', 'w32', 'w48'], operation: 'add', digits: 5, answerOrder: 'lsd',
  steps: 1200, stepsExponent: 0.2, batch: 64, lr: 3e-3, lrWidth: 48, lrWidthExponent: 1, passBatch: 16,
} as const;

export const MIRAGE_METRICS = ['exact_match', 'token_edit_distance', 'normalized_token_edit_distance', 'per_token_accuracy', 'target_loglik'] as const;

interface MiragePlan {
  readonly members: readonly MemberSpec[];
  /** Each member's size: replicates of a size are one model to the store and the audit. */
  readonly sizeOf: Readonly<Record<string, string>>;
  /** Each size's training steps. */
  readonly stepsOf: Readonly<Record<string, number>>;
  readonly seeds: number;
  readonly batch: number;
  readonly operation: Operation;
  readonly digits: number;
  readonly reverse: boolean;
  readonly evalCount: number;
  readonly until: { readonly problems: number; readonly k: number; readonly cap: number; readonly batch: number };
  /** The seed tree's root: the resolution intervals' bootstrap draws from it. */
  readonly seed: number;
}


/** Breakthroughness of one metric's curve, or null. */
const breakthrough = (report: AuditReport, metric: string): number | null => report.verdicts.find((v) => v.key.metric === metric)?.measures.breakthroughness ?? null;

export const mirageArithmetic = defineExperiment({
  id: 'mirage-arithmetic',
  question: 'Does addition look emergent under exact match but smooth under per-token metrics of the same outputs?',
  citation: 'Schaeffer, Miranda & Koyejo 2023, "Are Emergent Abilities of Large Language Models a Mirage?" (NeurIPS), §3',
  about: `A ladder of transformer sizes (by default ${ONE_LAYER_PLAN.sizes.length} one-layer widths, 252 to 30K parameters, several seeds each) trained on n-digit addition (or multiplication), served over the OpenAI API on 127.0.0.1, evaluated through the harness over HTTP, and audited under exact match beside token edit distance, per-token accuracy and the target's log-likelihood, all scored from the same stored outputs; then the resolution of a small model's "0": per size, greedy exact match beside the exact probability of sampling the target (from the stored log-likelihoods) and a pass rate sampled until k successes, with their detection floors, and the forecast of where exact match crosses 50% from the smaller half.`,
  parameters,
  budgets: {
    quick: { params: { ...ONE_LAYER_PLAN, seeds: 3, evalCount: 300, passProblems: 100, passK: 2, passCap: 200 }, expected: 'about 2 minutes on 2 cores (117 s measured alone: 27 members, the sampled pass included)', expectedSeconds: 117, jobs: 2 },
    full: { params: { ...ONE_LAYER_PLAN, seeds: 10, evalCount: 1000, passProblems: 100, passK: 2, passCap: 300 }, expected: 'about 9 minutes on 2 cores (545 s measured alone: 90 members, 90,000 test answers, 1,827,304 draws)', expectedSeconds: 545, jobs: 2 },
  },
  audit: { resamples: 500 },
  plan(p, seed): MiragePlan {
    // At one seed every size sees the same problems in the same order: only the model differs along the
    // ladder. Replicate r > 0 of every size draws its initialisation and batches from its own seed.
    const operation = p.operation as Operation;
    const sizeOf: Record<string, string> = {};
    const paramsOf = (size: string): number => activeParamCount(arithModelConfig({ digits: p.digits, operation, model: MIRAGE_SIZES[size]! }));
    const smallest = Math.min(...p.sizes.map(paramsOf));
    const stepsOf = Object.fromEntries(p.sizes.map((size) => [size, Math.round(p.steps * (paramsOf(size) / smallest) ** p.stepsExponent)]));
    const members = p.sizes.flatMap((size) => Array.from({ length: p.seeds }, (_, r): MemberSpec => {
      const name = p.seeds === 1 ? size : `${size}-r${r}`;
      sizeOf[name] = size;
      const cfg: ArithTrainConfig = {
        digits: p.digits, operation, model: MIRAGE_SIZES[size]!, steps: stepsOf[size]!, batch: p.batch, lr: memberLr(p.lr, MIRAGE_SIZES[size]!.nEmbd, p.lrWidthExponent, p.lrWidth), warmup: 50, weightDecay: 0.1,
        seed: r === 0 ? deriveSeed(seed, 'train') : deriveSeed(seed, 'train', r), evalEvery: 0, evalSize: 200,
        ...(p.answerOrder === 'lsd' ? { reverseAnswer: true } : {}),
      };
      return { name, family: 'lab-arith', arch: 'arith', spec: { cfg } };
    }));
    // The generator's test split is a tenth of the problem space, and it draws at most 90% of it: 729 problems for 2-digit operands.
    const span = 10 ** p.digits - (p.digits === 1 ? 0 : 10 ** (p.digits - 1));
    const testable = Math.floor(span * span * 0.1 * 0.9);
    if (p.evalCount > testable) throw new ConfigError(`${p.evalCount} test problems asked of ${p.digits}-digit ${operation}, whose test split holds at most ${testable}`, { code: 'USAGE', field: '--eval-count', hint: `give --eval-count at most ${testable}, or more --digits` });
    if (p.passProblems > 0 && p.passCap < p.passK) throw new ConfigError(`${p.passCap} draws cannot hold ${p.passK} successes`, { code: 'USAGE', field: '--pass-cap', hint: 'give --pass-cap at least --pass-k' });
    return { members, sizeOf, stepsOf, seeds: p.seeds, batch: p.batch, operation, digits: p.digits, reverse: p.answerOrder === 'lsd', evalCount: p.evalCount, until: { problems: Math.min(p.passProblems, p.evalCount), k: p.passK, cap: p.passCap, batch: p.passBatch }, seed };
  },
  async samples(plan, ctx) {
    // Targets in the models' own format: answers zero-padded to a fixed width (digits + 1 for a sum, 2·digits for a product),
    // reversed when the members were trained so: every metric then reads the answer in the order the model wrote it.
    const width = answerWidth(plan.digits, plan.operation);
    const task = arithmeticTask(`${plan.operation}${plan.digits}`, { digits: plan.digits, operation: plan.operation, count: plan.evalCount, seed: deriveSeed(ctx.seed, 'test-problems'), padAnswer: true, reverseAnswer: plan.reverse });
    const members = await ctx.trained();
    const runs = await evaluateOverHttp(ctx, members, {
      family: 'lab-arith', tasks: [task], shots: 0, maxTokens: width + 1, stop: ['\n'], metrics: MIRAGE_METRICS,
      // Replicates of a size are one model with several seeds: the audit averages them.
      ...(plan.seeds > 1 ? { replicate: (m: TrainedMember) => ({ model: plan.sizeOf[m.name]!, seed: deriveSeed(ctx.seed, 'eval', m.name) }) } : {}),
      // The sampled pass has no stop sequence: at most width + 1 tokens, so a right draw is the answer and its '\n', and the
      // draw's log-probability includes the '\n' that the echo of the target alone leaves out.
      ...(plan.until.problems > 0 ? { until: { ...plan.until, temperature: 1, stop: [] } } : {}),
    });
    // Per size, what the resolution estimators read: each problem's greedy exact match and its target's teacher-forced
    // log-probability, pooled over the size's replicates (replicate r's problem is its own draw, `<size>-r<r>:<id>`). The
    // intervals then resample problems, not replicates: they compare two estimators on the same members, not the size's spread.
    const bySize = new Map<string, { params: number; problems: MemberProblems['problems'][number][]; until: NonNullable<MemberProblems['until']>[number][] | null }>();
    for (const run of runs) {
      const m = members.find((x) => x.name === run.member)!;
      const size = plan.sizeOf[m.name]!;
      const tag = size === m.name ? '' : `${m.name}:`;
      const samples = await loadStoredSamples(ctx.store, run.runId, size, run.task);
      const at = bySize.get(size) ?? { params: m.params, problems: [], until: run.untilRunId === null ? null : [] };
      bySize.set(size, at);
      for (const s of samples) {
        if (s.targetTokenLogprobs === null) throw new RangeError(`${run.member}: sample ${s.id} has no target log-probabilities (the server's echo)`);
        at.problems.push({ exampleId: tag + s.exampleId, greedy: exactMatch(s.output ?? '', s.targets) === 1, logProbability: s.targetTokenLogprobs.reduce((a, b) => a + b, 0) });
      }
      if (run.untilRunId !== null) for (const u of await loadUntilRecords(ctx.store, run.untilRunId, size, run.task)) at.until!.push({ ...u, exampleId: tag + u.exampleId });
    }
    return [...bySize].map(([member, v]): MemberProblems => ({ member, ...v }));
  },
  findings({ plan, out, members, report, curves }) {
    const em = breakthrough(report, 'exact_match');
    const ted = breakthrough(report, 'token_edit_distance');
    const ladder = [...new Set(plan.members.map((m) => plan.sizeOf[m.name]!))].map((size) => {
      const mine = members.filter((m) => plan.sizeOf[m.name] === size);
      return { name: size, params: mine[0]!.params, steps: plan.stepsOf[size]!, seeds: mine.length, trainSeconds: mine.reduce((a, m) => a + m.seconds, 0) };
    });
    const rule = { k: plan.until.k, cap: plan.until.cap };
    const rows = resolutionRows(out, rule, plan.seed, 2000);
    // Half of fewer than 4 sizes is one: nothing to extrapolate from.
    const forecasts = rows.length >= 4 ? jumpForecasts(rows, curves, answerWidth(plan.digits, plan.operation)) : null;
    const resolution = resolutionLines(rows, forecasts);
    return {
      title: 'Mirage: arithmetic on the lab’s own transformer ladder',
      before: resolutionTable(rows, rule),
      lines: [
        `Ladder: ${ladder.map((l) => `${l.name} ${l.params.toLocaleString('en')}`).join(', ')} parameters (${(ladder.at(-1)!.params / ladder[0]!.params).toFixed(0)}x)${plan.seeds > 1 ? `, ${plan.seeds} seeds per size: every point is their mean` : ''}.`,
        ...(ladder.some((l) => l.steps !== ladder[0]!.steps) ? [`Training steps by size (batch ${plan.batch}, more for the wider members): ${ladder.map((l) => `${l.name} ${l.steps.toLocaleString('en')}`).join(', ')}.`] : []),
        `Breakthroughness on the same outputs: exact match ${fmtNum(em)}, token edit distance ${fmtNum(ted)}${em !== null && ted !== null && ted !== 0 ? ` (ratio ${fmtNum(em / ted)})` : ''}.`,
        ...resolution,
      ],
      // The forecast sentence is the last of the resolution lines when there is a forecast.
      charts: [resolutionChart(rows, rule), ...(forecasts ? [forecastChart(rows, forecasts, answerWidth(plan.digits, plan.operation), resolution.at(-1)!)] : [])],
      data: { ladder, breakthroughness: { exact_match: em, token_edit_distance: ted }, resolution: { rule: { ...rule, problems: plan.until.problems, temperature: 1 }, sizes: rows }, forecasts },
    };
  },
});
