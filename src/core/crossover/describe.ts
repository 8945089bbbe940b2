import type { Crossing, CrossoverResult } from './crossover.js';

/** The two variants' names: A the baseline, B the variant (positive differences mean B is better). */
export interface PairNames {
  readonly a: string;
  readonly b: string;
}
type Fmt = (params: number) => string;

/** "cot overtakes direct at 62B [30B, 120B]", or for an onset "cot leads direct from 20K on (tied just below) [15K, 25K]". */
export function crossingPhrase(c: Crossing, names: PairNames, range: readonly [number, number], fmt: Fmt): string {
  const [lead, behind] = c.direction === 'b_overtakes_a' ? [names.b, names.a] : [names.a, names.b];
  const lo = c.interval.low === null ? `<${fmt(range[0])}` : fmt(c.interval.low);
  const hi = c.interval.high === null ? `>${fmt(range[1])}` : fmt(c.interval.high);
  const rungs = `between the models of ${fmt(c.between[0])} and ${fmt(c.between[1])}`;
  return c.kind === 'onset'
    ? `${lead} leads ${behind} from ${fmt(c.params)} on (tied just below) [${lo}, ${hi}], ${rungs}`
    : `${lead} overtakes ${behind} at ${fmt(c.params)} [${lo}, ${hi}], ${rungs}`;
}

/** The whole result in a line: its crossings, or who is ahead, or why there is no answer. */
export function outcomePhrase(r: CrossoverResult, names: PairNames, fmt: Fmt, withSupport = false): string {
  switch (r.outcome) {
    case 'too_few_points':
      return 'too few points';
    case 'never_crosses':
      return r.ahead === null ? 'tied throughout (within noise)' : `never crosses in range: ${r.ahead === 'b' ? names.b : names.a} ahead wherever they differ`;
    case 'crosses':
    case 'crosses_multiple': {
      const parts = r.crossings.map((c) => crossingPhrase(c, names, r.range, fmt) + (withSupport ? ` (support ${Math.round(100 * c.support)}%)` : ''));
      return r.outcome === 'crosses' ? parts[0]! : `crosses ${r.crossings.length}×: ${parts.join('; ')}`;
    }
  }
}
