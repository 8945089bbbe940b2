import { pySplit } from './py-text.js';

/**
 * The BLEU tokenizers of sacreBLEU 2.x (Post 2018) that need no external model: `none`, `13a`
 * (mteval-v13a.pl, the default), `intl` (mteval-v14.pl's international tokenization) and `char`.
 * Each returns the line with tokens joined by single spaces, as sacreBLEU's do; BLEU then splits
 * it with Python's str.split().
 */
export type SacreBleuTokenizer = 'none' | '13a' | 'intl' | 'char';
export const SACREBLEU_TOKENIZERS: readonly SacreBleuTokenizer[] = ['none', '13a', 'intl', 'char'];

const RE_PUNCT = /([{-~[-` -&(-+:-@/])/gu;
const RE_PERIOD_COMMA_AFTER = /([^0-9])([.,])/gu;
const RE_PERIOD_COMMA_BEFORE = /([.,])([^0-9])/gu;
const RE_DASH = /([0-9])(-)/gu;

/** sacrebleu.tokenizers.tokenizer_13a.Tokenizer13a. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  s = ` ${s} `;
  s = s.replace(RE_PUNCT, ' $1 ');
  s = s.replace(RE_PERIOD_COMMA_AFTER, '$1 $2 ');
  s = s.replace(RE_PERIOD_COMMA_BEFORE, ' $1 $2');
  s = s.replace(RE_DASH, '$1 $2 ');
  return pySplit(s).join(' ');
}

// TokenizerV14International uses the `regex` module's Unicode classes: N number, P punctuation, S symbol.
const RE_INTL_PUNCT_AFTER_NON_DIGIT = /(\P{N})(\p{P})/gu;
const RE_INTL_PUNCT_BEFORE_NON_DIGIT = /(\p{P})(\P{N})/gu;
const RE_INTL_SYMBOL = /(\p{S})/gu;

/** sacrebleu.tokenizers.tokenizer_intl.TokenizerV14International. */
export function tokenizeIntl(line: string): string {
  const s = line
    .replace(RE_INTL_PUNCT_AFTER_NON_DIGIT, '$1 $2 ')
    .replace(RE_INTL_PUNCT_BEFORE_NON_DIGIT, ' $1 $2')
    .replace(RE_INTL_SYMBOL, ' $1 ');
  return pySplit(s).join(' ');
}

/** sacrebleu.tokenizers.tokenizer_char.TokenizerChar: every code point a token. */
export function tokenizeChar(line: string): string {
  return Array.from(line).join(' ');
}

export function sacreBleuTokenize(tokenizer: SacreBleuTokenizer, line: string): string {
  switch (tokenizer) {
    case 'none': return line;
    case '13a': return tokenize13a(line);
    case 'intl': return tokenizeIntl(line);
    case 'char': return tokenizeChar(line);
  }
}
