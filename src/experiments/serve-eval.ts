import type { ItemPoint } from '../core/crossover/index.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import type { Task } from '../core/types.js';
import type { EvalConfig, ModelConfig } from '../harness/config.js';
import { runIdFor, runModelTask } from '../harness/run-eval.js';
import { runUntil, untilRunId, type UntilSettings } from '../harness/sample-until.js';
import { HttpPool } from '../providers/http-pool.js';
import { openAICompat } from '../providers/openai-compat.js';
import { loadModelFiles, startModelServer } from '../zoo/serve.js';
import type { SampleContext, TrainedMember } from './contract.js';

/** How a language-model experiment asks its members: the harness settings of one eval. */
export interface HttpEvalSettings {
  readonly family: string;
  readonly tasks: readonly Task[];
  readonly shots: number;
  readonly maxTokens: number;
  readonly stop: readonly string[];
  readonly metrics: readonly string[];
  readonly temperature?: number;
  readonly samplesPerExample?: number;
  readonly chainOfThought?: boolean;
  readonly answer?: EvalConfig['answer'];
  readonly answerMarker?: string;
  /** Also score the target's log-likelihood after the prompt (the continuous view); off where the answer follows a scratchpad. */
  readonly scoreTargets?: boolean;
  readonly concurrency?: number;
  /**
   * Members that are replicates of one model (other initialisations of a size): the model name their
   * runs are stored under, shared, and each its own eval seed (its runs' seed, and its sampling
   * seeds), so the audit averages them into one point and reports their spread. Default: each member
   * is its own model, under the experiment's eval seed.
   */
  readonly replicate?: (m: TrainedMember) => { readonly model: string; readonly seed: number };
  /**
   * After each greedy run, the first `problems` examples again at `temperature`, sampled until k
   * successes or the cap, `batch` at a time (harness/sample-until.ts): the pass rate below the
   * greedy run's detection floor.
   */
  readonly until?: UntilSettings & {
    readonly problems: number;
    readonly temperature: number;
    /** Stop sequences of the sampled pass (default: the greedy run's); [] keeps the terminator's log-probability in each draw. */
    readonly stop?: readonly string[];
  };
}

/**
 * Language models are evaluated as any fleet is: the trained members behind the lab's OpenAI-
 * compatible server on 127.0.0.1, each task through the harness over HTTP into the store. Each
 * member is served under `<name>-<identity>`, which enters the run's id, so a retrained member never
 * inherits the samples of an earlier one; samples already stored are skipped (a rerun resumes).
 */
/** Each (member, task) evaluated, with the run its samples are stored under. */
export interface EvaluatedRun {
  readonly member: string;
  readonly task: string;
  readonly runId: string;
  /** The run sampled until k, when settings asked for one. */
  readonly untilRunId: string | null;
}

export async function evaluateOverHttp(ctx: SampleContext, members: readonly TrainedMember[], s: HttpEvalSettings): Promise<EvaluatedRun[]> {
  const served = members.map((m) => ({ name: `${m.name}-${m.identity}`, file: m.file }));
  // The harness seeds every sampled request; requests without one (greedy, echo) draw from the experiment's seed.
  let unseeded = 0;
  const drawSeed = (): number => deriveSeed(ctx.seed, 'serve-unseeded', unseeded++);
  const { server, url } = await startModelServer(loadModelFiles(served, ctx.gemm), { host: '127.0.0.1', port: 0, drawSeed });
  const concurrency = s.concurrency ?? 8;
  const runs: EvaluatedRun[] = [];
  try {
    const models: ModelConfig[] = members.map((m, i) => ({
      name: s.replicate?.(m).model ?? m.name, params: m.params,
      provider: { baseUrls: [url], model: served[i]!.name, api: 'completions', apiKeyEnv: null, concurrency, rps: 0, timeoutMs: 60_000, maxRetries: 3, retryBaseMs: 10 },
    }));
    const shared: EvalConfig = {
      file: '(experiment)', family: s.family, store: null, models, tasks: [], shots: s.shots, seed: deriveSeed(ctx.seed, 'eval'),
      samplesPerExample: s.samplesPerExample ?? 1, temperature: s.temperature ?? 0, maxTokens: s.maxTokens, stop: s.stop,
      chainOfThought: s.chainOfThought ?? false, answer: s.answer ?? 'first_line', answerMarker: s.answerMarker ?? '####', metrics: s.metrics, scoreTargets: s.scoreTargets ?? true, tokenizer: 'char', cache: false,
    };
    // Each pass gets its own pool, so its retry jitter draws from its own branch of the seed tree.
    const providerFor = (member: string, model: ModelConfig, jitter: string) => {
      const pool = new HttpPool({ baseUrls: model.provider.baseUrls, headers: {}, concurrency, timeoutMs: 60_000, maxRetries: 3, retryBaseMs: 10, retryMaxMs: 1000, rng: makeRng(deriveSeed(ctx.seed, jitter, member)) });
      return { pool, provider: openAICompat({ name: member, model: model.provider.model, api: 'completions', pool }) };
    };
    const configOf = (i: number): EvalConfig => (s.replicate ? { ...shared, seed: s.replicate(members[i]!).seed } : shared);
    // One count over every member and task, so the rate and the ETA cover the whole evaluation.
    const total = models.length * s.tasks.reduce((n, t) => n + t.examples.length, 0);
    let before = 0;
    let skippedBefore = 0;
    for (const [index, model] of models.entries()) {
      const member = members[index]!.name; // the model name is shared by replicates; the member is one of them
      const cfg = configOf(index);
      const { pool, provider } = providerFor(member, model, 'retry-jitter');
      for (const task of s.tasks) {
        const runId = runIdFor(cfg, model, task);
        ctx.keep(runId);
        runs.push({ member, task: task.id, runId, untilRunId: null });
        const r = await runModelTask(cfg, { model, task, runId }, provider, ctx.store, ctx.tokenizer, {
          limit: null, retryErrors: true, concurrency, versions: ctx.versions,
          onProgress: (p) => ctx.progress({
            phase: 'evaluating over HTTP', unit: 'samples', done: before + p.done, total, skipped: skippedBefore + p.skipped,
            detail: `member ${index + 1}/${models.length} ${member} on ${task.id}, ${pool.requestsInFlight} requests in flight, ${pool.stats.retries} retries`,
          }),
        });
        before += r.total;
        skippedBefore += r.skipped;
        ctx.log(`${member} · ${task.id}: ${r.total} samples (${r.skipped} already stored${r.errors ? `, ${r.errors} errors` : ''})`);
      }
    }
    const u = s.until;
    if (u !== undefined && u.problems > 0) {
      // A second pass once every greedy run is in: its cost per member depends on how rarely the member is right.
      const totalU = models.length * s.tasks.reduce((n, t) => n + Math.min(u.problems, t.examples.length), 0);
      let doneU = 0, skippedU = 0, at = 0;
      for (const [index, model] of models.entries()) {
        const member = members[index]!.name; // the model name is shared by replicates; the member is one of them
        const ucfg: EvalConfig = { ...configOf(index), temperature: u.temperature, samplesPerExample: 1, stop: u.stop ?? shared.stop };
        const { pool, provider } = providerFor(member, model, 'retry-jitter-until');
        for (const full of s.tasks) {
          const task = { ...full, examples: full.examples.slice(0, u.problems) };
          const runId = untilRunId(ucfg, model, task, u);
          ctx.keep(runId);
          runs[at] = { ...runs[at]!, untilRunId: runId };
          at++;
          const r = await runUntil(ucfg, { model, task, runId }, provider, ctx.store, { k: u.k, cap: u.cap, batch: u.batch }, {
            limit: null, retryErrors: true, concurrency, versions: ctx.versions,
            onProgress: (p) => ctx.progress({
              phase: `sampling until ${u.k} successes or ${u.cap} draws`, unit: 'problems', done: doneU + p.done, total: totalU, skipped: skippedU + p.skipped,
              detail: `member ${index + 1}/${models.length} ${member}, ${u.batch} per request, ${pool.stats.retries} retries`,
            }),
          });
          doneU += r.total;
          skippedU += r.skipped;
          ctx.log(`${member} · ${task.id} sampled until ${u.k} of ${u.cap}: ${r.total} problems, ${r.draws.toLocaleString('en')} draws this time (${r.skipped} problems already stored${r.errors ? `, ${r.errors} errors` : ''})`);
        }
      }
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return runs;
}

/** Each member's exact match per test item (in the test set's order), for the crossover's item bootstrap. */
export async function itemScores(ctx: SampleContext, runs: readonly EvaluatedRun[], members: readonly TrainedMember[], taskId: string, size: (m: TrainedMember) => { name: string; params: number }): Promise<ItemPoint[]> {
  const out: ItemPoint[] = [];
  for (const m of members) {
    const run = runs.find((r) => r.member === m.name && r.task === taskId);
    if (!run) continue;
    const rows = await ctx.store.query("SELECT value FROM scores WHERE run_id = ? AND metric = 'exact_match' ORDER BY sample_id", [run.runId]);
    const { name, params } = size(m);
    out.push({ model: name, params, scores: Float64Array.from(rows, (r) => Number(r.value)) });
  }
  return out;
}

