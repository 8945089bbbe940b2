import { alceCitations, factEntailment } from '../core/metrics/alce-citation.js';
import { recallAtK } from '../core/metrics/retrieval-recall.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import type { Example, Task } from '../core/types.js';
import { factKey, statedFacts, type Question, type World, type WorldSpec } from '../tasks/fact-world.js';
import { ANSWER_REGEX, answerWord, closedPrompt, openPrompt, parseCitations, swapPassages } from '../tasks/rag-prompts.js';
import { prepareRag, type RagSetting, type RagTrainConfig } from '../zoo/train-rag.js';
import type { TrunkConfig } from '../zoo/trunk.js';
import { defineExperiment, type MemberSpec, type ParamSchema, type SampleContext, type TrainedMember } from './contract.js';
import { BANDS, bandOf, ragFindings, type MemberResult, type RagOut } from './rag-findings.js';
import { evaluateOverHttp, type EvaluatedRun } from './serve-eval.js';

/**
 * Issue #22 (seed 002's second step): knowledge that emerges with scale, and what retrieval does to
 * the curve. A synthetic world of entities × relations with Zipf popularity (tasks/fact-world.ts);
 * a ladder of character-level GPTs trained twice on it: closed book (language modelling on the
 * documents) and with retrieval (BM25 top-k passages in the prompt, answer and [n] citations). Every
 * member is served over HTTP and asked through the harness; exact match and the target's
 * log-likelihood per popularity band and decile, ALCE citation recall and precision with exact
 * entailment, and an index swap (counterfactual passages) that tells grounded answers from memorised.
 */
export const RAG_SIZES: Readonly<Record<string, TrunkConfig>> = {
  r15k: { nLayer: 1, nHead: 2, nEmbd: 24 },
  r35k: { nLayer: 2, nHead: 2, nEmbd: 32 },
  r70k: { nLayer: 2, nHead: 4, nEmbd: 48 },
  r170k: { nLayer: 3, nHead: 4, nEmbd: 64 },
  r470k: { nLayer: 4, nHead: 4, nEmbd: 96 },
  r830k: { nLayer: 4, nHead: 4, nEmbd: 128 },
  r1_5m: { nLayer: 5, nHead: 4, nEmbd: 160 },
};
export const SETTINGS: readonly RagSetting[] = ['closed', 'open'];
export const familyOf = (s: RagSetting): string => `lab-rag-${s}`;

const parameters = {
  sizes: { kind: 'names', choices: Object.keys(RAG_SIZES), help: 'the ladder of transformer sizes (each trained closed book and with retrieval)' },
  entities: { kind: 'int', min: 20, max: 2000, help: 'entities of the world (each with one fact per relation)' },
  relations: { kind: 'int', min: 1, max: 4, help: 'relations per entity (lives in, works as a, owns a, plays)' },
  zipf: { kind: 'number', min: 0, max: 3, help: 'Zipf exponent of popularity: the entity of rank r is mentioned max(1, round(max-mentions · r^-zipf)) times per fact' },
  maxMentions: { kind: 'int', min: 1, max: 1000, help: 'mentions of each fact of the most popular entity' },
  sentencesPerDoc: { kind: 'int', min: 1, max: 6, help: 'sentences (facts) per document: one supports a question, the rest are distractors' },
  k: { kind: 'int', min: 1, max: 9, help: 'BM25 passages placed in the prompt' },
  steps: { kind: 'int', min: 1, max: 1_000_000, help: 'training steps of every member' },
  batch: { kind: 'int', min: 1, max: 4096, help: 'rows per training step (documents closed book, questions with passages otherwise)' },
  lr: { kind: 'number', min: 1e-6, max: 1, help: 'peak learning rate (linear warm-up, cosine decay)' },
  evalPerDecile: { kind: 'int', min: 1, max: 100_000, help: 'questions asked per popularity decile (the same in both settings)' },
  swapPerDecile: { kind: 'int', min: 0, max: 100_000, help: 'of those, questions asked again with counterfactual passages (index swap), per decile' },
} as const satisfies ParamSchema;

export interface RagPlan {
  readonly members: readonly MemberSpec[];
  readonly world: WorldSpec;
  readonly k: number;
  readonly evalPerDecile: number;
  readonly swapPerDecile: number;
}

/** A task of one setting's questions: the prompt is the whole input, the answer word its target. */
function factTask(id: string, examples: Example[], source: string): Task {
  return {
    id, kind: 'generate', examples, shotPool: null, format: { taskPrefix: '', inputPrefix: '', outputPrefix: '', separator: '\n' },
    outputRegex: ANSWER_REGEX, metrics: ['exact_match', 'target_loglik'], preferredMetric: 'exact_match', source,
  };
}

/** The questions asked: evalPerDecile per decile, drawn by the seed, in the world's order. */
export function askedQuestions(w: World, perDecile: number, seed: number): Question[] {
  const rng = makeRng(deriveSeed(seed, 'asked'));
  const out: Question[] = [];
  for (let d = 1; d <= 10; d++) {
    const pool = w.questions.filter((q) => q.fact.decile === d);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    out.push(...pool.slice(0, perDecile));
  }
  return out;
}

interface Shown {
  readonly question: Question;
  readonly passages: readonly string[];
  /** The value the passages state (the counterfactual one in the index swap). */
  readonly documented: string;
}

interface StoredRow { readonly exampleId: string; readonly raw: string; readonly em: number | null; readonly ll: number | null }

async function storedRows(ctx: SampleContext, runId: string): Promise<StoredRow[]> {
  const rows = await ctx.store.query(
    `SELECT s.example_id, s.raw_output, max(CASE WHEN sc.metric = 'exact_match' THEN sc.value END) AS em, max(CASE WHEN sc.metric = 'target_loglik' THEN sc.value END) AS ll
     FROM samples s LEFT JOIN scores sc USING (run_id, sample_id) WHERE s.run_id = ? AND s.error IS NULL GROUP BY s.example_id, s.raw_output ORDER BY s.example_id`, [runId]);
  return rows.map((r) => ({ exampleId: String(r.example_id), raw: r.raw_output === null ? '' : String(r.raw_output), em: r.em === null ? null : Number(r.em), ll: r.ll === null ? null : Number(r.ll) }));
}

/** ALCE over one run's answers: each answer is one statement, "<entity> <relation> <the answer word>", checked against the passages it was shown. */
function citationScores(w: World, rows: readonly StoredRow[], shown: ReadonlyMap<string, Shown>) {
  let recall = 0, precision = 0, n = 0, citations = 0, multiCited = 0, irrelevant = 0, uncited = 0;
  for (const r of rows) {
    const s = shown.get(r.exampleId)!;
    const answer = answerWord(r.raw);
    const cites = parseCitations(r.raw);
    if (cites.length === 0) uncited++;
    const score = alceCitations([{ statement: [factKey(s.question.fact.entity, s.question.fact.relation, answer)], citations: cites }], s.passages.length, factEntailment(s.passages.map((p) => statedFacts(p, w.relations))));
    recall += score.recall!;
    precision += score.precision!;
    citations += score.citations;
    multiCited += score.multiCited;
    irrelevant += score.irrelevant;
    n++;
  }
  return { recall: n ? recall / n : null, precision: n ? precision / n : null, answers: n, citations, uncited, multiCited, irrelevant };
}

export const ragCitations = defineExperiment({
  id: 'rag-citations',
  question: 'Does closed-book recall of facts emerge with scale and popularity, does retrieval flatten the curve, and are the citations right?',
  citation: 'Gao et al. 2023, "Enabling Large Language Models to Generate Text with Citations" (ALCE, arXiv 2305.14627); Kandpal et al. 2023 and Mallen et al. 2023 (popularity and recall); Longpre et al. 2021 (knowledge conflicts)',
  about: 'A synthetic world of entities x relations with Zipf popularity, written as short documents (each fact in as many documents as its popularity, with distractors). Every size is trained twice: closed book on the documents, and to answer from the top-k BM25 passages (MiniSearch) and cite them as [n]. Served over HTTP on 127.0.0.1 and asked through the harness: exact match and target log-likelihood per popularity decile, retrieval recall@k, ALCE citation recall/precision with exact entailment, and an index swap (counterfactual passages: grounded vs memorised).',
  parameters,
  budgets: {
    // Two-sentence documents and k = 2: rows of 146 characters where three passages of two sentences
    // take 204 and left no reading within the quick budget's steps (docs/experiments/rag-citations.md);
    // 400 entities: at 200, closed book memorised every decile from 70K parameters on in 3,000 steps.
    quick: { params: { sizes: ['r15k', 'r35k', 'r70k', 'r170k', 'r470k'], entities: 400, relations: 4, zipf: 0.6, maxMentions: 24, sentencesPerDoc: 2, k: 2, steps: 3000, batch: 16, lr: 3e-3, evalPerDecile: 30, swapPerDecile: 15 }, expected: 'about 9 minutes on 2 cores (537 s measured)', expectedSeconds: 537, jobs: 2 },
    full: { params: { sizes: Object.keys(RAG_SIZES), entities: 800, relations: 4, zipf: 0.6, maxMentions: 40, sentencesPerDoc: 2, k: 2, steps: 4000, batch: 16, lr: 3e-3, evalPerDecile: 60, swapPerDecile: 30 }, expected: 'about 65 minutes on 2 cores (estimated from measured step times; not yet run)', expectedSeconds: 3900, jobs: 2 },
  },
  audit: { resamples: 500 },
  plan(p, seed): RagPlan {
    // One world for the whole family (its own seed), and one training stream per setting: along
    // the ladder only the model differs.
    const world: WorldSpec = { entities: p.entities, relations: p.relations, zipf: p.zipf, maxMentions: p.maxMentions, sentencesPerDoc: p.sentencesPerDoc, seed: deriveSeed(seed, 'world') };
    const train = deriveSeed(seed, 'train');
    const members = p.sizes.flatMap((size) => SETTINGS.map((setting): MemberSpec => {
      const cfg: RagTrainConfig = { setting, world, k: p.k, model: RAG_SIZES[size]!, steps: p.steps, batch: p.batch, lr: p.lr, warmup: 100, weightDecay: 0.1, seed: train };
      return { name: `${size}-${setting}`, family: familyOf(setting), arch: 'rag', spec: { cfg } };
    }));
    return { members, world, k: p.k, evalPerDecile: p.evalPerDecile, swapPerDecile: Math.min(p.swapPerDecile, p.evalPerDecile) };
  },
  async samples(plan, ctx): Promise<RagOut> {
    // Everything that needs no model first, while the pool trains: the world, retrieval and its recall.
    const { world, retrieved } = prepareRag({ world: plan.world, k: plan.k });
    const text = new Map(world.docs.map((d) => [d.id, d.text]));
    const asked = askedQuestions(world, plan.evalPerDecile, ctx.seed);
    const recall = Array.from({ length: plan.k }, (_, i) => i + 1).map((k) => {
      const items = (qs: readonly Question[]) => qs.map((q) => ({ retrieved: retrieved.get(q.id)!, supports: q.supports }));
      return { k, overall: recallAtK(items(world.questions), k), byDecile: Array.from({ length: 10 }, (_, d) => recallAtK(items(world.questions.filter((q) => q.fact.decile === d + 1)), k)) };
    });
    const openShown = new Map<string, Shown>(asked.map((q) => [q.id, { question: q, passages: retrieved.get(q.id)!.map((id) => text.get(id)!), documented: q.answer }]));
    const swapShown = new Map<string, Shown>();
    const perDecile = new Map<number, number>();
    for (const q of asked) {
      const used = perDecile.get(q.fact.decile) ?? 0;
      if (used >= plan.swapPerDecile) continue;
      const swap = swapPassages(world, q, openShown.get(q.id)!.passages, deriveSeed(ctx.seed, 'index-swap'));
      if (swap === null) continue;
      swapShown.set(q.id, { question: q, passages: swap.passages, documented: swap.value });
      perDecile.set(q.fact.decile, used + 1);
    }
    const source = `fact world ${JSON.stringify(plan.world)}, k ${plan.k}`;
    const example = (q: Question, input: string, target: string): Example => ({ id: q.id, input, targets: [target], choices: null, targetScores: null });
    const bandTasks = (setting: RagSetting, input: (q: Question) => string): Task[] => BANDS.map((b) => factTask(`${setting === 'closed' ? 'closed-book' : 'open-book'}-${b.id}`,
      asked.filter((q) => bandOf(q.fact.decile) === b.id).map((q) => example(q, input(q), q.answer)), `${source}, deciles ${b.deciles.join('-')}`));
    const closedTasks = bandTasks('closed', closedPrompt);
    const openTasks = bandTasks('open', (q) => openPrompt(openShown.get(q.id)!.passages, q));
    const swapTask = factTask('index-swap', [...swapShown.values()].map((s) => example(s.question, openPrompt(s.passages, s.question), s.documented)), `${source}, counterfactual passages`);
    const longest = Math.max(...world.relations.flatMap((r) => r.values.map((v) => v.length)));

    const all = await ctx.trained();
    const common = { shots: 0, metrics: ['exact_match', 'target_loglik'], answer: 'regex' as const, scoreTargets: true };
    const closedMembers = all.filter((m) => m.family === familyOf('closed'));
    const openMembers = all.filter((m) => m.family === familyOf('open'));
    const closedRuns = await evaluateOverHttp(ctx, closedMembers, { ...common, family: familyOf('closed'), tasks: closedTasks, maxTokens: longest + 1, stop: ['.', '\n'] });
    // The answer, a space and up to k citations, then the newline.
    const openRuns = await evaluateOverHttp(ctx, openMembers, { ...common, family: familyOf('open'), tasks: [...openTasks, swapTask], maxTokens: longest + 2 + 3 * plan.k, stop: ['\n'] });

    const decileOf = new Map(world.questions.map((q) => [q.id, q.fact.decile]));
    const byDecile = async (m: TrainedMember, runs: readonly EvaluatedRun[], tasks: readonly Task[]) => {
      const rows: StoredRow[] = [];
      for (const t of tasks) {
        const run = runs.find((r) => r.member === m.name && r.task === t.id);
        if (run) rows.push(...(await storedRows(ctx, run.runId)));
      }
      const mean = (pick: (r: StoredRow) => number | null, d: number): number | null => {
        const v = rows.filter((r) => decileOf.get(r.exampleId) === d).map(pick).filter((x): x is number => x !== null);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      return { rows, em: Array.from({ length: 10 }, (_, d) => mean((r) => r.em, d + 1)), ll: Array.from({ length: 10 }, (_, d) => mean((r) => r.ll, d + 1)) };
    };
    const results: MemberResult[] = [];
    for (const m of all) {
      const setting: RagSetting = m.family === familyOf('closed') ? 'closed' : 'open';
      const r = await byDecile(m, setting === 'closed' ? closedRuns : openRuns, setting === 'closed' ? closedTasks : openTasks);
      const size = m.name.replace(/-(closed|open)$/, '');
      if (setting === 'closed') { results.push({ member: m.name, size, setting, params: m.params, em: r.em, ll: r.ll, answered: r.rows.length, citations: null, swap: null }); continue; }
      const swapRun = openRuns.find((x) => x.member === m.name && x.task === swapTask.id);
      const swapRows = swapRun ? await storedRows(ctx, swapRun.runId) : [];
      let grounded = 0, memorised = 0;
      for (const row of swapRows) {
        const a = answerWord(row.raw), s = swapShown.get(row.exampleId)!;
        if (a === s.documented) grounded++;
        else if (a === s.question.answer) memorised++;
      }
      const n = swapRows.length;
      results.push({
        member: m.name, size, setting, params: m.params, em: r.em, ll: r.ll, answered: r.rows.length,
        citations: { retrieved: citationScores(world, r.rows, openShown), swapped: citationScores(world, swapRows, swapShown) },
        swap: { asked: n, grounded: n ? grounded / n : null, memorised: n ? memorised / n : null, other: n ? (n - grounded - memorised) / n : null },
      });
    }
    const deciles = Array.from({ length: 10 }, (_, d) => {
      const facts = world.facts.filter((f) => f.decile === d + 1);
      return { decile: d + 1, facts: facts.length, mentionsMin: Math.min(...facts.map((f) => f.mentions)), mentionsMax: Math.max(...facts.map((f) => f.mentions)), asked: asked.filter((q) => q.fact.decile === d + 1).length };
    });
    return { k: plan.k, docs: world.docs.length, facts: world.facts.length, recall, deciles, members: results, swapAsked: swapShown.size };
  },
  findings: ragFindings,
});
