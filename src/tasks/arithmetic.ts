import type { Example, Task } from '../core/types.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';

/**
 * n-digit arithmetic (Brown et al. 2020; the task of Schaeffer et al. 2023's mirage experiment):
 * both operands have exactly n digits; the prompt is "a+b=" and the target the answer's digits.
 * Problems are split into train and test by a hash of the operands, so the two splits never share a
 * problem whatever the counts or seed; within a split, problems are distinct and drawn by the seed.
 */
export type Operation = 'add' | 'sub' | 'mul';
export interface ArithmeticSpec {
  readonly digits: number;
  readonly operation: Operation;
  readonly count: number;
  readonly seed: number;
  readonly split: 'train' | 'test';
  /** Share of the problem space assigned to test. */
  readonly testShare?: number;
  /** Zero-pad answers to a fixed width (digits+1 for add and sub, 2·digits for mul), as the lab's models are trained. */
  readonly padAnswer?: boolean;
  /** The padded answer least significant digit first (implies padAnswer), as a model trained with `reverseAnswer` writes it. */
  readonly reverseAnswer?: boolean;
}

/** The width of a padded answer: digits + 1 for a sum or difference, 2·digits for a product. */
export function answerWidth(digits: number, op: Operation): number {
  return op === 'mul' ? 2 * digits : digits + 1;
}

/**
 * An answer as the lab's models write it: its digits zero-padded to the operation's width (a sign
 * first, then padding), and, reversed, least significant first with the padding zeros last.
 */
export function answerText(answer: number, digits: number, op: Operation, reverse = false): string {
  const sign = answer < 0 ? '-' : '';
  const body = String(Math.abs(answer)).padStart(answerWidth(digits, op) - sign.length, '0');
  return sign + (reverse ? [...body].reverse().join('') : body);
}

const SYMBOL: Record<Operation, string> = { add: '+', sub: '-', mul: '*' };

function answer(op: Operation, a: number, b: number): number {
  return op === 'add' ? a + b : op === 'sub' ? a - b : a * b;
}

/** A stable hash of a problem in [0, 1): decides its split. */
export function problemHash(a: number, b: number, op: Operation): number {
  let h = 2166136261 ^ op.charCodeAt(0);
  for (const v of [a, b]) {
    h = Math.imul(h ^ (v & 0xffff), 16777619);
    h = Math.imul(h ^ (v >>> 16), 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

export function arithmeticExamples(spec: ArithmeticSpec): Example[] {
  const { digits: n, operation, count, seed, split } = spec;
  if (!(Number.isInteger(n) && n >= 1 && n <= 7)) throw new RangeError(`digits must be 1..7, got ${n}`);
  const lo = n === 1 ? 0 : 10 ** (n - 1);
  const hi = 10 ** n;
  const space = (hi - lo) ** 2;
  const testShare = spec.testShare ?? 0.1;
  const want = split === 'test' ? testShare : 1 - testShare;
  if (count > space * want * 0.9) throw new RangeError(`${count} distinct ${n}-digit problems asked of a ${split} split of ~${Math.floor(space * want)}`);
  const rng = makeRng(seed);
  const seen = new Set<number>();
  const out: Example[] = [];
  while (out.length < count) {
    const a = lo + Math.floor(rng.next() * (hi - lo));
    const b = lo + Math.floor(rng.next() * (hi - lo));
    const key = a * hi + b;
    if (seen.has(key)) continue;
    seen.add(key);
    const inTest = problemHash(a, b, operation) < testShare;
    if (inTest !== (split === 'test')) continue;
    const ans = answer(operation, a, b);
    const text = spec.padAnswer || spec.reverseAnswer ? answerText(ans, n, operation, spec.reverseAnswer) : String(ans);
    out.push({ id: `${a}${SYMBOL[operation]}${b}`, input: `${a}${SYMBOL[operation]}${b}=`, targets: [text], choices: null, targetScores: null });
  }
  return out;
}

/** A generation task: test problems, few-shot examples drawn from the train split of the same generator. */
export function arithmeticTask(id: string, spec: Omit<ArithmeticSpec, 'split'>, shotPoolSize = 64): Task {
  return {
    id,
    kind: 'generate',
    examples: arithmeticExamples({ ...spec, split: 'test' }),
    shotPool: arithmeticExamples({ ...spec, count: Math.min(shotPoolSize, spec.count * 4 + 8), seed: deriveSeed(spec.seed, 'shots'), split: 'train' }),
    format: { taskPrefix: '', inputPrefix: '', outputPrefix: '', separator: '\n' },
    outputRegex: '^\\s*(-?\\d+)',
    metrics: ['exact_match', 'token_edit_distance', 'char_edit_distance'],
    preferredMetric: 'exact_match',
    source: `arithmetic:${spec.digits}-digit ${spec.operation}, seed ${spec.seed}`,
  };
}
