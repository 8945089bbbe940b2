import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import { Bm25Index } from './bm25-index.js';
import { counterfactualValue, factKey, rewriteFact, statedFacts, type Question, type World } from './fact-world.js';

/**
 * How the fact world is asked, closed book and with retrieval. Closed book, the question is the
 * fact's cloze, "bako lives in " (the documents' own sentence form, so recall is the weights'
 * alone, LAMA-style: Petroni et al. 2019). With retrieval, the top-k BM25 passages come first,
 * numbered, then the question, and the answer cites the passages it rests on:
 *   [1] bako lives in oslo. tiva owns a cat.
 *   [2] mero plays golf. bako owns a dog.
 *   q: bako lives in 
 * → "oslo [1]\n". Training cites every shown passage that states the fact (none when retrieval
 * missed it), so a citation means "this passage says so".
 */
export const RAG_ALPHABET = 'abcdefghijklmnopqrstuvwxyz .:[]0123456789\n';
/** The answer word at the start of a generation. */
export const ANSWER_REGEX = '^\\s*([a-z]+)';
export const QUESTION_MARK = 'q: ';

export function closedPrompt(q: Question): string {
  return q.prompt;
}

export function openPrompt(passages: readonly string[], q: Question): string {
  return passages.map((p, i) => `[${i + 1}] ${p}\n`).join('') + QUESTION_MARK + q.prompt;
}

export function openCompletion(answer: string, citations: readonly number[]): string {
  return `${answer}${citations.length ? ' ' : ''}${citations.map((n) => `[${n}]`).join('')}\n`;
}

/** 1-based positions of the shown passages that state the fact (entity, relation, value). */
export function supportingPositions(passages: readonly string[], w: World, entity: string, relation: string, value: string): number[] {
  const key = factKey(entity, relation, value);
  return passages.flatMap((p, i) => (statedFacts(p, w.relations).has(key) ? [i + 1] : []));
}

/** The citations of a generation's first line, [n] each, in order (repeats kept, as ALCE reads them). */
export function parseCitations(text: string): number[] {
  const line = text.split('\n')[0]!;
  return [...line.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

export function answerWord(text: string): string {
  return new RegExp(ANSWER_REGEX, 'u').exec(text)?.[1] ?? '';
}

/** Every question's top-k document ids from one BM25 index over the collection. */
export function retrieveAll(w: World, k: number): Map<string, string[]> {
  const index = new Bm25Index(w.docs.map((d) => ({ id: d.id, text: d.text })));
  return new Map(w.questions.map((q) => [q.id, index.top(q.prompt, k).map((h) => h.id)]));
}

/**
 * The index swap of one question (a counterfactual collection in the spirit of Longpre et al. 2021's
 * entity substitution): the retrieved passages with every sentence stating the fact restated with
 * another value of its relation, drawn from the question's own seed. Null when no retrieved passage
 * states the fact (nothing to swap).
 */
export function swapPassages(w: World, q: Question, passages: readonly string[], seed: number): { passages: string[]; value: string } | null {
  if (supportingPositions(passages, w, q.fact.entity, q.fact.relation, q.fact.value).length === 0) return null;
  const value = counterfactualValue(w, q.fact, makeRng(deriveSeed(seed, 'swap', q.id)).next);
  return { passages: passages.map((p) => rewriteFact(p, w, q.fact, value)), value };
}

/** The longest sequence a model of the world may see with k passages: prompt, a swapped value, the answer and k citations. */
export function openSequenceBound(w: World, retrieved: ReadonlyMap<string, readonly string[]>, k: number): number {
  const text = new Map(w.docs.map((d) => [d.id, d.text]));
  const lens = w.relations.flatMap((r) => r.values.map((v) => v.length));
  const slack = (Math.max(...lens) - Math.min(...lens)) * k;
  let longest = 0;
  for (const q of w.questions) {
    const prompt = openPrompt((retrieved.get(q.id) ?? []).map((id) => text.get(id)!), q);
    longest = Math.max(longest, prompt.length);
  }
  return longest + slack + openCompletion('x'.repeat(Math.max(...lens)), Array.from({ length: k }, (_, i) => i + 1)).length;
}

export function closedSequenceBound(w: World): number {
  const lens = w.relations.flatMap((r) => r.values.map((v) => v.length));
  return Math.max(...w.docs.map((d) => d.text.length), ...w.questions.map((q) => q.prompt.length + Math.max(...lens))) + 1;
}
