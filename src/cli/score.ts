import { parseArgs } from 'node:util';
import type { Sample, Score } from '../core/types.js';
import { ConfigError } from '../core/errors.js';
import { metricDef } from '../core/metrics/registry.js';
import { defaultMetricsForSamples } from '../core/metrics/default-metrics.js';
import { scoreSamples } from '../core/metrics/score.js';
import { summarizeMetric, PROPORTION_INTERVAL_METHODS, type MetricSummary, type ProportionIntervalMethod } from '../core/metrics/aggregate.js';
import { comparePaired, comparePairedCorpus, type PairedComparison } from '../core/metrics/paired-comparison.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { resolution } from '../core/stats/resolution.js';
import { loadSampleFiles } from '../importers/load-samples.js';
import { DEFAULT_TOKENIZER, TOKENIZER_IDS, tokenizerById } from '../tokenizers/index.js';
import { fmtNum } from '../report/format.js';
import { jsonReplacer } from '../report/format.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';

export const SCORE_HELP = `emergence score <samples…> [options]

Scores per-sample outputs (lm-evaluation-harness --log_samples files, samples_<task>_<date>.jsonl)
under every applicable metric, continuous and discontinuous side by side, with seeded bootstrap
intervals, and checks the result against lm-eval's own logged per-sample values.

Options:
  --metric M        metrics to compute (comma list; default: all that apply to each sample kind and answer type,
                    no BLEU, ROUGE or chrF on numeric answers; by name only: pass@k, subset_accuracy@K, rougeLsum,
                    chrf_plus_plus, ter, acc_bytes, acc_mutual_info, word_perplexity, byte_perplexity, bits_per_byte)
  --tokenizer T     for token-level metrics: ${TOKENIZER_IDS.join(', ')} (default ${DEFAULT_TOKENIZER})
  --model NAME      model name (default: from results_*.json beside the file, else the folder name)
  --seed N          bootstrap seed (default 0)
  --resamples N     bootstrap resamples (default 2000; 0 for none)
  --interval M      interval of a 0/1 metric's mean (exact_match, acc, …): wilson (default), clopper-pearson or
                    bootstrap; Wilson and Clopper–Pearson are never [0, 0] at 0% or [1, 1] at 100%
  --paired          compare every two models on each task item by item (table and --json): McNemar for 0/1 metrics, a paired
                    bootstrap of the mean difference otherwise, and of the recombined statistic for corpus BLEU/chrF/TER
  --mcnemar M       exact (default: binomial on the discordant pairs) or chi-square (with continuity correction)
  --json | --csv    machine-readable output (stdout or --out)
  --out FILE        write atomically to FILE
  --quiet           no progress on stderr
  -h, --help

Exit codes: 0 ok; 1 internal error; 2 bad usage or bad input (file:line named).`;

export interface ScoreRow extends MetricSummary {
  readonly model: string;
  readonly task: string;
  /** Per-sample agreement with lm-eval's logged values for this metric, when it logged it. */
  readonly lmEvalAgreement: { readonly agree: number; readonly of: number } | null;
}

export async function runScore(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      metric: { type: 'string', multiple: true },
      tokenizer: { type: 'string' },
      model: { type: 'string' },
      seed: { type: 'string' },
      resamples: { type: 'string' },
      interval: { type: 'string' },
      paired: { type: 'boolean' },
      mcnemar: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    ctx.stdout.write(SCORE_HELP + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new ConfigError('no samples files given', { code: 'USAGE', hint: "emergence score path/to/samples_<task>_<date>.jsonl" });
  const whole = (name: string, v: string | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`expected a whole number >= 0, got ${JSON.stringify(v)}`, { code: 'USAGE', field: `--${name}` });
    return n;
  };
  const seed = whole('seed', values.seed, 0);
  const resamples = whole('resamples', values.resamples, 2000);
  const interval = (values.interval ?? 'wilson') as ProportionIntervalMethod;
  if (!PROPORTION_INTERVAL_METHODS.includes(interval)) {
    throw new ConfigError(`unknown interval "${values.interval}"`, { code: 'USAGE', field: '--interval', hint: PROPORTION_INTERVAL_METHODS.join(', ') });
  }
  const mcnemarMethod = values.mcnemar ?? 'exact';
  if (mcnemarMethod !== 'exact' && mcnemarMethod !== 'chi-square') {
    throw new ConfigError(`unknown McNemar method "${values.mcnemar}"`, { code: 'USAGE', field: '--mcnemar', hint: 'exact or chi-square' });
  }
  const requested = (values.metric ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
  for (const m of requested) {
    if (!metricDef(m)) throw new ConfigError(`unknown metric "${m}"`, { code: 'USAGE', field: '--metric' });
  }
  const tokenizer = await tokenizerById(values.tokenizer ?? DEFAULT_TOKENIZER);
  const loaded = loadSampleFiles(positionals, values.model === undefined ? {} : { model: values.model });
  const groups = new Map<string, Sample[]>();
  for (const s of loaded.samples) {
    const k = `${s.model}\u0000${s.task}`;
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  const rows: ScoreRow[] = [];
  const scoresByGroup = new Map<string, { model: string; task: string; metrics: string[]; scores: Score[]; samples: Sample[] }>();
  let done = 0;
  for (const [key, samples] of groups) {
    const [model, task] = key.split('\u0000') as [string, string];
    ctx.logger.progress({ phase: 'scoring', done: done++, total: groups.size, unit: 'model-task groups', skipped: 0, detail: `${model} · ${task}` });
    const metrics = requested.length > 0 ? requested : defaultMetricsForSamples(samples);
    const scores = scoreSamples(samples, metrics, { tokenizer });
    scoresByGroup.set(key, { model, task, metrics, scores, samples });
    for (const m of metrics) {
      // A per-group seed so adding a model or task does not change another's interval.
      const rng = makeRng(deriveSeed(seed, 'bootstrap', model, task, m));
      const sum = summarizeMetric(m, samples, scores, { tokenizer }, { rng, resamples, proportionInterval: interval });
      if (!sum) continue;
      let agreement: ScoreRow['lmEvalAgreement'] = null;
      const bySample = new Map(scores.filter((s) => s.metric === sum.metric).map((s) => [s.sampleId, s.value]));
      let of = 0;
      let agree = 0;
      for (const s of samples) {
        const v = loaded.logged.get(`${model}\u0000${s.id}`)?.[sum.metric];
        if (v === undefined || !bySample.has(s.id)) continue;
        of++;
        if (Math.abs(bySample.get(s.id)! - v) <= 1e-9 * Math.max(1, Math.abs(v))) agree++;
      }
      if (of > 0) agreement = { agree, of };
      rows.push({ ...sum, model, task, lmEvalAgreement: agreement });
    }
  }
  ctx.logger.done();
  for (const r of rows) {
    if (r.lmEvalAgreement && r.lmEvalAgreement.agree !== r.lmEvalAgreement.of) {
      ctx.logger.warn(`${r.model} · ${r.task} · ${r.metric}: ${r.lmEvalAgreement.of - r.lmEvalAgreement.agree} of ${r.lmEvalAgreement.of} samples differ from lm-eval's logged values`);
    }
  }
  const comparisons: (PairedComparison & { readonly task: string })[] = [];
  if (values.paired) {
    const byTask = new Map<string, { model: string; metrics: string[]; scores: Score[]; samples: Sample[] }[]>();
    for (const g of scoresByGroup.values()) byTask.set(g.task, [...(byTask.get(g.task) ?? []), g]);
    for (const [task, groups] of byTask) {
      for (let i = 0; i < groups.length; i++) {
        for (let j = i + 1; j < groups.length; j++) {
          const A = groups[i]!;
          const B = groups[j]!;
          for (const m of A.metrics.filter((x) => B.metrics.includes(x))) {
            const rng = makeRng(deriveSeed(seed, 'paired', task, A.model, B.model, m));
            const c = metricDef(m)!.corpus
              ? comparePairedCorpus(m, { name: A.model, samples: A.samples }, { name: B.model, samples: B.samples }, { tokenizer }, { rng, resamples })
              : comparePaired(m, { name: A.model, scores: A.scores }, { name: B.model, scores: B.scores }, { rng, resamples, exact: mcnemarMethod === 'exact' });
            if (c) comparisons.push({ ...c, task });
          }
        }
      }
    }
    if (comparisons.length === 0) ctx.logger.warn('--paired: no task has two models scored on the same items');
  }
  const out = values.json
    ? JSON.stringify({ kind: 'emergence-score', version: 1, seed, resamples, tokenizer: tokenizer.id, rows, ...(values.paired ? { comparisons } : {}) }, jsonReplacer, 2) + '\n'
    : values.csv ? scoreCsv(rows) : scoreTable(rows) + (values.paired ? '\n' + pairedTable(comparisons, resamples) : '');
  if (values.out !== undefined) writeAtomic(values.out, out);
  else ctx.stdout.write(out);
  return 0;
}

function scoreTable(rows: readonly ScoreRow[]): string {
  const header = ['model', 'task', 'metric', 'kind', 'n', 'value', '95% interval', 'lm-eval check', 'note'];
  const body = rows.map((r) => {
    const note: string[] = [];
    if (r.tokenizer) note.push(`tokenizer ${r.tokenizer}`);
    if (r.aggregation === 'corpus') note.push('corpus statistic');
    if (!r.continuous && r.value === 0 && r.higherIsBetter) note.push(`0 of ${r.n}: true rate < ${fmtNum(resolution(r.n).zeroUpper95)} (95%)`);
    return [
      r.model, r.task, r.metric, r.continuous ? 'continuous' : 'discontinuous', String(r.n), fmtNum(r.value, 4),
      r.interval ? `[${fmtNum(r.interval.low, 4)}, ${fmtNum(r.interval.high, 4)}]` : '-',
      r.lmEvalAgreement ? `${r.lmEvalAgreement.agree}/${r.lmEvalAgreement.of} agree` : '-', note.join('; '),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => [...b[i]!].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

function pairedTable(cs: readonly (PairedComparison & { readonly task: string })[], resamples: number): string {
  const header = ['task', 'metric', 'A', 'B', 'n', 'A', 'B', 'A − B', 'test', 'p', 'note'];
  const body = cs.map((c) => [
    c.task, c.metric, c.a, c.b, String(c.n), fmtNum(c.meanA, 4), fmtNum(c.meanB, 4), fmtNum(c.difference, 4), c.method, c.method !== 'mcnemar-exact' && c.method !== 'mcnemar-chi-square' && c.p === 0 ? `< ${fmtNum(1 / resamples, 2)}` : fmtNum(c.p, 3),
    c.discordant ? `A only ${c.discordant.aOnly}, B only ${c.discordant.bOnly}` : c.low !== null ? `95% [${fmtNum(c.low, 4)}, ${fmtNum(c.high!, 4)}]` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => [...b[i]!].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return ['Paired comparisons (same items; A − B; McNemar for 0/1 metrics, paired bootstrap otherwise, of the corpus statistic for corpus metrics):', line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

function scoreCsv(rows: readonly ScoreRow[]): string {
  const esc = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = ['model,task,metric,continuous,higher_is_better,aggregation,n,value,low,high,se,tokenizer,lm_eval_agree,lm_eval_of'];
  for (const r of rows) {
    lines.push([r.model, r.task, r.metric, r.continuous, r.higherIsBetter, r.aggregation, r.n, r.value, r.interval?.low, r.interval?.high, r.interval?.se, r.tokenizer, r.lmEvalAgreement?.agree, r.lmEvalAgreement?.of].map(esc).join(','));
  }
  return lines.join('\n') + '\n';
}
