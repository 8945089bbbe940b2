import { ConfigError } from '../core/errors.js';
import type { Curve } from '../core/types.js';
import { parseCompareSpec, type CompareSpec } from '../core/crossover/pair.js';
import { audit } from '../core/analysis/audit.js';
import { curveId } from '../core/curves/key.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { auditDocument } from '../report/audit-document.js';
import { crossoverDocument } from '../report/crossover-document.js';
import { crossoverTable } from '../report/crossover-table.js';
import { jsonReplacer } from '../report/format.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';

/** `emergence audit --compare FIELD=A,B`: options, help lines, and the run (analysis lives in core/crossover). */
export const COMPARE_HELP = `  --compare F=A,B   compare two variants instead: F a label or column (family, task, metric,
                    shots), A the baseline, B the variant (e.g. prompting=direct,cot). Per pair of
                    curves: the difference against scale, where it changes sign, and its interval
  --level P         the crossover interval's level (default 0.9)
  --resamples N     bootstrap resamples per pair (default 1000)
  --items N         test items behind each value that has no stderr or n: binomial errors
                    (default: the residual scatter of each variant's fit)`;

export const COMPARE_OPTIONS = {
  compare: { type: 'string' },
  level: { type: 'string' },
  resamples: { type: 'string' },
  items: { type: 'string' },
} as const;

export interface CompareArgs {
  readonly compare: string;
  readonly level?: string | undefined;
  readonly resamples?: string | undefined;
  readonly items?: string | undefined;
}

export function parseCompareArgs(v: CompareArgs): { spec: CompareSpec; level: number; resamples: number; items: number | undefined } {
  const spec = parseCompareSpec(v.compare);
  if (typeof spec === 'string') throw new ConfigError(spec, { code: 'USAGE', field: '--compare' });
  const level = v.level === undefined ? 0.9 : Number(v.level);
  if (!(level > 0 && level < 1)) throw new ConfigError(`expected a number strictly between 0 and 1, got ${JSON.stringify(v.level)}`, { code: 'USAGE', field: '--level' });
  const resamples = v.resamples === undefined ? 1000 : Number(v.resamples);
  if (!Number.isInteger(resamples) || resamples < 1) throw new ConfigError(`expected a whole number >= 1, got ${JSON.stringify(v.resamples)}`, { code: 'USAGE', field: '--resamples' });
  const items = v.items === undefined ? undefined : Number(v.items);
  if (items !== undefined && (!Number.isInteger(items) || items < 1)) throw new ConfigError(`expected a whole number >= 1, got ${JSON.stringify(v.items)}`, { code: 'USAGE', field: '--items' });
  return { spec, level, resamples, items };
}

/** Fails on bad --compare, --level or --resamples, and on the last two without --compare. */
export function checkCompareArgs(v: { compare?: string | undefined } & Omit<CompareArgs, 'compare'>): void {
  if (v.compare !== undefined) parseCompareArgs({ ...v, compare: v.compare });
  else {
    const stray = (['level', 'resamples', 'items'] as const).find((k) => v[k] !== undefined);
    if (stray) throw new ConfigError(`--${stray} goes with --compare`, { code: 'USAGE', field: `--${stray}` });
  }
}

export async function runCompare(
  curves: readonly Curve[],
  args: CompareArgs,
  out: { inputs: readonly string[]; seed: number; holdout: number; json: boolean; csv: boolean; html?: string | undefined; outFile?: string | undefined; showAll: boolean; detail: boolean },
  ctx: CliContext,
): Promise<number> {
  const { spec, level, resamples, items } = parseCompareArgs(args);
  if (out.csv) throw new ConfigError('--compare writes a table or --json, not --csv', { code: 'USAGE', field: '--csv' });
  const log = ctx.logger;
  const t0 = performance.now();
  const doc = crossoverDocument(curves, spec, out.inputs, {
    level, resamples, seed: out.seed, items,
    onPair: (d, n) => log.progress({ phase: 'crossovers', done: d, total: n, unit: 'pairs', skipped: 0 }),
  });
  log.done();
  if (doc.pairs.length === 0) log.warn(`no pair of curves with ${spec.field}=${spec.a} and ${spec.field}=${spec.b} that agree on everything else`);
  log.info(`${doc.pairs.length} pairs compared in ${Math.round(performance.now() - t0)} ms`);
  const text = out.json ? JSON.stringify(doc, jsonReplacer, 2) + '\n' : crossoverTable(doc, { showAll: out.showAll, detail: out.detail });
  if (out.html !== undefined) {
    const shownPairs = doc.pairs.filter((e) => out.showAll || Math.min(e.a.points.length, e.b.points.length) >= 4);
    const involved = new Set(shownPairs.flatMap((e) => [e.a.id, e.b.id]));
    const auditCurves = curves.filter((c) => involved.has(curveId(c.key)));
    const report = audit(auditCurves, { holdout: out.holdout });
    const { auditHtml } = await import('../report/html.js');
    writeAtomic(out.html, auditHtml(auditDocument(auditCurves, report, out.inputs, out.holdout, DEFAULT_THRESHOLDS), `Crossover: ${spec.field} ${spec.b} vs ${spec.a}`, undefined, undefined, { ...doc, pairs: shownPairs }));
    log.info(`wrote ${out.html}`);
  }
  if (out.outFile !== undefined) {
    writeAtomic(out.outFile, text);
    log.info(`wrote ${out.outFile}`);
  } else ctx.stdout.write(text);
  return 0;
}
