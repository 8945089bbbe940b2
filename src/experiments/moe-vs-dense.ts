import { deriveSeed } from '../core/random/derive-seed.js';
import { blankSample } from '../core/sample.js';
import { contentId } from '../store/content-id.js';
import type { StoredSample } from '../store/duckdb-store.js';
import { activeParamCount, paramShapes, type GptConfig } from '../zoo/gpt.js';
import { forwardFlopsPerToken } from '../zoo/flops.js';
import type { MoeConfig } from '../zoo/moe.js';
import { moeLmModelConfig, type MoeLmTrainConfig } from '../zoo/train-moe.js';
import type { TrunkConfig } from '../zoo/trunk.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type TrainedMember } from './contract.js';
import { moeFindings, type MoeMemberOut } from './moe-findings.js';

/**
 * Sparse mixture of experts against dense at equal compute (Fedus, Zoph & Shazeer 2022; GLaM): a
 * dense ladder and Switch ladders (top-1 of E experts in every other block) of the same trunks, on the
 * same four-domain character corpus (tasks/domain-mix.ts) and schedule; at one size a top-2 variant
 * with half-width experts (the top-1 member's active FLOPs) and the α and capacity-factor ablations.
 * Each member's validation-loss curve (against steps, counted FLOPs and training wall-clock), its
 * routing (load CV, dropped share, router entropy, expert–domain mutual information) and its greedy
 * answers to held-out two-digit additions, stored and audited against total and active parameters.
 */
export const MOE_SIZES: Readonly<Record<string, TrunkConfig>> = {
  d16: { nLayer: 2, nHead: 2, nEmbd: 16 },
  d24: { nLayer: 2, nHead: 2, nEmbd: 24 },
  d32: { nLayer: 2, nHead: 2, nEmbd: 32 },
  d48: { nLayer: 2, nHead: 4, nEmbd: 48 },
  d64: { nLayer: 2, nHead: 4, nEmbd: 64 },
  d96: { nLayer: 2, nHead: 4, nEmbd: 96 },
};

/** The Switch paper's settings for the ladders: α 1e-2, capacity factor 1.25, MoE in every other block. */
export const SWITCH = { alpha: 0.01, capacityFactor: 1.25, every: 2 } as const;
export const ARITH_METRICS = ['exact_match', 'token_edit_distance'] as const;

const parameters = {
  sizes: { kind: 'names', choices: Object.keys(MOE_SIZES), help: 'trunk sizes of both ladders (2 blocks; MoE in block 1)' },
  experts: { kind: 'numbers', min: 2, max: 64, help: 'experts of each Switch ladder (top-1), one ladder per count' },
  ablationSize: { kind: 'choice', choices: Object.keys(MOE_SIZES), help: 'the size of the top-2 variant and the ablations' },
  ablationExperts: { kind: 'int', min: 2, max: 64, help: 'experts of the top-2 variant and the ablations' },
  alphas: { kind: 'numbers', min: 0, max: 1, help: 'load-balancing weights of the α ablation (the ladders use 1e-2)' },
  capacities: { kind: 'numbers', min: 0.25, max: 8, help: 'capacity factors of the capacity ablation (the ladders use 1.25)' },
  steps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every member' },
  batch: { kind: 'int', min: 1, max: 1024, help: 'rows per step' },
  context: { kind: 'int', min: 8, max: 256, help: 'characters per row' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay)' },
  evalEvery: { kind: 'int', min: 1, max: 1_000_000, help: 'steps between validation-loss evaluations' },
  evalRows: { kind: 'int', min: 1, max: 10_000, help: 'validation rows per domain' },
  arithCount: { kind: 'int', min: 1, max: 2000, help: 'held-out two-digit additions every member answers (stored)' },
} as const satisfies ParamSchema;

/** What a member is in the design: its ladder or ablation, and its MoE settings (null: dense). */
export interface MoeMemberInfo {
  readonly spec: MemberSpec & { readonly arch: 'moelm' };
  readonly size: string;
  /** 'dense', 'switch-e8' (a ladder), or an ablation: 'top2', 'alpha', 'capacity'. */
  readonly group: string;
  readonly moe: MoeConfig | null;
  readonly totalParams: number;
  readonly activeParams: number;
  /** Counted training FLOPs per step (3× forward per token × tokens). */
  readonly flopsPerStep: number;
}

export interface MoePlan {
  readonly members: readonly MemberSpec[];
  readonly info: readonly MoeMemberInfo[];
  readonly arithCount: number;
  readonly ablationSize: string;
  readonly ablationExperts: number;
}

export const moeVsDense = defineExperiment({
  id: 'moe-vs-dense',
  question: 'Does a sparse mixture of experts beat dense at equal compute, and against which scale — total parameters or active compute — does an ability look emergent?',
  citation: 'Fedus, Zoph & Shazeer 2022, "Switch Transformers" (JMLR); Du et al. 2022, "GLaM" (ICML)',
  about: 'A dense ladder and Switch ladders (top-1 of E experts in every other block, α 1e-2, capacity factor 1.25) on a four-domain character corpus (addition, a small grammar, copying, a Caesar cipher), with a top-2 variant at matched active FLOPs and α and capacity ablations at one size: validation loss against steps, counted FLOPs and wall-clock; load CV, dropped tokens, router entropy and expert–domain mutual information; held-out addition scored by exact match and token edit distance, audited against total and active parameters.',
  parameters,
  budgets: {
    quick: {
      params: { sizes: ['d16', 'd24', 'd32', 'd48'], experts: [4, 8, 16], ablationSize: 'd32', ablationExperts: 8, alphas: [0, 0.001, 0.1], capacities: [1, 2], steps: 2000, batch: 32, context: 32, lr: 3e-3, evalEvery: 100, evalRows: 16, arithCount: 500 },
      expected: 'about 3 minutes on 2 cores (161 s measured alone)', expectedSeconds: 161, jobs: 2,
    },
    full: {
      params: { sizes: ['d16', 'd24', 'd32', 'd48', 'd64', 'd96'], experts: [4, 8, 16], ablationSize: 'd48', ablationExperts: 8, alphas: [0, 0.001, 0.1], capacities: [1, 2], steps: 5000, batch: 32, context: 32, lr: 3e-3, evalEvery: 250, evalRows: 32, arithCount: 1000 },
      expected: 'about 60–70 minutes on 2 cores (estimated, not measured: every member\'s step time measured alone, summed as the quick runs bore out)', expectedSeconds: 4200, jobs: 2,
    },
  },
  audit: { resamples: 500 },
  plan(p, seed): MoePlan {
    // One training seed for every member: the same rows in the same order, so only the model differs.
    const train = deriveSeed(seed, 'train');
    const info: MoeMemberInfo[] = [];
    const add = (name: string, size: string, group: string, moe: MoeConfig | null, mlpRatio?: number): void => {
      if (info.some((m) => m.spec.name === name)) return;
      const model = { ...MOE_SIZES[size]!, ...(mlpRatio !== undefined ? { mlpRatio } : {}), ...(moe ? { moe } : {}) };
      const cfg: MoeLmTrainConfig = { model, context: p.context, steps: p.steps, batch: p.batch, lr: p.lr, warmup: Math.min(100, Math.floor(p.steps / 10)), weightDecay: 0.1, seed: train, evalEvery: p.evalEvery, evalRows: p.evalRows };
      const gc = moeLmModelConfig(cfg);
      info.push({
        spec: { name, family: 'lab-moe', arch: 'moelm', spec: { cfg } }, size, group, moe,
        totalParams: countParams(gc), activeParams: activeParamCount(gc), flopsPerStep: 3 * forwardFlopsPerToken(gc, p.context) * p.batch * p.context,
      });
    };
    const switchOf = (E: number, o: Partial<MoeConfig> = {}): MoeConfig => ({ experts: E, topK: 1, ...SWITCH, ...o });
    for (const size of p.sizes) {
      add(`dense-${size}`, size, 'dense', null);
      for (const E of p.experts) add(`switch-e${E}-${size}`, size, `switch-e${E}`, switchOf(E));
    }
    const s = p.ablationSize, E = p.ablationExperts;
    // Top-2 with experts half as wide: the same expert FLOPs per token as top-1 at the full width.
    add(`top2-e${E}-${s}`, s, 'top2', switchOf(E, { topK: 2 }), 2);
    for (const a of p.alphas) add(a === SWITCH.alpha ? `switch-e${E}-${s}` : `switch-e${E}-${s}-alpha${a}`, s, a === SWITCH.alpha ? `switch-e${E}` : 'alpha', switchOf(E, { alpha: a }));
    for (const c of p.capacities) add(c === SWITCH.capacityFactor ? `switch-e${E}-${s}` : `switch-e${E}-${s}-cf${c}`, s, c === SWITCH.capacityFactor ? `switch-e${E}` : 'capacity', switchOf(E, { capacityFactor: c }));
    return { members: info.map((m) => m.spec), info, arithCount: p.arithCount, ablationSize: s, ablationExperts: E };
  },
  async samples(plan, ctx) {
    const trained = new Map((await ctx.trained()).map((m) => [m.name, m]));
    const out: MoeMemberOut[] = [];
    for (const [index, info] of plan.info.entries()) {
      const m = trained.get(info.spec.name)! as TrainedMember & { arch: 'moelm' };
      ctx.progress({ phase: 'evaluating members', unit: 'members', done: index, total: plan.info.length, detail: `${m.name}: validation, routing and ${plan.arithCount} additions` });
      const t = ctx.load(m);
      const evaluation = t.evaluate();
      const answers = t.answerAdditions(plan.arithCount);
      const exact = answers.filter((a) => a.output === a.answer).length / answers.length;
      const digits = answers.reduce((n, a) => n + Array.from(a.answer).filter((c, i) => a.output[i] === c).length, 0) / (3 * answers.length);
      out.push({ name: m.name, size: info.size, group: info.group, moe: info.moe, totalParams: info.totalParams, activeParams: info.activeParams, flopsPerStep: info.flopsPerStep, history: t.history, trainSeconds: t.seconds, evaluation, exact, digits });
      // The ladders' answers go to the store: a Switch member twice, on its total and on its active parameters.
      if (info.group !== 'dense' && !info.group.startsWith('switch-')) continue;
      const axes: [string, number][] = info.group === 'dense' ? [['moe-dense', info.totalParams]] : [[`moe-${info.group}`, info.totalParams], [`moe-${info.group}-active`, info.activeParams]];
      for (const [family, params] of axes) {
        const runId = contentId({ member: m.identity, family, count: plan.arithCount, metrics: ARITH_METRICS });
        ctx.keep(runId);
        if ((await ctx.store.doneSampleIds(runId)).size >= answers.length) continue;
        await ctx.store.upsertRun({
          runId, family, model: info.size, params, task: 'add2-heldout', taskSource: 'tasks/domain-mix.ts (held-out additions)',
          settings: { member: m.identity, spec: m.spec, axis: family.endsWith('-active') ? 'active parameters' : 'total parameters', count: plan.arithCount, metrics: ARITH_METRICS, tokenizer: 'char' },
          seed: m.spec.cfg.seed, versions: ctx.versions,
        });
        await ctx.store.writeSamples(runId, additionSamples(info.size, answers));
      }
    }
    return out;
  },
  findings: ({ plan, out, report }) => moeFindings(plan, out, report),
});

function countParams(c: GptConfig): number {
  return paramShapes(c).reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1), 0);
}

function additionSamples(model: string, answers: readonly { prompt: string; answer: string; output: string }[]): StoredSample[] {
  const source = { file: 'tasks/domain-mix.ts' };
  return answers.map((a) => ({
    sample: { ...blankSample(`add2/${a.prompt}`, model, 'add2-heldout', 'generate', source), prompt: a.prompt, targets: [a.answer], output: a.output },
    rawOutput: a.output, paths: null, targetTokens: null, latencyMs: 0, error: null, scores: [],
  }));
}
