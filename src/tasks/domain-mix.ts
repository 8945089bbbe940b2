import type { Rng } from '../core/random/rng.js';

/**
 * A character-level corpus of four distinct "domains", so that whether a mixture of experts sends
 * each domain to its own experts is measurable (moe-vs-dense): two-digit addition ("37+45=082"),
 * sentences of a small grammar ("the red cat sees a dog."), copying ("qwzk|qwzk") and a Caesar cipher
 * ("qwzk>tzcn", shift 3). A training row holds examples of one domain, one per line, so every token
 * has a domain. Addition problems split by (a, b): one in five is held out for the arithmetic task and
 * never appears in training rows.
 */
export const DOMAINS = ['arithmetic', 'grammar', 'copy', 'cipher'] as const;
export type Domain = (typeof DOMAINS)[number];

export const DOMAIN_ALPHABET = '0123456789+=abcdefghijklmnopqrstuvwxyz .|>\n';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DET = ['the', 'a'];
const ADJ = ['red', 'big', 'old', 'shy'];
const NOUN = ['cat', 'dog', 'bird', 'fox', 'cow'];
const VERB = ['sees', 'likes', 'bites', 'finds'];

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

/** Held out for the arithmetic task: about one pair in five, fixed by the operands alone. */
export function isHeldOut(a: number, b: number): boolean {
  return ((a * 37 + b * 11) % 5) === 0;
}

export function additionLine(a: number, b: number): string {
  return `${String(a).padStart(2, '0')}+${String(b).padStart(2, '0')}=${String(a + b).padStart(3, '0')}\n`;
}

/** Every held-out addition problem as prompt and answer, in a fixed order. */
export function heldOutAdditions(): { prompt: string; answer: string }[] {
  const out: { prompt: string; answer: string }[] = [];
  for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) if (isHeldOut(a, b)) {
    const line = additionLine(a, b);
    out.push({ prompt: line.slice(0, 6), answer: line.slice(6, 9) });
  }
  return out;
}

function word(rng: Rng): string {
  const n = 3 + Math.floor(rng.next() * 3);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, Array.from(LETTERS));
  return s;
}

/** One example line of a domain, newline-terminated. */
export function exampleLine(domain: Domain, rng: Rng): string {
  switch (domain) {
    case 'arithmetic': {
      for (;;) {
        const a = Math.floor(rng.next() * 100), b = Math.floor(rng.next() * 100);
        if (!isHeldOut(a, b)) return additionLine(a, b);
      }
    }
    case 'grammar': {
      const np = (): string => `${pick(rng, DET)} ${rng.next() < 0.5 ? `${pick(rng, ADJ)} ` : ''}${pick(rng, NOUN)}`;
      return `${np()} ${pick(rng, VERB)} ${np()}.\n`;
    }
    case 'copy': {
      const w = word(rng);
      return `${w}|${w}\n`;
    }
    case 'cipher': {
      const w = word(rng);
      const shifted = Array.from(w, (c) => LETTERS[(LETTERS.indexOf(c) + 3) % 26]!).join('');
      return `${w}>${shifted}\n`;
    }
  }
}

/** A row of `length` characters of one domain: whole example lines, the last cut at the row's end. */
export function domainRow(domain: Domain, length: number, rng: Rng): string {
  let s = '';
  while (s.length < length) s += exampleLine(domain, rng);
  return s.slice(0, length);
}
