import type { Example } from '../core/types.js';
import { numberAfterMarker } from './prompt.js';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';

/**
 * n-digit addition answered two ways (seed 001's chain of thought against direct answers, on the
 * lab's own models; Nye et al. 2021's scratchpad): directly, "123+459=" → "582", or through a
 * scratchpad of right-to-left digit steps with their carries, then the answer after a marker:
 *   "123+459=" → "3+9+0=12,2+5+1=08,1+4+0=05,#582"
 * Each step is "a_i+b_i+carry_in=" and the two-digit column sum (carry out, digit). Both operands
 * have exactly n digits. Problems are split into train and test by a hash of the operands, so the
 * splits never share a problem whatever n, count or seed.
 */
export type AnswerStyle = 'direct' | 'scratchpad';
export const ANSWER_MARKER = '#';
/** Digits, '+', '=', newline (end of answer), ',' (end of a step) and the answer marker. */
export const SCRATCHPAD_ALPHABET = `0123456789+=\n,${ANSWER_MARKER}`;

export function scratchpadSteps(a: string, b: string): string {
  if (a.length !== b.length || !/^\d+$/.test(a + b)) throw new RangeError(`operands must be digit strings of one length, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  let carry = 0;
  let out = '';
  for (let i = a.length - 1; i >= 0; i--) {
    const s = Number(a[i]) + Number(b[i]) + carry;
    out += `${a[i]}+${b[i]}+${carry}=${Math.floor(s / 10)}${s % 10},`;
    carry = Math.floor(s / 10);
  }
  return out;
}

/** What follows the prompt "a+b=" in training, newline included. */
export function completionFor(style: AnswerStyle, a: string, b: string): string {
  const sum = String(BigInt(a) + BigInt(b));
  return style === 'direct' ? `${sum}\n` : `${scratchpadSteps(a, b)}${ANSWER_MARKER}${sum}\n`;
}

/**
 * The answer in a generation: for direct answers the leading digits; for scratchpads the digits right
 * after the first marker (the answer the model committed to; anything after it is ignored), or '' when
 * there is no marker or no digit after it.
 */
export function extractAdditionAnswer(style: AnswerStyle, text: string): string {
  if (style === 'direct') return /^\s*(\d+)/.exec(text)?.[1] ?? '';
  return numberAfterMarker(text, ANSWER_MARKER);
}

function problemHash(a: number, b: number): number {
  let h = 2166136261 ^ 0x2b;
  for (const v of [a, b]) {
    h = Math.imul(h ^ (v & 0xffff), 16777619);
    h = Math.imul(h ^ (v >>> 16), 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/** Share of each n-digit problem space held out for test. */
export const TEST_SHARE = 0.1;

/** One n-digit problem of the split, drawn by `next` (uniform in [0, 1)). */
export function drawProblem(n: number, split: 'train' | 'test', next: () => number): { a: string; b: string } {
  if (!(Number.isInteger(n) && n >= 1 && n <= 9)) throw new RangeError(`digits must be 1..9, got ${n}`);
  const lo = n === 1 ? 0 : 10 ** (n - 1);
  const span = 10 ** n - lo;
  // One-digit problems: 100 of them, so the split is by hash as for the rest (10 held out).
  for (;;) {
    const a = lo + Math.floor(next() * span);
    const b = lo + Math.floor(next() * span);
    if ((problemHash(a, b) < TEST_SHARE) === (split === 'test')) return { a: String(a), b: String(b) };
  }
}

/** `count` distinct test problems of each digit count, as harness examples targeting the plain sum. */
export function additionTestExamples(digits: readonly number[], count: number, seed: number): Example[] {
  const out: Example[] = [];
  for (const n of digits) {
    const rng = makeRng(deriveSeed(seed, 'digits', n));
    const space = (10 ** n - (n === 1 ? 0 : 10 ** (n - 1))) ** 2 * TEST_SHARE;
    const want = Math.min(count, Math.floor(space * 0.8));
    const seen = new Set<string>();
    while (seen.size < want) {
      const { a, b } = drawProblem(n, 'test', () => rng.next());
      const id = `${a}+${b}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, input: `${id}=`, targets: [String(BigInt(a) + BigInt(b))], choices: null, targetScores: null });
    }
  }
  return out;
}
