import { ConfigError } from '../core/errors.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { SEED_BILINGUAL_SHARE, SEED_PAIR_SHARE_OF_BILINGUAL, type CorpusMix } from '../tasks/needles-corpus.js';
import { LONGEST_SENTENCE, translationTask } from '../tasks/needles-tasks.js';
import { makeLanguagePair, parse, type Lang } from '../tasks/toy-language.js';
import type { NeedlesTrainConfig } from '../zoo/train-needles.js';
import type { TrunkConfig } from '../zoo/trunk.js';
import { defineExperiment, type MemberSpec, type ParamSchema } from './contract.js';
import { needlesFindings, type Condition, type NeedlesOut, type TargetShare } from './needles-findings.js';
import { evaluateOverHttp } from './serve-eval.js';

/**
 * Issue #23 (seed 004), the needle of parallel text: does translation come from the small share of
 * translation pairs in a corpus, and does removing them hurt less at scale? (Briakou, Cherry &
 * Foster 2023, who traced PaLM's translation to 1.4% bilingual instances, ~40% of them translation
 * pairs.) Toy languages A and B (a letter cipher and another word order, tasks/toy-language.ts); a
 * ladder of character-level GPTs trained on corpora that differ only in their bilingual documents:
 * the seed's proportions (full), the pairs replaced by unrelated juxtapositions (no-pairs), no
 * bilingual text (none), and a sweep of the translation share (doses). Each member is served over
 * HTTP and asked to translate held-out sentences both ways, zero-shot and few-shot: chrF and exact match.
 */
export const NEEDLES_SIZES: Readonly<Record<string, TrunkConfig>> = {
  n15k: { nLayer: 2, nHead: 2, nEmbd: 24 },
  n25k: { nLayer: 2, nHead: 4, nEmbd: 32 },
  n60k: { nLayer: 2, nHead: 4, nEmbd: 48 },
  n150k: { nLayer: 3, nHead: 4, nEmbd: 64 },
  n450k: { nLayer: 4, nHead: 4, nEmbd: 96 },
};
export const familyOf = (condition: string): string => `lab-needles-${condition}`;
const DIRECTIONS: readonly Lang[] = ['a', 'b'];

const parameters = {
  sizes: { kind: 'names', choices: Object.keys(NEEDLES_SIZES), help: 'the ladder of transformer sizes (each trained once per condition)' },
  bilingual: { kind: 'number', min: 0, max: 1, help: 'share of documents that are bilingual in the full condition (the seed: 0.014)' },
  pairShare: { kind: 'number', min: 0, max: 1, help: 'share of the bilingual documents that are translation pairs in the full condition (the seed: 0.4)' },
  doses: { kind: 'numbers', min: 0, max: 1, help: 'translation-pair shares of all documents for the dose sweep (juxtapositions kept at the full condition\'s share); one condition each' },
  steps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every member' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'rows per training step' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay)' },
  context: { kind: 'int', min: 64, max: 1024, help: 'characters per training row, and the models\' context' },
  evalCount: { kind: 'int', min: 1, max: 100_000, help: 'held-out sentences translated in each direction, zero-shot and few-shot' },
  shots: { kind: 'int', min: 1, max: 8, help: 'translation pairs in front of a few-shot prompt' },
} as const satisfies ParamSchema;

export interface NeedlesPlan {
  readonly members: readonly MemberSpec[];
  readonly conditions: readonly Condition[];
  readonly languageSeed: number;
  readonly context: number;
  readonly evalCount: number;
  readonly shots: number;
}

const pct = (x: number): string => `${+(x * 100).toPrecision(3)}pct`;

/** The corpora: the three of the ablation, then one per dose (a dose equal to the full condition's share is the full condition). */
export function conditionsOf(bilingual: number, pairShare: number, doses: readonly number[]): Condition[] {
  const pairs = bilingual * pairShare, jux = bilingual * (1 - pairShare);
  const out: Condition[] = [
    { id: 'full', kind: 'full', mix: { pairs, juxtapositions: jux } },
    { id: 'no-pairs', kind: 'no-pairs', mix: { pairs: 0, juxtapositions: bilingual } },
    { id: 'none', kind: 'none', mix: { pairs: 0, juxtapositions: 0 } },
  ];
  for (const d of [...new Set(doses)].sort((a, b) => a - b)) {
    if (Math.abs(d - pairs) < 1e-12) continue;
    if (d + jux > 1) throw new RangeError(`dose ${d} with juxtapositions at ${jux} exceeds all documents`);
    out.push({ id: `dose-${pct(d)}`, kind: 'dose', mix: { pairs: d, juxtapositions: jux } satisfies CorpusMix });
  }
  return out;
}

export const needles = defineExperiment({
  id: 'needles',
  question: 'Does translation come from the few translation pairs in the corpus, and does removing them hurt less at larger scale?',
  citation: 'Briakou, Cherry & Foster 2023, "Searching for Needles in a Haystack: On the Role of Incidental Bilingualism in PaLM\'s Translation Capability" (ACL, arXiv 2305.10266)',
  about: 'Toy language A (a small grammar) and B (A through a fixed letter cipher, verb-final, adjectives after nouns). Each size is trained on corpora of monolingual A and B documents that differ only in their bilingual share: full (the seed\'s 1.4% bilingual, 40% of it translation pairs joined by markers like "in b:"), no-pairs (the pairs replaced by unrelated A/B juxtapositions), none (no bilingual text), and a dose sweep of the translation share. Served over HTTP and asked to translate held-out sentences A to B and B to A, zero-shot ("<sentence>. in b: ") and few-shot: chrF and exact match, the ablation gap against size.',
  parameters,
  budgets: {
    // Quick raises the bilingual share to 50% (20% of documents translation pairs, the seed's 40% of
    // the bilingual): at the seed's 0.56% (0.84% juxtapositions) a 64K-parameter model had not learnt to answer in the
    // target language after 1,500 steps, and at 20% it did by step 900 (docs/experiments/needles.md).
    // The seed's own translation share stays in as the dose sweep's anchor.
    quick: { params: { sizes: ['n15k', 'n25k', 'n60k'], bilingual: 0.5, pairShare: SEED_PAIR_SHARE_OF_BILINGUAL, doses: [SEED_BILINGUAL_SHARE * SEED_PAIR_SHARE_OF_BILINGUAL], steps: 1500, batch: 16, lr: 3e-3, context: 128, evalCount: 40, shots: 1 }, expected: 'about 4 minutes on 2 cores (197 s measured alone in session 12, 337 s on an earlier machine)', expectedSeconds: 197, jobs: 2 },
    full: { params: { sizes: ['n15k', 'n25k', 'n60k', 'n150k'], bilingual: SEED_BILINGUAL_SHARE, pairShare: SEED_PAIR_SHARE_OF_BILINGUAL, doses: [0.0224, 0.0896, 0.2], steps: 5000, batch: 16, lr: 3e-3, context: 192, evalCount: 150, shots: 2 }, expected: 'about 55 minutes on 2 cores (3,195 s measured alone: 24 members, 14,400 samples)', expectedSeconds: 3195, jobs: 2 },
  },
  audit: { resamples: 500 },
  plan(p, seed): NeedlesPlan {
    // One language pair and one training seed for the family: across conditions only the corpus mix
    // differs, along the ladder only the model.
    const languageSeed = deriveSeed(seed, 'language');
    const train = deriveSeed(seed, 'train');
    const conditions = conditionsOf(p.bilingual, p.pairShare, p.doses);
    // The few-shot prompts must fit the context with room for the answer: found out now, not after training.
    try {
      translationTask(makeLanguagePair(languageSeed), { from: 'a', shots: p.shots, count: p.evalCount, context: p.context, seed: deriveSeed(seed, 'test') });
    } catch (e) {
      if (e instanceof RangeError) throw new ConfigError(`${p.shots} shots with answers do not fit a context of ${p.context}`, { code: 'USAGE', field: '--shots', hint: 'raise --context or lower --shots' });
      throw e;
    }
    const members = conditions.flatMap((c) => p.sizes.map((size): MemberSpec => {
      const cfg: NeedlesTrainConfig = { languageSeed, mix: c.mix, context: p.context, model: NEEDLES_SIZES[size]!, steps: p.steps, batch: p.batch, lr: p.lr, warmup: 100, weightDecay: 0.1, seed: train };
      return { name: `${size}-${c.id}`, family: familyOf(c.id), arch: 'needles', spec: { cfg } };
    }));
    return { members, conditions, languageSeed, context: p.context, evalCount: p.evalCount, shots: p.shots };
  },
  async samples(plan, ctx): Promise<NeedlesOut> {
    const pair = makeLanguagePair(plan.languageSeed);
    const seed = deriveSeed(ctx.seed, 'test');
    const tasks = [0, plan.shots].flatMap((shots) => DIRECTIONS.map((from) => translationTask(pair, { from, shots, count: plan.evalCount, context: plan.context, seed })));
    const all = await ctx.trained();
    const targetShares: TargetShare[] = [];
    for (const c of plan.conditions) {
      const members = all.filter((m) => m.family === familyOf(c.id));
      const runs = await evaluateOverHttp(ctx, members, {
        family: familyOf(c.id), tasks, shots: 0, maxTokens: LONGEST_SENTENCE + 1, stop: ['.', '\n'], metrics: ['chrf', 'exact_match'], scoreTargets: false,
      });
      // Whether an answer is a sentence of the target language at all (fluent, right or wrong): tells
      // a model that speaks B after the marker from one that translates.
      for (const r of runs) {
        const rows = await ctx.store.query('SELECT raw_output FROM samples WHERE run_id = ? AND error IS NULL', [r.runId]);
        const to: Lang = r.task.startsWith('a-') ? 'b' : 'a';
        const ok = rows.filter((x) => parse(pair, String(x.raw_output ?? '').split('\n')[0]!.trim(), to) !== null).length;
        targetShares.push({ member: r.member, task: r.task, share: rows.length ? ok / rows.length : null });
      }
    }
    return { conditions: plan.conditions, shots: plan.shots, evalCount: plan.evalCount, cipher: pair.cipher, targetShares };
  },
  findings: needlesFindings,
});
