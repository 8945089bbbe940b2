import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { forEachJsonlObject } from '../importers/jsonl.js';
import type { Operation } from './arithmetic.js';

/**
 * Training problems from outside the generator: a JSONL file of {"input": "123+456=", "target": "579"}
 * lines, for instance a model's own answers that passed a filter (self-improvement). Targets are
 * taken as given, right or wrong: that is the point. The file is named in a trainer's spec with its
 * SHA-256, so the member's identity changes with its content, and a file changed since it was
 * planned is an error rather than a silent retrain on other data.
 */
export interface CorpusRef {
  readonly file: string;
  readonly sha256: string;
}

export interface CorpusProblem {
  readonly prompt: string;
  readonly answer: number;
}

const SYMBOL: Record<Operation, string> = { add: '+', sub: '-', mul: '*' };

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** Writes problems as a corpus (atomically) and returns the reference a trainer's spec holds. */
export function writeArithCorpus(file: string, rows: readonly { input: string; target: string }[]): CorpusRef {
  const text = rows.map((r) => JSON.stringify({ input: r.input, target: r.target })).join('\n') + '\n';
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return { file, sha256: sha256(text) };
}

/** A corpus file's text, after checking it is the one planned. */
function readCorpusText(ref: CorpusRef): string {
  let buf: Buffer;
  try {
    buf = readFileSync(ref.file);
  } catch {
    throw new DataError('cannot read the training corpus', { code: 'CORPUS_READ', file: ref.file });
  }
  if (sha256(buf) !== ref.sha256) throw new DataError(`the corpus changed since it was planned (sha256 ${sha256(buf).slice(0, 12)}…, planned ${ref.sha256.slice(0, 12)}…)`, { code: 'CORPUS_CHANGED', file: ref.file, hint: 'plan again from the new file' });
  return buf.toString('utf8');
}

/** Reads and checks a corpus: every line an n-digit problem of the operation, every target an integer. */
export function readArithCorpus(ref: CorpusRef, digits: number, operation: Operation): CorpusProblem[] {
  const d = `\\d{${digits}}`;
  const shape = new RegExp(`^${d}\\${SYMBOL[operation]}${d}=$`);
  const out: CorpusProblem[] = [];
  forEachJsonlObject(readCorpusText(ref), ref.file, 'CORPUS_FIELD', (o, _line, err) => {
    if (typeof o.input !== 'string' || !shape.test(o.input)) throw err('input', `expected a ${digits}-digit ${operation} prompt like ${'1'.repeat(digits)}${SYMBOL[operation]}${'2'.repeat(digits)}=, got ${JSON.stringify(o.input)}`);
    if (typeof o.target !== 'string' || !/^-?\d+$/.test(o.target.trim())) throw err('target', `expected an integer answer as a string, got ${JSON.stringify(o.target)}`);
    out.push({ prompt: o.input, answer: Number(o.target) });
  });
  if (out.length === 0) throw new DataError('the training corpus holds no problems', { code: 'CORPUS_EMPTY', file: ref.file });
  return out;
}

/**
 * Reads and checks a corpus of whole completions: every input an addition prompt "a+b=", every target
 * the text the model is trained to write after it (a scratchpad path, its own or a reference one),
 * in the given alphabet. Completions are taken as given: a sampled path may be wrong or malformed.
 */
export function readCompletionCorpus(ref: CorpusRef, alphabet: string): { readonly prompt: string; readonly completion: string }[] {
  const out: { prompt: string; completion: string }[] = [];
  forEachJsonlObject(readCorpusText(ref), ref.file, 'CORPUS_FIELD', (o, _line, err) => {
    if (typeof o.input !== 'string' || !/^\d+\+\d+=$/.test(o.input)) throw err('input', `expected an addition prompt like 12+34=, got ${JSON.stringify(o.input)}`);
    if (typeof o.target !== 'string' || o.target.length === 0 || [...o.target].some((c) => !alphabet.includes(c))) throw err('target', `expected a non-empty completion in the alphabet ${JSON.stringify(alphabet)}, got ${JSON.stringify(o.target)}`);
    out.push({ prompt: o.input, completion: o.target });
  });
  if (out.length === 0) throw new DataError('the training corpus holds no problems', { code: 'CORPUS_EMPTY', file: ref.file });
  return out;
}
